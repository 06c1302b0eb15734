//! Reads the pages make. Catalogue reads are synchronous and server-only;
//! reads that touch the database are server functions with fixed URLs, so
//! islands can call them too.

use crate::domain::catalogue::Catalogue;
use crate::domain::plan::PlanView;
use crate::domain::search::Hit;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// Runs `f` against the catalogue when rendering on the server. Pages are
/// only ever rendered there (islands mode), so `None` in the browser is
/// never shown.
pub fn with_catalogue<T>(f: impl FnOnce(&Catalogue) -> T) -> Option<T> {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::backend::Backend>().map(|b| f(&b.catalogue))
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = f;
        None
    }
}

/// Runs `f` against the whole backend, on the server.
#[cfg(feature = "ssr")]
pub fn with_backend<T>(f: impl FnOnce(&crate::backend::Backend) -> T) -> Option<T> {
    use_context::<crate::backend::Backend>().map(|b| f(&b))
}

/// What a page records about itself, by kind.
pub struct Record<'a> {
    pub kind: crate::domain::interaction::Kind,
    pub life_event: Option<&'a str>,
    pub service: Option<&'a str>,
    pub query: Option<&'a str>,
    pub result_count: Option<u32>,
}

impl<'a> Record<'a> {
    pub fn new(kind: crate::domain::interaction::Kind) -> Self {
        Record {
            kind,
            life_event: None,
            service: None,
            query: None,
            result_count: None,
        }
    }
}

/// Records an interaction for the page being rendered, as a citizen on the
/// web, linked to their journey only if they have a plan or consented.
/// Never slows or breaks the page.
pub fn record(r: Record<'_>) {
    #[cfg(feature = "ssr")]
    {
        use crate::backend::{journey_of, Backend};
        let (Some(backend), Some(parts)) = (
            use_context::<Backend>(),
            use_context::<http::request::Parts>(),
        ) else {
            return;
        };
        backend.recorder.record(crate::backend::citizen_interaction(
            r.kind,
            journey_of(&parts.headers),
            r.life_event,
            r.service,
            r.query,
            r.result_count,
        ));
    }
    #[cfg(not(feature = "ssr"))]
    let _ = r;
}

/// Suggestions for a page, recorded as shown.
pub fn suggestions_for(
    ctx: crate::domain::suggest::Context,
    limit: usize,
) -> Vec<crate::domain::suggest::Suggestion> {
    #[cfg(feature = "ssr")]
    {
        let Some(backend) = use_context::<crate::backend::Backend>() else {
            return Vec::new();
        };
        let found = backend.suggest(&ctx, limit);
        for s in &found {
            record(Record {
                service: Some(&s.service),
                ..Record::new(crate::domain::interaction::Kind::SuggestionShown)
            });
        }
        found
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = (ctx, limit);
        Vec::new()
    }
}

/// Sets the HTTP status of the page being rendered.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        res.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// The problem with a submitted form, when the server shows it again.
pub fn form_problem() -> Option<FormProblemView> {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::backend::FormProblem>().map(|p| FormProblemView {
            field: p.field.clone(),
            message: p.message.clone(),
            values: p.values.clone(),
        })
    }
    #[cfg(not(feature = "ssr"))]
    None
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormProblemView {
    pub field: String,
    pub message: String,
    pub values: Vec<(String, String)>,
}

impl FormProblemView {
    pub fn value(&self, name: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

/// A random token for forms that create things, so a repeated submission
/// (double click, retry on a bad connection) creates one thing.
pub fn request_id() -> String {
    #[cfg(feature = "ssr")]
    {
        crate::backend::random_hex(16)
    }
    #[cfg(not(feature = "ssr"))]
    String::new()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: String,
    pub hits: Vec<Hit>,
}

/// Services and life events matching everyday words.
#[server(prefix = "/fn", endpoint = "search", input = GetUrl)]
pub async fn search(q: String) -> Result<SearchResults, ServerFnError> {
    let backend = expect_context::<crate::backend::Backend>();
    let query: String = q.chars().take(200).collect();
    let hits = backend.search.search(&query, 20);
    Ok(SearchResults { query, hits })
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanPageModel {
    pub plan: Option<PlanView>,
    /// Life events the plan does not have yet: (slug, name).
    pub other_life_events: Vec<(String, String)>,
    /// The cookie named a plan that no longer exists.
    pub forgotten: bool,
    /// "You may also need": services the plan does not have yet.
    pub suggestions: Vec<crate::domain::suggest::Suggestion>,
}

/// The plan remembered on this device, as it stands today.
#[server(prefix = "/fn", endpoint = "plan", input = GetUrl)]
pub async fn current_plan() -> Result<PlanPageModel, ServerFnError> {
    use crate::backend::{plan_reference, Backend};
    let backend = expect_context::<Backend>();
    let parts = expect_context::<http::request::Parts>();
    let reference = plan_reference(&parts.headers);
    let plan = match &reference {
        Some(r) => backend
            .store
            .plan(r)
            .await
            .map_err(|e| ServerFnError::new(e.to_string()))?,
        None => None,
    };
    let today = time::OffsetDateTime::now_utc().date();
    let view = plan.map(|p| p.view(&backend.catalogue, today));
    let other_life_events = backend
        .catalogue
        .life_events()
        .iter()
        .filter(|le| {
            view.as_ref()
                .is_none_or(|v| v.events.iter().all(|e| e.life_event != le.slug))
        })
        .map(|le| (le.slug.clone(), le.name.clone()))
        .collect();
    let suggestions = match (&view, &reference) {
        (Some(v), Some(r)) => suggestions_for(
            crate::domain::suggest::Context::for_plan(v, crate::backend::plan_journey(r)),
            5,
        ),
        _ => Vec::new(),
    };
    Ok(PlanPageModel {
        forgotten: reference.is_some() && view.is_none(),
        plan: view,
        other_life_events,
        suggestions,
    })
}

/// Whether this device has a plan cookie (not whether the plan exists).
pub fn has_plan_cookie() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|p| crate::backend::plan_reference(&p.headers))
            .is_some()
    }
    #[cfg(not(feature = "ssr"))]
    false
}

/// The analytics-cookie choice on this device: `None` until one is made.
pub fn consent() -> Option<bool> {
    #[cfg(feature = "ssr")]
    {
        let parts = use_context::<http::request::Parts>()?;
        match crate::backend::cookie(&parts.headers, crate::backend::CONSENT_COOKIE) {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        }
    }
    #[cfg(not(feature = "ssr"))]
    None
}

/// The path of the page being rendered, to come back to after a form.
pub fn current_path() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|p| {
                p.uri
                    .path_and_query()
                    .map(|pq| pq.as_str().to_owned())
                    .unwrap_or_else(|| "/".into())
            })
            .unwrap_or_else(|| "/".into())
    }
    #[cfg(not(feature = "ssr"))]
    "/".into()
}

/// Percent-encodes a query-string value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A request extension put there by the server (the staff session, say).
#[cfg(feature = "ssr")]
pub fn extension<T: Clone + Send + Sync + 'static>() -> Option<T> {
    use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<T>().cloned())
}

/// The signed-in member of staff, on staff pages.
#[cfg(feature = "ssr")]
pub fn staff_session() -> Option<crate::backend::StaffSession> {
    extension::<crate::backend::StaffSession>()
}
