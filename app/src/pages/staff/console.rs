//! The agent's console: one search box over services and life events with
//! what an agent reads out (phone, hours, eligibility, fees), opening a
//! caller's plan by reference, starting an assisted plan, and recording a
//! call that needed no plan.

use super::{notice, signed_in, StaffLayout};
use crate::components::error_summary::ErrorSummary;
use crate::components::summary_list::summary_row;
use crate::domain::catalogue::{Catalogue, Channel};
use crate::domain::search::{Hit, HitKind};
use crate::domain::staff::{CallAction, Permission};
use crate::islands::live_search::LiveSearch;
use crate::islands::shortcuts::SlashToSearch;
use crate::queries::{form_problem, with_catalogue, FormProblemView};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Search hits with the details an agent reads out over the phone.
pub fn staff_results(catalogue: &Catalogue, query: &str, hits: &[Hit], act: bool) -> AnyView {
    let query = query.trim().to_owned();
    if query.is_empty() {
        return view! { <p id="search-count">"Type a few letters: “skip”, “council tax”, “birth”."</p> }.into_any();
    }
    if hits.is_empty() {
        return view! { <p id="search-count">"Nothing matches “"{query}"”. Try another word."</p> }
            .into_any();
    }
    let count = format!(
        "{} result{} for “{query}”",
        hits.len(),
        if hits.len() == 1 { "" } else { "s" }
    );
    let items = hits
        .iter()
        .map(|h| match h.kind {
            HitKind::LifeEvent => view! {
                <li class="ds-results__item">
                    <h3 class="ds-results__title">{h.name.clone()}<span class="ds-hint">" (life event)"</span></h3>
                    <p>{h.summary.clone()}</p>
                    {act.then(|| view! { <p><a href=format!("/staff/journey/{}", h.slug)>"Start a plan for "{h.name.clone()}</a></p> })}
                </li>
            }
            .into_any(),
            HitKind::Service => {
                let s = catalogue.service(&h.slug).cloned();
                view! {
                    <li class="ds-results__item">
                        <h3 class="ds-results__title"><a href=format!("/services/{}", h.slug)>{h.name.clone()}</a></h3>
                        <p>{h.summary.clone()}</p>
                        {s.map(|s| {
                            let org = catalogue.organisation(&s.organisation).map(|o| o.name.clone()).unwrap_or_default();
                            view! {
                                <dl class="ds-summary-list ds-summary-list--compact">
                                    {s.channels.iter().filter_map(|c| match c {
                                        Channel::Phone { number, hours } => Some(summary_row("Phone", view! {
                                            <strong>{number.clone()}</strong>{hours.clone().map(|h| format!(" – {h}"))}
                                        }).into_any()),
                                        _ => None,
                                    }).collect_view()}
                                    {s.channels.iter().filter_map(|c| match c {
                                        Channel::InPerson { location, hours } => Some(summary_row("In person", format!(
                                            "{location}{}", hours.as_ref().map(|h| format!(" – {h}")).unwrap_or_default()
                                        ))),
                                        _ => None,
                                    }).collect_view()}
                                    {summary_row("Who can use it", s.eligibility_description.clone())}
                                    {summary_row("Cost", s.fees_description.clone())}
                                    {s.deadline_description.clone().map(|d| summary_row("Deadline", d))}
                                    {summary_row("Provided by", org)}
                                </dl>
                            }
                        })}
                    </li>
                }
                .into_any()
            }
        })
        .collect_view();
    view! {
        <p id="search-count">{count}</p>
        <ul class="ds-results ds-results--staff">{items}</ul>
    }
    .into_any()
}

