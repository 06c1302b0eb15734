//! Administration: staff accounts (create, role, disable, reset password),
//! partner API keys, and the audit log.

use super::{notice, signed_in, text_field, when, StaffLayout};
use crate::components::error_summary::ErrorSummary;
use crate::components::summary_list::summary_row;
use crate::domain::staff::{AuditEntry, AuditFilter, Role, StaffMember};
use crate::queries::form_problem;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

type KeyRow = (String, time::OffsetDateTime, Option<time::OffsetDateTime>);

/// Interactions written, failed and dropped since start-up.
type Counts = (u64, u64, u64);

async fn load() -> Result<(Vec<StaffMember>, Vec<KeyRow>, Counts), ()> {
    #[cfg(feature = "ssr")]
    {
        let backend = use_context::<crate::backend::Backend>().ok_or(())?;
        let staff = backend.staff.list_staff().await.map_err(|_| ())?;
        let keys = backend.store.list_api_keys().await.map_err(|_| ())?;
        let c = backend.recorder.counts();
        Ok((staff, keys, (c.written, c.failed, c.dropped)))
    }
    #[cfg(not(feature = "ssr"))]
    Err(())
}

/// The key just created, shown once.
fn new_key() -> Option<(String, String)> {
    #[cfg(feature = "ssr")]
    {
        crate::queries::extension::<crate::backend::NewApiKey>().map(|k| (k.name, k.key))
    }
    #[cfg(not(feature = "ssr"))]
    None
}

fn role_select(id: String, name: &'static str, current: Option<Role>) -> impl IntoView {
    view! {
        <select class="ds-select" id=id name=name>
            {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str() selected=current == Some(r)>{r.label()}</option> }).collect_view()}
        </select>
    }
}

