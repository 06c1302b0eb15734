//! The endpoints that change a plan. Each is a plain HTML form post that
//! answers with a redirect (or the page again, with the problem and the
//! right status), and answers JSON to islands that ask for it with
//! `Accept: application/json`. URLs are fixed: the offline app will queue
//! posts to them.

use crate::{plans, AppState};
use app::backend::{
    citizen_interaction, plan_journey, plan_reference, Backend, FormProblem, StoreError,
    CONSENT_COOKIE, JOURNEY_COOKIE, PLAN_COOKIE,
};
use app::domain::interaction::Kind;
use app::domain::journey::Answers;
use app::domain::plan::{parse_date_parts, PlanEvent};
use app::domain::reference::Reference;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use leptos::prelude::provide_context;
use serde::Deserialize;
use std::net::SocketAddr;
use time::OffsetDateTime;

pub(crate) fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

pub(crate) fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location.to_owned())],
    )
        .into_response()
}

fn plan_cookie(state: &AppState, reference: Option<&Reference>) -> HeaderValue {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let value = match reference {
        // A year: long enough to see a life event through.
        Some(r) => format!(
            "{PLAN_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000{secure}",
            r.as_str()
        ),
        None => format!("{PLAN_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static(""))
}

/// A problem with what was sent: shown on `page` (with the form filled in
/// again) to people, or as JSON to islands.
pub(crate) struct Problem {
    pub status: StatusCode,
    pub page: String,
    pub problem: FormProblem,
}

impl Problem {
    pub(crate) fn new(
        status: StatusCode,
        page: impl Into<String>,
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            status,
            page: page.into(),
            problem: FormProblem {
                field: field.into(),
                message: message.into(),
                values: Vec::new(),
            },
        }
    }

    pub(crate) fn with_values(mut self, values: Vec<(String, String)>) -> Self {
        self.problem.values = values;
        self
    }

    pub(crate) async fn respond(self, state: &AppState, headers: &HeaderMap) -> Response {
        self.respond_as(state, headers, None).await
    }

    pub(crate) async fn respond_as(
        self,
        state: &AppState,
        headers: &HeaderMap,
        session: Option<app::backend::StaffSession>,
    ) -> Response {
        if wants_json(headers) {
            let body = serde_json::json!({"error": {"field": self.problem.field, "message": self.problem.message}});
            return (self.status, Json(body)).into_response();
        }
        let mut extensions = axum::http::Extensions::new();
        if let Some(s) = session {
            extensions.insert(s);
        }
        render_page_as(
            state,
            headers,
            &self.page,
            self.status,
            Some(self.problem),
            extensions,
        )
        .await
    }
}

pub(crate) fn unavailable(e: StoreError) -> Problem {
    tracing::error!(error = %e, "storage failed");
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "/plan",
        "main",
        "Sorry, there is a problem with the service. Try again in a few minutes.",
    )
}

/// Renders a page as if it had been requested with GET, with a form
/// problem in context, and gives it `status`.
pub async fn render_page(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
    status: StatusCode,
    problem: Option<FormProblem>,
) -> Response {
    render_page_as(state, headers, path, status, problem, Default::default()).await
}

/// [`render_page`] with request extensions for the page to read (the
/// signed-in member of staff, say).
pub async fn render_page_as(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
    status: StatusCode,
    problem: Option<FormProblem>,
    extensions: axum::http::Extensions,
) -> Response {
    let backend = state.backend();
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(backend.clone());
            if let Some(p) = problem.clone() {
                provide_context(p);
            }
        },
        move || app::shell(options.clone()),
    );
    let mut builder = Request::builder().method(Method::GET).uri(path);
    for name in [header::COOKIE, header::HOST, header::ACCEPT_LANGUAGE] {
        for v in headers.get_all(&name) {
            builder = builder.header(&name, v);
        }
    }
    if let Some(e) = builder.extensions_mut() {
        e.extend(extensions);
    }
    let Ok(req) = builder.body(Body::empty()) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut res = handler(req).await;
    *res.status_mut() = status;
    res
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StartForm {
    life_event: String,
    answers: String,
    request_id: String,
    day: String,
    month: String,
    year: String,
}

