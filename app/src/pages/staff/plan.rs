//! A caller's plan as an agent sees it: tick tasks on their behalf, change
//! answers or add a life event, offer what else they may need, record the
//! outcome, and a summary ready to read out or send. Opening it is audited.

use super::console::outcome_form;
use super::{notice, when, StaffLayout};
use crate::components::error_summary::ErrorSummary;
use crate::domain::plan::PlanView;
use crate::domain::staff::PlanChange;
use crate::domain::suggest::Suggestion;
use crate::pages::plan::{due_text, format_date, progress_text};
use crate::queries::{form_problem, with_catalogue};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Debug)]
pub struct StaffPlanModel {
    pub plan: PlanView,
    /// The canonical reference, for forms.
    pub reference: String,
    pub history: Vec<PlanChange>,
    pub suggestions: Vec<Suggestion>,
    /// Life events not in the plan yet: (slug, name).
    pub others: Vec<(String, String)>,
}

/// Loads the plan for an agent and audits that it was opened. `Ok(None)`
/// when there is no such plan (or the reference is malformed).
async fn load(typed: String) -> Result<Option<StaffPlanModel>, ()> {
    #[cfg(feature = "ssr")]
    {
        use crate::domain::reference::Reference;
        let Ok(reference) = Reference::parse(&typed) else {
            return Ok(None);
        };
        let (Some(backend), Some(session)) = (
            use_context::<crate::backend::Backend>(),
            crate::queries::staff_session(),
        ) else {
            return Err(());
        };
        let Some(plan) = backend.store.plan(&reference).await.map_err(|_| ())? else {
            return Ok(None);
        };
        let history = backend
            .staff
            .plan_history(&reference)
            .await
            .map_err(|_| ())?;
        let now = time::OffsetDateTime::now_utc();
        let view = plan.view(&backend.catalogue, now.date());
        let ctx = crate::domain::suggest::Context::for_plan(
            &view,
            crate::backend::plan_journey(&reference),
        );
        let suggestions = backend.suggest(&ctx, 5);
        let others = backend
            .catalogue
            .life_events()
            .iter()
            .filter(|le| view.events.iter().all(|e| e.life_event != le.slug))
            .map(|le| (le.slug.clone(), le.name.clone()))
            .collect();
        let entry = session.audit_entry("plan.opened", reference.as_str(), "");
        if let Err(e) = backend.staff.audit(&entry).await {
            tracing::error!(error = %e, "audit write failed");
        }
        Ok(Some(StaffPlanModel {
            plan: view,
            reference: reference.as_str().to_owned(),
            history,
            suggestions,
            others,
        }))
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = typed;
        Err(())
    }
}

/// Plain text of the plan, to read out or paste into a message.
fn summary_text(plan: &PlanView) -> String {
    let mut out = format!("Your plan reference: {}\n", plan.reference);
    for e in &plan.events {
        out.push_str(&format!("\n{}\n", e.name));
        if let (Some(label), Some(date)) = (&e.event_date_label, e.event_date) {
            out.push_str(&format!("{label}: {}\n", format_date(date)));
        }
        for t in e.tasks() {
            let mark = if t.done { "[done]" } else { "[to do]" };
            let due = t
                .due
                .as_ref()
                .filter(|_| !t.done)
                .map(|d| format!(" – {}", due_text(d)))
                .unwrap_or_default();
            out.push_str(&format!("{mark} {}{due}\n", t.label));
        }
    }
    out.push_str("\nContinue online: enter your reference on the “My plan” page.\n");
    out
}

fn who(c: &PlanChange) -> String {
    match &c.staff_name {
        Some(name) => format!("{name} (staff, on behalf of the citizen)"),
        None if c.actor == "citizen" => "The citizen".to_owned(),
        None => "A former member of staff".to_owned(),
    }
}

fn action_words(c: &PlanChange) -> String {
    let what = match c.action.as_str() {
        "created" => "started the plan with",
        "ticked" => "marked as done:",
        "unticked" => "marked as not done:",
        "added_life_event" => "added",
        "changed_answers" => "changed the answers for",
        "offered" => "offered",
        other => other,
    };
    format!("{what} {}", c.detail)
}

