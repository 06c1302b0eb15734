//! The versioned JSON API under `/api/v1/`: the catalogue in Open Referral
//! UK shape, areas, suggestions out and interactions in.

use crate::recorder::learn;
use crate::AppState;
use app::backend::{Backend, StoreError};
use app::domain::catalogue::{Catalogue, Channel, Service, ServiceStatus};
use app::domain::interaction::{Actor, FieldError, Submitted};
use app::domain::suggest::{Context, Suggestion};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Digest;
use time::OffsetDateTime;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Most interactions one request may carry.
pub const MAX_BATCH: usize = 1000;

/// SHA-256 of an API key, as stored.
pub fn key_hash(key: &str) -> String {
    sha2::Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new random API key: `dsk_` and 40 hex digits.
pub fn new_key() -> String {
    format!("dsk_{}", app::backend::random_hex(20))
}

/// An error answer: what is wrong, and for a batch, which items and why.
#[derive(Serialize, ToSchema)]
pub struct ApiError {
    pub error: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ItemError>,
}

/// What is wrong with one item of a batch.
#[derive(Serialize, ToSchema)]
pub struct ItemError {
    /// The item's position in the batch, from 0.
    pub index: usize,
    pub field: String,
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationDoc {
    pub id: String,
    pub name: String,
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct PhoneDoc {
    pub number: String,
    /// When the line is open.
    pub description: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LocationDoc {
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct ServiceAtLocationDoc {
    pub location: LocationDoc,
    /// Opening hours.
    pub description: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OnlineChannelDoc {
    pub url: String,
    pub label: Option<String>,
}

/// One service in Open Referral UK's shape where it has fields for it,
/// with `summary`, `deadline_description`, `online_channels`, `life_events`
/// and `related` added.
#[derive(Serialize, ToSchema)]
pub struct ServiceDoc {
    /// The service's slug.
    #[schema(example = "skip-permit")]
    pub id: String,
    pub name: String,
    pub description: String,
    pub summary: String,
    pub url: Option<String>,
    pub status: ServiceStatus,
    pub eligibility_description: String,
    pub fees_description: String,
    pub deadline_description: Option<String>,
    pub organization: Option<OrganisationDoc>,
    pub phones: Vec<PhoneDoc>,
    pub service_at_locations: Vec<ServiceAtLocationDoc>,
    pub online_channels: Vec<OnlineChannelDoc>,
    /// Local Government Service List code, only where verified.
    pub lgsl: Option<u32>,
    /// Slugs of the life events whose journeys include this service.
    pub life_events: Vec<String>,
    /// Slugs of services people usually need alongside this one (curated).
    pub related: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ServiceList {
    pub total_items: usize,
    pub content: Vec<ServiceDoc>,
}

#[derive(Serialize, ToSchema)]
pub struct AreaDoc {
    #[schema(example = "FH03")]
    pub code: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct AreaList {
    pub areas: Vec<AreaDoc>,
}

#[derive(Serialize, ToSchema)]
pub struct SuggestionList {
    /// Best first; never a service the context already includes.
    pub suggestions: Vec<Suggestion>,
}

/// A batch of interactions to record, all or nothing.
#[derive(Serialize, ToSchema)]
pub struct InteractionBatch {
    #[schema(min_items = 1, max_items = 1000)]
    pub interactions: Vec<Submitted>,
}

#[derive(Serialize, ToSchema)]
pub struct Recorded {
    /// Items stored by this request.
    pub accepted: usize,
    /// Items whose id was already stored with the same content.
    pub already_recorded: usize,
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        Json(ApiError {
            error: message.into(),
            items: Vec::new(),
        }),
    )
        .into_response()
}

fn service_doc(c: &Catalogue, s: &Service) -> ServiceDoc {
    let mut phones = Vec::new();
    let mut locations = Vec::new();
    let mut online = Vec::new();
    for ch in &s.channels {
        match ch {
            Channel::Online { url, label } => online.push(OnlineChannelDoc {
                url: url.clone(),
                label: label.clone(),
            }),
            Channel::Phone { number, hours } => phones.push(PhoneDoc {
                number: number.clone(),
                description: hours.clone(),
            }),
            Channel::InPerson { location, hours } => locations.push(ServiceAtLocationDoc {
                location: LocationDoc {
                    name: location.clone(),
                },
                description: hours.clone(),
            }),
        }
    }
    ServiceDoc {
        id: s.slug.clone(),
        name: s.name.clone(),
        description: s.description.clone(),
        summary: s.summary.clone(),
        url: s.url.clone(),
        status: s.status,
        eligibility_description: s.eligibility_description.clone(),
        fees_description: s.fees_description.clone(),
        deadline_description: s.deadline_description.clone(),
        organization: c.organisation(&s.organisation).map(|o| OrganisationDoc {
            id: o.id.clone(),
            name: o.name.clone(),
            url: o.url.clone(),
        }),
        phones,
        service_at_locations: locations,
        online_channels: online,
        lgsl: s.lgsl,
        life_events: c
            .life_events_using(&s.slug)
            .iter()
            .map(|le| le.slug.clone())
            .collect(),
        related: s.related.clone(),
    }
}

/// The whole catalogue of services.
#[utoipa::path(get, path = "/api/v1/services", tag = "catalogue",
    responses((status = 200, description = "Every service", body = ServiceList)))]
pub async fn services(State(state): State<AppState>) -> Response {
    let backend = state.backend();
    let c = &backend.catalogue;
    let content: Vec<ServiceDoc> = c.services().iter().map(|s| service_doc(c, s)).collect();
    Json(ServiceList {
        total_items: content.len(),
        content,
    })
    .into_response()
}

/// One service.
#[utoipa::path(get, path = "/api/v1/services/{slug}", tag = "catalogue",
    params(("slug" = String, Path, description = "The service's slug")),
    responses(
        (status = 200, description = "The service", body = ServiceDoc),
        (status = 404, description = "No such service", body = ApiError),
    ))]
pub async fn service(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let backend = state.backend();
    let c = &backend.catalogue;
    match c.service(&slug) {
        Some(s) => Json(service_doc(c, s)).into_response(),
        None => error(
            StatusCode::NOT_FOUND,
            format!("there is no service '{slug}'"),
        ),
    }
}

/// The place's areas (wards), whose codes interactions use.
#[utoipa::path(get, path = "/api/v1/areas", tag = "catalogue",
    responses((status = 200, description = "Every area", body = AreaList)))]
pub async fn areas(State(state): State<AppState>) -> Response {
    let areas = state
        .backend()
        .catalogue
        .place
        .areas
        .iter()
        .map(|a| AreaDoc {
            code: a.code.clone(),
            name: a.name.clone(),
        })
        .collect();
    Json(AreaList { areas }).into_response()
}

/// What to suggest for; any combination of fields.
#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct SuggestionQuery {
    /// A service the person is using or has used.
    service: Option<String>,
    /// The life event they are dealing with.
    life_event: Option<String>,
    /// Their journey id (as sent with interactions): what it already holds
    /// is not suggested again.
    journey: Option<String>,
    /// Their area code; the area's own pattern counts more where it has
    /// enough data.
    area: Option<String>,
    /// How many suggestions, from 1 to 20 (5 if absent).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 20)]
    limit: Option<String>,
}

