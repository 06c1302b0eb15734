//! The staff side over HTTP, on both databases: who may reach what (the
//! authorisation matrix), signing in and its defences, sessions, and what
//! an agent does on a call, audited and seen by the citizen.

mod common;

use app::domain::staff::Role;
use common::{get_text, post, text_of, TestApp};
use std::net::IpAddr;

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Access {
    /// Anyone, signed in or not (signing in itself).
    Public,
    /// Any signed-in member of staff.
    Staff,
    /// Agents and admins: acting on citizens' plans.
    Plans,
    /// Admins only.
    Admin,
}

/// Every staff route (method and pattern, as listed in
/// `doorstep::staff::ROUTES`), a concrete request for it, and who may use
/// it. `{ref}` stands for a real plan's reference. The test fails if this
/// table and the server's list ever differ, so a new staff route cannot
/// be added without saying who may use it.
const MATRIX: &[(&str, &str, &str, Access)] = &[
    ("GET", "/staff/login", "/staff/login", Access::Public),
    ("POST", "/staff/login", "/staff/login", Access::Public),
    ("GET", "/staff", "/staff?q=skip", Access::Staff),
    ("GET", "/staff/account", "/staff/account", Access::Staff),
    (
        "POST",
        "/staff/account/password",
        "/staff/account/password",
        Access::Staff,
    ),
    (
        "POST",
        "/staff/account/sessions/end",
        "/staff/account/sessions/end",
        Access::Staff,
    ),
    (
        "POST",
        "/staff/account/channel",
        "/staff/account/channel",
        Access::Staff,
    ),
    ("GET", "/staff/plan", "/staff/plan?ref={ref}", Access::Plans),
    (
        "POST",
        "/staff/plan/open",
        "/staff/plan/open",
        Access::Plans,
    ),
    (
        "POST",
        "/staff/plan/tasks",
        "/staff/plan/tasks",
        Access::Plans,
    ),
    (
        "POST",
        "/staff/plan/delete",
        "/staff/plan/delete",
        Access::Plans,
    ),
    (
        "GET",
        "/staff/journey/{slug}",
        "/staff/journey/moving-home",
        Access::Plans,
    ),
    ("POST", "/staff/journey", "/staff/journey", Access::Plans),
    ("POST", "/staff/offers", "/staff/offers", Access::Plans),
    ("POST", "/staff/outcomes", "/staff/outcomes", Access::Plans),
    ("GET", "/staff/admin", "/staff/admin", Access::Admin),
    (
        "POST",
        "/staff/admin/staff",
        "/staff/admin/staff",
        Access::Admin,
    ),
    (
        "POST",
        "/staff/admin/staff/update",
        "/staff/admin/staff/update",
        Access::Admin,
    ),
    (
        "POST",
        "/staff/admin/api-keys",
        "/staff/admin/api-keys",
        Access::Admin,
    ),
    (
        "POST",
        "/staff/admin/api-keys/revoke",
        "/staff/admin/api-keys/revoke",
        Access::Admin,
    ),
    (
        "POST",
        "/staff/admin/catalogue/reload",
        "/staff/admin/catalogue/reload",
        Access::Admin,
    ),
    (
        "GET",
        "/staff/admin/audit",
        "/staff/admin/audit?action=plan.",
        Access::Admin,
    ),
    // Last: it ends the session it is sent with.
    ("POST", "/staff/logout", "/staff/logout", Access::Staff),
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Citizen,
    Agent,
    Officer,
    Admin,
}

fn may(who: Who, access: Access) -> bool {
    match access {
        Access::Public => true,
        Access::Staff => matches!(who, Who::Agent | Who::Officer | Who::Admin),
        Access::Plans => matches!(who, Who::Agent | Who::Admin),
        Access::Admin => who == Who::Admin,
    }
}

#[derive(Debug, PartialEq)]
enum Verdict {
    /// Through the guard to the page or handler.
    Allowed,
    /// Sent to sign in.
    SignIn,
    Forbidden,
}

async fn verdict(r: reqwest::Response) -> (Verdict, u16) {
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let v = match status {
        403 => Verdict::Forbidden,
        401 => Verdict::SignIn,
        303 if location == "/staff/login" || location.starts_with("/staff/login?next=") => {
            Verdict::SignIn
        }
        _ => Verdict::Allowed,
    };
    (v, status)
}

