//! Staff: sign-in, sessions, permissions and the audit log, around the
//! contact-centre console and administration.
//!
//! Every staff route is listed once in [`ROUTES`] with the permission it
//! needs. The [`guard`] middleware refuses any `/staff` request that is not
//! in the list, and checks the session and the permission of every one
//! that is; the form endpoints are registered from the same list
//! ([`router`]). So nothing under `/staff` can be reached without an entry,
//! and the authorisation test walks the list.

pub mod account;
pub mod admin;
pub mod console;

use crate::AppState;
use app::backend::{SessionRecord, StaffSession};
use app::domain::staff::{Permission, StaffMember};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::SaltString;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use time::OffsetDateTime;

/// Sessions end after this long without a request...
pub const IDLE: time::Duration = time::Duration::minutes(30);
/// ...and this long after sign-in, whatever happens.
pub const ABSOLUTE: time::Duration = time::Duration::hours(12);
/// Failed sign-ins one email may have in an hour before it is locked.
pub const ACCOUNT_FAILURES_PER_HOUR: u64 = 100;

/// How a staff route is served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Served {
    /// A Leptos page.
    Page,
    /// A form endpoint (answers JSON to islands that ask).
    Form,
}

#[derive(Clone, Copy, Debug)]
pub struct StaffRoute {
    pub method: &'static str,
    /// With `{name}` for a path segment.
    pub path: &'static str,
    /// `None`: open to anyone (signing in).
    pub needs: Option<Permission>,
    pub served: Served,
}

const fn route(
    method: &'static str,
    path: &'static str,
    needs: Option<Permission>,
    served: Served,
) -> StaffRoute {
    StaffRoute {
        method,
        path,
        needs,
        served,
    }
}

use Permission::{Account, ActOnPlans, Administer, FindServices};
use Served::{Form, Page};

/// Every staff route and what it needs.
pub const ROUTES: &[StaffRoute] = &[
    route("GET", "/staff/login", None, Page),
    route("POST", "/staff/login", None, Form),
    route("POST", "/staff/logout", Some(Account), Form),
    route("GET", "/staff", Some(FindServices), Page),
    route("GET", "/staff/account", Some(Account), Page),
    route("POST", "/staff/account/password", Some(Account), Form),
    route("POST", "/staff/account/sessions/end", Some(Account), Form),
    route("POST", "/staff/account/channel", Some(Account), Form),
    route("GET", "/staff/plan", Some(ActOnPlans), Page),
    route("POST", "/staff/plan/open", Some(ActOnPlans), Form),
    route("POST", "/staff/plan/tasks", Some(ActOnPlans), Form),
    route("POST", "/staff/plan/delete", Some(ActOnPlans), Form),
    route("GET", "/staff/journey/{slug}", Some(ActOnPlans), Page),
    route("POST", "/staff/journey", Some(ActOnPlans), Form),
    route("POST", "/staff/offers", Some(ActOnPlans), Form),
    route("POST", "/staff/outcomes", Some(ActOnPlans), Form),
    route("GET", "/staff/admin", Some(Administer), Page),
    route("POST", "/staff/admin/staff", Some(Administer), Form),
    route("POST", "/staff/admin/staff/update", Some(Administer), Form),
    route("POST", "/staff/admin/api-keys", Some(Administer), Form),
    route(
        "POST",
        "/staff/admin/api-keys/revoke",
        Some(Administer),
        Form,
    ),
    route(
        "POST",
        "/staff/admin/catalogue/reload",
        Some(Administer),
        Form,
    ),
    route("GET", "/staff/admin/audit", Some(Administer), Page),
];

