//! The demonstration catalogue is valid, complete enough for the product,
//! and searchable from everyday words; a broken catalogue is refused with
//! the file and entry named.

use app::domain::journey::{personalise, Answers};
use app::domain::search::SearchIndex;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("catalogue")
}

#[test]
fn the_demonstration_catalogue_is_valid_and_complete() {
    let c = doorstep::catalogue_files::load(&dir()).unwrap_or_else(|e| panic!("{e}"));
    assert!(c.services().len() >= 60, "{} services", c.services().len());
    assert!(c.life_events().len() >= 9);
    assert!((10..=20).contains(&c.place.areas.len()));
    for slug in [
        "moving-home",
        "getting-married",
        "having-a-baby",
        "when-someone-dies",
    ] {
        assert!(c.life_event(slug).is_some(), "{slug}");
    }
    // The dots the product is about are connected.
    let related = |a: &str, b: &str| {
        c.service(a)
            .unwrap_or_else(|| panic!("{a}"))
            .related
            .iter()
            .any(|r| r == b)
    };
    assert!(related("skip-hire", "skip-permit"));
    assert!(
        related("skip-permit", "planning-permission") || related("skip-permit", "building-control")
    );
    assert!(related("book-a-ceremony", "give-notice-of-marriage"));
    assert!(related("give-notice-of-marriage", "book-a-ceremony"));
    assert!(
        related("book-a-ceremony", "temporary-event-notice")
            || related("wedding-venue-hollin-park", "temporary-event-notice")
    );
    assert!(
        related("residents-parking-permit", "parking-bay-suspension")
            || related("residents-parking-permit", "road-closure")
    );
    // Legal deadlines are in the data.
    let deadline = |le: &str, service: &str| {
        c.life_event(le)
            .unwrap()
            .steps
            .iter()
            .flat_map(|s| &s.tasks)
            .find(|t| t.service == service)
            .and_then(|t| t.deadline.clone())
            .map(|d| d.days)
    };
    assert_eq!(deadline("having-a-baby", "register-a-birth"), Some(42));
    assert_eq!(deadline("when-someone-dies", "register-a-death"), Some(5));
    assert_eq!(
        deadline("getting-married", "give-notice-of-marriage"),
        Some(29)
    );
}

#[test]
fn personalisation_hides_tasks_that_do_not_apply() {
    let c = doorstep::catalogue_files::load(&dir()).unwrap();
    let le = c.life_event("moving-home").unwrap();
    let count = |answers: &[(&str, &str)]| -> usize {
        personalise(le, &Answers::parse(le, answers.iter().copied()))
            .iter()
            .map(|s| s.tasks.len())
            .sum()
    };
    let everything = count(&[]);
    let owner_no_car = count(&[("tenure", "own"), ("car", "no")]);
    assert!(owner_no_car < everything, "{owner_no_car} < {everything}");
    let services = |answers: &[(&str, &str)]| -> Vec<String> {
        personalise(le, &Answers::parse(le, answers.iter().copied()))
            .iter()
            .flat_map(|s| s.tasks.iter().map(|t| t.service.clone()))
            .collect()
    };
    assert!(services(&[("tenure", "rent")]).contains(&"tenancy-deposit-protection".to_owned()));
    assert!(!services(&[("tenure", "own")]).contains(&"tenancy-deposit-protection".to_owned()));
    // Steps are renumbered from 1 without gaps.
    let steps = personalise(
        le,
        &Answers::parse(le, [("tenure", "own"), ("car", "no"), ("children", "no")]),
    );
    assert!(steps.iter().enumerate().all(|(i, s)| s.number == i + 1));
}

#[test]
fn everyday_words_find_the_right_things_first() {
    let c = doorstep::catalogue_files::load(&dir()).unwrap();
    let index = SearchIndex::new(&c);
    let top = |q: &str, n: usize| -> Vec<String> {
        index.search(q, n).into_iter().map(|h| h.slug).collect()
    };
    assert_eq!(top("wedding", 1), ["getting-married"]);
    assert_eq!(top("new baby", 1), ["having-a-baby"]);
    assert!(
        top("skip", 3).contains(&"skip-permit".to_owned()),
        "{:?}",
        top("skip", 3)
    );
    assert!(top("skip", 3).contains(&"skip-hire".to_owned()));
    // Two letters typed so far are enough to find it.
    assert!(
        top("sk", 4).iter().any(|s| s.starts_with("skip")),
        "{:?}",
        top("sk", 4)
    );
    assert!(
        top("bins", 5).iter().any(|s| s.contains("bin")),
        "{:?}",
        top("bins", 5)
    );
    assert!(
        top("council tax", 5).contains(&"council-tax-moving".to_owned()),
        "{:?}",
        top("council tax", 5)
    );
    assert!(
        top("counsil tax", 5)
            .iter()
            .all(|s| s.starts_with("council-tax")),
        "typos: {:?}",
        top("counsil tax", 5)
    );
    assert!(
        top("weding", 1) == ["getting-married"],
        "{:?}",
        top("weding", 1)
    );
    assert!(top("xqzvbn", 5).is_empty());
    assert!(top("", 5).is_empty());
    assert!(
        top("the and of", 5).is_empty(),
        "stop words alone find nothing"
    );
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn a_broken_catalogue_is_refused_naming_the_file_and_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::copy(dir().join("place.toml"), root.join("place.toml")).unwrap();
    write(
        root,
        "services/a.toml",
        r#"
[[services]]
slug = "skip-hire"
name = "Skip hire"
summary = "Hire a skip."
description = "Hire a skip."
organisation = "no-such-org"
eligibility_description = "Anyone"
fees_description = "Varies"
related = ["skip-permit"]
channels = [{ kind = "phone", number = "01632 960001" }]
"#,
    );
    write(
        root,
        "life_events/x.toml",
        r#"
slug = "building-work"
name = "Building work"
summary = "Work on your home."
[[steps]]
title = "Plan"
summary = "Plan it."
[[steps.tasks]]
service = "planning-permission"
kind = "required"
deadline = { days = 0, side = "after", basis = "" }
"#,
    );
    let err = doorstep::catalogue_files::load(root)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("services/a.toml: service skip-hire: unknown organisation 'no-such-org'"),
        "{err}"
    );
    assert!(
        err.contains("related service 'skip-permit' does not exist"),
        "{err}"
    );
    assert!(err.contains("life_events/x.toml: life event building-work, step 1 'Plan', task planning-permission: service 'planning-permission' does not exist"), "{err}");
    assert!(
        err.contains("a deadline needs the life event to have an event_date_label"),
        "{err}"
    );
    assert!(err.contains("out of range"), "{err}");

    write(root, "services/b.toml", "[[services]]\nslug = 3\n");
    let err = doorstep::catalogue_files::load(root)
        .unwrap_err()
        .to_string();
    assert!(err.contains("services/b.toml: file:"), "{err}");
}
