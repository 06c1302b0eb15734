//! Search results that refresh as the person types. Without JavaScript the
//! form submits to `/search` and the server renders the same list.

use crate::domain::search::Hit;
use leptos::prelude::*;

/// The results list, shared by the server-rendered page and the island.
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
    let count = if hits.len() == 1 { "1 result".to_owned() } else { format!("{} results", hits.len()) };
    view! {
        <p id="search-count">{count}" for “"{query}"”"</p>
        <ul class="ds-results">
            {hits.iter().map(|h| view! {
                <li class="ds-results__item">
                    <a href=h.href() class="ds-results__link">{h.name.clone()}</a>
                    <span class="ds-hint">{match h.kind { crate::domain::search::HitKind::LifeEvent => " Life event", crate::domain::search::HitKind::Service => "" }}</span>
                    <p>{h.summary.clone()}</p>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[island]
pub fn LiveSearch(initial: String, children: Children) -> impl IntoView {
    let live = RwSignal::new(None::<(String, Vec<Hit>)>);
    let on_input = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            let q = event_target_value(&ev);
            dom::schedule(q, live);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <form action="/search" method="get" role="search" class="ds-search">
            <label for="search-q" class="ds-label">"Search for a service or life event"</label>
            <div class="ds-search__row">
                <input id="search-q" name="q" type="search" class="ds-input" autocomplete="off" spellcheck="false" value=initial on:input=on_input />
                <button type="submit" class="ds-button">"Search"</button>
            </div>
        </form>
        <div aria-live="polite" class="ds-visually-hidden">
            {move || live.get().map(|(q, hits)| if q.trim().is_empty() { String::new() } else { format!("{} results", hits.len()) })}
        </div>
        <div hidden=move || live.get().is_some()>{children()}</div>
        {move || live.get().map(|(q, hits)| results_list(&q, &hits))}
    }
}

#[cfg(feature = "hydrate")]
mod dom {
    use super::Hit;
    use leptos::prelude::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    static LATEST: AtomicU32 = AtomicU32::new(0);

    /// Waits for a pause in typing, then searches; stale answers are dropped.
    pub fn schedule(q: String, live: RwSignal<Option<(String, Vec<Hit>)>>) {
        let ticket = LATEST.fetch_add(1, Ordering::SeqCst) + 1;
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(150).await;
            if LATEST.load(Ordering::SeqCst) != ticket {
                return;
            }
            let result = crate::queries::search(q.clone()).await;
            if LATEST.load(Ordering::SeqCst) != ticket {
                return;
            }
            if let Ok(r) = result {
                live.set(Some((r.query, r.hits)));
                if let Some(w) = web_sys::window() {
                    if let Ok(h) = w.history() {
                        let url = format!("/search?q={}", js_sys::encode_uri_component(&q));
                        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
                    }
                }
            }
        });
    }
}
