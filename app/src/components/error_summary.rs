//! The GOV.UK-style error summary: a box at the top of the page that links
//! to the field at fault.

use leptos::prelude::*;

#[component]
pub fn ErrorSummary(#[prop(into)] field: String, #[prop(into)] message: String) -> impl IntoView {
    view! {
        <div class="ds-error-summary" role="alert" aria-labelledby="error-summary-title">
            <h2 id="error-summary-title" class="ds-error-summary__title">"There is a problem"</h2>
            <ul class="ds-error-summary__list">
                <li><a href=format!("#{field}")>{message}</a></li>
            </ul>
        </div>
    }
}
