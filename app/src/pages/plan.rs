//! The citizen's plan: reference, progress, deadlines and the checklist;
//! or, without one, what a plan is and how to continue one.

use crate::components::error_summary::ErrorSummary;
use crate::components::layout::Layout;
use crate::components::step_by_step::kind_label;
use crate::domain::catalogue::{DeadlineSide, TaskKind};
use crate::domain::plan::{Due, PlanTaskView, PlanView};
use crate::islands::tick::TickForms;
use crate::queries::{current_plan, form_problem, FormProblemView, PlanPageModel};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

pub fn format_date(d: time::Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

pub fn due_text(due: &Due) -> String {
    let date = format_date(due.date);
    let verb = match due.side {
        DeadlineSide::After => "Do by",
        DeadlineSide::Before => "Do by",
    };
    match due.days_left {
        d if d < 0 => format!(
            "{verb} {date} (overdue by {} day{})",
            -d,
            if d == -1 { "" } else { "s" }
        ),
        0 => format!("{verb} {date} (today)"),
        1 => format!("{verb} {date} (tomorrow)"),
        d => format!("{verb} {date} (in {d} days)"),
    }
}

pub fn progress_text(done: usize, total: usize) -> String {
    format!("You have done {done} of {total} tasks.")
}

fn task_row(t: PlanTaskView) -> impl IntoView {
    let status = if t.done { "Done" } else { "To do" };
    let button = if t.done {
        "Mark as not done"
    } else {
        "Mark as done"
    };
    let kind = (t.kind != TaskKind::Required).then(|| kind_label(t.kind));
    view! {
        <li class="ds-task-list__item" data-task=t.key.clone() data-done=t.done.to_string()>
            <div class="ds-task-list__name">
                <a href=format!("/services/{}", t.service)>{t.label.clone()}</a>
                {kind.map(|k| view! { <span class="ds-hint">" ("{k}")"</span> })}
                {t.due.as_ref().map(|d| view! { <p class="ds-task-list__due">{due_text(d)}</p> })}
            </div>
            <strong class=if t.done { "ds-tag ds-tag--done" } else { "ds-tag ds-tag--todo" } data-status="">{status}</strong>
            <form method="post" action="/plan/tasks" class="ds-task-list__form">
                <input type="hidden" name="task" value=t.key.clone() />
                <input type="hidden" name="done" value=(!t.done).to_string() />
                <button type="submit" class="ds-button ds-button--secondary ds-button--small">
                    <span data-action="">{button}</span><span class="ds-visually-hidden">": "{t.label.clone()}</span>
                </button>
            </form>
        </li>
    }
}

fn plan_view(
    plan: PlanView,
    others: Vec<(String, String)>,
    suggestions: Vec<crate::domain::suggest::Suggestion>,
) -> impl IntoView {
    let (done, total) = plan.progress();
    let upcoming: Vec<(String, String)> = plan
        .upcoming()
        .into_iter()
        .take(5)
        .map(|(_, t)| {
            (
                t.label.clone(),
                t.due.as_ref().map(due_text).unwrap_or_default(),
            )
        })
        .collect();
    view! {
        <h1>"Your plan"</h1>
        <div class="ds-panel">
            <p class="ds-panel__label">"Your plan reference"</p>
            <p class="ds-panel__reference" id="plan-reference">{plan.reference.clone()}</p>
            <p>"Write this down. You can use it to continue on another device, or give it to us if you phone."</p>
        </div>
        <p class="ds-progress" id="plan-progress" aria-live="polite">{progress_text(done, total)}</p>
        {(!upcoming.is_empty()).then(|| view! {
            <h2>"Coming up"</h2>
            <dl class="ds-summary-list">
                {upcoming.into_iter().map(|(label, when)| view! {
                    <div class="ds-summary-list__row">
                        <dt class="ds-summary-list__key">{label}</dt>
                        <dd class="ds-summary-list__value">{when}</dd>
                    </div>
                }).collect_view()}
            </dl>
        })}
        <TickForms>
            {plan.events.into_iter().map(|e| view! {
                <section class="ds-plan-event" aria-labelledby=format!("event-{}", e.life_event)>
                    <h2 id=format!("event-{}", e.life_event)>{e.name.clone()}</h2>
                    {match (e.event_date_label.clone(), e.event_date) {
                        (Some(label), Some(date)) => Some(view! { <p>{label}": "<strong>{format_date(date)}</strong></p> }),
                        _ => None,
                    }}
                    {(!e.answers.is_empty()).then(|| view! {
                        <details class="ds-details">
                            <summary>"Your answers"</summary>
                            <dl class="ds-summary-list">
                                {e.answers.iter().map(|(q, a)| view! {
                                    <div class="ds-summary-list__row">
                                        <dt class="ds-summary-list__key">{q.clone()}</dt>
                                        <dd class="ds-summary-list__value">{a.clone()}</dd>
                                    </div>
                                }).collect_view()}
                            </dl>
                            <p><a href=format!("/life-events/{}?{}", e.life_event, e.answers_query)>"Change your answers"</a></p>
                        </details>
                    })}
                    {e.steps.into_iter().map(|s| view! {
                        <h3 class="ds-task-list__heading">{format!("{}. {}", s.number, s.title)}</h3>
                        <ul class="ds-task-list">{s.tasks.into_iter().map(task_row).collect_view()}</ul>
                    }).collect_view()}
                </section>
            }).collect_view()}
        </TickForms>
        {(!suggestions.is_empty()).then(|| view! {
            <aside class="ds-related" aria-labelledby="suggestions-title">
                <h2 id="suggestions-title">"You may also need"</h2>
                <ul class="ds-related__list">
                    {suggestions.into_iter().map(|s| view! {
                        <li><a href=format!("/services/{}?from=suggestion", s.service)>{s.name}</a><p class="ds-hint">{s.reason}</p></li>
                    }).collect_view()}
                </ul>
            </aside>
        })}
        {(!others.is_empty()).then(|| view! {
            <h2>"Add another life event"</h2>
            <ul class="ds-list">
                {others.into_iter().map(|(slug, name)| view! { <li><a href=format!("/life-events/{slug}")>{name}</a></li> }).collect_view()}
            </ul>
        })}
        <details class="ds-details">
            <summary>"Delete this plan"</summary>
            <p>"This deletes your plan and its reference for good. Nobody, including us, can get it back."</p>
            <form method="post" action="/plan/delete">
                <input type="hidden" name="confirm" value="yes" />
                <button type="submit" class="ds-button ds-button--warning">"Delete my plan"</button>
            </form>
        </details>
    }
}

fn resume_form(problem: Option<FormProblemView>) -> impl IntoView {
    let value = problem
        .as_ref()
        .and_then(|p| p.value("reference"))
        .unwrap_or_default();
    let error = problem
        .filter(|p| p.field == "reference")
        .map(|p| p.message);
    view! {
        <form method="post" action="/plan/resume" class="ds-form" novalidate>
            <div class=if error.is_some() { "ds-form-group ds-form-group--error" } else { "ds-form-group" }>
                <h2><label class="ds-label ds-label--m" for="reference">"Continue a plan"</label></h2>
                <p class="ds-hint" id="reference-hint">"Enter the reference you were given, for example K7Q-4MZ-PX2."</p>
                {error.clone().map(|e| view! { <p class="ds-error-message" id="reference-error"><span class="ds-visually-hidden">"Error: "</span>{e}</p> })}
                <input class="ds-input ds-input--reference" id="reference" name="reference" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" value=value
                    aria-describedby=if error.is_some() { "reference-hint reference-error" } else { "reference-hint" } />
            </div>
            <button type="submit" class="ds-button">"Continue my plan"</button>
        </form>
    }
}

fn page(model: PlanPageModel, problem: Option<FormProblemView>, deleted: bool) -> AnyView {
    let summary = problem
        .clone()
        .map(|p| view! { <ErrorSummary field=p.field message=p.message /> });
    match model.plan {
        Some(plan) => view! { {summary} {plan_view(plan, model.other_life_events, model.suggestions)} }.into_any(),
        None => view! {
            {summary}
            {deleted.then(|| view! { <div class="ds-notice" role="status"><p>"Your plan has been deleted."</p></div> })}
            {model.forgotten.then(|| view! { <div class="ds-notice" role="status"><p>"The plan saved on this device no longer exists. It may have been deleted."</p></div> })}
            <h1>"Your plan"</h1>
            <p class="ds-lead">"A plan is your own checklist for a life event, with your deadlines."</p>
            <p>"Start one from any "<a href="/">"life event"</a>". You do not need an account and we do not ask for your name or contact details. You get a reference so you can continue on another device, or over the phone with us."</p>
            {resume_form(problem)}
        }
        .into_any(),
    }
}

#[component]
pub fn PlanPage() -> impl IntoView {
    let problem = form_problem();
    let deleted = use_query_map().get_untracked().get("deleted").is_some();
    let body = Suspend::new(async move {
        match current_plan().await {
            Ok(model) => page(model, problem, deleted),
            Err(_) => {
                crate::queries::set_status(503);
                view! {
                    <h1>"Sorry, there is a problem with the service"</h1>
                    <p>"Your plan is safe. Try again in a few minutes."</p>
                }
                .into_any()
            }
        }
    });
    view! {
        <Layout title="Your plan">
            <Suspense>{body}</Suspense>
        </Layout>
    }
}