/// Starts a plan with this life event, or adds it to the plan this device
/// already has.
pub async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<StartForm>,
) -> Response {
    let backend = state.backend();
    let catalogue = &backend.catalogue;
    let Some(le) = catalogue.life_event(&form.life_event) else {
        return Problem::new(
            StatusCode::NOT_FOUND,
            "/",
            "main",
            "We could not find that life event. Choose one from the list.",
        )
        .respond(&state, &headers)
        .await;
    };
    let answers = Answers::parse(
        le,
        form.answers.split('&').filter_map(|kv| kv.split_once('=')),
    );
    let page = if answers.0.is_empty() {
        format!("/life-events/{}", le.slug)
    } else {
        format!("/life-events/{}?{}", le.slug, answers.to_query())
    };
    let event_date = if le.event_date_label.is_some() {
        match parse_date_parts(&form.day, &form.month, &form.year) {
            Ok(d) => d,
            Err(message) => {
                let values = vec![
                    ("day".into(), form.day.clone()),
                    ("month".into(), form.month.clone()),
                    ("year".into(), form.year.clone()),
                    ("answers".into(), answers.to_query()),
                ];
                return Problem::new(StatusCode::BAD_REQUEST, page, "date-day", message)
                    .with_values(values)
                    .respond(&state, &headers)
                    .await;
            }
        }
    } else {
        None
    };
    let event = PlanEvent {
        life_event: le.slug.clone(),
        answers,
        event_date,
    };
    let now = OffsetDateTime::now_utc();
    if let Some(reference) = plan_reference(&headers) {
        match plans::put_event(&backend, &reference, &event, now).await {
            Ok(Some(put)) => {
                record(&backend, &reference, Kind::PlanStarted, &le.slug, None);
                plans::note_change(&backend, &reference, None, put.action(), &le.name).await;
                return plan_saved(&state, &headers, &reference, false);
            }
            Ok(None) => {} // The remembered plan is gone: start a new one.
            Err(e) => return unavailable(e).respond(&state, &headers).await,
        }
    }
    let request_id = plans::request_id_or_fresh(&form.request_id);
    match plans::create(&backend, &request_id, &event, now).await {
        Ok(reference) => {
            record(&backend, &reference, Kind::PlanStarted, &le.slug, None);
            plans::note_change(&backend, &reference, None, "created", &le.name).await;
            plan_saved(&state, &headers, &reference, true)
        }
        Err(e) => unavailable(e).respond(&state, &headers).await,
    }
}

fn plan_saved(
    state: &AppState,
    headers: &HeaderMap,
    reference: &Reference,
    created: bool,
) -> Response {
    let cookie = plan_cookie(state, Some(reference));
    if wants_json(headers) {
        let status = if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        return (
            status,
            [(header::SET_COOKIE, cookie)],
            Json(serde_json::json!({"reference": reference.to_string()})),
        )
            .into_response();
    }
    let mut res = see_other("/plan");
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    res
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TickForm {
    task: String,
    done: String,
}

/// Marks a task done or not done.
pub async fn tick(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<TickForm>,
) -> Response {
    let Some(reference) = plan_reference(&headers) else {
        return Problem::new(
            StatusCode::NOT_FOUND,
            "/plan",
            "reference",
            "There is no plan on this device. Enter your plan reference to continue it.",
        )
        .respond(&state, &headers)
        .await;
    };
    let done = match form.done.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            return Problem::new(
                StatusCode::BAD_REQUEST,
                "/plan",
                "plan-progress",
                "Say whether the task is done or not.",
            )
            .respond(&state, &headers)
            .await
        }
    };
    let backend = state.backend();
    let ticked = match plans::set_task(&backend, &reference, &form.task, done).await {
        Ok(t) => t,
        Err(plans::TickRefused::NoPlan) => {
            return Problem::new(
                StatusCode::NOT_FOUND,
                "/plan",
                "reference",
                "The plan saved on this device no longer exists.",
            )
            .respond(&state, &headers)
            .await
        }
        Err(plans::TickRefused::NotInPlan) => {
            return Problem::new(
                StatusCode::BAD_REQUEST,
                "/plan",
                "plan-progress",
                "That task is not part of your plan.",
            )
            .respond(&state, &headers)
            .await
        }
        Err(plans::TickRefused::Store(e)) => return unavailable(e).respond(&state, &headers).await,
    };
    let key = &ticked.key;
    let kind = plans::tick_kind(done);
    record(
        &backend,
        &reference,
        kind,
        &key.life_event,
        Some(&key.service),
    );
    plans::note_change(
        &backend,
        &reference,
        None,
        plans::tick_action(done),
        &ticked.label,
    )
    .await;
    if wants_json(&headers) {
        let (n, total) = ticked
            .plan
            .view(&backend.catalogue, OffsetDateTime::now_utc().date())
            .progress();
        return Json(serde_json::json!({
            "task": key.to_string(),
            "done": done,
            "progress": app::pages::plan::progress_text(n, total),
        }))
        .into_response();
    }
    see_other("/plan")
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResumeForm {
    reference: String,
}

