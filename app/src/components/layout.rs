//! The frame around every page: skip link, header, main, footer.

use crate::components::cookie_banner::CookieBanner;
use crate::queries::with_catalogue;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn Layout(
    /// The page title, before the place's name.
    #[prop(into)]
    title: String,
    #[prop(into, optional)] description: Option<String>,
    children: Children,
) -> impl IntoView {
    let place = with_catalogue(|c| c.place.clone());
    let short = place
        .as_ref()
        .map(|p| p.short_name.clone())
        .unwrap_or_default();
    let full_title = format!("{title} – {short}");
    let description = description.unwrap_or_else(|| {
        format!("{short}: help with life events, from moving home to having a baby.")
    });
    view! {
        <Title text=full_title />
        <Meta name="description" content=description />
        <a href="#main" class="ds-skip-link">"Skip to main content"</a>
        <CookieBanner />
        <header class="ds-header">
            <div class="ds-width ds-header__inner">
                <a href="/" class="ds-header__home">
                    <span class="ds-header__mark" aria-hidden="true"></span>
                    <span class="ds-header__name">{short.clone()}</span>
                </a>
                <nav aria-label="Main" class="ds-header__nav">
                    <a href="/search">"Search"</a>
                    <a href="/plan">"My plan"</a>
                </nav>
            </div>
        </header>
        <main id="main" class="ds-width ds-main" tabindex="-1">
            {children()}
        </main>
        <footer class="ds-footer">
            <div class="ds-width">
                {place.map(|p| view! {
                    <p><strong>{p.name.clone()}</strong></p>
                    <p>"Phone "<a href=format!("tel:{}", p.phone.replace(' ', ""))>{p.phone.clone()}</a>", "{p.opening_hours.clone()}</p>
                    <p>"Email "<a href=format!("mailto:{}", p.email)>{p.email.clone()}</a></p>
                })}
                <p><a href="/">"All life events"</a>" · "<a href="/cookies">"Cookies"</a></p>
            </div>
        </footer>
    }
}

/// A "Back to ..." link at the top of a page.
#[component]
pub fn BackLink(#[prop(into)] href: String, #[prop(into)] text: String) -> impl IntoView {
    view! { <a href=href class="ds-back-link">{text}</a> }
}
