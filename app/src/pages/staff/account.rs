//! One's own account: who you are, your sessions (end any of them), and
//! changing your password (which ends every other session).

use super::{notice, signed_in, signed_out_body, text_field, when, StaffLayout};
use crate::components::error_summary::ErrorSummary;
use crate::components::summary_list::summary_row;
use crate::domain::staff::SessionInfo;
use crate::queries::form_problem;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

async fn sessions() -> Result<Vec<SessionInfo>, ()> {
    #[cfg(feature = "ssr")]
    {
        let (Some(backend), Some(me)) = (
            use_context::<crate::backend::Backend>(),
            crate::queries::staff_session(),
        ) else {
            return Err(());
        };
        let rows = backend
            .staff
            .sessions_of(&me.member.id)
            .await
            .map_err(|_| ())?;
        Ok(rows
            .into_iter()
            .map(
                |(hash, created_at, last_seen_at, address, agent)| SessionInfo {
                    id: hash[..12].to_owned(),
                    current: hash == me.token_hash,
                    created_at,
                    last_seen_at,
                    address,
                    agent,
                },
            )
            .collect())
    }
    #[cfg(not(feature = "ssr"))]
    Err(())
}

#[component]
pub fn StaffAccount() -> impl IntoView {
    let Some(me) = signed_in() else {
        return view! { <StaffLayout title="Your account">{signed_out_body()}</StaffLayout> }
            .into_any();
    };
    let done = use_query_map().get_untracked().get("done");
    let problem = form_problem();
    let error_for = |f: &str| {
        problem
            .as_ref()
            .filter(|p| p.field == f)
            .map(|p| p.message.clone())
    };
    let (current_error, new_error, confirm_error) =
        (error_for("current"), error_for("new"), error_for("confirm"));
    let list = Suspend::new(async move {
        match sessions().await {
            Ok(list) => view! {
                <table class="ds-table">
                    <caption class="ds-visually-hidden">"Your sessions"</caption>
                    <thead><tr><th scope="col">"Signed in"</th><th scope="col">"Last used"</th><th scope="col">"From"</th><th scope="col">"Browser"</th><th scope="col"><span class="ds-visually-hidden">"Action"</span></th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|s| view! {
                            <tr>
                                <td>{when(s.created_at)}{s.current.then_some(" (this one)")}</td>
                                <td>{when(s.last_seen_at)}</td>
                                <td>{s.address.clone()}</td>
                                <td>{s.agent.clone()}</td>
                                <td>
                                    <form method="post" action="/staff/account/sessions/end">
                                        <input type="hidden" name="session" value=s.id.clone() />
                                        <button type="submit" class="ds-button ds-button--secondary ds-button--small">
                                            {if s.current { "Sign out here" } else { "End session" }}
                                            <span class="ds-visually-hidden">" started "{when(s.created_at)}</span>
                                        </button>
                                    </form>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any(),
            Err(()) => super::unavailable_body(),
        }
    });
    view! {
        <StaffLayout title="Your account">
            {problem.clone().map(|p| view! { <ErrorSummary field=p.field message=p.message /> })}
            {match done.as_deref() {
                Some("password") => Some(notice("Your password has been changed and your other sessions have ended.")),
                Some("sessions") => Some(notice("Done: those sessions have ended.")),
                _ => None,
            }}
            <h1>"Your account"</h1>
            <dl class="ds-summary-list">
                {summary_row("Name", me.name.clone())}
                {summary_row("Email", me.email.clone())}
                {summary_row("Role", me.role.label())}
            </dl>
            <h2 id="sessions">"Where you are signed in"</h2>
            <Suspense>{list}</Suspense>
            <form method="post" action="/staff/account/sessions/end">
                <input type="hidden" name="session" value="others" />
                <button type="submit" class="ds-button ds-button--secondary">"Sign out everywhere else"</button>
            </form>
            <h2>"Change your password"</h2>
            <form method="post" action="/staff/account/password" class="ds-form" novalidate>
                <input type="text" name="username" value=me.email.clone() autocomplete="username" hidden=true />
                {text_field("current", "current", "Current password", None, String::new(), current_error, "password", "current-password")}
                {text_field("new", "new", "New password", Some("At least 12 characters. Three random words work well."), String::new(), new_error, "password", "new-password")}
                {text_field("confirm", "confirm", "New password again", None, String::new(), confirm_error, "password", "new-password")}
                <button type="submit" class="ds-button">"Change password"</button>
            </form>
        </StaffLayout>
    }
    .into_any()
}
