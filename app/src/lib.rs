//! Doorstep's shared half: the domain, the pages and the islands.
//!
//! Pages render on the server only (islands mode); the few interactive parts
//! are islands that hydrate in the browser and enhance forms that already
//! work without JavaScript.

// Deeply nested views make deeply nested types.
#![recursion_limit = "256"]

pub mod components;
pub mod domain;
pub mod islands;
pub mod pages;
pub mod queries;

#[cfg(feature = "ssr")]
pub mod backend;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    security_headers();
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0b3d5c" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// A per-request nonce lets Leptos' inline bootstrap script run under a
/// Content-Security-Policy that forbids every other inline script.
#[cfg(feature = "ssr")]
fn security_headers() {
    use http::{header, HeaderValue};
    leptos::nonce::provide_nonce();
    let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        res.insert_header(header::CONTENT_SECURITY_POLICY, v);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/doorstep.css" />
        <Router>
            <Routes fallback=pages::not_found::NotFound>
                <Route path=path!("/") view=pages::home::Home ssr=SsrMode::Async />
                <Route path=path!("/life-events/:slug") view=pages::life_event::LifeEventPage ssr=SsrMode::Async />
                <Route path=path!("/services/:slug") view=pages::service::ServicePage ssr=SsrMode::Async />
                <Route path=path!("/search") view=pages::search::SearchPage ssr=SsrMode::Async />
                <Route path=path!("/plan") view=pages::plan::PlanPage ssr=SsrMode::Async />
                <Route path=path!("/cookies") view=pages::cookies::CookiesPage ssr=SsrMode::Async />
                <Route path=path!("/staff/login") view=pages::staff::login::StaffLogin ssr=SsrMode::Async />
                <Route path=path!("/staff") view=pages::staff::console::StaffConsole ssr=SsrMode::Async />
                <Route path=path!("/staff/account") view=pages::staff::account::StaffAccount ssr=SsrMode::Async />
                <Route path=path!("/staff/plan") view=pages::staff::plan::StaffPlan ssr=SsrMode::Async />
                <Route path=path!("/staff/journey/:slug") view=pages::staff::journey::StaffJourney ssr=SsrMode::Async />
                <Route path=path!("/staff/admin") view=pages::staff::admin::StaffAdmin ssr=SsrMode::Async />
                <Route path=path!("/staff/admin/audit") view=pages::staff::admin::StaffAudit ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