/// Continues a plan on this device from its reference.
pub async fn resume(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<ResumeForm>,
) -> Response {
    let typed: String = form.reference.chars().take(40).collect();
    let values = vec![("reference".to_owned(), typed.clone())];
    if let Err(wait) = state.resume_limiter.check(peer.ip()) {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        let mut res = Problem::new(StatusCode::TOO_MANY_REQUESTS, "/plan", "reference", format!("You have tried too many references. Wait {minutes} minutes and try again, or phone us."))
            .with_values(values)
            .respond(&state, &headers)
            .await;
        if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return res;
    }
    let reference = match Reference::parse(&typed) {
        Ok(r) => r,
        Err(e) => {
            return Problem::new(StatusCode::BAD_REQUEST, "/plan", "reference", e.to_string())
                .with_values(values)
                .respond(&state, &headers)
                .await
        }
    };
    match state.backend().store.plan(&reference).await {
        Ok(Some(_)) => plan_saved(&state, &headers, &reference, false),
        Ok(None) => {
            Problem::new(
                StatusCode::NOT_FOUND,
                "/plan",
                "reference",
                "We could not find a plan with that reference. Check it and try again.",
            )
            .with_values(values)
            .respond(&state, &headers)
            .await
        }
        Err(e) => unavailable(e).respond(&state, &headers).await,
    }
}

/// Deletes the plan on this device, for good. Deleting twice is harmless.
pub async fn delete(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(reference) = plan_reference(&headers) {
        if let Err(e) = plans::delete_and_forget(&state.backend(), &reference).await {
            return unavailable(e).respond(&state, &headers).await;
        }
    }
    let cookie = plan_cookie(&state, None);
    if wants_json(&headers) {
        return (
            StatusCode::OK,
            [(header::SET_COOKIE, cookie)],
            Json(serde_json::json!({"deleted": true})),
        )
            .into_response();
    }
    let mut res = see_other("/plan?deleted=1");
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    res
}

/// Records a citizen's action on their plan.
fn record(
    backend: &Backend,
    reference: &Reference,
    kind: Kind,
    life_event: &str,
    service: Option<&str>,
) {
    backend.recorder.record(citizen_interaction(
        kind,
        Some(plan_journey(reference)),
        Some(life_event),
        service,
        None,
        None,
    ));
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CookiesForm {
    analytics: String,
    return_to: String,
}

/// Records the analytics-cookie choice and goes back where the person was.
pub async fn cookies(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CookiesForm>,
) -> Response {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let accepted = match form.analytics.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return Problem::new(
                StatusCode::BAD_REQUEST,
                "/cookies",
                "main",
                "Choose whether to accept analytics cookies.",
            )
            .respond(&state, &headers)
            .await
        }
    };
    // Only our own pages: a path, never another site.
    let back = if form.return_to.starts_with('/')
        && !form.return_to.starts_with("//")
        && !form.return_to.contains('\\')
    {
        form.return_to.as_str()
    } else {
        "/"
    };
    let mut res = see_other(back);
    let consent = format!(
        "{CONSENT_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000{secure}",
        if accepted { "yes" } else { "no" }
    );
    let journey = if accepted {
        // A browser-session cookie: gone when the browser closes.
        let id = app::backend::random_hex(16);
        format!("{JOURNEY_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax{secure}")
    } else {
        format!("{JOURNEY_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
    };
    for c in [consent, journey] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// Following a service's online link: recorded as the service being
/// started, then sent on to the provider. The destination comes from the
/// catalogue, never from the request, so this cannot be used to redirect
/// anywhere else. A service with no online channel (or an unknown one) goes
/// back to its page, which explains what to do or gives the 404.
pub async fn start_service(
    State(state): State<AppState>,
    axum::extract::Path(slug): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Response {
    let backend = state.backend();
    let catalogue = &backend.catalogue;
    let Some(service) = catalogue.service(&slug) else {
        return see_other(&format!("/services/{}", percent_path(&slug)));
    };
    let online = service.channels.iter().find_map(|c| match c {
        app::domain::catalogue::Channel::Online { url, .. } => Some(url.clone()),
        _ => None,
    });
    let Some(url) = online.or_else(|| service.url.clone()) else {
        return see_other(&format!("/services/{}", service.slug));
    };
    backend.recorder.record(citizen_interaction(
        Kind::ServiceStarted,
        app::backend::journey_of(&headers),
        None,
        Some(&service.slug),
        None,
        None,
    ));
    // Not cached: each visit is a start.
    let mut res = see_other(&url);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Keeps a slug that is not in the catalogue from breaking the redirect.
fn percent_path(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
