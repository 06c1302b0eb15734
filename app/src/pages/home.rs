//! The front door: life events first, then search.

use crate::components::layout::Layout;
use crate::queries::with_catalogue;
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    let (place, events) = with_catalogue(|c| {
        (
            c.place.name.clone(),
            c.life_events()
                .iter()
                .map(|le| (le.slug.clone(), le.name.clone(), le.summary.clone()))
                .collect::<Vec<_>>(),
        )
    })
    .unwrap_or_default();
    view! {
        <Layout title="What is happening in your life?">
            <h1>"What is happening in your life?"</h1>
            <p class="ds-lead">"Find everything you need to do, in order, from "{place}" and the organisations we work with."</p>
            <form action="/search" method="get" role="search" class="ds-search">
                <label for="q" class="ds-label">"Search for a service"</label>
                <div class="ds-search__row">
                    <input id="q" name="q" type="search" class="ds-input" autocomplete="off" spellcheck="false" />
                    <button type="submit" class="ds-button">"Search"</button>
                </div>
            </form>
            <h2>"Life events"</h2>
            <ul class="ds-cards">
                {events.into_iter().map(|(slug, name, summary)| view! {
                    <li class="ds-card">
                        <h3 class="ds-card__title"><a href=format!("/life-events/{slug}")>{name}</a></h3>
                        <p>{summary}</p>
                    </li>
                }).collect_view()}
            </ul>
            <p><a href="/plan">"Continue a plan you have already started"</a></p>
        </Layout>
    }
}
