//! The step-by-step navigation pattern: numbered steps, each with tasks
//! marked required, optional or "choose one", joined by "and" or "or".
//!
//! Every task is rendered; those that do not apply to the answers so far are
//! `hidden`, so the personaliser island can reveal them without a round trip.

use crate::domain::catalogue::{Catalogue, Connector, LifeEvent, TaskKind};
use crate::domain::journey::{applies, effective_kind, Answers};
use leptos::prelude::*;

/// The `data-show-if` encoding the personaliser island reads:
/// `question=value,value;question=value`.
pub fn encode_show_if(show_if: &std::collections::BTreeMap<String, Vec<String>>) -> String {
    show_if
        .iter()
        .map(|(q, vs)| format!("{q}={}", vs.join(",")))
        .collect::<Vec<_>>()
        .join(";")
}

pub fn kind_label(kind: TaskKind) -> &'static str {
    match kind {
        TaskKind::Required => "Required",
        TaskKind::Optional => "Optional",
        TaskKind::ChooseOne => "Choose one",
    }
}

pub fn step_by_step(life_event: &LifeEvent, answers: &Answers, catalogue: &Catalogue) -> AnyView {
    let mut number = 0usize;
    let steps = life_event.steps.iter().enumerate().map(|(i, step)| {
        let visible: Vec<_> = step.tasks.iter().filter(|t| applies(t, answers)).collect();
        let shown = !visible.is_empty();
        if shown {
            number += 1;
        }
        let is_last = i + 1 == life_event.steps.len();
        let tasks = step.tasks.iter().map(|t| {
            let service = catalogue.service(&t.service);
            let name = t.text.clone().or_else(|| service.map(|s| s.name.clone())).unwrap_or_default();
            let summary = service.map(|s| s.summary.clone()).unwrap_or_default();
            let kind = if applies(t, answers) { effective_kind(t, &visible) } else { t.kind };
            let deadline = t.deadline.as_ref().map(|d| {
                let when = match d.side {
                    crate::domain::catalogue::DeadlineSide::After => format!("within {} days after", d.days),
                    crate::domain::catalogue::DeadlineSide::Before => format!("at least {} days before", d.days),
                };
                format!("Deadline: {when} the date. {}", d.basis)
            });
            view! {
                <li class="ds-step-by-step__task" data-show-if=encode_show_if(&t.show_if) data-kind=format!("{:?}", t.kind) hidden=!applies(t, answers)>
                    <a href=format!("/services/{}", t.service) class="ds-step-by-step__link">{name}</a>
                    " "
                    <strong class=format!("ds-tag ds-tag--{}", match kind { TaskKind::Required => "required", TaskKind::Optional => "optional", TaskKind::ChooseOne => "choose" })>{kind_label(kind)}</strong>
                    <p class="ds-step-by-step__summary">{summary}</p>
                    {deadline.map(|d| view! { <p class="ds-step-by-step__deadline">{d}</p> })}
                </li>
            }
        }).collect_view();
        let connector = (!is_last).then_some(match step.connector {
            Connector::And => "and",
            Connector::Or => "or",
        });
        view! {
            <li class="ds-step-by-step__step" data-step="" hidden=!shown>
                <h3 class="ds-step-by-step__title">
                    <span class="ds-step-by-step__number"><span class="ds-visually-hidden">"Step "</span><span data-step-number="">{number}</span></span>
                    <span>{step.title.clone()}</span>
                </h3>
                <p>{step.summary.clone()}</p>
                <ul class="ds-step-by-step__tasks">{tasks}</ul>
                {connector.map(|c| view! { <p class="ds-step-by-step__connector" data-connector="">{c}</p> })}
            </li>
        }
    }).collect_view();
    view! { <ol class="ds-step-by-step" id="steps">{steps}</ol> }.into_any()
}
