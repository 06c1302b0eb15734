//! The page for addresses that do not exist, with status 404.

use crate::components::layout::Layout;
use crate::queries::set_status;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Layout title="Page not found">
            <NotFoundBody />
        </Layout>
    }
}

/// The body alone, for pages whose subject (a life event, a service) is unknown.
#[component]
pub fn NotFoundBody() -> impl IntoView {
    view! {
        <h1>"Page not found"</h1>
        <p>"If you typed the web address, check it is correct."</p>
        <p>"If you pasted the web address, check you copied the entire address."</p>
        <p><a href="/">"See all life events"</a>" or "<a href="/search">"search for a service"</a>"."</p>
    }
}
