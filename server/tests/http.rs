//! The real server on a random port, driven over HTTP like a browser
//! without JavaScript (and, for the JSON paths, like the islands).

mod common;

use common::{get_text, post, text_of, TestApp};

async fn every_page_type_renders(app: TestApp) {
    let c = app.client();
    for path in [
        "/",
        "/life-events/moving-home",
        "/life-events/getting-married",
        "/life-events/having-a-baby",
        "/life-events/when-someone-dies",
        "/services/skip-permit",
        "/search?q=bins",
        "/search?q=",
        "/plan",
    ] {
        let (status, body) = get_text(&c, &app.url(path)).await;
        assert_eq!(status, 200, "{path}");
        assert!(body.contains("<h1>"), "{path} has a heading");
        assert!(
            body.contains("href=\"/\""),
            "{path} links back to the front door"
        );
    }
    for path in [
        "/no-such-page",
        "/life-events/no-such-event",
        "/services/no-such-service",
    ] {
        let (status, body) = get_text(&c, &app.url(path)).await;
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("Page not found"), "{path}");
    }
    let (status, body) = get_text(&c, &app.url("/healthz")).await;
    assert_eq!((status, body.as_str()), (200, "ok"));
}
on_both_databases!(every_page_type_renders);

async fn plan_lifecycle_through_plain_forms(app: TestApp) {
    let phone = app.client();
    let r = post(
        &phone,
        &app.url("/plan/start"),
        &[
            ("life_event", "moving-home"),
            ("answers", "tenure=rent"),
            ("request_id", "00112233445566778899aabbccddeeff"),
            ("day", "1"),
            ("month", "3"),
            ("year", "2027"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/plan");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let (_, page) = get_text(&phone, &app.url("/plan")).await;
    let reference = text_of(&page, "plan-reference").expect("reference shown");
    assert_eq!(reference.len(), 11, "{reference}");
    let progress = text_of(&page, "plan-progress").unwrap();
    assert!(progress.starts_with("You have done 0 of "), "{progress}");
    assert!(page.contains("data-task=\"moving-home/council-tax-moving\""));

    let r = post(
        &phone,
        &app.url("/plan/tasks"),
        &[("task", "moving-home/council-tax-moving"), ("done", "true")],
    )
    .await;
    assert_eq!(r.status(), 303);
    // Ticking again is harmless: it is a state, not a toggle.
    let r = post(
        &phone,
        &app.url("/plan/tasks"),
        &[("task", "moving-home/council-tax-moving"), ("done", "true")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, page) = get_text(&phone, &app.url("/plan")).await;
    assert!(text_of(&page, "plan-progress")
        .unwrap()
        .starts_with("You have done 1 of "));

    // Another device, the reference typed loosely.
    let laptop = app.client();
    let typed = reference.to_lowercase().replace('-', " ");
    let r = post(&laptop, &app.url("/plan/resume"), &[("reference", &typed)]).await;
    assert_eq!(r.status(), 303);
    let (_, page) = get_text(&laptop, &app.url("/plan")).await;
    assert_eq!(
        text_of(&page, "plan-reference").as_deref(),
        Some(reference.as_str())
    );
    assert!(text_of(&page, "plan-progress")
        .unwrap()
        .starts_with("You have done 1 of "));

    // Adding a second life event to the same plan.
    let r = post(
        &laptop,
        &app.url("/plan/start"),
        &[
            ("life_event", "having-a-baby"),
            ("request_id", "ffeeddccbbaa99887766554433221100"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, page) = get_text(&phone, &app.url("/plan")).await;
    assert!(
        page.contains("data-task=\"having-a-baby/register-a-birth\""),
        "both devices see the added life event"
    );

    let r = post(&phone, &app.url("/plan/delete"), &[("confirm", "yes")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/plan?deleted=1");
    let (_, page) = get_text(&phone, &app.url("/plan?deleted=1")).await;
    assert!(page.contains("Your plan has been deleted."));
    let (_, page) = get_text(&laptop, &app.url("/plan")).await;
    assert!(
        page.contains("no longer exists"),
        "the other device is told the plan is gone"
    );
    let r = post(
        &app.client(),
        &app.url("/plan/resume"),
        &[("reference", &reference)],
    )
    .await;
    assert_eq!(r.status(), 404);
}
on_both_databases!(plan_lifecycle_through_plain_forms);

async fn starting_twice_with_one_request_id_makes_one_plan(app: TestApp) {
    let form = [
        ("life_event", "getting-married"),
        ("request_id", "0123456789abcdef0123456789abcdef"),
    ];
    let a = app.client();
    post(&a, &app.url("/plan/start"), &form).await;
    let (_, page) = get_text(&a, &app.url("/plan")).await;
    // A retry from a device that never got the first answer's cookie.
    let b = app.client();
    let r = post(&b, &app.url("/plan/start"), &form).await;
    assert_eq!(r.status(), 303);
    let (_, again) = get_text(&b, &app.url("/plan")).await;
    assert_eq!(
        text_of(&page, "plan-reference"),
        text_of(&again, "plan-reference")
    );
}
on_both_databases!(starting_twice_with_one_request_id_makes_one_plan);

async fn islands_get_json_from_the_same_endpoints(app: TestApp) {
    let c = app.client();
    let r = c
        .post(app.url("/plan/start"))
        .header("accept", "application/json")
        .form(&[("life_event", "when-someone-dies")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["reference"].as_str().unwrap().len() == 11);
    let r = c
        .post(app.url("/plan/tasks"))
        .header("accept", "application/json")
        .form(&[
            ("task", "when-someone-dies/register-a-death"),
            ("done", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["done"], true);
    assert!(body["progress"]
        .as_str()
        .unwrap()
        .starts_with("You have done 1 of "));
    let r = c
        .post(app.url("/plan/tasks"))
        .header("accept", "application/json")
        .form(&[("task", "when-someone-dies/skip-hire"), ("done", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        body["error"]["message"],
        "That task is not part of your plan."
    );
    let r = c.get(app.url("/fn/search?q=skip")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["slug"] == "skip-permit"));
}
on_both_databases!(islands_get_json_from_the_same_endpoints);

async fn bad_input_gets_the_right_status_and_a_clear_message(app: TestApp) {
    let c = app.client();
    let r = post(
        &c,
        &app.url("/plan/start"),
        &[("life_event", "moving-to-mars")],
    )
    .await;
    assert_eq!(r.status(), 404);
    let r = post(
        &c,
        &app.url("/plan/start"),
        &[
            ("life_event", "having-a-baby"),
            ("day", "31"),
            ("month", "2"),
            ("year", "2027"),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    let body = r.text().await.unwrap();
    assert!(body.contains("There is a problem") && body.contains("The date must be a real date"));
    assert!(body.contains("value=\"31\""), "what was typed is kept");

    for (typed, message) in [
        ("abc", "A plan reference has 9 letters and numbers"),
        ("K7Q-4MZ-PXU", "only uses letters and numbers"),
        ("", "Enter your plan reference"),
    ] {
        let r = post(&c, &app.url("/plan/resume"), &[("reference", typed)]).await;
        assert_eq!(r.status(), 400, "{typed}");
        assert!(r.text().await.unwrap().contains(message), "{typed}");
    }
    let r = post(
        &c,
        &app.url("/plan/resume"),
        &[("reference", "K7Q-4MZ-PX2")],
    )
    .await;
    assert_eq!(r.status(), 404);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("We could not find a plan with that reference"));

    let r = post(
        &c,
        &app.url("/plan/tasks"),
        &[("task", "moving-home/council-tax-moving"), ("done", "true")],
    )
    .await;
    assert_eq!(r.status(), 404, "no plan on this device");
    post(
        &c,
        &app.url("/plan/start"),
        &[("life_event", "moving-home")],
    )
    .await;
    let r = post(
        &c,
        &app.url("/plan/tasks"),
        &[
            ("task", "moving-home/council-tax-moving"),
            ("done", "maybe"),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    let r = post(
        &c,
        &app.url("/plan/tasks"),
        &[("task", "../../etc"), ("done", "true")],
    )
    .await;
    assert_eq!(r.status(), 400);

    // Cross-site and origin-less posts are refused before anything happens.
    let plain = reqwest::Client::new();
    let r = plain
        .post(app.url("/plan/delete"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = plain
        .post(app.url("/plan/delete"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = plain
        .post(app.url("/plan/start"))
        .form(&[("life_event", "moving-home")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("refused"));

    let huge = "x".repeat(doorstep::BODY_LIMIT + 1);
    let r = post(&c, &app.url("/plan/resume"), &[("reference", &huge)]).await;
    assert_eq!(r.status(), 413);
}
on_both_databases!(bad_input_gets_the_right_status_and_a_clear_message);

#[tokio::test]
async fn resuming_is_rate_limited() {
    let app = TestApp::spawn_with(common::Db::Sqlite, |c| c.resume_attempts = 3)
        .await
        .unwrap();
    let c = app.client();
    for _ in 0..3 {
        let r = post(
            &c,
            &app.url("/plan/resume"),
            &[("reference", "K7Q-4MZ-PX2")],
        )
        .await;
        assert_eq!(r.status(), 404);
    }
    let r = post(
        &c,
        &app.url("/plan/resume"),
        &[("reference", "K7Q-4MZ-PX2")],
    )
    .await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("You have tried too many references"));
}

#[tokio::test]
async fn pages_carry_security_headers_and_structured_data() {
    let app = TestApp::spawn(common::Db::Sqlite).await.unwrap();
    let r = app
        .client()
        .get(app.url("/services/give-notice-of-marriage"))
        .send()
        .await
        .unwrap();
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("'nonce-")
            && !csp.contains("unsafe-inline")
            && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers().contains_key("referrer-policy"));
    let body = r.text().await.unwrap();
    assert!(
        body.contains("application/ld+json") && body.contains("\"@type\":\"GovernmentService\"")
    );
    // The only inline scripts are the nonce-carrying bootstrap and the data block.
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    for (i, _) in body.match_indices("<script") {
        let tag = &body[i..i + body[i..].find('>').unwrap()];
        assert!(
            tag.contains(nonce) || tag.contains("application/ld+json"),
            "{tag}"
        );
    }
}

#[tokio::test]
async fn answers_personalise_the_journey_and_the_link_is_shareable() {
    let app = TestApp::spawn(common::Db::Sqlite).await.unwrap();
    let c = app.client();
    let (_, owner) = get_text(&c, &app.url("/life-events/moving-home?tenure=own")).await;
    let (_, renter) = get_text(&c, &app.url("/life-events/moving-home?tenure=rent")).await;
    let shown = |html: &str, service: &str| {
        let at = html
            .find(&format!("href=\"/services/{service}\""))
            .expect("task is rendered");
        let li = html[..at].rfind("<li").unwrap();
        !html[li..at].contains("hidden")
    };
    assert!(shown(&renter, "tenancy-deposit-protection"));
    assert!(!shown(&owner, "tenancy-deposit-protection"));
    assert!(
        renter.contains("value=\"tenure=rent\""),
        "the start form carries the answers"
    );
    // Answers that are not options are ignored, not errors.
    let (status, _) = get_text(&c, &app.url("/life-events/moving-home?tenure=castle&x=1")).await;
    assert_eq!(status, 200);
}
