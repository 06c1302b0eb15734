//! Staff sign-in: email and password. Password managers and paste work;
//! errors never say whether an account exists.

use super::{notice, text_field, StaffLayout};
use crate::components::error_summary::ErrorSummary;
use crate::queries::form_problem;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffLogin() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let next = query.get("next").unwrap_or_else(|| "/staff".into());
    let signed_out = query.get("signed_out").is_some();
    let problem = form_problem();
    let email = problem
        .as_ref()
        .and_then(|p| p.value("email"))
        .unwrap_or_default();
    let error_for = |field: &str| {
        problem
            .as_ref()
            .filter(|p| p.field == field)
            .map(|p| p.message.clone())
    };
    let (email_error, password_error) = (error_for("email"), error_for("password"));
    view! {
        <StaffLayout title="Sign in">
            {problem.clone().map(|p| view! { <ErrorSummary field=p.field message=p.message /> })}
            {signed_out.then(|| notice("You have signed out."))}
            <h1>"Sign in to the staff console"</h1>
            <p>"If you have been signed out, it is because nobody used the console for 30 minutes or because it has been 12 hours since you signed in."</p>
            <form method="post" action="/staff/login" class="ds-form" novalidate>
                <input type="hidden" name="next" value=next />
                {text_field("email", "email", "Email address", None, email, email_error, "email", "username")}
                {text_field("password", "password", "Password", None, String::new(), password_error, "password", "current-password")}
                <button type="submit" class="ds-button">"Sign in"</button>
            </form>
            <p>"Forgotten your password? Ask an administrator to reset it."</p>
        </StaffLayout>
    }
}