/// Related services for a context, blended from curated links and what
/// recorded interactions show people need together.
#[utoipa::path(get, path = "/api/v1/suggestions", tag = "suggestions",
    params(SuggestionQuery),
    responses(
        (status = 200, description = "Suggestions, best first", body = SuggestionList),
        (status = 400, description = "A parameter is not valid", body = ApiError),
    ))]
pub async fn suggestions(
    State(state): State<AppState>,
    Query(q): Query<SuggestionQuery>,
) -> Response {
    let backend = state.backend();
    let c = &backend.catalogue;
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
    Json(SuggestionList {
        suggestions: backend.suggest(&ctx, limit),
    })
    .into_response()
}

/// The partner named by a valid `Authorization: Bearer` key.
async fn partner(backend: &Backend, headers: &HeaderMap) -> Result<String, Response> {
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
    match backend.store.api_key_name(&key_hash(key)).await {
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

/// Records a batch of interactions, all or nothing. Idempotent on each
/// item's id: an id already stored with the same content is counted, not
/// stored again; with different content the whole batch is refused.
#[utoipa::path(post, path = "/api/v1/interactions", tag = "interactions",
    request_body = InteractionBatch,
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Recorded", body = Recorded),
        (status = 400, description = "The body is not JSON or has no interactions array", body = ApiError),
        (status = 401, description = "No API key, or one that is not valid or revoked", body = ApiError),
        (status = 409, description = "An id was already recorded with different content; nothing recorded", body = ApiError),
        (status = 413, description = "The body is larger than 2 MiB"),
        (status = 422, description = "Too few or too many items, or items not valid (each named); nothing recorded", body = ApiError),
        (status = 503, description = "Storage is unavailable; nothing recorded; retry", body = ApiError),
    ))]
pub async fn record(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let backend = state.backend();
    let partner = match partner(&backend, &headers).await {
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
            .and_then(|s| s.check(&backend.catalogue, Actor::Partner(partner.clone()), now));
        match checked {
            Ok(i) => batch.push(i),
            Err(e) => errors.push(ItemError {
                index,
                field: e.field,
                reason: e.reason,
            }),
        }
    }
    if !errors.is_empty() {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(ApiError {
                error: "some interactions are not valid; none were recorded".into(),
                items: errors,
            }),
        )
            .into_response();
    }
    match backend.store.record(&batch).await {
        Ok(new) => {
            learn(&backend.engine, &batch, &new);
            let accepted = new.iter().filter(|n| **n).count();
            Json(Recorded {
                accepted,
                already_recorded: new.len() - accepted,
            })
            .into_response()
        }
        Err(StoreError::Conflict { index, id }) => (
            StatusCode::CONFLICT,
            Json(ApiError {
                error: "an id was already recorded with different content; none were recorded"
                    .into(),
                items: vec![ItemError {
                    index,
                    field: "id".into(),
                    reason: format!("{id} was already recorded with different content"),
                }],
            }),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "recording interactions failed");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the service is unavailable; nothing was recorded; try again shortly",
            )
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Doorstep API",
        version = "1",
        description = "The catalogue, the place's areas and suggestions, open to all; recording interactions, for partner systems and the Doorstep app with an API key."
    ),
    modifiers(&ApiKey),
    tags(
        (name = "catalogue", description = "Services and areas"),
        (name = "suggestions", description = "Related services"),
        (name = "interactions", description = "Recording what people did, on any channel"),
    )
)]
struct ApiDoc;

/// The bearer API key scheme (`doorstep api-key create NAME`).
struct ApiKey;

impl Modify for ApiKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A key from `doorstep api-key create NAME`"))
                    .build(),
            ),
        );
    }
}

/// The API's routes and their OpenAPI description, built from the same
/// handler list so the two cannot drift apart.
pub fn routes() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(record))
        .routes(routes!(suggestions))
        .routes(routes!(services))
        .routes(routes!(service))
        .routes(routes!(areas))
        .split_for_parts()
}
