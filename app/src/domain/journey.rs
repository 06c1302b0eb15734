//! Personalising a life event's journey from the citizen's triage answers.

use super::catalogue::{Connector, LifeEvent, Task, TaskKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Triage answers: question id to the chosen option value. Only answers that
/// match a question and one of its options survive [`Answers::parse`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers(pub BTreeMap<String, String>);

impl Answers {
    /// Keeps the pairs that name a real question and option of `life_event`.
    pub fn parse<'a>(
        life_event: &LifeEvent,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        let mut out = BTreeMap::new();
        for (k, v) in pairs {
            if let Some(q) = life_event.questions.iter().find(|q| q.id == k) {
                if q.options.iter().any(|o| o.value == v) {
                    out.insert(k.to_owned(), v.to_owned());
                }
            }
        }
        Answers(out)
    }

    pub fn get(&self, question: &str) -> Option<&str> {
        self.0.get(question).map(String::as_str)
    }

    /// `a=b&c=d`, for shareable links. Values are option values (slug-like),
    /// so no escaping is needed beyond what [`Answers::parse`] guarantees.
    pub fn to_query(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Whether a task applies given the answers so far. An unanswered question
/// never hides a task: people see everything until they say otherwise.
pub fn applies(task: &Task, answers: &Answers) -> bool {
    task.show_if
        .iter()
        .all(|(question, allowed)| match answers.get(question) {
            None => true,
            Some(value) => allowed.iter().any(|a| a == value),
        })
}

/// A step as it applies to one person.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonalStep<'a> {
    pub number: usize,
    pub title: &'a str,
    pub summary: &'a str,
    pub connector: Connector,
    pub tasks: Vec<&'a Task>,
}

/// The steps that still have tasks after personalisation, numbered from 1.
pub fn personalise<'a>(life_event: &'a LifeEvent, answers: &Answers) -> Vec<PersonalStep<'a>> {
    let mut steps: Vec<PersonalStep<'a>> = Vec::new();
    for step in &life_event.steps {
        let tasks: Vec<&Task> = step.tasks.iter().filter(|t| applies(t, answers)).collect();
        // A choose-one group reduced to a single option is simply required.
        if tasks.is_empty() {
            continue;
        }
        steps.push(PersonalStep {
            number: steps.len() + 1,
            title: &step.title,
            summary: &step.summary,
            connector: step.connector,
            tasks,
        });
    }
    steps
}

/// How a task reads once personalised: a lone survivor of a choose-one group
/// is no longer a choice.
pub fn effective_kind(task: &Task, siblings: &[&Task]) -> TaskKind {
    if task.kind == TaskKind::ChooseOne
        && siblings
            .iter()
            .filter(|t| t.kind == TaskKind::ChooseOne)
            .count()
            < 2
    {
        TaskKind::Required
    } else {
        task.kind
    }
}
