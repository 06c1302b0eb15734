//! Search results, rendered on the server; the live-search island refreshes
//! them as the person types.

use crate::components::layout::Layout;
use crate::domain::interaction::Kind;
use crate::islands::live_search::{results_list, LiveSearch};
use crate::queries::{record, search, Record};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SearchPage() -> impl IntoView {
    let q = use_query_map().get_untracked().get("q").unwrap_or_default();
    let initial = q.clone();
    let results = Suspend::new(async move {
        let query = q.clone();
        match search(q).await {
            Ok(r) => {
                if !r.query.trim().is_empty() {
                    record(Record {
                        query: Some(&r.query),
                        result_count: Some(r.hits.len() as u32),
                        ..Record::new(Kind::Search)
                    });
                }
                results_list(&r.query, &r.hits)
            }
            Err(_) => results_list(&query, &[]),
        }
    });
    view! {
        <Layout title="Search">
            <h1>"Search"</h1>
            <LiveSearch>
                <form action="/search" method="get" role="search" class="ds-search">
                    <label for="search-q" class="ds-label">"Search for a service or life event"</label>
                    <div class="ds-search__row">
                        <input id="search-q" name="q" type="search" data-live="/search" class="ds-input" autocomplete="off" spellcheck="false" value=initial />
                        <button type="submit" class="ds-button">"Search"</button>
                    </div>
                </form>
                <p id="search-status" class="ds-visually-hidden" aria-live="polite"></p>
                <div id="search-results">
                    <Suspense>{results}</Suspense>
                </div>
            </LiveSearch>
        </Layout>
    }
}
