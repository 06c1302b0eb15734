//! The catalogue: the place, its areas, organisations, services and life
//! events with their journeys. This is content expressed as data; the server
//! loads it from files at start-up and [`Catalogue::new`] refuses anything
//! inconsistent, naming the file and the entry at fault.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The place that runs this Doorstep: a council or similar public body.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub name: String,
    pub short_name: String,
    pub description: String,
    pub website: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub opening_hours: String,
    pub areas: Vec<Area>,
    pub organisations: Vec<Organisation>,
}

/// One of the place's areas (a ward or similar). Interactions are located by
/// area, never by address.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    Council,
    Nhs,
    Government,
    Charity,
    Business,
    Other,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub kind: OrganisationKind,
    pub url: String,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ServiceStatus {
    #[default]
    Active,
    Inactive,
    Defunct,
    TemporarilyClosed,
}

/// How a service can be used. Field names follow Open Referral UK where it
/// has them.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Channel {
    Online {
        url: String,
        #[serde(default)]
        label: Option<String>,
    },
    Phone {
        number: String,
        #[serde(default)]
        hours: Option<String>,
    },
    InPerson {
        location: String,
        #[serde(default)]
        hours: Option<String>,
    },
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub slug: String,
    pub name: String,
    /// One plain-English sentence.
    pub summary: String,
    pub description: String,
    /// An [`Organisation::id`].
    pub organisation: String,
    #[serde(default)]
    pub status: ServiceStatus,
    /// The main online address (Open Referral UK `url`).
    #[serde(default)]
    pub url: Option<String>,
    pub eligibility_description: String,
    pub fees_description: String,
    /// When the law or the provider sets a time limit, in words.
    #[serde(default)]
    pub deadline_description: Option<String>,
    /// Local Government Service List code, only where verified.
    #[serde(default)]
    pub lgsl: Option<u32>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Slugs of services people usually need alongside this one.
    #[serde(default)]
    pub related: Vec<String>,
    pub channels: Vec<Channel>,
}

/// How a task sits in its step.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    Required,
    Optional,
    /// One of the step's `choose_one` tasks is enough.
    ChooseOne,
}

/// Which side of the life event's date a deadline falls.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineSide {
    /// Must be done no later than `days` after the event date.
    After,
    /// Must be done at least `days` before the event date.
    Before,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    pub days: u32,
    pub side: DeadlineSide,
    /// The fact behind the deadline, in plain English.
    pub basis: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// A [`Service::slug`]. A service appears at most once per life event, so
    /// `(life event, service)` identifies a task.
    pub service: String,
    pub kind: TaskKind,
    /// Overrides the service name in the checklist ("Tell the council tax team").
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub deadline: Option<Deadline>,
    /// Shown only when every named question is unanswered or answered with
    /// one of the listed values.
    #[serde(default)]
    pub show_if: BTreeMap<String, Vec<String>>,
}

/// Whether the step after this one is needed as well ("and") or instead ("or").
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Connector {
    #[default]
    And,
    Or,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub connector: Connector,
    pub tasks: Vec<Task>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct QuestionOption {
    pub value: String,
    pub label: String,
}

/// A triage question that personalises the journey.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub hint: Option<String>,
    pub options: Vec<QuestionOption>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LifeEvent {
    pub slug: String,
    pub name: String,
    pub summary: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// What the plan's date means for this life event ("Date of the move").
    /// Without it, the plan asks for no date.
    #[serde(default)]
    pub event_date_label: Option<String>,
    #[serde(default)]
    pub questions: Vec<Question>,
    pub steps: Vec<Step>,
}

/// Groups of words that mean the same thing to a searcher.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Synonyms {
    pub groups: Vec<Vec<String>>,
}

/// Where a piece of content came from, for error messages.
#[derive(Clone, Debug, PartialEq)]
pub struct Sourced<T> {
    pub file: String,
    pub item: T,
}

/// What is wrong with the catalogue, naming the file and the entry.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{file}: {entry}: {problem}")]
pub struct CatalogueError {
    pub file: String,
    pub entry: String,
    pub problem: String,
}

/// Everything that is wrong with a catalogue, so an editor can fix it in one go.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("the catalogue is invalid:\n{}", .0.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n"))]
pub struct CatalogueErrors(pub Vec<CatalogueError>);

