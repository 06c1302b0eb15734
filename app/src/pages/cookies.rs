//! What cookies Doorstep sets, and the place to change the analytics choice.

use crate::components::cookie_banner::CookieChoice;
use crate::components::layout::Layout;
use crate::queries::consent;
use leptos::prelude::*;

#[component]
pub fn CookiesPage() -> impl IntoView {
    let current = match consent() {
        Some(true) => "You have accepted analytics cookies.",
        Some(false) => "You have rejected analytics cookies.",
        None => "You have not chosen yet, so we do not use analytics cookies.",
    };
    view! {
        <Layout title="Cookies">
            <h1>"Cookies"</h1>
            <p>"Cookies are small files saved on your phone, tablet or computer when you visit a website."</p>
            <h2>"Essential cookies"</h2>
            <dl class="ds-summary-list">
                <div class="ds-summary-list__row">
                    <dt class="ds-summary-list__key">"doorstep_plan"</dt>
                    <dd class="ds-summary-list__value">"Remembers your plan on this device. Expires after a year, or when you delete your plan."</dd>
                </div>
                <div class="ds-summary-list__row">
                    <dt class="ds-summary-list__key">"doorstep_consent"</dt>
                    <dd class="ds-summary-list__value">"Remembers your cookie choice. Expires after a year."</dd>
                </div>
            </dl>
            <h2>"Analytics cookie (optional)"</h2>
            <dl class="ds-summary-list">
                <div class="ds-summary-list__row">
                    <dt class="ds-summary-list__key">"doorstep_journey"</dt>
                    <dd class="ds-summary-list__value">"A random code that links the pages you visit today into one journey, so we can learn which services people need together. It holds no personal details and expires when you close your browser."</dd>
                </div>
            </dl>
            <p>"Without it, we still count what is looked at, but not who looked at what with what."</p>
            <h2>"Change your settings"</h2>
            <p>{current}</p>
            <CookieChoice return_to="/cookies" />
        </Layout>
    }
}
