//! The staff side: sign-in, the contact-centre console, a caller's plan,
//! assisted journeys, one's own account, administration and the audit log.
//!
//! The server's staff guard has checked the session and the permission of
//! every request before these pages render; they read the signed-in member
//! from the request ([`staff_session`]).

pub mod account;
pub mod admin;
pub mod console;
pub mod journey;
pub mod login;
pub mod plan;

use crate::domain::staff::{Permission, StaffMember};
use leptos::prelude::*;
use leptos_meta::Title;

/// The signed-in member, as the guard put it on the request.
pub fn signed_in() -> Option<StaffMember> {
    #[cfg(feature = "ssr")]
    {
        crate::queries::staff_session().map(|s| s.member)
    }
    #[cfg(not(feature = "ssr"))]
    None
}

/// The channel the signed-in member of staff works on (phone when unknown).
pub fn channel() -> crate::domain::interaction::Via {
    #[cfg(feature = "ssr")]
    {
        crate::queries::staff_session()
            .map(|s| s.channel)
            .unwrap_or(crate::domain::interaction::Via::Phone)
    }
    #[cfg(not(feature = "ssr"))]
    crate::domain::interaction::Via::Phone
}

/// Says which channel the member of staff is on, with a button to switch:
/// what they do is recorded on it, so assisted demand is counted right.
fn channel_switch() -> impl IntoView {
    use crate::domain::interaction::Via;
    let (now, other, other_label) = match channel() {
        Via::FaceToFace => ("Face to face", "phone", "Switch to phone"),
        _ => ("On the phone", "face_to_face", "Switch to face to face"),
    };
    view! {
        <form method="post" action="/staff/account/channel" class="ds-header__form ds-header__channel">
            <input type="hidden" name="next" value=crate::queries::current_path() />
            <input type="hidden" name="channel" value=other />
            <span id="staff-channel">{now}</span>
            <button type="submit" class="ds-link-button" aria-describedby="staff-channel">{other_label}</button>
        </form>
    }
}

/// The frame around staff pages: wider than citizen pages, with the
/// staff navigation and sign-out.
#[component]
pub fn StaffLayout(#[prop(into)] title: String, children: Children) -> impl IntoView {
    let me = signed_in();
    let place = crate::queries::with_catalogue(|c| c.place.short_name.clone()).unwrap_or_default();
    view! {
        <Title text=format!("{title} – {place} staff") />
        <a href="#main" class="ds-skip-link">"Skip to main content"</a>
        <header class="ds-header ds-header--staff">
            <div class="ds-width ds-width--wide ds-header__inner">
                <a href="/staff" class="ds-header__home">
                    <span class="ds-header__mark" aria-hidden="true"></span>
                    <span class="ds-header__name">{place}" staff"</span>
                </a>
                {me.map(|m| {
                    let admin = m.role.may(Permission::Administer);
                    view! {
                        <nav aria-label="Staff" class="ds-header__nav">
                            <a href="/staff">"Console"</a>
                            {admin.then(|| view! { <a href="/staff/admin">"Admin"</a> })}
                            {admin.then(|| view! { <a href="/staff/admin/audit">"Audit log"</a> })}
                            {channel_switch()}
                            <a href="/staff/account">{m.name.clone()}</a>
                            <form method="post" action="/staff/logout" class="ds-header__form">
                                <button type="submit" class="ds-link-button">"Sign out"</button>
                            </form>
                        </nav>
                    }
                })}
            </div>
        </header>
        <main id="main" class="ds-width ds-width--wide ds-main" tabindex="-1">
            {children()}
        </main>
    }
}

/// A confirmation after a form, announced politely.
pub fn notice(text: impl Into<String>) -> impl IntoView {
    let text = text.into();
    view! { <div class="ds-notice" role="status"><p>{text}</p></div> }
}

/// A labelled text input with hint and error, GOV.UK style.
#[allow(clippy::too_many_arguments)]
pub fn text_field(
    id: &str,
    name: &str,
    label: &str,
    hint: Option<&str>,
    value: String,
    error: Option<String>,
    kind: &'static str,
    autocomplete: &'static str,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = [
        hint.map(|_| hint_id.clone()),
        error.as_ref().map(|_| error_id.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let group = if error.is_some() {
        "ds-form-group ds-form-group--error"
    } else {
        "ds-form-group"
    };
    view! {
        <div class=group>
            <label class="ds-label" for=id.to_owned()>{label.to_owned()}</label>
            {hint.map(|h| view! { <p class="ds-hint" id=hint_id.clone()>{h.to_owned()}</p> })}
            {error.map(|e| view! { <p class="ds-error-message" id=error_id.clone()><span class="ds-visually-hidden">"Error: "</span>{e}</p> })}
            <input class="ds-input" id=id.to_owned() name=name.to_owned() type=kind autocomplete=autocomplete value=value
                aria-describedby=(!described.is_empty()).then_some(described) spellcheck="false" />
        </div>
    }
}

/// A date and time as staff read it, in UK time order.
pub fn when(t: time::OffsetDateTime) -> String {
    format!(
        "{} {} {} {:02}:{:02} UTC",
        t.day(),
        t.month(),
        t.year(),
        t.hour(),
        t.minute()
    )
}

/// The page shown when the loaders find no signed-in member (they always
/// do behind the guard; this is for completeness).
pub fn signed_out_body() -> AnyView {
    view! {
        <h1>"You are signed out"</h1>
        <p><a href="/staff/login">"Sign in"</a></p>
    }
    .into_any()
}

/// Loaders run on the server only; in the browser bundle they are stubs
/// that are never called (pages are not hydrated).
pub fn unavailable_body() -> AnyView {
    crate::queries::set_status(503);
    view! {
        <h1>"Sorry, there is a problem with the service"</h1>
        <p>"Try again in a few minutes. If it keeps happening, tell the service desk."</p>
    }
    .into_any()
}