fn body(m: StaffPlanModel, done: Option<String>) -> AnyView {
    let problem = form_problem();
    let (n, total) = m.plan.progress();
    let reference = m.reference.clone();
    let summary = summary_text(&m.plan);
    let first_event = m.plan.events.first().map(|e| e.life_event.clone());
    let outcome = with_catalogue(|c| {
        outcome_form(
            c,
            Some((reference.clone(), first_event.unwrap_or_default())),
            problem.as_ref(),
        )
    });
    let message = match done.as_deref() {
        Some("created") => Some(format!(
            "Plan created. Read the reference to the caller: {}",
            m.plan.reference
        )),
        Some("ticked") => Some("Task marked as done.".into()),
        Some("unticked") => Some("Task marked as not done.".into()),
        Some("added_life_event") => Some("Life event added to the plan.".into()),
        Some("changed_answers") => Some("Answers changed.".into()),
        Some("offer_taken") => Some("Recorded: offered and taken up.".into()),
        Some("offer_declined") => Some("Recorded: offered and declined.".into()),
        Some("outcome") => Some("Outcome recorded.".into()),
        _ => None,
    };
    view! {
        {problem.clone().map(|p| view! { <ErrorSummary field=p.field message=p.message /> })}
        {message.map(notice)}
        <span class="ds-caption">"Caller’s plan"</span>
        <h1>"Plan "<span id="plan-reference">{m.plan.reference.clone()}</span></h1>
        <p class="ds-progress" id="plan-progress">{progress_text(n, total)}</p>
        <div class="ds-console">
            <div class="ds-console__search" id="tasks">
                {m.plan.events.clone().into_iter().map(|e| {
                    let change = format!("/staff/journey/{}?ref={}", e.life_event, reference);
                    view! {
                        <section class="ds-plan-event" aria-labelledby=format!("event-{}", e.life_event)>
                            <h2 id=format!("event-{}", e.life_event)>{e.name.clone()}</h2>
                            {match (e.event_date_label.clone(), e.event_date) {
                                (Some(label), Some(date)) => Some(view! { <p>{label}": "<strong>{format_date(date)}</strong></p> }),
                                _ => None,
                            }}
                            {(!e.answers.is_empty()).then(|| view! {
                                <p class="ds-hint">{e.answers.iter().map(|(q, a)| format!("{q} {a}")).collect::<Vec<_>>().join(" · ")}</p>
                            })}
                            <p><a href=change>"Change answers for "{e.name.clone()}</a></p>
                            <ul class="ds-task-list">
                                {e.tasks().cloned().collect::<Vec<_>>().into_iter().map(|t| {
                                    let reference = reference.clone();
                                    view! {
                                        <li class="ds-task-list__item" data-task=t.key.clone() data-done=t.done.to_string()>
                                            <div class="ds-task-list__name">
                                                {t.label.clone()}
                                                {t.due.as_ref().map(|d| view! { <p class="ds-task-list__due">{due_text(d)}</p> })}
                                            </div>
                                            <strong class=if t.done { "ds-tag ds-tag--done" } else { "ds-tag ds-tag--todo" }>{if t.done { "Done" } else { "To do" }}</strong>
                                            <form method="post" action="/staff/plan/tasks" class="ds-task-list__form">
                                                <input type="hidden" name="reference" value=reference />
                                                <input type="hidden" name="task" value=t.key.clone() />
                                                <input type="hidden" name="done" value=(!t.done).to_string() />
                                                <button type="submit" class="ds-button ds-button--secondary ds-button--small">
                                                    {if t.done { "Mark as not done" } else { "Mark as done" }}<span class="ds-visually-hidden">": "{t.label.clone()}</span>
                                                </button>
                                            </form>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    }
                }).collect_view()}
                {(!m.others.is_empty()).then(|| view! {
                    <details class="ds-details">
                        <summary>"Add a life event to this plan"</summary>
                        <ul class="ds-list">
                            {m.others.iter().map(|(slug, name)| view! { <li><a href=format!("/staff/journey/{slug}?ref={}", reference)>{name.clone()}</a></li> }).collect_view()}
                        </ul>
                    </details>
                })}
                <h2 id="summary-title">"Summary to read out or send"</h2>
                <pre class="ds-summary-text" id="summary" aria-labelledby="summary-title" tabindex="0">{summary}</pre>
                <h2>"Who changed this plan"</h2>
                <ol class="ds-history">
                    {m.history.iter().map(|c| view! { <li><span class="ds-hint">{when(c.at)}</span>" "{who(c)}" "{action_words(c)}</li> }).collect_view()}
                </ol>
                <details class="ds-details">
                    <summary>"Delete this plan"</summary>
                    <form method="post" action="/staff/plan/delete" class="ds-form">
                        <input type="hidden" name="reference" value=reference.clone() />
                        <div class="ds-checkboxes__item">
                            <input class="ds-checkboxes__input" type="checkbox" id="confirm-delete" name="confirm" value="yes" />
                            <label class="ds-checkboxes__label" for="confirm-delete">"The caller has asked for their plan to be deleted"</label>
                        </div>
                        <button type="submit" class="ds-button ds-button--warning">"Delete plan"</button>
                    </form>
                </details>
            </div>
            <div class="ds-console__side">
                <section id="offer-next" aria-labelledby="offer-title">
                    <h2 id="offer-title">"Offer next"</h2>
                    {if m.suggestions.is_empty() {
                        view! { <p>"Nothing to suggest yet."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="ds-offers">
                                {m.suggestions.iter().map(|s| {
                                    let reference = reference.clone();
                                    view! {
                                        <li class="ds-offers__item">
                                            <h3 class="ds-offers__name">{s.name.clone()}</h3>
                                            <p class="ds-hint">{s.reason.clone()}</p>
                                            <form method="post" action="/staff/offers" class="ds-offers__form">
                                                <input type="hidden" name="reference" value=reference />
                                                <input type="hidden" name="service" value=s.service.clone() />
                                                <button type="submit" name="taken" value="yes" class="ds-button ds-button--small">"Offered: taken up"<span class="ds-visually-hidden">" – "{s.name.clone()}</span></button>
                                                <button type="submit" name="taken" value="no" class="ds-button ds-button--secondary ds-button--small">"Offered: declined"<span class="ds-visually-hidden">" – "{s.name.clone()}</span></button>
                                            </form>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                {outcome}
            </div>
        </div>
    }
    .into_any()
}

#[component]
pub fn StaffPlan() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let typed = query.get("ref").unwrap_or_default();
    let done = query.get("done");
    let content = Suspend::new(async move {
        match load(typed).await {
            Ok(Some(m)) => body(m, done),
            Ok(None) => {
                crate::queries::set_status(404);
                view! {
                    <h1>"There is no plan with that reference"</h1>
                    <p>"Check the reference with the caller, letter by letter, and "<a href="/staff">"try again"</a>"."</p>
                }
                .into_any()
            }
            Err(()) => super::unavailable_body(),
        }
    });
    view! {
        <StaffLayout title="Caller’s plan">
            <Suspense>{content}</Suspense>
        </StaffLayout>
    }
}
