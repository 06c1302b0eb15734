//! The versioned JSON API under `/api/v1/`: the catalogue in Open Referral
//! UK shape, areas, suggestions out and interactions in.

use crate::recorder::learn;
use crate::AppState;
use app::backend::StoreError;
use app::domain::catalogue::{Catalogue, Channel, Service};
use app::domain::interaction::{Actor, FieldError, Submitted};
use app::domain::suggest::Context;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::Digest;
use time::OffsetDateTime;

/// Most interactions one request may carry.
pub const MAX_BATCH: usize = 1000;

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

/// SHA-256 of an API key, as stored.
pub fn key_hash(key: &str) -> String {
    sha2::Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new random API key: `dsk_` and 40 hex digits.
pub fn new_key() -> String {
    use rand::RngCore;
    let mut b = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut b);
    format!(
        "dsk_{}",
        b.iter().map(|x| format!("{x:02x}")).collect::<String>()
    )
}

fn organisation(c: &Catalogue, s: &Service) -> Value {
    match c.organisation(&s.organisation) {
        Some(o) => json!({ "id": o.id, "name": o.name, "url": o.url }),
        None => Value::Null,
    }
}

/// One service in Open Referral UK's shape, with `life_events` and
/// `related` added.
fn service_json(c: &Catalogue, s: &Service) -> Value {
    let mut phones = Vec::new();
    let mut locations = Vec::new();
    let mut online = Vec::new();
    for ch in &s.channels {
        match ch {
            Channel::Online { url, label } => online.push(json!({ "url": url, "label": label })),
            Channel::Phone { number, hours } => {
                phones.push(json!({ "number": number, "description": hours }))
            }
            Channel::InPerson { location, hours } => {
                locations.push(json!({ "location": { "name": location }, "description": hours }))
            }
        }
    }
    json!({
        "id": s.slug,
        "name": s.name,
        "description": s.description,
        "summary": s.summary,
        "url": s.url,
        "status": s.status,
        "eligibility_description": s.eligibility_description,
        "fees_description": s.fees_description,
        "deadline_description": s.deadline_description,
        "organization": organisation(c, s),
        "phones": phones,
        "service_at_locations": locations,
        "online_channels": online,
        "lgsl": s.lgsl,
        "life_events": c.life_events_using(&s.slug).iter().map(|le| &le.slug).collect::<Vec<_>>(),
        "related": s.related,
    })
}

pub async fn services(State(state): State<AppState>) -> Response {
    let c = &state.backend.catalogue;
    let content: Vec<Value> = c.services().iter().map(|s| service_json(c, s)).collect();
    Json(json!({ "total_items": content.len(), "content": content })).into_response()
}

pub async fn service(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let c = &state.backend.catalogue;
    match c.service(&slug) {
        Some(s) => Json(service_json(c, s)).into_response(),
        None => error(
            StatusCode::NOT_FOUND,
            format!("there is no service '{slug}'"),
        ),
    }
}

pub async fn areas(State(state): State<AppState>) -> Response {
    let areas: Vec<Value> = state
        .backend
        .catalogue
        .place
        .areas
        .iter()
        .map(|a| json!({ "code": a.code, "name": a.name }))
        .collect();
    Json(json!({ "areas": areas })).into_response()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SuggestionQuery {
    service: Option<String>,
    life_event: Option<String>,
    journey: Option<String>,
    area: Option<String>,
    limit: Option<String>,
}

pub async fn suggestions(
    State(state): State<AppState>,
    Query(q): Query<SuggestionQuery>,
) -> Response {
    let c = &state.backend.catalogue;
    if let Some(s) = &q.service {
        if c.service(s).is_none() {
            return error(
                StatusCode::BAD_REQUEST,
                format!("service: '{s}' is not a service in the catalogue"),
            );
        }
    }
    if let Some(le) = &q.life_event {
        if c.life_event(le).is_none() {
            return error(
                StatusCode::BAD_REQUEST,
                format!("life_event: '{le}' is not a life event in the catalogue"),
            );
        }
    }
    if let Some(a) = &q.area {
        if c.area(a).is_none() {
            return error(
                StatusCode::BAD_REQUEST,
                format!("area: '{a}' is not one of the place's area codes"),
            );
        }
    }
    let limit = match q.limit.as_deref() {
        None => 5,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=20).contains(&n) => n,
            _ => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "limit: must be a whole number from 1 to 20",
                )
            }
        },
    };
    let ctx = Context {
        services: q.service.into_iter().collect(),
        life_event: q.life_event,
        journey: q.journey,
        area: q.area,
        exclude: Vec::new(),
    };
    Json(json!({ "suggestions": state.backend.suggest(&ctx, limit) })).into_response()
}

/// The partner named by a valid `Authorization: Bearer` key.
async fn partner(state: &AppState, headers: &HeaderMap) -> Result<String, Response> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|k| !k.is_empty());
    let Some(key) = key else {
        let mut r = error(
            StatusCode::UNAUTHORIZED,
            "an API key is required: send Authorization: Bearer <key>",
        );
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
        return Err(r);
    };
    match state.backend.store.api_key_name(&key_hash(key)).await {
        Ok(Some(name)) => Ok(name),
        Ok(None) => Err(error(
            StatusCode::UNAUTHORIZED,
            "that API key is not valid or has been revoked",
        )),
        Err(e) => {
            tracing::error!(error = %e, "api key lookup failed");
            Err(error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the service is unavailable; try again shortly",
            ))
        }
    }
}

#[derive(serde::Serialize)]
struct ItemError {
    index: usize,
    #[serde(flatten)]
    error: FieldError,
}

/// Records a batch of interactions, all or nothing.
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let partner = match partner(&state, &headers).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let body: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("the body is not valid JSON: {e}"),
            )
        }
    };
    let Some(items) = body.get("interactions").and_then(Value::as_array) else {
        return error(
            StatusCode::BAD_REQUEST,
            "the body must be an object with an \"interactions\" array",
        );
    };
    if items.is_empty() || items.len() > MAX_BATCH {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "interactions: send from 1 to {MAX_BATCH} items, not {}",
                items.len()
            ),
        );
    }
    let now = OffsetDateTime::now_utc();
    let mut batch = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let checked = serde_json::from_value::<Submitted>(item.clone())
            .map_err(|e| FieldError {
                field: "item".into(),
                reason: format!("is not a valid interaction object: {e}"),
            })
            .and_then(|s| {
                s.check(
                    &state.backend.catalogue,
                    Actor::Partner(partner.clone()),
                    now,
                )
            });
        match checked {
            Ok(i) => batch.push(i),
            Err(error) => errors.push(ItemError { index, error }),
        }
    }
    if !errors.is_empty() {
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ "error": "some interactions are not valid; none were recorded", "items": errors }))).into_response();
    }
    match state.backend.store.record(&batch).await {
        Ok(new) => {
            learn(&state.backend.engine, &batch, &new);
            let accepted = new.iter().filter(|n| **n).count();
            Json(json!({ "accepted": accepted, "already_recorded": new.len() - accepted })).into_response()
        }
        Err(StoreError::Conflict { index, id }) => (
            StatusCode::CONFLICT,
            Json(json!({
                "error": "an id was already recorded with different content; none were recorded",
                "items": [{ "index": index, "field": "id", "reason": format!("{id} was already recorded with different content") }],
            })),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "recording interactions failed");
            error(StatusCode::SERVICE_UNAVAILABLE, "the service is unavailable; nothing was recorded; try again shortly")
        }
    }
}
