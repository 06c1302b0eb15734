//! A citizen's plan: the life events they are dealing with, their triage
//! answers, an optional date per life event, and which tasks are done.
//!
//! A plan holds no name, address or contact details. Its tasks are not stored
//! but derived from the catalogue, so a corrected journey reaches every plan.

use super::catalogue::{Catalogue, DeadlineSide, LifeEvent, TaskKind};
use super::journey::{effective_kind, personalise, Answers};
use super::reference::Reference;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use time::{Date, Duration, OffsetDateTime};

/// Identifies a task in a plan: a service within a life event's journey.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TaskKey {
    pub life_event: String,
    pub service: String,
}

impl TaskKey {
    /// Parses the `life-event/service` form used in forms and URLs.
    pub fn parse(s: &str) -> Option<Self> {
        let (le, sv) = s.split_once('/')?;
        let ok = |p: &str| {
            !p.is_empty()
                && p.len() <= 80
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        (ok(le) && ok(sv)).then(|| TaskKey {
            life_event: le.to_owned(),
            service: sv.to_owned(),
        })
    }
}

impl fmt::Display for TaskKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.life_event, self.service)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanEvent {
    pub life_event: String,
    pub answers: Answers,
    pub event_date: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub reference: Reference,
    pub created_at: OffsetDateTime,
    pub events: Vec<PlanEvent>,
    pub done: BTreeSet<TaskKey>,
}

/// When a task is due, relative to today.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub date: Date,
    /// Negative when overdue.
    pub days_left: i64,
    pub side: DeadlineSide,
    pub basis: String,
}