/// The form endpoints, registered from [`ROUTES`].
pub fn router() -> axum::Router<AppState> {
    use axum::routing::post;
    let mut r = axum::Router::new();
    for rt in ROUTES.iter().filter(|r| r.served == Served::Form) {
        let handler = match rt.path {
            "/staff/login" => post(account::login),
            "/staff/logout" => post(account::logout),
            "/staff/account/password" => post(account::change_password),
            "/staff/account/sessions/end" => post(account::end_sessions),
            "/staff/account/channel" => post(account::set_channel),
            "/staff/plan/open" => post(console::open_plan),
            "/staff/plan/tasks" => post(console::tick),
            "/staff/plan/delete" => post(console::delete_plan),
            "/staff/journey" => post(console::save_journey),
            "/staff/offers" => post(console::offer),
            "/staff/outcomes" => post(console::outcome),
            "/staff/admin/staff" => post(admin::create_staff),
            "/staff/admin/staff/update" => post(admin::update_staff),
            "/staff/admin/api-keys" => post(admin::create_key),
            "/staff/admin/api-keys/revoke" => post(admin::revoke_key),
            "/staff/admin/catalogue/reload" => post(admin::reload_catalogue),
            other => panic!("staff route {other} has no handler"),
        };
        r = r.route(rt.path, handler);
    }
    r
}

fn segments_match(pattern: &str, path: &str) -> bool {
    let p: Vec<&str> = pattern.split('/').collect();
    let a: Vec<&str> = path.split('/').collect();
    p.len() == a.len()
        && p.iter().zip(&a).all(|(p, a)| {
            if p.starts_with('{') {
                !a.is_empty()
            } else {
                p == a
            }
        })
}

/// The entry for a request, if any.
pub fn find_route(method: &Method, path: &str) -> Option<&'static StaffRoute> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    let path = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    ROUTES
        .iter()
        .find(|r| r.method == method && segments_match(r.path, path))
}

pub fn cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies {
        "__Host-doorstep_staff"
    } else {
        "doorstep_staff"
    }
}

pub fn session_cookie(state: &AppState, token: Option<&str>) -> HeaderValue {
    let name = cookie_name(state);
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let v = match token {
        // No Max-Age: the cookie goes when the browser closes, and the
        // server ends the session sooner anyway.
        Some(t) => format!("{name}={t}; Path=/; HttpOnly; SameSite=Strict{secure}"),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&v).unwrap_or(HeaderValue::from_static(""))
}

pub fn token_hash(token: &str) -> String {
    crate::api::key_hash(token)
}

/// A new session token: 64 hex digits.
pub fn new_token() -> String {
    app::backend::random_hex(32)
}

/// An argon2id hash of `password`, in PHC string form.
pub async fn hash_password(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// A fixed hash to check against when there is no account, so that a wrong
/// email takes as long as a wrong password.
static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();

pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let decoy = DECOY.get_or_init(|| {
            Argon2::default()
                .hash_password(b"no account here", &SaltString::generate(&mut OsRng))
                .map(|h| h.to_string())
                .unwrap_or_default()
        });
        let real = hash.is_some();
        let stored = hash.unwrap_or_else(|| decoy.clone());
        let ok = PasswordHash::new(&stored).is_ok_and(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        });
        ok && real
    })
    .await
    .unwrap_or(false)
}

/// The signed-in session behind this request, if it is still valid.
/// Expired sessions are ended on the way.
pub async fn current_session(
    state: &AppState,
    headers: &HeaderMap,
    address: &str,
) -> Option<StaffSession> {
    let token = app::backend::cookie(headers, cookie_name(state))?;
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let hash = token_hash(token);
    let backend = state.backend();
    let staff = &backend.staff;
    let SessionRecord {
        account,
        created_at: created,
        last_seen_at: seen,
        channel,
    } = match staff.session(&hash).await {
        Ok(Some(s)) => s,
        Ok(None) => return None,
        Err(e) => {
            tracing::error!(error = %e, "session lookup failed");
            return None;
        }
    };
    let now = OffsetDateTime::now_utc();
    if account.member.disabled || now - seen > IDLE || now - created > ABSOLUTE {
        let _ = staff.end_session(&hash).await;
        return None;
    }
    // One write a minute is enough to keep the idle clock.
    if now - seen > time::Duration::minutes(1) {
        if let Err(e) = staff.touch_session(&hash, now).await {
            tracing::error!(error = %e, "session touch failed");
        }
    }
    Some(StaffSession {
        member: account.member,
        token_hash: hash,
        address: address.to_owned(),
        channel,
    })
}

