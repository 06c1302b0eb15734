//! The cookie banner: essential cookies only, unless the person accepts
//! analytics cookies, which let us link the pages they visit into one
//! journey (and so learn what people need together). A plain form: it
//! works without JavaScript.

use crate::queries::{consent, current_path};
use leptos::prelude::*;

/// The choice itself, also used on the cookies page.
#[component]
pub fn CookieChoice(#[prop(into)] return_to: String) -> impl IntoView {
    view! {
        <form method="post" action="/cookies" class="ds-cookie-banner__form">
            <input type="hidden" name="return_to" value=return_to />
            <button type="submit" name="analytics" value="yes" class="ds-button">"Accept analytics cookies"</button>
            <button type="submit" name="analytics" value="no" class="ds-button ds-button--secondary">"Reject analytics cookies"</button>
        </form>
    }
}

#[component]
pub fn CookieBanner() -> impl IntoView {
    consent().is_none().then(|| {
        view! {
            <section class="ds-cookie-banner" aria-label="Cookies on this service">
                <div class="ds-width">
                    <h2 class="ds-cookie-banner__title">"Cookies on this service"</h2>
                    <p>"We use some essential cookies to make this service work, such as remembering your plan on this device."</p>
                    <p>"We would also like to use an analytics cookie to link the pages you visit today into one journey. It helps us suggest the services people usually need together. It holds no personal details and expires when you close your browser."</p>
                    <CookieChoice return_to=current_path() />
                    <p><a href="/cookies">"Read about cookies"</a></p>
                </div>
            </section>
        }
    })
}
