//! Search results that refresh as the person types. Without JavaScript the
//! form submits to `/search` (or the staff console). With it, the island fetches that same page
//! and swaps in its results, so there is one way results are rendered.

use crate::domain::search::Hit;
use leptos::prelude::*;

/// The results list, rendered on the server.
pub fn results_list(query: &str, hits: &[Hit]) -> AnyView {
    let query = query.trim().to_owned();
    if query.is_empty() {
        return view! {
            <p id="search-count">"Type what you need help with, like “bins”, “skip”, “wedding” or “new baby”."</p>
        }
        .into_any();
    }
    if hits.is_empty() {
        return view! {
            <div id="search-count">
                <p>"There are no results for “"{query}"”."</p>
                <p>"Try fewer or different words, check the spelling, or "<a href="/">"browse life events"</a>"."</p>
            </div>
        }
        .into_any();
    }
    let count = if hits.len() == 1 {
        "1 result".to_owned()
    } else {
        format!("{} results", hits.len())
    };
    view! {
        <p id="search-count">{count}" for “"{query}"”"</p>
        <ul class="ds-results">
            {hits.iter().map(|h| view! {
                <li class="ds-results__item">
                    <a href=h.href() class="ds-results__link">{h.name.clone()}</a>
                    {(h.kind == crate::domain::search::HitKind::LifeEvent).then(|| view! { <span class="ds-hint">" Life event"</span> })}
                    <p>{h.summary.clone()}</p>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Wraps the search form and a `#search-results` region.
#[island]
pub fn LiveSearch(children: Children) -> impl IntoView {
    // Someone quick (an agent on a call) may type before the WASM arrives.
    #[cfg(feature = "hydrate")]
    dom::catch_up();
    let on_input = move |ev: leptos::ev::Event| {
        // The page to fetch results from is the form's own (`/search` or
        // the staff console's `/staff`), named on the input.
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let input = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            dom::schedule(dom::base(input.as_ref()), event_target_value(&ev));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! { <div on:input=on_input>{children()}</div> }
}

#[cfg(feature = "hydrate")]
mod dom {
    use super::super::fetch;
    use std::sync::atomic::{AtomicU32, Ordering};
    use web_sys::{DomParser, SupportedType};

    static LATEST: AtomicU32 = AtomicU32::new(0);

    /// The page that renders results for this input: its form's own.
    pub fn base(input: Option<&web_sys::Element>) -> String {
        input
            .and_then(|e| e.get_attribute("data-live"))
            .filter(|b| b == "/search" || b == "/staff")
            .unwrap_or_else(|| "/search".to_owned())
    }

    /// Searches for what was typed before the island hydrated, if the box
    /// no longer holds what the server rendered results for.
    pub fn catch_up() {
        use wasm_bindgen::JsCast;
        let Some(input) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("input[data-live]").ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let typed = input.value();
        if typed != input.default_value() {
            schedule(base(Some(&input)), typed);
        }
    }

    /// Waits for a pause in typing, then searches; stale answers are dropped.
    pub fn schedule(base: String, q: String) {
        let ticket = LATEST.fetch_add(1, Ordering::SeqCst) + 1;
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(150).await;
            if LATEST.load(Ordering::SeqCst) != ticket {
                return;
            }
            let url = format!(
                "{base}?q={}",
                String::from(js_sys::encode_uri_component(&q))
            );
            let Some(response) = fetch::send("GET", &url, "text/html", None).await else {
                return;
            };
            let Some(html) = fetch::text(&response).await else {
                return;
            };
            if LATEST.load(Ordering::SeqCst) != ticket {
                return;
            }
            let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            let fresh = DomParser::new()
                .ok()
                .and_then(|p| p.parse_from_string(&html, SupportedType::TextHtml).ok())
                .and_then(|d| d.get_element_by_id("search-results"));
            if let (Some(fresh), Some(current)) = (fresh, doc.get_element_by_id("search-results")) {
                current.set_inner_html(&fresh.inner_html());
            }
            // Announce the count, not the whole list.
            if let (Some(status), Some(count)) = (
                doc.get_element_by_id("search-status"),
                doc.get_element_by_id("search-count"),
            ) {
                status.set_text_content(count.text_content().as_deref());
            }
            if let Some(Ok(h)) = web_sys::window().map(|w| w.history()) {
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
            }
        });
    }
}