/// The form that records how a call ended, on the console and on a plan.
/// On a plan, what the caller wanted starts as the plan's life event.
pub fn outcome_form(
    catalogue: &Catalogue,
    plan: Option<(String, String)>,
    problem: Option<&FormProblemView>,
) -> AnyView {
    let value = |k: &str| problem.and_then(|p| p.value(k)).unwrap_or_default();
    let (reference, life_event) = plan.unzip();
    // After this form's own error, what was chosen stays as it was.
    let own_error = problem.is_some_and(|p| p.field.starts_with("outcome"));
    let about = match value("about") {
        v if v.is_empty() && !own_error => life_event
            .filter(|le| !le.is_empty())
            .map(|le| format!("life_event:{le}"))
            .unwrap_or_default(),
        v => v,
    };
    let (action, resolved, channel) = (value("action"), value("resolved"), value("channel"));
    let error = problem
        .filter(|p| p.field.starts_with("outcome"))
        .map(|p| p.message.clone());
    let channel = if channel.is_empty() {
        super::channel().as_str().to_owned()
    } else {
        channel
    };
    let life_events: Vec<(String, String)> = catalogue
        .life_events()
        .iter()
        .map(|le| (format!("life_event:{}", le.slug), le.name.clone()))
        .collect();
    let services: Vec<(String, String)> = catalogue
        .services()
        .iter()
        .map(|s| (format!("service:{}", s.slug), s.name.clone()))
        .collect();
    let radio = |group: &'static str, value: &'static str, label: &'static str, current: &str| {
        let id = format!("outcome-{group}-{value}");
        view! {
            <div class="ds-radios__item">
                <input class="ds-radios__input" type="radio" id=id.clone() name=group value=value checked=current == value />
                <label class="ds-radios__label" for=id>{label}</label>
            </div>
        }
    };
    view! {
        <form method="post" action="/staff/outcomes" class="ds-form ds-outcome" id="outcome" novalidate>
            <h2>"Record the call’s outcome"</h2>
            {error.map(|e| view! { <p class="ds-error-message"><span class="ds-visually-hidden">"Error: "</span>{e}</p> })}
            <input type="hidden" name="id" value=crate::queries::request_id() />
            {reference.map(|r| view! { <input type="hidden" name="reference" value=r /> })}
            <div class="ds-form-group">
                <label class="ds-label" for="outcome-about">"What the caller wanted"</label>
                <select class="ds-select" id="outcome-about" name="about">
                    <option value="">"Choose…"</option>
                    <optgroup label="Life events">
                        {life_events.into_iter().map(|(v, n)| { let sel = v == about; view! { <option value=v selected=sel>{n}</option> } }).collect_view()}
                    </optgroup>
                    <optgroup label="Services">
                        {services.into_iter().map(|(v, n)| { let sel = v == about; view! { <option value=v selected=sel>{n}</option> } }).collect_view()}
                    </optgroup>
                </select>
            </div>
            <fieldset class="ds-fieldset">
                <legend class="ds-fieldset__legend">"What was done"</legend>
                <div class="ds-radios">
                    {CallAction::ALL.into_iter().map(|a| {
                        let id = format!("outcome-action-{}", a.as_str());
                        view! {
                            <div class="ds-radios__item">
                                <input class="ds-radios__input" type="radio" id=id.clone() name="action" value=a.as_str() checked=action == a.as_str() />
                                <label class="ds-radios__label" for=id>{a.label()}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <fieldset class="ds-fieldset">
                <legend class="ds-fieldset__legend">"Resolved on this contact?"</legend>
                <div class="ds-radios ds-radios--inline">
                    {radio("resolved", "yes", "Yes", &resolved)}
                    {radio("resolved", "no", "No", &resolved)}
                </div>
            </fieldset>
            <fieldset class="ds-fieldset">
                <legend class="ds-fieldset__legend">"Contact"</legend>
                <div class="ds-radios ds-radios--inline">
                    {radio("channel", "phone", "Phone", &channel)}
                    {radio("channel", "face_to_face", "Face to face", &channel)}
                </div>
            </fieldset>
            <button type="submit" class="ds-button">"Record outcome"</button>
        </form>
    }
    .into_any()
}

#[component]
pub fn StaffConsole() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let q = query.get("q").unwrap_or_default();
    let done = query.get("done");
    let problem = form_problem();
    let me = signed_in();
    let act = me
        .as_ref()
        .is_some_and(|m| m.role.may(Permission::ActOnPlans));
    let results = search_for(&q, act);
    let reference_value = problem
        .as_ref()
        .and_then(|p| p.value("reference"))
        .unwrap_or_default();
    let reference_error = problem
        .as_ref()
        .filter(|p| p.field == "reference")
        .map(|p| p.message.clone());
    let life_events: Vec<(String, String)> = with_catalogue(|c| {
        c.life_events()
            .iter()
            .map(|le| (le.slug.clone(), le.name.clone()))
            .collect()
    })
    .unwrap_or_default();
    let outcome = act
        .then(|| with_catalogue(|c| outcome_form(c, None, problem.as_ref())))
        .flatten();
    view! {
        <StaffLayout title="Console">
            {problem.clone().map(|p| view! { <ErrorSummary field=p.field message=p.message /> })}
            {match done.as_deref() {
                Some("deleted") => Some(notice("The plan has been deleted.")),
                Some("outcome") => Some(notice("Outcome recorded.")),
                _ => None,
            }}
            <h1 class="ds-visually-hidden">"Console"</h1>
            <div class="ds-console">
                <section class="ds-console__search" aria-labelledby="find-title">
                    <SlashToSearch />
                    <LiveSearch>
                        <form action="/staff" method="get" role="search" class="ds-search">
                            <h2 id="find-title"><label for="staff-q" class="ds-label ds-label--m">"Find a service or life event"</label></h2>
                            <p class="ds-hint" id="staff-q-hint">"Press / to come back to this box."</p>
                            <div class="ds-search__row">
                                <input id="staff-q" name="q" type="search" data-live="/staff" class="ds-input" autocomplete="off" spellcheck="false" autofocus=true aria-describedby="staff-q-hint" value=q.clone() />
                                <button type="submit" class="ds-button">"Search"</button>
                            </div>
                        </form>
                        <p id="search-status" class="ds-visually-hidden" aria-live="polite"></p>
                        <div id="search-results">{results}</div>
                    </LiveSearch>
                </section>
                {act.then(|| view! {
                    <section class="ds-console__side" aria-labelledby="plan-title">
                        <form method="post" action="/staff/plan/open" class="ds-form" novalidate>
                            <div class=if reference_error.is_some() { "ds-form-group ds-form-group--error" } else { "ds-form-group" }>
                                <h2 id="plan-title"><label class="ds-label ds-label--m" for="reference">"Open a caller’s plan"</label></h2>
                                <p class="ds-hint" id="reference-hint">"The reference they read out, like K7Q-4MZ-PX2. Case, spaces and dashes do not matter."</p>
                                {reference_error.clone().map(|e| view! { <p class="ds-error-message" id="reference-error"><span class="ds-visually-hidden">"Error: "</span>{e}</p> })}
                                <input class="ds-input ds-input--reference" id="reference" name="reference" type="text" autocomplete="off" spellcheck="false" value=reference_value.clone()
                                    aria-describedby=if reference_error.is_some() { "reference-hint reference-error" } else { "reference-hint" } />
                            </div>
                            <button type="submit" class="ds-button">"Open plan"</button>
                        </form>
                        <h2>"Start a plan for a caller"</h2>
                        <ul class="ds-list">
                            {life_events.clone().into_iter().map(|(slug, name)| view! { <li><a href=format!("/staff/journey/{slug}")>{name}</a></li> }).collect_view()}
                        </ul>
                        {outcome}
                    </section>
                }.into_any())}
            </div>
        </StaffLayout>
    }
}

/// Runs the console search (recorded as the agent's search).
fn search_for(q: &str, act: bool) -> AnyView {
    #[cfg(feature = "ssr")]
    {
        let query: String = q.chars().take(200).collect();
        let found = crate::queries::with_backend(|b| {
            let hits = if query.trim().is_empty() {
                Vec::new()
            } else {
                b.search.search(&query, 15)
            };
            if !query.trim().is_empty() {
                if let Some(s) = crate::queries::staff_session() {
                    b.recorder.record(crate::backend::interaction_now(
                        crate::domain::interaction::Kind::Search,
                        s.channel,
                        crate::domain::interaction::Actor::Staff(s.member.id),
                        None,
                        None,
                        None,
                        Some(&query),
                        Some(hits.len() as u32),
                    ));
                }
            }
            staff_results(&b.catalogue, &query, &hits, act)
        });
        found.unwrap_or_else(|| view! { <p id="search-count"></p> }.into_any())
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = (q, act);
        view! { <p id="search-count"></p> }.into_any()
    }
}
