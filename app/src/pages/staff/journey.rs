//! An assisted journey: the agent asks the caller the triage questions and
//! creates their plan, or adds the life event to (or changes the answers
//! in) the plan they already have.

use super::StaffLayout;
use crate::components::error_summary::ErrorSummary;
use crate::components::questions::{date_fieldset, question_fieldset};
use crate::domain::journey::Answers;
use crate::queries::{form_problem, request_id, set_status, with_catalogue};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The plan's current answers and date for this life event, if it has it.
async fn existing(typed: String, life_event: String) -> Option<(Answers, Option<time::Date>)> {
    #[cfg(feature = "ssr")]
    {
        let reference = crate::domain::reference::Reference::parse(&typed).ok()?;
        let backend = use_context::<crate::backend::Backend>()?;
        let plan = backend.store.plan(&reference).await.ok()??;
        plan.events
            .into_iter()
            .find(|e| e.life_event == life_event)
            .map(|e| (e.answers, e.event_date))
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = (typed, life_event);
        None
    }
}

#[component]
pub fn StaffJourney() -> impl IntoView {
    let slug = use_params_map()
        .get_untracked()
        .get("slug")
        .unwrap_or_default();
    let reference = use_query_map()
        .get_untracked()
        .get("ref")
        .filter(|r| !r.is_empty());
    let Some(le) = with_catalogue(|c| c.life_event(&slug).cloned()).flatten() else {
        set_status(404);
        return view! {
            <StaffLayout title="No such life event">
                <h1>"There is no such life event"</h1>
                <p><a href="/staff">"Back to the console"</a></p>
            </StaffLayout>
        }
        .into_any();
    };
    let title = match &reference {
        Some(r) => format!("{} – plan {r}", le.name),
        None => format!("Start a plan: {}", le.name),
    };
    let content = Suspend::new(async move {
        let problem = form_problem();
        let prior = match &reference {
            Some(r) => existing(r.clone(), le.slug.clone()).await,
            None => None,
        };
        let editing = prior.is_some();
        let from_problem = |k: &str| problem.as_ref().and_then(|p| p.value(k));
        let answer = |q: &str| {
            from_problem(q).or_else(|| {
                prior
                    .as_ref()
                    .and_then(|(a, _)| a.get(q).map(str::to_owned))
            })
        };
        let date = prior.as_ref().and_then(|(_, d)| *d);
        let day = from_problem("day")
            .unwrap_or_else(|| date.map(|d| d.day().to_string()).unwrap_or_default());
        let month = from_problem("month").unwrap_or_else(|| {
            date.map(|d| u8::from(d.month()).to_string())
                .unwrap_or_default()
        });
        let year = from_problem("year")
            .unwrap_or_else(|| date.map(|d| d.year().to_string()).unwrap_or_default());
        let heading = match (&reference, editing) {
            (Some(_), true) => format!("Change answers: {}", le.name),
            (Some(_), false) => format!("Add {} to the plan", le.name.to_lowercase()),
            (None, _) => format!("Start a plan: {}", le.name),
        };
        let button = match (&reference, editing) {
            (Some(_), true) => "Save answers",
            (Some(_), false) => "Add to plan",
            (None, _) => "Create plan",
        };
        let back = reference
            .as_ref()
            .map(|r| format!("/staff/plan?ref={r}"))
            .unwrap_or_else(|| "/staff".to_owned());
        view! {
            <a href=back class="ds-back-link">"Back"</a>
            {problem.clone().map(|p| view! { <ErrorSummary field=p.field message=p.message /> })}
            <h1>{heading}</h1>
            <p class="ds-lead">{le.summary.clone()}</p>
            <form method="post" action="/staff/journey" class="ds-form" novalidate>
                <input type="hidden" name="life_event" value=le.slug.clone() />
                <input type="hidden" name="request_id" value=request_id() />
                {reference.clone().map(|r| view! { <input type="hidden" name="reference" value=r /> })}
                <p>"Ask the caller. Leave a question unanswered if they are not sure: every task that might apply is then kept."</p>
                {le.questions.iter().map(|q| question_fieldset(q, answer(&q.id).as_deref())).collect_view()}
                {le.event_date_label.clone().map(|label| date_fieldset(label, "Deadlines are worked out from it. For example, 27 3 2027", day, month, year))}
                <button type="submit" class="ds-button">{button}</button>
            </form>
        }
    });
    view! {
        <StaffLayout title=title>
            <Suspense>{content}</Suspense>
        </StaffLayout>
    }
    .into_any()
}