#[test]
fn the_matrix_lists_every_staff_route_exactly_once() {
    let mut listed: Vec<(&str, &str)> = MATRIX.iter().map(|(m, p, ..)| (*m, *p)).collect();
    let mut served: Vec<(&str, &str)> = doorstep::staff::ROUTES
        .iter()
        .map(|r| (r.method, r.path))
        .collect();
    listed.sort();
    served.sort();
    assert_eq!(
        listed, served,
        "every staff route needs a row in MATRIX saying who may use it"
    );
    // And the server's own rule agrees with the table.
    for (method, path, _, access) in MATRIX {
        let route = doorstep::staff::ROUTES
            .iter()
            .find(|r| r.method == *method && r.path == *path)
            .unwrap();
        for (who, role) in [
            (Who::Agent, Role::Agent),
            (Who::Officer, Role::Officer),
            (Who::Admin, Role::Admin),
        ] {
            let server_says = route.needs.is_none_or(|p| role.may(p));
            assert_eq!(
                server_says,
                may(who, *access),
                "{method} {path} for {who:?}"
            );
        }
    }
}

async fn a_citizens_plan(app: &TestApp) -> (reqwest::Client, String) {
    let citizen = app.client();
    let r = post(
        &citizen,
        &app.url("/plan/start"),
        &[
            ("life_event", "moving-home"),
            ("answers", "tenure=rent&car=yes"),
            ("request_id", "aa112233445566778899aabbccddeeff"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, page) = get_text(&citizen, &app.url("/plan")).await;
    let reference = text_of(&page, "plan-reference").expect("reference");
    (citizen, reference)
}

async fn authorisation_matrix(app: TestApp) {
    let (citizen, reference) = a_citizens_plan(&app).await;
    let mut clients = vec![(Who::Anonymous, app.client()), (Who::Citizen, citizen)];
    let mut admin_password = String::new();
    for (who, role, email) in [
        (Who::Agent, Role::Agent, "agent@fernhallow.example"),
        (Who::Officer, Role::Officer, "officer@fernhallow.example"),
        (Who::Admin, Role::Admin, "admin@fernhallow.example"),
    ] {
        let password = app.staff(email, role).await;
        clients.push((who, app.signed_in(email, &password).await));
        admin_password = password;
    }
    let compact = reference.replace('-', "");
    let mut failures = Vec::new();
    for (who, client) in &clients {
        for (method, _, example, access) in MATRIX {
            let url = app.url(&example.replace("{ref}", &compact));
            let r = if *method == "GET" {
                client.get(&url).send().await.unwrap()
            } else {
                client.post(&url).form(&[("x", "")]).send().await.unwrap()
            };
            let (got, status) = verdict(r).await;
            let want = if may(*who, *access) {
                Verdict::Allowed
            } else if matches!(who, Who::Anonymous | Who::Citizen) {
                Verdict::SignIn
            } else {
                Verdict::Forbidden
            };
            if got != want {
                failures.push(format!(
                    "{who:?} {method} {example}: {got:?} ({status}), want {want:?}"
                ));
            }
            // Pages a role may see render whole.
            if want == Verdict::Allowed && *method == "GET" && status != 200 {
                failures.push(format!("{who:?} GET {example}: status {status}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Paths under /staff that are not in the list are not found, for
    // everyone; a known path with another method is refused.
    // (Everyone has signed out by now: the last row was the sign-out.)
    let admin = &app
        .signed_in("admin@fernhallow.example", &admin_password)
        .await;
    let r = admin
        .get(app.url("/staff/secret-export"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = admin.delete(app.url("/staff/admin")).send().await.unwrap();
    assert_eq!(r.status(), 405);
    // Staff pages are never cached.
    let r = admin.get(app.url("/staff/admin")).send().await.unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    // An island asking for JSON without a session is told to sign in.
    let r = app
        .client()
        .post(app.url("/staff/plan/tasks"))
        .header("accept", "application/json")
        .form(&[("x", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
on_both_databases!(authorisation_matrix);

const WRONG: &str = "The email address or password is not right";

async fn sign_in_refuses_without_saying_which_accounts_exist(app: TestApp) {
    let password = app.staff("alex@fernhallow.example", Role::Agent).await;
    let c = app.client();
    let attempt = |email: &'static str, password: String| {
        let c = c.clone();
        let url = app.url("/staff/login");
        async move {
            let r = post(&c, &url, &[("email", email), ("password", &password)]).await;
            let status = r.status().as_u16();
            (status, r.text().await.unwrap())
        }
    };
    // A wrong password and an unknown account read the same.
    let (s1, wrong_password) = attempt("alex@fernhallow.example", "not the password".into()).await;
    let (s2, unknown) = attempt("nobody@fernhallow.example", "not the password".into()).await;
    assert_eq!((s1, s2), (401, 401));
    assert!(wrong_password.contains(WRONG), "{wrong_password}");
    assert!(unknown.contains(WRONG));
    // The typed email is kept in the form; the password never is.
    assert!(wrong_password.contains("value=\"alex@fernhallow.example\""));
    assert!(!wrong_password.contains("not the password"));
    // Blank and malformed input get their own messages, with 400.
    let (s, body) = attempt("", "x".into()).await;
    assert_eq!(s, 400);
    assert!(body.contains("Enter an email address"), "{body}");
    let (s, body) = attempt("alex@fernhallow.example", String::new()).await;
    assert_eq!(s, 400);
    assert!(body.contains("Enter your password"));
    // Email case and spaces do not matter.
    let r = post(
        &c,
        &app.url("/staff/login"),
        &[
            ("email", " Alex@Fernhallow.EXAMPLE "),
            ("password", &password),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("doorstep_staff="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert!(!cookie.contains("Max-Age"), "a session cookie: {cookie}");

    // A disabled account cannot sign in, and says no more than a wrong password.
    let admin_password = app.staff("ada@fernhallow.example", Role::Admin).await;
    let admin = app
        .signed_in("ada@fernhallow.example", &admin_password)
        .await;
    let id = app
        .scalar_text("SELECT id FROM staff WHERE email = 'alex@fernhallow.example'")
        .await;
    let r = post(
        &admin,
        &app.url("/staff/admin/staff/update"),
        &[("id", id.as_str()), ("change", "disable")],
    )
    .await;
    assert_eq!(r.status(), 303);
    // Its open session has ended too.
    let (status, _) = get_text(&c, &app.url("/staff")).await;
    assert_eq!(status, 303);
    let (s, body) = attempt("alex@fernhallow.example", password.clone()).await;
    assert_eq!(s, 401);
    assert!(body.contains(WRONG));
}
on_both_databases!(sign_in_refuses_without_saying_which_accounts_exist);

/// A client whose connections come from `ip` (any 127.x address works on
/// loopback), so per-address limits can be told apart from per-account ones.
fn client_from(app: &TestApp, ip: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ORIGIN, app.base.parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .local_address(Some(ip.parse::<IpAddr>().unwrap()))
        .build()
        .unwrap()
}

async fn failed_sign_ins_are_throttled(app: TestApp) {
    let password = app.staff("sam@fernhallow.example", Role::Agent).await;
    let url = app.url("/staff/login");
    // 100 failures for one account, from four addresses (under each
    // address's own limit), lock that account for the hour...
    for i in 0..100 {
        let c = client_from(&app, &format!("127.0.0.{}", 2 + i % 4));
        let r = post(
            &c,
            &url,
            &[("email", "sam@fernhallow.example"), ("password", "guess")],
        )
        .await;
        assert_eq!(r.status(), 401, "attempt {i}");
    }
    let fresh = client_from(&app, "127.0.0.9");
    let r = post(
        &fresh,
        &url,
        &[("email", "sam@fernhallow.example"), ("password", &password)],
    )
    .await;
    assert_eq!(r.status(), 429, "even the right password waits");
    assert!(r.text().await.unwrap().contains("too many failed attempts"));
    // ...and so does an account that does not exist, so the lock-out
    // reveals nothing. Other accounts are unaffected.
    let other = app.staff("kim@fernhallow.example", Role::Agent).await;
    let r = post(
        &fresh,
        &url,
        &[("email", "kim@fernhallow.example"), ("password", &other)],
    )
    .await;
    assert_eq!(r.status(), 303);

    // One address that fails 50 times, whatever the emails, waits too.
    let noisy = client_from(&app, "127.0.0.20");
    for i in 0..50 {
        let email = format!("guess{i}@fernhallow.example");
        let r = post(&noisy, &url, &[("email", &email), ("password", "guess")]).await;
        assert_eq!(r.status(), 401, "attempt {i}");
    }
    let r = post(
        &noisy,
        &url,
        &[("email", "kim@fernhallow.example"), ("password", &other)],
    )
    .await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "900");
}
on_both_databases!(failed_sign_ins_are_throttled);

async fn sessions_expire_end_and_can_be_ended(app: TestApp) {
    let password = app.staff("jo@fernhallow.example", Role::Agent).await;
    let desk = app.signed_in("jo@fernhallow.example", &password).await;
    let (status, _) = get_text(&desk, &app.url("/staff")).await;
    assert_eq!(status, 200);

    // 31 minutes idle: signed out.
    app.execute("UPDATE staff_sessions SET last_seen_at = last_seen_at - 1860000000")
        .await
        .unwrap();
    let r = desk.get(app.url("/staff/plan?ref=X")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        "/staff/login?next=/staff/plan%3Fref%3DX"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM staff_sessions").await, 0);

    // Sessions nobody comes back to are swept away hourly.
    let _abandoned = app.signed_in("jo@fernhallow.example", &password).await;
    let _fresh = app.signed_in("jo@fernhallow.example", &password).await;
    app.execute(
        "UPDATE staff_sessions SET last_seen_at = last_seen_at - 1860000000 \
         WHERE token_hash = (SELECT MIN(token_hash) FROM staff_sessions)",
    )
    .await
    .unwrap();
    let (_, staff) = doorstep::storage::open_both(&app.database_url)
        .await
        .unwrap();
    doorstep::retention::sweep_sessions(staff.as_ref()).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM staff_sessions").await, 1);
    app.execute("DELETE FROM staff_sessions").await.unwrap();

    // Busy all day: still signed out 12 hours after signing in.
    let desk = app.signed_in("jo@fernhallow.example", &password).await;
    app.execute("UPDATE staff_sessions SET created_at = created_at - 43260000000")
        .await
        .unwrap();
    let (status, _) = get_text(&desk, &app.url("/staff")).await;
    assert_eq!(status, 303);

    // Signing out ends the session on the server, not just the cookie.
    let desk = app.signed_in("jo@fernhallow.example", &password).await;
    let stolen = desk
        .get(app.url("/staff"))
        .send()
        .await
        .unwrap()
        .headers()
        .get("set-cookie")
        .is_none();
    assert!(stolen, "the cookie is not reissued on every page");
    let token = app
        .scalar_text("SELECT token_hash FROM staff_sessions")
        .await;
    assert_eq!(token.len(), 64, "only a hash of the token is stored");
    let r = post(&desk, &app.url("/staff/logout"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/staff/login?signed_out=1");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM staff_sessions").await, 0);

    // Changing the password ends every other session, and only those.
    let a = app.signed_in("jo@fernhallow.example", &password).await;
    let b = app.signed_in("jo@fernhallow.example", &password).await;
    let (_, account) = get_text(&a, &app.url("/staff/account")).await;
    assert!(account.contains("Sign out everywhere else"));
    let new_password = "a much better passphrase";
    let r = post(
        &a,
        &app.url("/staff/account/password"),
        &[
            ("current", "wrong"),
            ("new", new_password),
            ("confirm", new_password),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    let r = post(
        &a,
        &app.url("/staff/account/password"),
        &[
            ("current", password.as_str()),
            ("new", "short"),
            ("confirm", "short"),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("at least 12 characters"));
    let r = post(
        &a,
        &app.url("/staff/account/password"),
        &[
            ("current", password.as_str()),
            ("new", new_password),
            ("confirm", new_password),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(get_text(&a, &app.url("/staff")).await.0, 200);
    assert_eq!(get_text(&b, &app.url("/staff")).await.0, 303);
    let r = post(
        &app.client(),
        &app.url("/staff/login"),
        &[("email", "jo@fernhallow.example"), ("password", &password)],
    )
    .await;
    assert_eq!(r.status(), 401, "the old password no longer works");
    let c = app.signed_in("jo@fernhallow.example", new_password).await;

    // "Sign out everywhere else" from one device ends the others.
    let r = post(
        &c,
        &app.url("/staff/account/sessions/end"),
        &[("session", "others")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(get_text(&a, &app.url("/staff")).await.0, 303);
    assert_eq!(get_text(&c, &app.url("/staff")).await.0, 200);
}
on_both_databases!(sessions_expire_end_and_can_be_ended);

async fn cross_origin_staff_posts_are_refused(app: TestApp) {
    let password = app.staff("pat@fernhallow.example", Role::Admin).await;
    let admin = app.signed_in("pat@fernhallow.example", &password).await;
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let r = admin
            .post(app.url("/staff/admin/api-keys"))
            .header(header, value)
            .form(&[("name", "stolen")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{header}: {value}");
        let r = app
            .client()
            .post(app.url("/staff/login"))
            .header(header, value)
            .form(&[("email", "pat@fernhallow.example"), ("password", &password)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "login, {header}: {value}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM api_keys").await, 0);
}
on_both_databases!(cross_origin_staff_posts_are_refused);

#[tokio::test]
async fn over_https_the_cookie_is_host_prefixed_and_secure() {
    let app = TestApp::spawn_with(common::Db::Sqlite, |c| c.secure_cookies = true)
        .await
        .unwrap();
    let password = app.staff("lee@fernhallow.example", Role::Agent).await;
    let r = post(
        &app.client(),
        &app.url("/staff/login"),
        &[("email", "lee@fernhallow.example"), ("password", &password)],
    )
    .await;
    assert_eq!(r.status(), 303);
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-doorstep_staff="), "{cookie}");
    assert!(cookie.contains("; Secure") && cookie.contains("; Path=/"));
    assert!(!cookie.contains("Domain"));
}

/// The reference as a caller might read it and an agent type it.
fn as_typed(reference: &str) -> String {
    let compact = reference.replace('-', "").to_lowercase();
    format!(" {} {} {} ", &compact[0..3], &compact[3..6], &compact[6..9])
}

async fn an_agent_helps_a_caller_and_everything_is_accountable(app: TestApp) {
    let (citizen, reference) = a_citizens_plan(&app).await;
    let password = app.staff("agent.ali@fernhallow.example", Role::Agent).await;
    let agent = app
        .signed_in("agent.ali@fernhallow.example", &password)
        .await;

    // The console finds services with what an agent reads out.
    let (status, console) = get_text(&agent, &app.url("/staff?q=skip")).await;
    assert_eq!(status, 200);
    assert!(console.contains("Phone"), "phone numbers are shown");
    assert!(console.contains("Who can use it") && console.contains("Cost"));
    let (_, typo) = get_text(&agent, &app.url("/staff?q=counsil%20tax")).await;
    assert!(
        typo.to_lowercase().contains("council tax"),
        "typos are forgiven"
    );

    // Opening by a reference typed in lower case with spaces.
    let r = post(
        &agent,
        &app.url("/staff/plan/open"),
        &[("reference", &as_typed(&reference))],
    )
    .await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        format!("/staff/plan?ref={}", reference.replace('-', ""))
    );
    let (status, plan) = get_text(&agent, &app.url(&location)).await;
    assert_eq!(status, 200);
    assert_eq!(text_of(&plan, "plan-reference").unwrap(), reference);
    assert!(plan.contains("Offer next"));

    // Malformed and unknown references get clear messages.
    let r = post(
        &agent,
        &app.url("/staff/plan/open"),
        &[("reference", "K7Q")],
    )
    .await;
    assert_eq!(r.status(), 400);
    let r = post(
        &agent,
        &app.url("/staff/plan/open"),
        &[("reference", "K7Q-4MZ-PX2")],
    )
    .await;
    assert_eq!(r.status(), 404);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("There is no plan with that reference"));

    // Ticking on the caller's behalf: the citizen sees it on their device.
    let compact = reference.replace('-', "");
    let r = post(
        &agent,
        &app.url("/staff/plan/tasks"),
        &[
            ("reference", compact.as_str()),
            ("task", "moving-home/council-tax-moving"),
            ("done", "true"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, mine) = get_text(&citizen, &app.url("/plan")).await;
    assert!(
        text_of(&mine, "plan-progress")
            .unwrap()
            .starts_with("You have done 1 of"),
        "the citizen sees the agent's tick"
    );
    let r = post(
        &agent,
        &app.url("/staff/plan/tasks"),
        &[
            ("reference", compact.as_str()),
            ("task", "having-a-baby/register-a-birth"),
            ("done", "true"),
        ],
    )
    .await;
    assert_eq!(r.status(), 400, "a task not in the plan");

    // Offering next, and the call's outcome, twice (a double click).
    let r = post(
        &agent,
        &app.url("/staff/offers"),
        &[
            ("reference", compact.as_str()),
            ("service", "garden-waste-subscription"),
            ("taken", "yes"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let outcome = [
        ("id", "0f8fad5b-d9cb-469f-a165-70867728950e"),
        ("reference", compact.as_str()),
        ("about", "life_event:moving-home"),
        ("action", "updated_plan"),
        ("resolved", "yes"),
        ("channel", "phone"),
    ];
    for _ in 0..2 {
        let r = post(&agent, &app.url("/staff/outcomes"), &outcome).await;
        assert_eq!(r.status(), 303);
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM call_outcomes").await, 1);
    let r = post(
        &agent,
        &app.url("/staff/outcomes"),
        &[("about", "life_event:moving-home"), ("action", "made_tea")],
    )
    .await;
    assert_eq!(r.status(), 400);

    // The plan says who did what.
    let (_, plan) = get_text(&agent, &app.url(&location)).await;
    assert!(plan.contains("The citizen"), "the citizen started it");
    assert!(
        plan.contains("agent ali (staff, on behalf of the citizen)"),
        "the agent is named"
    );

    // An assisted journey for a new caller makes a plan they can continue.
    let r = post(
        &agent,
        &app.url("/staff/journey"),
        &[
            ("life_event", "having-a-baby"),
            ("request_id", "bb112233445566778899aabbccddeeff"),
            ("day", "40"),
            ("month", "1"),
            ("year", "2027"),
        ],
    )
    .await;
    assert_eq!(r.status(), 400, "a bad date is refused");
    let r = post(
        &agent,
        &app.url("/staff/journey"),
        &[
            ("life_event", "having-a-baby"),
            ("request_id", "bb112233445566778899aabbccddeeff"),
            ("day", "1"),
            ("month", "1"),
            ("year", "2027"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let new_plan = r.headers()["location"].to_str().unwrap().to_owned();
    let (_, page) = get_text(&agent, &app.url(&new_plan)).await;
    let new_reference = text_of(&page, "plan-reference").unwrap();
    assert!(page.contains("Read the reference to the caller"));
    assert!(page.contains("Summary to read out or send"));
    let caller = app.client();
    let r = post(
        &caller,
        &app.url("/plan/resume"),
        &[("reference", &new_reference)],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, theirs) = get_text(&caller, &app.url("/plan")).await;
    assert!(theirs.contains("Register a birth"), "{theirs}");

    // Everything the agent did is an interaction on the phone channel
    // with the agent as actor (recording is in the background).
    let mut assisted = 0;
    for _ in 0..50 {
        assisted = app
            .scalar("SELECT COUNT(*) FROM interactions WHERE channel = 'phone' AND actor LIKE 'staff:%'")
            .await;
        if assisted >= 6 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        assisted >= 6,
        "searches, tick, offer shown and taken, plan started: {assisted}"
    );

    // At a face-to-face desk the agent switches channel once, and what
    // they do next is recorded on it.
    let r = post(
        &agent,
        &app.url("/staff/account/channel"),
        &[("channel", "face_to_face"), ("next", "/staff?q=bins")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/staff?q=bins");
    let (_, console) = get_text(&agent, &app.url("/staff?q=bins")).await;
    assert!(console.contains("Switch to phone"));
    let mut in_person = 0;
    for _ in 0..50 {
        in_person = app
            .scalar("SELECT COUNT(*) FROM interactions WHERE channel = 'face_to_face' AND kind = 'search'")
            .await;
        if in_person >= 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(in_person >= 1, "the search after switching is face to face");

    // The audit log has each access and change, and cannot be edited.
    let opened = app
        .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'plan.opened'")
        .await;
    assert!(opened >= 2, "opening by form and viewing are both audited");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'plan.ticked'")
            .await,
        1
    );
    assert!(app.execute("DELETE FROM audit_log").await.is_err());
    assert!(app
        .execute("UPDATE audit_log SET staff_email = 'someone.else@example.com'")
        .await
        .is_err());

    // An admin can read and filter it; the agent cannot.
    let admin_password = app.staff("ada@fernhallow.example", Role::Admin).await;
    let admin = app
        .signed_in("ada@fernhallow.example", &admin_password)
        .await;
    let (status, audit) = get_text(
        &admin,
        &app.url(&format!(
            "/staff/admin/audit?staff=agent.ali&action=plan.&target={}",
            as_typed(&reference).trim().replace(' ', "+")
        )),
    )
    .await;
    assert_eq!(status, 200);
    assert!(audit.contains("plan.ticked") && audit.contains("plan.opened"));
    assert!(!audit.contains("staff.signed_in"), "filtered by action");
    assert_eq!(
        get_text(&agent, &app.url("/staff/admin/audit")).await.0,
        403
    );
    // Admins see how recording is going on this server.
    let (_, page) = get_text(&admin, &app.url("/staff/admin")).await;
    let written: u64 = text_of(&page, "recorded-written").unwrap().parse().unwrap();
    assert!(written >= 6, "{written}");
    assert_eq!(text_of(&page, "recorded-failed").unwrap(), "0");
    assert_eq!(text_of(&page, "recorded-dropped").unwrap(), "0");

    // Deleting on the caller's behalf needs the box ticked.
    let r = post(
        &agent,
        &app.url("/staff/plan/delete"),
        &[("reference", compact.as_str())],
    )
    .await;
    assert_eq!(r.status(), 400);
    let r = post(
        &agent,
        &app.url("/staff/plan/delete"),
        &[("reference", compact.as_str()), ("confirm", "yes")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, gone) = get_text(&citizen, &app.url("/plan")).await;
    assert!(!gone.contains(&reference));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'plan.deleted'")
            .await,
        1
    );
}
on_both_databases!(an_agent_helps_a_caller_and_everything_is_accountable);

async fn admins_manage_accounts_and_keys(app: TestApp) {
    let password = app.staff("ada@fernhallow.example", Role::Admin).await;
    let admin = app.signed_in("ada@fernhallow.example", &password).await;
    let add = |email: &'static str, role: &'static str, password: &'static str| {
        let admin = admin.clone();
        let url = app.url("/staff/admin/staff");
        async move {
            post(
                &admin,
                &url,
                &[
                    ("email", email),
                    ("name", "New Person"),
                    ("role", role),
                    ("password", password),
                ],
            )
            .await
            .status()
            .as_u16()
        }
    };
    assert_eq!(
        add("new@fernhallow.example", "agent", "twelve chars!").await,
        303
    );
    assert_eq!(
        add("new@fernhallow.example", "agent", "twelve chars!").await,
        409
    );
    assert_eq!(add("bad-email", "agent", "twelve chars!").await, 400);
    assert_eq!(
        add("x@fernhallow.example", "root", "twelve chars!").await,
        400
    );
    assert_eq!(add("y@fernhallow.example", "agent", "short").await, 400);

    let id = app
        .scalar_text("SELECT id FROM staff WHERE email = 'new@fernhallow.example'")
        .await;
    let newcomer = app
        .signed_in("new@fernhallow.example", "twelve chars!")
        .await;
    assert_eq!(get_text(&newcomer, &app.url("/staff/admin")).await.0, 403);
    let r = post(
        &admin,
        &app.url("/staff/admin/staff/update"),
        &[("id", id.as_str()), ("change", "role"), ("role", "admin")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        get_text(&newcomer, &app.url("/staff/admin")).await.0,
        200,
        "a new role takes effect at once"
    );
    // Resetting the password ends the account's sessions.
    let r = post(
        &admin,
        &app.url("/staff/admin/staff/update"),
        &[
            ("id", id.as_str()),
            ("change", "password"),
            ("password", "another long one"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(get_text(&newcomer, &app.url("/staff")).await.0, 303);
    app.signed_in("new@fernhallow.example", "another long one")
        .await;

    // An admin cannot lock themselves out.
    let my_id = app
        .scalar_text("SELECT id FROM staff WHERE email = 'ada@fernhallow.example'")
        .await;
    for change in [
        vec![("id", my_id.as_str()), ("change", "disable")],
        vec![
            ("id", my_id.as_str()),
            ("change", "role"),
            ("role", "agent"),
        ],
    ] {
        let r = post(&admin, &app.url("/staff/admin/staff/update"), &change).await;
        assert_eq!(r.status(), 400);
    }

    // API keys: shown once, on the page, never in a URL.
    let r = post(
        &admin,
        &app.url("/staff/admin/api-keys"),
        &[("name", "nhs-trust")],
    )
    .await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let page = r.text().await.unwrap();
    let key = text_of(&page, "new-key").expect("key shown");
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/services"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let batch = serde_json::json!({"interactions": [{
        "id": "7d444840-9dc0-11d1-b245-5ffdce74fad2",
        "occurred_at": "2026-11-30T10:00:00Z",
        "kind": "service_viewed",
        "channel": "partner",
        "service": "skip-permit"
    }]});
    let send = |key: String| {
        let url = app.url("/api/v1/interactions");
        let batch = batch.clone();
        async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(key)
                .json(&batch)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(send(key.clone()).await, 200);
    let r = post(
        &admin,
        &app.url("/staff/admin/api-keys/revoke"),
        &[("name", "nhs-trust")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(send(key).await, 401);

    let (_, audit) = get_text(&admin, &app.url("/staff/admin/audit?action=")).await;
    for action in [
        "staff.created",
        "staff.role_changed",
        "staff.password_reset",
        "api_key.created",
        "api_key.revoked",
    ] {
        assert!(audit.contains(action), "{action} audited");
    }
}
on_both_databases!(admins_manage_accounts_and_keys);

#[tokio::test]
async fn the_command_line_adds_staff_reading_the_password_from_stdin() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let app = TestApp::spawn(common::Db::Sqlite).await.unwrap();
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_doorstep"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run(
        &["staff", "add", "cli@fernhallow.example", "--role", "agent"],
        "piped in passphrase\n",
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("created"));
    app.signed_in("cli@fernhallow.example", "piped in passphrase")
        .await;
    // The same email twice, a bad role, a short password, or a password
    // on the command line are all refused.
    let (code, err) = run(
        &["staff", "add", "cli@fernhallow.example", "--role", "agent"],
        "piped in passphrase\n",
    );
    assert_eq!(code, Some(1));
    assert!(err.contains("already an account"), "{err}");
    let (code, _) = run(
        &["staff", "add", "x@fernhallow.example", "--role", "root"],
        "piped in passphrase\n",
    );
    assert_eq!(code, Some(2));
    let (code, err) = run(
        &["staff", "add", "y@fernhallow.example", "--role", "agent"],
        "short\n",
    );
    assert_eq!(code, Some(1));
    assert!(err.contains("at least 12"), "{err}");
    let (code, _) = run(
        &[
            "staff",
            "add",
            "z@fernhallow.example",
            "--role",
            "agent",
            "--password",
            "on the command line",
        ],
        "",
    );
    assert_eq!(code, Some(2));
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test]
async fn an_admin_reloads_an_edited_catalogue_and_a_broken_one_changes_nothing() {
    let files = tempfile::tempdir().unwrap();
    copy_dir(&common::catalogue_dir(), files.path());
    let dir = files.path().to_owned();
    let app = TestApp::spawn_with(common::Db::Sqlite, |c| c.catalogue_dir = dir)
        .await
        .unwrap();
    let password = app.staff("ada@fernhallow.example", Role::Admin).await;
    let admin = app.signed_in("ada@fernhallow.example", &password).await;
    let citizen = app.client();
    let page = || async {
        get_text(&citizen, &app.url("/services/council-tax-moving"))
            .await
            .1
    };
    assert!(page().await.contains("moving (council tax)"));

    // An editor renames a service; the reload serves it at once.
    let council = files.path().join("services/council.toml");
    let text = std::fs::read_to_string(&council).unwrap();
    std::fs::write(
        &council,
        text.replace(
            "name = \"Tell us you're moving (council tax)\"",
            "name = \"Tell council tax you are moving\"",
        ),
    )
    .unwrap();
    assert!(!page().await.contains("Tell council tax you are moving"));
    let r = post(&admin, &app.url("/staff/admin/catalogue/reload"), &[]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        "/staff/admin?done=catalogue_reloaded"
    );
    assert!(page().await.contains("Tell council tax you are moving"));
    let (_, search) = get_text(&citizen, &app.url("/search?q=council%20tax")).await;
    assert!(
        search.contains("Tell council tax you are moving"),
        "the search index too"
    );

    // A broken edit is refused, naming the file, and nothing changes.
    let text = std::fs::read_to_string(&council).unwrap();
    std::fs::write(
        &council,
        text.replace(
            "name = \"Tell council tax you are moving\"",
            "name = \"Half-finished edit\"\nrelated = [\"no-such-service\"]",
        ),
    )
    .unwrap();
    let r = post(&admin, &app.url("/staff/admin/catalogue/reload"), &[]).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("was not reloaded"), "{body}");
    assert!(body.contains("council.toml"), "names the file: {body}");
    assert!(page().await.contains("Tell council tax you are moving"));

    let (_, audit) = get_text(&admin, &app.url("/staff/admin/audit?action=catalogue.")).await;
    assert!(audit.contains("catalogue.reloaded") && audit.contains("catalogue.reload_refused"));
}
