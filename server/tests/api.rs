//! The partner API and what it learns: keys, validation, idempotency,
//! batches, suggestions, and privacy of what pages record.

mod common;

use common::{get_text, post, TestApp};
use serde_json::{json, Value};

fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn item(n: u32, kind: &str, service: &str, journey: &str) -> Value {
    json!({ "id": uuid(n), "occurred_at": "2026-11-30T10:00:00Z", "kind": kind, "channel": "partner", "service": service, "journey": journey, "area": "FH01" })
}

async fn send(app: &TestApp, key: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .post(app.url("/api/v1/interactions"))
        .json(body);
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn keys_are_required_and_revocable(app: TestApp) {
    let body = json!({ "interactions": [item(1, "service_viewed", "skip-hire", "j1")] });
    let (status, answer) = send(&app, None, &body).await;
    assert_eq!(status, 401);
    assert!(answer["error"]
        .as_str()
        .unwrap()
        .contains("API key is required"));
    let (status, _) = send(&app, Some("dsk_wrong"), &body).await;
    assert_eq!(status, 401);
    let key = app.api_key("nhs-trust").await;
    let (status, answer) = send(&app, Some(&key), &body).await;
    assert_eq!((status, answer["accepted"].as_u64()), (200, Some(1)));
    app.revoke("nhs-trust").await;
    let (status, answer) = send(&app, Some(&key), &body).await;
    assert_eq!(status, 401);
    assert!(answer["error"].as_str().unwrap().contains("revoked"));
}
on_both_databases!(keys_are_required_and_revocable);

async fn writes_are_idempotent_and_batches_all_or_nothing(app: TestApp) {
    let key = app.api_key("partner").await;
    let first = json!({ "interactions": [item(1, "service_viewed", "skip-hire", "j1"), item(2, "service_viewed", "skip-permit", "j1")] });
    let (status, answer) = send(&app, Some(&key), &first).await;
    assert_eq!(
        (
            status,
            answer["accepted"].as_u64(),
            answer["already_recorded"].as_u64()
        ),
        (200, Some(2), Some(0))
    );
    // A retry stores nothing new.
    let (status, answer) = send(&app, Some(&key), &first).await;
    assert_eq!(
        (
            status,
            answer["accepted"].as_u64(),
            answer["already_recorded"].as_u64()
        ),
        (200, Some(0), Some(2))
    );
    // The same id with a different body is refused, and nothing of its batch is kept.
    let clash = json!({ "interactions": [item(3, "service_viewed", "bin-collection-days", "j2"), item(1, "service_viewed", "planning-permission", "j1")] });
    let (status, answer) = send(&app, Some(&key), &clash).await;
    assert_eq!(status, 409);
    assert_eq!(answer["items"][0]["index"], 1);
    assert_eq!(answer["items"][0]["field"], "id");
    // One bad item: every problem named, nothing written.
    let mut bad = item(5, "service_viewed", "no-such-service", "j3");
    bad["channel"] = json!("carrier-pigeon");
    let batch = json!({ "interactions": [item(3, "service_viewed", "bin-collection-days", "j2"), bad, json!({"id": "nope"}), json!(42)] });
    let (status, answer) = send(&app, Some(&key), &batch).await;
    assert_eq!(status, 422);
    let items = answer["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(
        (items[0]["index"].as_u64(), items[0]["field"].as_str()),
        (Some(1), Some("channel"))
    );
    assert_eq!(
        (items[1]["index"].as_u64(), items[1]["field"].as_str()),
        (Some(2), Some("id"))
    );
    assert_eq!(items[2]["index"].as_u64(), Some(3));
    let (_, answer) = send(
        &app,
        Some(&key),
        &json!({ "interactions": [item(3, "service_viewed", "bin-collection-days", "j2")] }),
    )
    .await;
    assert_eq!(
        answer["accepted"].as_u64(),
        Some(1),
        "item 3 was not written by the refused batches"
    );
    // Field-level checks name the field and the reason.
    for (field, value, reason) in [
        ("occurred_at", json!("yesterday"), "RFC 3339"),
        ("kind", json!("clicked"), "must be one of"),
        ("area", json!("SW1A 1AA"), "area codes"),
        ("journey", json!("has spaces"), "letters, digits"),
        ("result_count", json!(-1), "from 0"),
    ] {
        let mut it = item(9, "search", "skip-hire", "j9");
        it[field] = value;
        let (status, answer) = send(&app, Some(&key), &json!({ "interactions": [it] })).await;
        assert_eq!(status, 422, "{field}");
        assert_eq!(answer["items"][0]["field"], field);
        assert!(
            answer["items"][0]["reason"]
                .as_str()
                .unwrap()
                .contains(reason),
            "{field}: {answer}"
        );
    }
}
on_both_databases!(writes_are_idempotent_and_batches_all_or_nothing);

async fn batches_hold_one_to_a_thousand(app: TestApp) {
    let key = app.api_key("bulk").await;
    let (status, _) = send(&app, Some(&key), &json!({ "interactions": [] })).await;
    assert_eq!(status, 422);
    let many: Vec<Value> = (0..1001)
        .map(|n| item(n, "service_viewed", "skip-hire", &format!("j{n}")))
        .collect();
    let (status, answer) = send(&app, Some(&key), &json!({ "interactions": many })).await;
    assert_eq!(status, 422, "{answer}");
    let (status, answer) = send(&app, Some(&key), &json!({ "interactions": many[..1000] })).await;
    assert_eq!((status, answer["accepted"].as_u64()), (200, Some(1000)));
    let (status, _) = send(&app, Some(&key), &json!({ "wrong": [] })).await;
    assert_eq!(status, 400);
}
on_both_databases!(batches_hold_one_to_a_thousand);

async fn learned_suggestions_need_five_journeys(app: TestApp) {
    let key = app.api_key("learner").await;
    let c = reqwest::Client::new();
    let suggested = |body: Value| {
        body["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["service"] == "foodbank")
            .cloned()
    };
    // Background so base rates are meaningful.
    let mut n = 0;
    let mut batch = Vec::new();
    for j in 0..30 {
        n += 1;
        batch.push(item(
            n,
            "service_viewed",
            if j % 2 == 0 {
                "bin-collection-days"
            } else {
                "register-to-vote"
            },
            &format!("bg{j}"),
        ));
    }
    for j in 0..4 {
        for s in ["skip-hire", "foodbank"] {
            n += 1;
            batch.push(item(n, "service_started", s, &format!("pair{j}")));
        }
    }
    send(&app, Some(&key), &json!({ "interactions": batch })).await;
    let url = app.url("/api/v1/suggestions?service=skip-hire&limit=20");
    let body: Value = c.get(&url).send().await.unwrap().json().await.unwrap();
    assert!(suggested(body).is_none(), "four journeys are not enough");
    let fifth = json!({ "interactions": [item(900, "service_started", "skip-hire", "pair4"), item(901, "task_ticked", "foodbank", "pair4")] });
    send(&app, Some(&key), &fifth).await;
    let body: Value = c.get(&url).send().await.unwrap().json().await.unwrap();
    let s =
        suggested(body.clone()).unwrap_or_else(|| panic!("learned after five journeys: {body}"));
    assert_eq!(s["source"], "learned");
    assert!(s["reason"]
        .as_str()
        .unwrap()
        .starts_with("Often needed by people who also need"));
    // The context itself is never suggested.
    assert!(body["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["service"] != "skip-hire"));
    // Bad parameters are explained.
    for (q, msg) in [
        ("service=nope", "service"),
        ("limit=21", "limit"),
        ("limit=x", "limit"),
        ("area=ZZ", "area"),
        ("life_event=nope", "life_event"),
    ] {
        let r = c
            .get(app.url(&format!("/api/v1/suggestions?{q}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{q}");
        let b: Value = r.json().await.unwrap();
        assert!(b["error"].as_str().unwrap().starts_with(msg), "{q}: {b}");
    }
}
on_both_databases!(learned_suggestions_need_five_journeys);

async fn the_catalogue_is_served_in_open_referral_shape(app: TestApp) {
    let c = reqwest::Client::new();
    let all: Value = c
        .get(app.url("/api/v1/services"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(all["total_items"].as_u64().unwrap() >= 60);
    let one: Value = c
        .get(app.url("/api/v1/services/skip-permit"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(one["id"], "skip-permit");
    for field in [
        "name",
        "description",
        "status",
        "eligibility_description",
        "fees_description",
        "organization",
        "life_events",
        "related",
    ] {
        assert!(!one[field].is_null(), "{field}");
    }
    let r = c
        .get(app.url("/api/v1/services/nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let areas: Value = c
        .get(app.url("/api/v1/areas"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(areas["areas"].as_array().unwrap().len() >= 10);
}
on_both_databases!(the_catalogue_is_served_in_open_referral_shape);

/// Citizens moving through pages teach the engine: once five plans have
/// needed two services together, the next citizen is offered the second
/// on the first's page.
async fn citizens_journeys_through_pages_teach_the_next_citizen(app: TestApp) {
    let link = "foodbank?from=suggestion";
    // Other people's journeys, so that needing both is more than chance.
    let key = app.api_key("background").await;
    let background: Vec<Value> = (0..20)
        .map(|n| {
            item(
                n,
                "service_viewed",
                if n % 2 == 0 {
                    "bin-collection-days"
                } else {
                    "skip-hire"
                },
                &format!("bg{n}"),
            )
        })
        .collect();
    send(&app, Some(&key), &json!({ "interactions": background })).await;
    let (_, page) = get_text(&app.client(), &app.url("/services/skip-hire")).await;
    assert!(!page.contains(link), "nothing learned yet");
    for i in 0..5 {
        let citizen = app.client();
        post(
            &citizen,
            &app.url("/plan/start"),
            &[("life_event", "building-work-at-home")],
        )
        .await;
        get_text(&citizen, &app.url("/services/skip-hire")).await;
        get_text(&citizen, &app.url("/services/foodbank")).await;
        let _ = i;
    }
    // Recording happens in the background; give it a moment.
    let mut learned = false;
    for _ in 0..50 {
        let (_, page) = get_text(&app.client(), &app.url("/services/skip-hire")).await;
        if page.contains(link) && page.contains("Often needed by people who also need") {
            learned = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        learned,
        "five journeys through pages produce a learned suggestion"
    );
}
on_both_databases!(citizens_journeys_through_pages_teach_the_next_citizen);

/// (kind, service, journey, query) as stored.
type Row = (String, Option<String>, Option<String>, Option<String>);

#[tokio::test]
async fn without_consent_or_a_plan_interactions_are_not_linked() {
    let app = TestApp::spawn(common::Db::Sqlite).await.unwrap();
    let c = app.client();
    get_text(&c, &app.url("/services/skip-hire")).await;
    get_text(&c, &app.url("/search?q=bins+for+jo%40example.com+FH1+2AB")).await;
    post(
        &c,
        &app.url("/plan/start"),
        &[("life_event", "moving-home")],
    )
    .await;
    get_text(&c, &app.url("/services/council-tax-moving")).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    use sqlx::Connection;
    let mut db = sqlx::SqliteConnection::connect(&app.database_url)
        .await
        .unwrap();
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT kind, service, journey, query FROM interactions ORDER BY occurred_at",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    let find = |kind: &str, service: Option<&str>| {
        rows.iter()
            .find(|r| r.0 == kind && r.1.as_deref() == service)
            .unwrap_or_else(|| panic!("{kind} recorded: {rows:?}"))
    };
    assert_eq!(
        find("service_viewed", Some("skip-hire")).2,
        None,
        "no plan, no consent: not linked"
    );
    assert_eq!(
        find("search", None).3.as_deref(),
        Some("bins for [email] [postcode]"),
        "queries are scrubbed"
    );
    let with_plan = find("service_viewed", Some("council-tax-moving"));
    assert!(
        with_plan
            .2
            .as_deref()
            .is_some_and(|j| j.starts_with("p-") && j.len() == 26),
        "linked to the plan by a hash: {with_plan:?}"
    );
    assert_eq!(find("plan_started", None).2, with_plan.2);
}

#[tokio::test]
async fn accepting_analytics_cookies_links_a_browsing_journey() {
    let app = TestApp::spawn(common::Db::Sqlite).await.unwrap();
    let c = app.client();
    let (_, page) = get_text(&c, &app.url("/")).await;
    assert!(
        page.contains("Cookies on this service"),
        "the banner asks first"
    );
    let r = post(
        &c,
        &app.url("/cookies"),
        &[("analytics", "yes"), ("return_to", "/search?q=bins")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/search?q=bins");
    let (_, page) = get_text(&c, &app.url("/")).await;
    assert!(
        !page.contains("Cookies on this service"),
        "and then stays away"
    );
    get_text(&c, &app.url("/services/skip-permit")).await;
    let r = post(
        &c,
        &app.url("/cookies"),
        &[("analytics", "no"), ("return_to", "//evil.example/")],
    )
    .await;
    assert_eq!(r.headers()["location"], "/", "never back to another site");
    get_text(&c, &app.url("/services/planning-permission")).await;
    let r = post(&c, &app.url("/cookies"), &[("analytics", "maybe")]).await;
    assert_eq!(r.status(), 400);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    use sqlx::Connection;
    let mut db = sqlx::SqliteConnection::connect(&app.database_url)
        .await
        .unwrap();
    let journey = |service: &'static str| {
        sqlx::query_scalar::<_, Option<String>>(
            "SELECT journey FROM interactions WHERE service = $1 AND kind = 'service_viewed'",
        )
        .bind(service)
    };
    let linked = journey("skip-permit").fetch_one(&mut db).await.unwrap();
    assert!(
        linked.is_some_and(|j| j.starts_with("b-")),
        "linked while consent stands"
    );
    let unlinked = journey("planning-permission")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(unlinked, None, "not linked once consent is withdrawn");
}

/// The OpenAPI description is built from the same handler list as the
/// routes, so every documented path answers and every route is documented.
#[tokio::test]
async fn the_api_describes_itself_in_openapi() {
    let app = TestApp::spawn(common::Db::Sqlite).await.unwrap();
    let c = reqwest::Client::new();
    let r = c.get(app.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let doc: Value = r.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/interactions", "post"),
        ("/api/v1/suggestions", "get"),
        ("/api/v1/services", "get"),
        ("/api/v1/services/{slug}", "get"),
        ("/api/v1/areas", "get"),
    ] {
        assert!(
            paths[path][method].is_object(),
            "{method} {path} documented"
        );
    }
    // Every documented GET really is served (no path documented but missing).
    for (path, ops) in paths {
        if ops.get("get").is_some() {
            let url = app.url(&path.replace("{slug}", "skip-permit"));
            assert_eq!(c.get(&url).send().await.unwrap().status(), 200, "{path}");
        }
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );
    assert_eq!(
        doc["paths"]["/api/v1/interactions"]["post"]["security"][0]["api_key"],
        json!([])
    );
    let submitted = &doc["components"]["schemas"]["Submitted"];
    assert_eq!(
        submitted["required"],
        json!(["id", "occurred_at", "kind", "channel"])
    );
    let kinds = doc["components"]["schemas"]["Kind"]["enum"]
        .as_array()
        .unwrap();
    assert!(kinds.contains(&json!("service_started")));
    assert_eq!(
        doc["components"]["schemas"]["Source"]["enum"],
        json!(["learned", "curated", "both"])
    );
}

/// Following a service's online link records that the service was started
/// and sends the citizen to the provider's address from the catalogue.
#[tokio::test]
async fn starting_a_service_is_recorded_then_redirected() {
    let app = TestApp::spawn(common::Db::Sqlite).await.unwrap();
    let c = app.client();
    let (_, page) = get_text(&c, &app.url("/services/skip-permit")).await;
    assert!(
        page.contains("href=\"/services/skip-permit/start\""),
        "the start button goes through Doorstep"
    );
    let services: Value = c
        .get(app.url("/api/v1/services/skip-permit"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let provider = services["online_channels"][0]["url"].as_str().unwrap();
    let r = c
        .get(app.url("/services/skip-permit/start"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], provider);
    assert_eq!(r.headers()["cache-control"], "no-store");
    // An unknown service goes to its page, which gives the 404.
    let r = c
        .get(app.url("/services/no-such-thing/start"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/services/no-such-thing");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    use sqlx::Connection;
    let mut db = sqlx::SqliteConnection::connect(&app.database_url)
        .await
        .unwrap();
    let started: Vec<Option<String>> =
        sqlx::query_scalar("SELECT service FROM interactions WHERE kind = 'service_started'")
            .fetch_all(&mut db)
            .await
            .unwrap();
    assert_eq!(started, vec![Some("skip-permit".to_owned())]);
}

/// Interactions past retention are deleted, and what the engine learned
/// from them goes with them, without a restart.
async fn retention_deletes_old_interactions_and_what_was_learned_from_them(app: TestApp) {
    let key = app.api_key("archive").await;
    let ago = |days: i64| {
        (time::OffsetDateTime::now_utc() - time::Duration::days(days))
            .replace_nanosecond(0)
            .unwrap()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    let (recent, old) = (ago(30), ago(3 * 365));
    let mut batch = Vec::new();
    let mut n = 0;
    for j in 0..20 {
        n += 1;
        let mut it = item(
            n,
            "service_viewed",
            "bin-collection-days",
            &format!("bg{j}"),
        );
        it["occurred_at"] = json!(recent);
        batch.push(it);
    }
    for j in 0..6 {
        for s in ["skip-hire", "foodbank"] {
            n += 1;
            let mut it = item(n, "service_started", s, &format!("old{j}"));
            it["occurred_at"] = json!(old);
            batch.push(it);
        }
    }
    let (status, _) = send(&app, Some(&key), &json!({ "interactions": batch })).await;
    assert_eq!(status, 200);
    let catalogue = doorstep::catalogue_files::load(&common::catalogue_dir()).unwrap();
    let store = doorstep::storage::open(&app.database_url).await.unwrap();
    let engine = std::sync::RwLock::new(
        doorstep::learned_engine(&catalogue, store.as_ref())
            .await
            .unwrap(),
    );
    let offers_foodbank = |engine: &std::sync::RwLock<app::domain::suggest::Engine>| {
        let ctx = app::domain::suggest::Context {
            services: vec!["skip-hire".into()],
            ..Default::default()
        };
        engine
            .read()
            .unwrap()
            .suggest(&catalogue, &ctx, 20, app::domain::suggest::Mode::Blended)
            .iter()
            .any(|s| s.service == "foodbank")
    };
    assert!(offers_foodbank(&engine), "learned from the old journeys");
    doorstep::retention::purge(store.as_ref(), &catalogue, &engine, 24).await;
    assert!(!offers_foodbank(&engine), "forgotten with them");
    let mut kept = item(1, "service_viewed", "bin-collection-days", "bg0");
    kept["occurred_at"] = json!(recent);
    let (_, answer) = send(&app, Some(&key), &json!({ "interactions": [kept] })).await;
    assert_eq!(
        answer["already_recorded"].as_u64(),
        Some(1),
        "recent interactions are kept"
    );
}
on_both_databases!(retention_deletes_old_interactions_and_what_was_learned_from_them);
