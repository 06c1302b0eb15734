//! The suggestion engine: which services a person probably needs next,
//! blending the catalogue's curated links with what recorded journeys show
//! people actually needed together.
//!
//! It keeps, in memory, which services each journey used and how many
//! journeys used each service and each pair. Every interaction updates the
//! counts at once (no batch job); on start-up they are rebuilt from the
//! database. A learned link counts only once at least [`MIN_SUPPORT`]
//! distinct journeys show it, so no suggestion can reveal one person's
//! behaviour.

use super::catalogue::Catalogue;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Distinct journeys that must share two services before the pair is used.
pub const MIN_SUPPORT: u32 = 5;
/// Pseudo-journeys of prior belief in smoothing: rare pairs are pulled
/// towards "no better than chance" until evidence builds up.
const SMOOTHING: f64 = 5.0;
/// How many journeys from an area it takes for the area's own pattern to
/// count as much as the place-wide one.
const AREA_HALF_WEIGHT: f64 = 30.0;
const CURATED_SERVICE: f64 = 0.35;
const CURATED_LIFE_EVENT: f64 = 0.3;

/// Where a suggestion comes from: recorded interactions, the catalogue's
/// curated links, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Learned,
    Curated,
    Both,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Suggestion {
    /// The suggested service's slug.
    pub service: String,
    pub name: String,
    /// Why, in words a citizen understands.
    pub reason: String,
    /// Higher is better; only the order is meaningful.
    pub score: f64,
    pub source: Source,
}

/// What the suggestions are for.
#[derive(Clone, Debug, Default)]
pub struct Context {
    pub services: Vec<String>,
    pub life_event: Option<String>,
    pub journey: Option<String>,
    pub area: Option<String>,
    /// Services not to suggest (already in the person's plan, say).
    pub exclude: Vec<String>,
}

impl Context {
    /// What to suggest beside a plan: services related to everything in it
    /// (its tasks are what the person needs), never what it already has.
    pub fn for_plan(plan: &super::plan::PlanView, journey: String) -> Context {
        let in_plan: Vec<String> = plan
            .events
            .iter()
            .flat_map(|e| e.tasks().map(|t| t.service.clone()))
            .collect();
        Context {
            services: in_plan.clone(),
            life_event: plan.events.first().map(|e| e.life_event.clone()),
            journey: Some(journey),
            area: None,
            exclude: in_plan,
        }
    }
}

/// Which blend to use; the alternatives exist so the simulator can show
/// what each source adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Blended,
    CuratedOnly,
    PopularityOnly,
}

#[derive(Default)]
struct Journey {
    area: Option<u16>,
    services: Vec<u16>,
}

type Pair = (u16, u16);

