//! The GOV.UK summary list: key and value rows in a `<dl class="ds-summary-list">`.

use leptos::prelude::*;

/// One row: what it is, and its value.
pub fn summary_row(key: &'static str, value: impl IntoView) -> impl IntoView {
    view! {
        <div class="ds-summary-list__row">
            <dt class="ds-summary-list__key">{key}</dt>
            <dd class="ds-summary-list__value">{value}</dd>
        </div>
    }
}