/// The last day a deadline allows: `days` after the event, or `days` before it.
pub fn due_date(event_date: Date, days: u32, side: DeadlineSide) -> Option<Date> {
    let d = Duration::days(i64::from(days));
    match side {
        DeadlineSide::After => event_date.checked_add(d),
        DeadlineSide::Before => event_date.checked_sub(d),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanTaskView {
    pub key: String,
    pub service: String,
    pub label: String,
    pub kind: TaskKind,
    pub done: bool,
    pub due: Option<Due>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanStepView {
    pub number: usize,
    pub title: String,
    pub tasks: Vec<PlanTaskView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanEventView {
    pub life_event: String,
    pub name: String,
    pub event_date_label: Option<String>,
    pub event_date: Option<Date>,
    /// (question, answer) in words.
    pub answers: Vec<(String, String)>,
    /// The answers as a query string, to reopen the journey as answered.
    pub answers_query: String,
    pub steps: Vec<PlanStepView>,
}

impl PlanEventView {
    pub fn tasks(&self) -> impl Iterator<Item = &PlanTaskView> {
        self.steps.iter().flat_map(|s| s.tasks.iter())
    }
}

/// The plan as the citizen sees it on a given day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanView {
    pub reference: String,
    pub events: Vec<PlanEventView>,
}

impl PlanView {
    pub fn progress(&self) -> (usize, usize) {
        let all: Vec<_> = self.events.iter().flat_map(|e| e.tasks()).collect();
        (all.iter().filter(|t| t.done).count(), all.len())
    }

    /// Outstanding tasks with a date, soonest first.
    pub fn upcoming(&self) -> Vec<(&PlanEventView, &PlanTaskView)> {
        let mut v: Vec<_> = self
            .events
            .iter()
            .flat_map(|e| e.tasks().map(move |t| (e, t)))
            .filter(|(_, t)| !t.done && t.due.is_some())
            .collect();
        v.sort_by_key(|(_, t)| t.due.as_ref().map(|d| d.date));
        v
    }
}

fn event_view(
    catalogue: &Catalogue,
    le: &LifeEvent,
    pe: &PlanEvent,
    done: &BTreeSet<TaskKey>,
    today: Date,
) -> PlanEventView {
    let steps = personalise(le, &pe.answers)
        .into_iter()
        .map(|step| PlanStepView {
            number: step.number,
            title: step.title.to_owned(),
            tasks: step
                .tasks
                .iter()
                .map(|t| {
                    let key = TaskKey {
                        life_event: le.slug.clone(),
                        service: t.service.clone(),
                    };
                    let due = match (&t.deadline, pe.event_date) {
                        (Some(d), Some(date)) => due_date(date, d.days, d.side).map(|due| Due {
                            date: due,
                            days_left: (due - today).whole_days(),
                            side: d.side,
                            basis: d.basis.clone(),
                        }),
                        _ => None,
                    };
                    let label = t.text.clone().unwrap_or_else(|| {
                        catalogue
                            .service(&t.service)
                            .map(|s| s.name.clone())
                            .unwrap_or_default()
                    });
                    PlanTaskView {
                        done: done.contains(&key),
                        key: key.to_string(),
                        service: t.service.clone(),
                        label,
                        kind: effective_kind(t, &step.tasks),
                        due,
                    }
                })
                .collect(),
        })
        .collect();
    let answers = le
        .questions
        .iter()
        .filter_map(|q| {
            let v = pe.answers.get(&q.id)?;
            let label = q.options.iter().find(|o| o.value == v)?.label.clone();
            Some((q.text.clone(), label))
        })
        .collect();
    PlanEventView {
        life_event: le.slug.clone(),
        name: le.name.clone(),
        event_date_label: le.event_date_label.clone(),
        event_date: pe.event_date,
        answers,
        answers_query: pe.answers.to_query(),
        steps,
    }
}

impl Plan {
    /// Life events no longer in the catalogue are skipped, not fatal.
    pub fn view(&self, catalogue: &Catalogue, today: Date) -> PlanView {
        PlanView {
            reference: self.reference.to_string(),
            events: self
                .events
                .iter()
                .filter_map(|pe| {
                    let le = catalogue.life_event(&pe.life_event)?;
                    Some(event_view(catalogue, le, pe, &self.done, today))
                })
                .collect(),
        }
    }

    /// Whether `key` names a task this plan shows, so ticks cannot be
    /// stored against tasks that do not exist.
    pub fn has_task(&self, catalogue: &Catalogue, key: &TaskKey) -> bool {
        self.events.iter().any(|pe| {
            pe.life_event == key.life_event
                && catalogue.life_event(&pe.life_event).is_some_and(|le| {
                    personalise(le, &pe.answers)
                        .iter()
                        .any(|s| s.tasks.iter().any(|t| t.service == key.service))
                })
        })
    }
}

/// Parses an event date typed as day, month and year, GOV.UK style.
pub fn parse_date_parts(day: &str, month: &str, year: &str) -> Result<Option<Date>, &'static str> {
    let (d, m, y) = (day.trim(), month.trim(), year.trim());
    if d.is_empty() && m.is_empty() && y.is_empty() {
        return Ok(None);
    }
    if d.is_empty() || m.is_empty() || y.is_empty() {
        return Err("The date must include a day, month and year");
    }
    let (Ok(d), Ok(m), Ok(y)) = (d.parse::<u8>(), m.parse::<u8>(), y.parse::<i32>()) else {
        return Err("The date must be numbers, like 27 3 2027");
    };
    if !(1900..=2200).contains(&y) {
        return Err("The year must have 4 numbers, like 2027");
    }
    let month = time::Month::try_from(m).map_err(|_| "The month must be between 1 and 12")?;
    Date::from_calendar_date(y, month, d)
        .map(Some)
        .map_err(|_| "The date must be a real date")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn deadlines_fall_either_side_of_the_event() {
        // Registering a birth: within 42 days after it.
        assert_eq!(
            due_date(date!(2027 - 01 - 01), 42, DeadlineSide::After),
            Some(date!(2027 - 02 - 12))
        );
        // Giving notice of marriage: at least 29 days before the ceremony.
        assert_eq!(
            due_date(date!(2027 - 06 - 30), 29, DeadlineSide::Before),
            Some(date!(2027 - 06 - 01))
        );
        // Registering a death: within 5 days, across a month end.
        assert_eq!(
            due_date(date!(2027 - 02 - 26), 5, DeadlineSide::After),
            Some(date!(2027 - 03 - 03))
        );
    }

    #[test]
    fn task_keys_round_trip_and_reject_junk() {
        let k = TaskKey::parse("moving-home/council-tax").unwrap();
        assert_eq!(k.to_string(), "moving-home/council-tax");
        assert!(TaskKey::parse("moving-home").is_none());
        assert!(TaskKey::parse("Moving/x").is_none());
        assert!(TaskKey::parse("a/b/c").is_none());
        assert!(TaskKey::parse("/x").is_none());
    }

    #[test]
    fn dates_are_parsed_with_helpful_errors() {
        assert_eq!(parse_date_parts("", "", ""), Ok(None));
        assert_eq!(
            parse_date_parts("29", "2", "2028"),
            Ok(Some(date!(2028 - 02 - 29)))
        );
        assert!(parse_date_parts("29", "2", "2027").is_err());
        assert!(parse_date_parts("1", "13", "2027").is_err());
        assert!(parse_date_parts("1", "", "2027").is_err());
        assert!(parse_date_parts("x", "1", "2027").is_err());
        assert!(parse_date_parts("1", "1", "27").is_err());
    }
}