fn pair(a: u16, b: u16) -> Pair {
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

#[derive(Default)]
struct Counts {
    journeys: u32,
    per_service: Vec<u32>,
    pairs: HashMap<Pair, u32>,
}

impl Counts {
    fn new(services: usize) -> Self {
        Counts {
            journeys: 0,
            per_service: vec![0; services],
            pairs: HashMap::new(),
        }
    }

    fn pair(&self, a: u16, b: u16) -> u32 {
        self.pairs.get(&pair(a, b)).copied().unwrap_or(0)
    }

    /// Smoothed P(b | a) and the base rate P(b).
    fn conditional(&self, a: u16, b: u16) -> Option<(f64, f64)> {
        if self.journeys == 0 {
            return None;
        }
        let p_b = f64::from(self.per_service[b as usize]) / f64::from(self.journeys);
        let n_a = f64::from(self.per_service[a as usize]);
        let p = (f64::from(self.pair(a, b)) + SMOOTHING * p_b) / (n_a + SMOOTHING);
        Some((p, p_b))
    }
}

/// Learned co-occurrence, updated continuously.
pub struct Engine {
    slugs: Vec<String>,
    index: HashMap<String, u16>,
    areas: HashMap<String, u16>,
    journeys: HashMap<String, Journey>,
    all: Counts,
    by_area: HashMap<u16, Counts>,
}

impl Engine {
    pub fn new(catalogue: &Catalogue) -> Self {
        let slugs: Vec<String> = catalogue
            .services()
            .iter()
            .map(|s| s.slug.clone())
            .collect();
        let index = slugs
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i as u16))
            .collect();
        let areas = catalogue
            .place
            .areas
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.clone(), i as u16))
            .collect();
        Engine {
            all: Counts::new(slugs.len()),
            slugs,
            index,
            areas,
            journeys: HashMap::new(),
            by_area: HashMap::new(),
        }
    }

    /// Records that `journey` needed `service`. Repeats change nothing.
    pub fn observe(&mut self, journey: &str, area: Option<&str>, service: &str) {
        let Some(&s) = self.index.get(service) else {
            return;
        };
        let area = area.and_then(|a| self.areas.get(a).copied());
        let n_services = self.slugs.len();
        let j = self.journeys.entry(journey.to_owned()).or_default();
        if j.area.is_none() {
            j.area = area;
        }
        if j.services.contains(&s) {
            return;
        }
        let first = j.services.is_empty();
        let mut targets = vec![&mut self.all];
        if let Some(a) = j.area {
            targets.push(
                self.by_area
                    .entry(a)
                    .or_insert_with(|| Counts::new(n_services)),
            );
        }
        for counts in targets {
            if first {
                counts.journeys += 1;
            }
            counts.per_service[s as usize] += 1;
            for &other in &j.services {
                *counts.pairs.entry(pair(s, other)).or_insert(0) += 1;
            }
        }
        j.services.push(s);
    }

    /// Forgets a journey entirely (its plan was deleted, or it expired).
    pub fn forget(&mut self, journey: &str) {
        let Some(j) = self.journeys.remove(journey) else {
            return;
        };
        let mut targets = vec![&mut self.all];
        if let Some(a) = j.area {
            if let Some(c) = self.by_area.get_mut(&a) {
                targets.push(c);
            }
        }
        for counts in targets {
            if !j.services.is_empty() {
                counts.journeys = counts.journeys.saturating_sub(1);
            }
            for (i, &s) in j.services.iter().enumerate() {
                counts.per_service[s as usize] = counts.per_service[s as usize].saturating_sub(1);
                for &other in &j.services[..i] {
                    if let Some(n) = counts.pairs.get_mut(&pair(s, other)) {
                        *n = n.saturating_sub(1);
                    }
                }
            }
        }
    }

    pub fn journey_count(&self) -> usize {
        self.journeys.len()
    }

    /// Services this journey has needed so far.
    pub fn journey_services(&self, journey: &str) -> Vec<String> {
        self.journeys
            .get(journey)
            .map(|j| {
                j.services
                    .iter()
                    .map(|&s| self.slugs[s as usize].clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// How strongly `a` points to `b`, or nothing below the support bar.
    fn learned(&self, a: u16, b: u16, area: Option<u16>) -> f64 {
        if self.all.pair(a, b) < MIN_SUPPORT {
            return 0.0;
        }
        let Some((mut p, mut p_b)) = self.all.conditional(a, b) else {
            return 0.0;
        };
        if let Some(local) = area.and_then(|x| self.by_area.get(&x)) {
            if local.pair(a, b) >= MIN_SUPPORT {
                if let Some((pl, pl_b)) = local.conditional(a, b) {
                    let n = f64::from(local.per_service[a as usize]);
                    let w = n / (n + AREA_HALF_WEIGHT);
                    p = w * pl + (1.0 - w) * p;
                    p_b = w * pl_b + (1.0 - w) * p_b;
                }
            }
        }
        let lift = if p_b > 0.0 { p / p_b } else { 0.0 };
        if lift <= 1.0 {
            0.0
        } else {
            p * lift.ln()
        }
    }

    /// The best suggestions for `ctx`, best first, never one the context
    /// already has.
    pub fn suggest(
        &self,
        catalogue: &Catalogue,
        ctx: &Context,
        limit: usize,
        mode: Mode,
    ) -> Vec<Suggestion> {
        let mut have: Vec<String> = ctx.services.clone();
        if let Some(j) = &ctx.journey {
            have.extend(self.journey_services(j));
        }
        let have_idx: Vec<u16> = have
            .iter()
            .filter_map(|s| self.index.get(s).copied())
            .collect();
        let area = ctx.area.as_deref().and_then(|a| self.areas.get(a).copied());
        let excluded =
            |slug: &str| have.iter().any(|h| h == slug) || ctx.exclude.iter().any(|h| h == slug);
        let name = |slug: &str| {
            catalogue
                .service(slug)
                .map(|s| s.name.clone())
                .unwrap_or_default()
        };

        let mut out = Vec::new();
        for (b, slug) in self.slugs.iter().enumerate() {
            // A service the catalogue no longer has (it was just reloaded).
            if excluded(slug) || catalogue.service(slug).is_none() {
                continue;
            }
            let b = b as u16;
            let mut learned = (0.0, None);
            let mut curated = (0.0, None);
            match mode {
                Mode::PopularityOnly => {
                    let n = f64::from(self.all.per_service[b as usize]);
                    if n > 0.0 {
                        learned = (
                            n / f64::from(self.all.journeys.max(1)),
                            Some("Often needed by people in this place".to_owned()),
                        );
                    }
                }
                Mode::Blended | Mode::CuratedOnly => {
                    if mode == Mode::Blended {
                        for &a in &have_idx {
                            let s = self.learned(a, b, area);
                            if s > learned.0 {
                                let a_name = name(&self.slugs[a as usize]);
                                learned = (
                                    s,
                                    Some(format!(
                                        "Often needed by people who also need “{a_name}”"
                                    )),
                                );
                            }
                        }
                    }
                    for a in &have {
                        if catalogue
                            .service(a)
                            .is_some_and(|s| s.related.iter().any(|r| r == slug))
                        {
                            curated = (
                                CURATED_SERVICE,
                                Some(format!("Usually goes with “{}”", name(a))),
                            );
                            break;
                        }
                    }
                    if curated.0 == 0.0 {
                        if let Some(le) = ctx
                            .life_event
                            .as_deref()
                            .and_then(|l| catalogue.life_event(l))
                        {
                            if le
                                .steps
                                .iter()
                                .flat_map(|s| &s.tasks)
                                .any(|t| &t.service == slug)
                            {
                                curated = (
                                    CURATED_LIFE_EVENT,
                                    Some(format!("Part of {}", le.name.to_lowercase())),
                                );
                            }
                        }
                    }
                }
            }
            let score = learned.0 + curated.0;
            if score <= 0.0 {
                continue;
            }
            let (source, reason) = match (learned.1, curated.1) {
                (Some(l), Some(_)) => (Source::Both, l),
                (Some(l), None) => (Source::Learned, l),
                (None, Some(c)) => (Source::Curated, c),
                (None, None) => continue,
            };
            out.push(Suggestion {
                service: slug.clone(),
                name: name(slug),
                reason,
                score: (score * 1000.0).round() / 1000.0,
                source,
            });
        }
        out.sort_by(|x, y| {
            y.score
                .total_cmp(&x.score)
                .then_with(|| x.service.cmp(&y.service))
        });
        out.truncate(limit);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalogue::*;

    fn service(slug: &str, related: &[&str]) -> Sourced<Service> {
        Sourced {
            file: "t.toml".into(),
            item: Service {
                slug: slug.into(),
                name: slug.replace('-', " "),
                summary: "s".into(),
                description: "d".into(),
                organisation: "council".into(),
                status: ServiceStatus::Active,
                url: None,
                eligibility_description: "e".into(),
                fees_description: "f".into(),
                deadline_description: None,
                lgsl: None,
                keywords: vec![],
                related: related.iter().map(|r| r.to_string()).collect(),
                channels: vec![Channel::Phone {
                    number: "01632 960000".into(),
                    hours: None,
                }],
            },
        }
    }

    fn catalogue() -> Catalogue {
        let place = Place {
            name: "Testshire".into(),
            short_name: "Test".into(),
            description: "d".into(),
            website: "https://t.example".into(),
            phone: "01632 960000".into(),
            email: "a@t.example".into(),
            address: "a".into(),
            opening_hours: "h".into(),
            areas: vec![
                Area {
                    code: "N".into(),
                    name: "North".into(),
                },
                Area {
                    code: "S".into(),
                    name: "South".into(),
                },
            ],
            organisations: vec![Organisation {
                id: "council".into(),
                name: "Council".into(),
                kind: OrganisationKind::Council,
                url: "https://t.example".into(),
            }],
        };
        let services = vec![
            service("skip-hire", &["skip-permit"]),
            service("skip-permit", &["skip-hire"]),
            service("planning", &[]),
            service("bins", &[]),
            service("parking", &[]),
        ];
        let le = LifeEvent {
            slug: "building-work".into(),
            name: "Building work".into(),
            summary: "s".into(),
            keywords: vec![],
            event_date_label: None,
            questions: vec![],
            steps: vec![Step {
                title: "t".into(),
                summary: "s".into(),
                connector: Connector::And,
                tasks: vec![Task {
                    service: "planning".into(),
                    kind: TaskKind::Required,
                    text: None,
                    deadline: None,
                    show_if: Default::default(),
                }],
            }],
        };
        Catalogue::new(
            Sourced {
                file: "p".into(),
                item: place,
            },
            services,
            vec![Sourced {
                file: "l".into(),
                item: le,
            }],
            Synonyms::default(),
        )
        .unwrap()
    }

    fn ctx(services: &[&str]) -> Context {
        Context {
            services: services.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    /// `n` journeys that each needed all of `services`, plus background noise
    /// so that base rates are not degenerate.
    fn journeys(e: &mut Engine, prefix: &str, n: usize, area: Option<&str>, services: &[&str]) {
        for i in 0..n {
            for s in services {
                e.observe(&format!("{prefix}{i}"), area, s);
            }
        }
    }

    fn noise(e: &mut Engine) {
        for i in 0..40 {
            e.observe(
                &format!("noise{i}"),
                None,
                if i % 2 == 0 { "bins" } else { "parking" },
            );
        }
    }

    #[test]
    fn a_learned_link_needs_five_journeys() {
        let c = catalogue();
        let mut e = Engine::new(&c);
        noise(&mut e);
        journeys(&mut e, "j", 4, None, &["skip-permit", "planning"]);
        let learned = |e: &Engine| {
            e.suggest(&c, &ctx(&["skip-permit"]), 5, Mode::Blended)
                .into_iter()
                .find(|s| s.service == "planning")
        };
        assert!(learned(&e).is_none(), "four journeys are not enough");
        journeys(&mut e, "k", 1, None, &["skip-permit", "planning"]);
        let s = learned(&e).expect("five journeys are");
        assert_eq!(s.source, Source::Learned);
        assert!(s.reason.contains("skip permit"), "{}", s.reason);
    }

    #[test]
    fn curated_and_learned_blend_and_the_context_is_never_suggested() {
        let c = catalogue();
        let mut e = Engine::new(&c);
        noise(&mut e);
        let curated = e.suggest(&c, &ctx(&["skip-hire"]), 5, Mode::Blended);
        assert_eq!(curated[0].service, "skip-permit");
        assert_eq!(curated[0].source, Source::Curated);
        journeys(&mut e, "j", 10, None, &["skip-hire", "skip-permit"]);
        let both = e.suggest(&c, &ctx(&["skip-hire"]), 5, Mode::Blended);
        assert_eq!(both[0].source, Source::Both);
        assert!(both[0].score > curated[0].score);
        let with_both = e.suggest(&c, &ctx(&["skip-hire", "skip-permit"]), 5, Mode::Blended);
        assert!(with_both
            .iter()
            .all(|s| s.service != "skip-hire" && s.service != "skip-permit"));
        let mut excluded = ctx(&["skip-hire"]);
        excluded.exclude.push("skip-permit".into());
        assert!(e
            .suggest(&c, &excluded, 5, Mode::Blended)
            .iter()
            .all(|s| s.service != "skip-permit"));
    }

    #[test]
    fn life_events_suggest_their_own_tasks() {
        let c = catalogue();
        let e = Engine::new(&c);
        let s = e.suggest(
            &c,
            &Context {
                life_event: Some("building-work".into()),
                ..Default::default()
            },
            5,
            Mode::Blended,
        );
        assert_eq!(s[0].service, "planning");
        assert_eq!(s[0].reason, "Part of building work");
    }

    #[test]
    fn a_journey_context_uses_what_it_has_done() {
        let c = catalogue();
        let mut e = Engine::new(&c);
        e.observe("me", None, "skip-hire");
        let s = e.suggest(
            &c,
            &Context {
                journey: Some("me".into()),
                ..Default::default()
            },
            5,
            Mode::Blended,
        );
        assert_eq!(s[0].service, "skip-permit");
        assert!(s.iter().all(|x| x.service != "skip-hire"));
    }

    #[test]
    fn an_area_with_enough_data_counts_more() {
        let c = catalogue();
        let mut e = Engine::new(&c);
        // Place-wide, bins go equally with parking and with planning; in
        // the north with parking, in the south with planning.
        journeys(&mut e, "n", 30, Some("N"), &["bins", "parking"]);
        journeys(&mut e, "np", 30, Some("N"), &["planning"]);
        journeys(&mut e, "nk", 30, Some("N"), &["skip-hire"]);
        journeys(&mut e, "s", 30, Some("S"), &["bins", "planning"]);
        journeys(&mut e, "sp", 30, Some("S"), &["parking"]);
        journeys(&mut e, "sk", 30, Some("S"), &["skip-hire"]);
        let north = e.suggest(
            &c,
            &Context {
                services: vec!["bins".into()],
                area: Some("N".into()),
                ..Default::default()
            },
            5,
            Mode::Blended,
        );
        let south = e.suggest(
            &c,
            &Context {
                services: vec!["bins".into()],
                area: Some("S".into()),
                ..Default::default()
            },
            5,
            Mode::Blended,
        );
        assert_eq!(north[0].service, "parking");
        assert_eq!(south[0].service, "planning");
    }

    #[test]
    fn learning_is_continuous_and_forgetting_undoes_it() {
        let c = catalogue();
        let mut e = Engine::new(&c);
        noise(&mut e);
        journeys(&mut e, "j", 5, None, &["bins", "planning"]);
        assert!(e
            .suggest(&c, &ctx(&["bins"]), 5, Mode::Blended)
            .iter()
            .any(|s| s.service == "planning"));
        // Observing the same thing again changes nothing.
        journeys(&mut e, "j", 5, None, &["bins", "planning"]);
        e.forget("j0");
        assert!(
            e.suggest(&c, &ctx(&["bins"]), 5, Mode::Blended)
                .iter()
                .all(|s| s.service != "planning"),
            "back under five journeys"
        );
    }
}