/// What the catalogue holds now, and the button that reads its files again.
fn catalogue_section(problem: Option<&crate::queries::FormProblemView>) -> impl IntoView {
    let (life_events, services) =
        crate::queries::with_catalogue(|c| (c.life_events().len(), c.services().len()))
            .unwrap_or_default();
    let problems: Vec<String> = problem
        .filter(|p| p.field == "catalogue")
        .map(|p| {
            p.values
                .iter()
                .filter(|(k, _)| k == "catalogue-problem")
                .map(|(_, v)| v.clone())
                .collect()
        })
        .unwrap_or_default();
    view! {
        <h2 id="catalogue">"Catalogue"</h2>
        <p>{format!("This server serves {life_events} life events and {services} services.")}</p>
        {(!problems.is_empty()).then(|| view! {
            <div class="ds-form-group ds-form-group--error">
                <p class="ds-error-message">"Problems in the catalogue files:"</p>
                <ul id="catalogue-problems">{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
            </div>
        })}
        <form method="post" action="/staff/admin/catalogue/reload" class="ds-form">
            <p class="ds-hint" id="reload-hint">"After the catalogue files have been edited: reads them again and, if they are valid, serves them straight away. If they have problems, they are listed here and nothing changes. With several servers, reload each one."</p>
            <button type="submit" class="ds-button ds-button--secondary" aria-describedby="reload-hint">"Reload the catalogue"</button>
        </form>
    }
}

#[component]
pub fn StaffAdmin() -> impl IntoView {
    let me = signed_in();
    let done = use_query_map().get_untracked().get("done");
    let problem = form_problem();
    let fresh = new_key();
    let value = |k: &str| {
        problem
            .as_ref()
            .and_then(|p| p.value(k))
            .unwrap_or_default()
    };
    let error_for = |f: &str| {
        problem
            .as_ref()
            .filter(|p| p.field == f)
            .map(|p| p.message.clone())
    };
    let new_role = Role::parse(&value("role"));
    let (email_error, name_error, password_error, key_error) = (
        error_for("new-email"),
        error_for("new-name"),
        error_for("new-password"),
        error_for("key-name"),
    );
    let (email, name, key_name) = (value("email"), value("name"), value("key-name"));
    let my_id = me.map(|m| m.id).unwrap_or_default();
    let tables = Suspend::new(async move {
        let Ok((staff, keys, (written, failed, dropped))) = load().await else {
            return super::unavailable_body();
        };
        view! {
            <h2 id="staff">"Staff accounts"</h2>
            <table class="ds-table">
                <caption class="ds-visually-hidden">"Staff accounts"</caption>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Status"</th><th scope="col">"Change"</th></tr></thead>
                <tbody>
                    {staff.into_iter().map(|m| {
                        let own = m.id == my_id;
                        let role_id = format!("role-{}", m.id);
                        let password_id = format!("password-{}", m.id);
                        view! {
                            <tr id=format!("staff-{}", m.id)>
                                <td>{m.name.clone()}{own.then_some(" (you)")}</td>
                                <td>{m.email.clone()}</td>
                                <td>{m.role.label()}</td>
                                <td>{if m.disabled { "Disabled" } else { "Active" }}</td>
                                <td class="ds-table__actions">
                                    <form method="post" action="/staff/admin/staff/update" class="ds-inline-form">
                                        <input type="hidden" name="id" value=m.id.clone() />
                                        <input type="hidden" name="change" value="role" />
                                        <label class="ds-label ds-label--s" for=role_id.clone()>"Role for "{m.email.clone()}</label>
                                        {role_select(role_id.clone(), "role", Some(m.role))}
                                        <button type="submit" class="ds-button ds-button--secondary ds-button--small">"Change role"<span class="ds-visually-hidden">" for "{m.email.clone()}</span></button>
                                    </form>
                                    {(!own).then(|| view! {
                                        <form method="post" action="/staff/admin/staff/update" class="ds-inline-form">
                                            <input type="hidden" name="id" value=m.id.clone() />
                                            <input type="hidden" name="change" value=if m.disabled { "enable" } else { "disable" } />
                                            <button type="submit" class="ds-button ds-button--secondary ds-button--small">{if m.disabled { "Enable" } else { "Disable" }}<span class="ds-visually-hidden">" "{m.email.clone()}</span></button>
                                        </form>
                                    })}
                                    <form method="post" action="/staff/admin/staff/update" class="ds-inline-form">
                                        <input type="hidden" name="id" value=m.id.clone() />
                                        <input type="hidden" name="change" value="password" />
                                        <label class="ds-label ds-label--s" for=password_id.clone()>"New password for "{m.email.clone()}</label>
                                        <input class="ds-input ds-input--m" type="password" id=password_id name="password" autocomplete="new-password" />
                                        <button type="submit" class="ds-button ds-button--secondary ds-button--small">"Reset password"<span class="ds-visually-hidden">" for "{m.email.clone()}</span></button>
                                    </form>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <h2 id="keys">"Partner API keys"</h2>
            <table class="ds-table">
                <caption class="ds-visually-hidden">"Partner API keys"</caption>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Created"</th><th scope="col">"Status"</th><th scope="col"><span class="ds-visually-hidden">"Action"</span></th></tr></thead>
                <tbody>
                    {keys.is_empty().then(|| view! { <tr><td colspan="4">"No partner API keys yet."</td></tr> })}
                    {keys.into_iter().map(|(name, created, revoked)| view! {
                        <tr>
                            <td>{name.clone()}</td>
                            <td>{when(created)}</td>
                            <td>{revoked.map(|r| format!("Revoked {}", when(r))).unwrap_or_else(|| "Live".into())}</td>
                            <td>{revoked.is_none().then(|| view! {
                                <form method="post" action="/staff/admin/api-keys/revoke">
                                    <input type="hidden" name="name" value=name.clone() />
                                    <button type="submit" class="ds-button ds-button--warning ds-button--small">"Revoke"<span class="ds-visually-hidden">" "{name.clone()}</span></button>
                                </form>
                            })}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <h2 id="recording">"Interaction recording on this server"</h2>
            <dl class="ds-summary-list" aria-labelledby="recording">
                {summary_row("Written since start-up", view! { <span id="recorded-written">{written}</span> })}
                {summary_row("Failed (the database refused; see the log)", view! { <span id="recorded-failed">{failed}</span> })}
                {summary_row("Dropped (the queue was full)", view! { <span id="recorded-dropped">{dropped}</span> })}
            </dl>
        }
        .into_any()
    });
    view! {
        <StaffLayout title="Administration">
            {problem.clone().filter(|p| !p.message.is_empty()).map(|p| view! { <ErrorSummary field=p.field message=p.message /> })}
            {done.as_deref().map(|d| notice(match d {
                "created" => "Staff account created.",
                "role_changed" => "Role changed.",
                "disabled" => "Account disabled; its sessions have ended.",
                "enabled" => "Account enabled.",
                "password_reset" => "Password reset; the account’s sessions have ended.",
                "key_revoked" => "API key revoked.",
                "catalogue_reloaded" => "Catalogue reloaded: this server now serves the files as they are.",
                _ => "Done.",
            }))}
            {fresh.map(|(name, key)| view! {
                <div class="ds-panel" role="status">
                    <p class="ds-panel__label">"New API key “"{name}"”. Copy it now: it is shown only once."</p>
                    <p class="ds-panel__reference ds-panel__key" id="new-key">{key}</p>
                </div>
            })}
            <h1>"Administration"</h1>
            <p><a href="/staff/admin/audit">"View the audit log"</a></p>
            <Suspense>{tables}</Suspense>
            {catalogue_section(problem.as_ref())}
            <h2>"Add a member of staff"</h2>
            <form method="post" action="/staff/admin/staff" class="ds-form" novalidate>
                {text_field("new-email", "email", "Email address", None, email, email_error, "email", "off")}
                {text_field("new-name", "name", "Name", None, name, name_error, "text", "off")}
                <div class="ds-form-group">
                    <label class="ds-label" for="new-role">"Role"</label>
                    {role_select("new-role".into(), "role", new_role.or(Some(Role::Agent)))}
                </div>
                {text_field("new-password", "password", "First password", Some("At least 12 characters. Give it to them in person; they can change it."), String::new(), password_error, "password", "new-password")}
                <button type="submit" class="ds-button">"Add staff member"</button>
            </form>
            <h2>"Create a partner API key"</h2>
            <form method="post" action="/staff/admin/api-keys" class="ds-form" novalidate>
                {text_field("key-name", "name", "Key name", Some("Who it is for, like nhs-trust. Letters, digits, dashes."), key_name, key_error, "text", "off")}
                <button type="submit" class="ds-button">"Create key"</button>
            </form>
        </StaffLayout>
    }
}

async fn entries(filter: AuditFilter) -> Result<Vec<AuditEntry>, ()> {
    #[cfg(feature = "ssr")]
    {
        let backend = use_context::<crate::backend::Backend>().ok_or(())?;
        backend
            .staff
            .audit_entries(&filter, 500)
            .await
            .map_err(|_| ())
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = filter;
        Err(())
    }
}

fn parse_day(s: &str) -> Option<time::Date> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &f).ok()
}

#[component]
pub fn StaffAudit() -> impl IntoView {
    let q = use_query_map().get_untracked();
    let get = |k: &str| q.get(k).unwrap_or_default();
    let (staff, action, target, from, to) = (
        get("staff"),
        get("action"),
        get("target"),
        get("from"),
        get("to"),
    );
    let filter = AuditFilter {
        staff: Some(staff.trim().to_lowercase()).filter(|s| !s.is_empty()),
        action: Some(action.trim().to_owned()).filter(|s| !s.is_empty()),
        // A plan reference is stored without dashes, in capitals.
        target: Some(
            crate::domain::reference::Reference::parse(&target)
                .map(|r| r.as_str().to_owned())
                .unwrap_or_else(|_| target.trim().to_owned()),
        )
        .filter(|s| !s.is_empty()),
        since: parse_day(&from).map(|d| d.midnight().assume_utc()),
        until: parse_day(&to).map(|d| d.next_day().unwrap_or(d).midnight().assume_utc()),
    };
    let list = Suspend::new(async move {
        match entries(filter).await {
            Ok(list) if list.is_empty() => view! { <p>"No entries match."</p> }.into_any(),
            Ok(list) => view! {
                <p>{format!("{} entries, newest first (at most 500).", list.len())}</p>
                <table class="ds-table" id="audit">
                    <caption class="ds-visually-hidden">"Audit log"</caption>
                    <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Action"</th><th scope="col">"On"</th><th scope="col">"Detail"</th><th scope="col">"From"</th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|e| view! {
                            <tr>
                                <td>{when(e.at)}</td>
                                <td>{e.staff_email}</td>
                                <td>{e.action}</td>
                                <td>{e.target}</td>
                                <td>{e.detail}</td>
                                <td>{e.address}</td>
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
        <StaffLayout title="Audit log">
            <a href="/staff/admin" class="ds-back-link">"Administration"</a>
            <h1>"Audit log"</h1>
            <p>"Every staff action on a citizen’s plan and every administrative action. Nobody can change or delete it."</p>
            <form method="get" action="/staff/admin/audit" class="ds-form ds-filter">
                {text_field("f-staff", "staff", "Staff email contains", None, staff, None, "text", "off")}
                {text_field("f-action", "action", "Action starts with", Some("For example plan. or staff.role_changed"), action, None, "text", "off")}
                {text_field("f-target", "target", "On (plan reference, email or key)", None, target, None, "text", "off")}
                {text_field("f-from", "from", "From (YYYY-MM-DD)", None, from, None, "text", "off")}
                {text_field("f-to", "to", "To (YYYY-MM-DD)", None, to, None, "text", "off")}
                <button type="submit" class="ds-button ds-button--secondary">"Filter"</button>
            </form>
            <Suspense>{list}</Suspense>
        </StaffLayout>
    }
}
