//! A life event's step-by-step journey, personalised by triage questions,
//! with the form that starts (or adds to) a plan.

use crate::components::error_summary::ErrorSummary;
use crate::components::layout::{BackLink, Layout};
use crate::components::questions::{date_fieldset, question_fieldset};
use crate::components::step_by_step::step_by_step;
use crate::domain::interaction::Kind;
use crate::domain::journey::Answers;
use crate::islands::personaliser::Personaliser;
use crate::pages::not_found::NotFoundBody;
use crate::queries::{
    form_problem, has_plan_cookie, record, request_id, set_status, with_catalogue, Record,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn LifeEventPage() -> impl IntoView {
    let slug = use_params_map()
        .get_untracked()
        .get("slug")
        .unwrap_or_default();
    let query = use_query_map().get_untracked();
    let problem = form_problem();
    let has_plan = has_plan_cookie();
    let found = with_catalogue(|c| {
        let le = c.life_event(&slug)?.clone();
        // Answers come from the query string, or from a form shown again.
        let from_problem = problem.as_ref().and_then(|p| p.value("answers"));
        let answers = match &from_problem {
            Some(q) => Answers::parse(&le, q.split('&').filter_map(|kv| kv.split_once('='))),
            None => Answers::parse(
                &le,
                le.questions
                    .iter()
                    .filter_map(|q| query.get_str(&q.id).map(|v| (q.id.as_str(), v))),
            ),
        };
        let steps = step_by_step(&le, &answers, c);
        Some((le, answers, steps))
    })
    .flatten();
    let Some((le, answers, steps)) = found else {
        set_status(404);
        return view! { <Layout title="Page not found"><NotFoundBody /></Layout> }.into_any();
    };
    record(Record {
        life_event: Some(&le.slug),
        ..Record::new(Kind::LifeEventViewed)
    });
    if !answers.0.is_empty() {
        record(Record {
            life_event: Some(&le.slug),
            ..Record::new(Kind::TriageAnswered)
        });
    }
    let questions = le.questions.clone();
    let answered = answers.clone();
    let date_label = le.event_date_label.clone();
    let value = move |name: &str| {
        problem
            .as_ref()
            .and_then(|p| p.value(name))
            .unwrap_or_default()
    };
    let (day, month, year) = (value("day"), value("month"), value("year"));
    let problem = form_problem();
    view! {
        <Layout title=le.name.clone() description=le.summary.clone()>
            <BackLink href="/" text="All life events" />
            {problem.clone().map(|p| view! { <ErrorSummary field=p.field message=p.message /> })}
            <span class="ds-caption">"Step by step"</span>
            <h1>{le.name.clone()}</h1>
            <p class="ds-lead">{le.summary.clone()}</p>
            <Personaliser>
                {(!questions.is_empty()).then(|| view! {
                    <form method="get" class="ds-triage" id="triage">
                        <h2>"Tell us about your situation"</h2>
                        <p>"Answer what you can. We will only show the steps that apply to you. Your answers are not saved unless you start a plan."</p>
                        {questions.iter().map(|q| question_fieldset(q, answered.get(&q.id))).collect_view()}
                        <button type="submit" class="ds-button ds-button--secondary" data-personalise-submit="">"Show my steps"</button>
                    </form>
                })}
                <h2>"What you need to do"</h2>
                <p class="ds-visually-hidden" aria-live="polite" id="steps-status"></p>
                {steps}
                <form method="post" action="/plan/start" class="ds-start-plan" id="start-plan" novalidate>
                    <h2>{if has_plan { "Add this to your plan" } else { "Start your plan" }}</h2>
                    <p>"A plan keeps this checklist for you, with your deadlines. We do not ask for your name or contact details. You get a reference to continue on another device or over the phone."</p>
                    <input type="hidden" name="life_event" value=le.slug.clone() />
                    <input type="hidden" name="answers" value=answers.to_query() data-answers="" />
                    <input type="hidden" name="request_id" value=request_id() />
                    {date_label.map(|label| date_fieldset(label, "We use it to work out your deadlines. For example, 27 3 2027", day.clone(), month.clone(), year.clone()))}
                    <button type="submit" class="ds-button">{if has_plan { "Add to my plan" } else { "Start my plan" }}</button>
                </form>
            </Personaliser>
        </Layout>
    }
    .into_any()
}