fn plain(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message.to_owned(),
    )
        .into_response()
}

/// The 403 page: plain HTML with the site's stylesheet, no script.
fn forbidden(member: &StaffMember) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>You cannot see this page – Doorstep staff</title>\
         <link rel=\"stylesheet\" href=\"/pkg/doorstep.css\"></head><body>\
         <header class=\"ds-header\"><div class=\"ds-width\"><a class=\"ds-header__name\" href=\"/staff\">Doorstep staff</a></div></header>\
         <main class=\"ds-width ds-main\" id=\"main\"><h1>You cannot see this page</h1>\
         <p>Your role ({}) does not allow it. If you need it for your work, ask an administrator.</p>\
         <p><a href=\"/staff\">Go to the console</a></p></main></body></html>",
        member.role.label()
    );
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}

/// Checks every `/staff` request against [`ROUTES`]: unknown paths are not
/// found; signed-out people go to sign in; a role without the permission
/// gets 403. The session is handed on as a request extension.
pub async fn guard(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    if !(path == "/staff" || path.starts_with("/staff/")) {
        return next.run(req).await;
    }
    let Some(route) = find_route(req.method(), &path) else {
        let known_path = ROUTES.iter().any(|r| segments_match(r.path, &path));
        return if known_path {
            plain(
                StatusCode::METHOD_NOT_ALLOWED,
                "That method is not allowed here.",
            )
        } else {
            crate::forms::render_page(
                &state,
                req.headers(),
                "/staff/not-found",
                StatusCode::NOT_FOUND,
                None,
            )
            .await
        };
    };
    let address = peer.ip().to_string();
    let session = current_session(&state, req.headers(), &address).await;
    if let Some(needs) = route.needs {
        let Some(session) = session else {
            if crate::forms::wants_json(req.headers()) {
                return plain(StatusCode::UNAUTHORIZED, "Sign in first.");
            }
            let next_path = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/staff");
            let target = if req.method() == Method::GET {
                format!("/staff/login?next={}", app::queries::url_encode(next_path))
            } else {
                "/staff/login".to_owned()
            };
            let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, target)]).into_response();
            res.headers_mut()
                .insert(header::SET_COOKIE, session_cookie(&state, None));
            return res;
        };
        if !session.member.role.may(needs) {
            return forbidden(&session.member);
        }
        req.extensions_mut().insert(session);
    } else if let Some(session) = session {
        req.extensions_mut().insert(session);
    }
    let mut res = next.run(req).await;
    // Staff pages hold citizens' plans: never cache them.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Appends to the audit log; a failure is logged, never shown.
pub async fn audit(
    state: &AppState,
    session: &StaffSession,
    action: &str,
    target: &str,
    detail: impl Into<String>,
) {
    let entry = session.audit_entry(action, target, detail);
    if let Err(e) = state.backend().staff.audit(&entry).await {
        tracing::error!(error = %e, action, "audit write failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_match_by_method_and_segments() {
        assert_eq!(
            find_route(&Method::GET, "/staff/journey/moving-home").map(|r| r.path),
            Some("/staff/journey/{slug}")
        );
        assert_eq!(
            find_route(&Method::HEAD, "/staff").map(|r| r.path),
            Some("/staff")
        );
        assert!(find_route(&Method::GET, "/staff/journey").is_none());
        assert!(find_route(&Method::DELETE, "/staff").is_none());
        assert!(find_route(&Method::GET, "/staff/secret").is_none());
    }

    #[test]
    fn every_route_is_listed_once() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} {} twice",
                    a.method,
                    a.path
                );
            }
        }
    }
}
