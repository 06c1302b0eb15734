//! The Doorstep server: configuration, catalogue loading, storage, the form
//! endpoints and the HTTP stack around the Leptos pages.

pub mod api;
pub mod catalogue_files;
pub mod config;
pub mod forms;
pub mod plans;
pub mod recorder;
pub mod retention;
pub mod security;
pub mod staff;
pub mod storage;

use app::backend::Backend;
use app::domain::catalogue::Catalogue;
use app::domain::search::SearchIndex;
use app::domain::suggest::Engine;
use axum::extract::{FromRef, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use config::Config;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use security::RateLimiter;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Form posts and server function calls are small; anything bigger is refused.
pub const BODY_LIMIT: usize = 64 * 1024;
/// A full batch of interactions for the API.
pub const API_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The backend as it is now. An admin can reload the catalogue while the
/// server runs; each request works on the snapshot it started with, so a
/// page never mixes two catalogues.
#[derive(Clone)]
pub struct LiveBackend(Arc<std::sync::RwLock<Backend>>);

impl LiveBackend {
    pub fn new(backend: Backend) -> Self {
        LiveBackend(Arc::new(std::sync::RwLock::new(backend)))
    }

    /// A snapshot (a handful of reference-counted pointers).
    pub fn now(&self) -> Backend {
        self.0.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Swaps in a new catalogue with its search index and the suggestion
    /// engine rebuilt for it, together.
    fn replace(&self, catalogue: Arc<Catalogue>, search: Arc<SearchIndex>, engine: Engine) {
        let mut b = self.0.write().unwrap_or_else(|p| p.into_inner());
        *b.engine.write().unwrap_or_else(|p| p.into_inner()) = engine;
        b.catalogue = catalogue;
        b.search = search;
    }
}

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub live: LiveBackend,
    pub config: Arc<Config>,
    pub resume_limiter: Arc<RateLimiter>,
    pub login_limiter: Arc<RateLimiter>,
}

impl AppState {
    /// The backend for this request: see [`LiveBackend`].
    pub fn backend(&self) -> Backend {
        self.live.now()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Catalogue(#[from] app::domain::catalogue::CatalogueErrors),
    #[error("cannot open the database: {0}")]
    Store(#[from] app::backend::StoreError),
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
}

/// Loads the catalogue, opens the database and builds the application.
pub async fn build(config: Config) -> Result<Router, StartError> {
    let catalogue = Arc::new(catalogue_files::load(&config.catalogue_dir)?);
    let (store, staff) = storage::open_both(&config.database_url).await?;
    let search = Arc::new(SearchIndex::new(&catalogue));
    let engine = Arc::new(std::sync::RwLock::new(
        learned_engine(&catalogue, store.as_ref()).await?,
    ));
    let recorder = recorder::start(store.clone(), engine.clone());
    let state = AppState {
        leptos_options: config.leptos_options(),
        live: LiveBackend::new(Backend {
            store,
            catalogue,
            search,
            engine,
            recorder: Arc::new(recorder),
            staff,
        }),
        resume_limiter: Arc::new(RateLimiter::new(
            config.resume_attempts,
            Duration::from_secs(15 * 60),
        )),
        // Failed sign-ins per address: enough for a busy office, too few
        // for guessing.
        login_limiter: Arc::new(RateLimiter::new(50, Duration::from_secs(15 * 60))),
        config: Arc::new(config),
    };
    retention::start(state.live.clone(), state.config.retention_months);
    Ok(router(state))
}

/// Reads the catalogue files again and, if they are valid, swaps in the new
/// catalogue, its search index and a suggestion engine rebuilt from the
/// stored interactions. On problems nothing changes. Answers the number of
/// life events and services now served. (Interactions recorded while the
/// engine is rebuilt reach it at the next rebuild or restart.)
pub async fn reload_catalogue(state: &AppState) -> Result<(usize, usize), StartError> {
    let dir = state.config.catalogue_dir.clone();
    let catalogue = tokio::task::spawn_blocking(move || catalogue_files::load(&dir))
        .await
        .map_err(|e| StartError::Io(std::io::Error::other(e)))??;
    let catalogue = Arc::new(catalogue);
    let search = Arc::new(SearchIndex::new(&catalogue));
    let engine = learned_engine(&catalogue, state.backend().store.as_ref()).await?;
    let counts = (catalogue.life_events().len(), catalogue.services().len());
    state.live.replace(catalogue, search, engine);
    Ok(counts)
}

/// Rebuilds what the suggestion engine knows from stored interactions.
pub async fn learned_engine(
    catalogue: &app::domain::catalogue::Catalogue,
    store: &dyn app::backend::Store,
) -> Result<Engine, StartError> {
    let mut engine = Engine::new(catalogue);
    store
        .each_need(&mut |journey, area, service| engine.observe(journey, area, service))
        .await?;
    Ok(engine)
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.backend().store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

async fn server_fns(
    State(state): State<AppState>,
    req: axum::extract::Request,
) -> impl IntoResponse {
    let live = state.live.clone();
    leptos_axum::handle_server_fns_with_context(move || provide_context(live.now()), req).await
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(app::App);
    let live = state.live.clone();
    let options = state.leptos_options.clone();
    let pkg_dir = format!("{}/{}", options.site_root, options.site_pkg_dir);
    let pkg = Router::new()
        .fallback_service(ServeDir::new(pkg_dir))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        ));
    let fallback_live = live.clone();
    let (api, openapi) = api::routes();
    let openapi = openapi
        .to_json()
        .expect("the OpenAPI description serialises");
    let api = api
        .route(
            "/api/v1/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], openapi) }),
        )
        .layer(RequestBodyLimitLayer::new(API_BODY_LIMIT));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/plan/start", post(forms::start))
        .route("/plan/tasks", post(forms::tick))
        .route("/plan/resume", post(forms::resume))
        .route("/plan/delete", post(forms::delete))
        .route("/cookies", post(forms::cookies))
        .route("/services/{slug}/start", get(forms::start_service))
        .merge(staff::router())
        .route("/fn/{*name}", get(server_fns).post(server_fns))
        .nest("/pkg", pkg)
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(live.now()),
            move || app::shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            move || provide_context(fallback_live.now()),
            app::shell,
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .merge(api)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            staff::guard,
        ))
        .layer(axum::middleware::from_fn(security::guard))
        .layer(CompressionLayer::new())
        .layer(
            // Paths only: query strings can hold what people typed.
            TraceLayer::new_for_http().make_span_with(|req: &axum::extract::Request| {
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
            }),
        )
        .with_state(state)
}

/// Serves until ctrl-c / SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