/// A validated catalogue: every reference in it resolves.
#[derive(Clone, Debug)]
pub struct Catalogue {
    pub place: Place,
    services: Vec<Service>,
    life_events: Vec<LifeEvent>,
    pub synonyms: Synonyms,
    service_index: HashMap<String, usize>,
    life_event_index: HashMap<String, usize>,
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

impl Catalogue {
    /// Checks every cross-reference and returns a catalogue the rest of the
    /// system can trust, or every problem found.
    pub fn new(
        place: Sourced<Place>,
        services: Vec<Sourced<Service>>,
        life_events: Vec<Sourced<LifeEvent>>,
        synonyms: Synonyms,
    ) -> Result<Self, CatalogueErrors> {
        let mut errors = Vec::new();
        let mut err = |file: &str, entry: &str, problem: String| {
            errors.push(CatalogueError {
                file: file.to_owned(),
                entry: entry.to_owned(),
                problem,
            })
        };

        let mut area_codes = HashSet::new();
        for area in &place.item.areas {
            if !area_codes.insert(area.code.as_str()) {
                err(
                    &place.file,
                    &format!("area {}", area.code),
                    "duplicate area code".into(),
                );
            }
        }
        if place.item.areas.is_empty() {
            err(
                &place.file,
                "areas",
                "the place needs at least one area".into(),
            );
        }
        let mut org_ids = HashSet::new();
        for org in &place.item.organisations {
            if !org_ids.insert(org.id.as_str()) {
                err(
                    &place.file,
                    &format!("organisation {}", org.id),
                    "duplicate organisation id".into(),
                );
            }
        }

        let mut service_index = HashMap::new();
        for (i, s) in services.iter().enumerate() {
            let entry = format!("service {}", s.item.slug);
            if !is_slug(&s.item.slug) {
                err(
                    &s.file,
                    &entry,
                    "slug must be lower-case letters, digits and single dashes".into(),
                );
            }
            if service_index.insert(s.item.slug.clone(), i).is_some() {
                err(&s.file, &entry, "duplicate service slug".into());
            }
            if s.item.name.trim().is_empty() || s.item.summary.trim().is_empty() {
                err(&s.file, &entry, "name and summary must not be empty".into());
            }
            if !org_ids.contains(s.item.organisation.as_str()) {
                err(
                    &s.file,
                    &entry,
                    format!("unknown organisation '{}'", s.item.organisation),
                );
            }
            if s.item.channels.is_empty() {
                err(
                    &s.file,
                    &entry,
                    "a service needs at least one channel".into(),
                );
            }
            for c in &s.item.channels {
                if let Channel::Online { url, .. } = c {
                    if !url.starts_with("https://") {
                        err(
                            &s.file,
                            &entry,
                            format!("online channel url '{url}' must start with https://"),
                        );
                    }
                }
            }
        }
        for s in &services {
            let entry = format!("service {}", s.item.slug);
            let mut seen = HashSet::new();
            for r in &s.item.related {
                if r == &s.item.slug {
                    err(
                        &s.file,
                        &entry,
                        "a service cannot be related to itself".into(),
                    );
                } else if !service_index.contains_key(r) {
                    err(
                        &s.file,
                        &entry,
                        format!("related service '{r}' does not exist"),
                    );
                }
                if !seen.insert(r) {
                    err(
                        &s.file,
                        &entry,
                        format!("related service '{r}' is listed twice"),
                    );
                }
            }
        }

        let mut life_event_index = HashMap::new();
        for (i, le) in life_events.iter().enumerate() {
            let e = &le.item;
            let entry = format!("life event {}", e.slug);
            if !is_slug(&e.slug) {
                err(
                    &le.file,
                    &entry,
                    "slug must be lower-case letters, digits and single dashes".into(),
                );
            }
            if life_event_index.insert(e.slug.clone(), i).is_some() {
                err(&le.file, &entry, "duplicate life event slug".into());
            }
            if e.steps.is_empty() {
                err(&le.file, &entry, "a journey needs at least one step".into());
            }
            let mut question_ids: HashMap<&str, HashSet<&str>> = HashMap::new();
            for q in &e.questions {
                if !is_slug(&q.id.replace('_', "-")) {
                    err(
                        &le.file,
                        &entry,
                        format!("question id '{}' is not a simple name", q.id),
                    );
                }
                if q.options.len() < 2 {
                    err(
                        &le.file,
                        &entry,
                        format!("question '{}' needs at least two options", q.id),
                    );
                }
                let values: HashSet<&str> = q.options.iter().map(|o| o.value.as_str()).collect();
                if values.len() != q.options.len() {
                    err(
                        &le.file,
                        &entry,
                        format!("question '{}' has duplicate option values", q.id),
                    );
                }
                if question_ids.insert(q.id.as_str(), values).is_some() {
                    err(&le.file, &entry, format!("duplicate question '{}'", q.id));
                }
            }
            let mut services_in_journey = HashSet::new();
            for (si, step) in e.steps.iter().enumerate() {
                let step_entry = format!("{entry}, step {} '{}'", si + 1, step.title);
                if step.tasks.is_empty() {
                    err(
                        &le.file,
                        &step_entry,
                        "a step needs at least one task".into(),
                    );
                }
                let choose_one = step
                    .tasks
                    .iter()
                    .filter(|t| t.kind == TaskKind::ChooseOne)
                    .count();
                if choose_one == 1 {
                    err(
                        &le.file,
                        &step_entry,
                        "a 'choose_one' task needs at least one alternative in the same step"
                            .into(),
                    );
                }
                for t in &step.tasks {
                    let task_entry = format!("{step_entry}, task {}", t.service);
                    if !service_index.contains_key(&t.service) {
                        err(
                            &le.file,
                            &task_entry,
                            format!("service '{}' does not exist", t.service),
                        );
                    }
                    if !services_in_journey.insert(t.service.as_str()) {
                        err(
                            &le.file,
                            &task_entry,
                            "a service appears only once in a journey".into(),
                        );
                    }
                    if let Some(d) = &t.deadline {
                        if e.event_date_label.is_none() {
                            err(
                                &le.file,
                                &task_entry,
                                "a deadline needs the life event to have an event_date_label"
                                    .into(),
                            );
                        }
                        if d.days == 0 || d.days > 3660 {
                            err(
                                &le.file,
                                &task_entry,
                                format!("deadline of {} days is out of range (1 to 3660)", d.days),
                            );
                        }
                        if d.basis.trim().is_empty() {
                            err(
                                &le.file,
                                &task_entry,
                                "a deadline must state its basis".into(),
                            );
                        }
                    }
                    for (qid, values) in &t.show_if {
                        match question_ids.get(qid.as_str()) {
                            None => err(
                                &le.file,
                                &task_entry,
                                format!("show_if names unknown question '{qid}'"),
                            ),
                            Some(known) => {
                                if values.is_empty() {
                                    err(
                                        &le.file,
                                        &task_entry,
                                        format!("show_if for '{qid}' lists no values"),
                                    );
                                }
                                for v in values {
                                    if !known.contains(v.as_str()) {
                                        err(&le.file, &task_entry, format!("show_if value '{v}' is not an option of question '{qid}'"));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        if !errors.is_empty() {
            return Err(CatalogueErrors(errors));
        }
        Ok(Catalogue {
            place: place.item,
            services: services.into_iter().map(|s| s.item).collect(),
            life_events: life_events.into_iter().map(|l| l.item).collect(),
            synonyms,
            service_index,
            life_event_index,
        })
    }

    pub fn services(&self) -> &[Service] {
        &self.services
    }

    pub fn life_events(&self) -> &[LifeEvent] {
        &self.life_events
    }

    pub fn service(&self, slug: &str) -> Option<&Service> {
        self.service_index.get(slug).map(|&i| &self.services[i])
    }

    pub fn life_event(&self, slug: &str) -> Option<&LifeEvent> {
        self.life_event_index
            .get(slug)
            .map(|&i| &self.life_events[i])
    }

    pub fn organisation(&self, id: &str) -> Option<&Organisation> {
        self.place.organisations.iter().find(|o| o.id == id)
    }

    pub fn area(&self, code: &str) -> Option<&Area> {
        self.place.areas.iter().find(|a| a.code == code)
    }

    /// Life events whose journeys include this service.
    pub fn life_events_using(&self, service: &str) -> Vec<&LifeEvent> {
        self.life_events
            .iter()
            .filter(|le| {
                le.steps
                    .iter()
                    .any(|s| s.tasks.iter().any(|t| t.service == service))
            })
            .collect()
    }
}
