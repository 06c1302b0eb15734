//! What changing a plan means, whoever does it: a citizen's own form or an
//! agent on their behalf. The form endpoints (`forms`, `staff::console`)
//! read and check what was sent and answer in their own words; the change
//! itself, and the plan's history of who changed what, happen here once.

use app::backend::{random_hex, Backend, StoreError};
use app::domain::interaction::Kind;
use app::domain::plan::{Plan, PlanEvent, TaskKey};
use app::domain::reference::{Reference, LEN};
use app::domain::staff::{PlanChange, StaffMember};
use rand::RngCore;
use time::OffsetDateTime;

/// A new random reference (not yet known to be free).
pub fn fresh_reference() -> Reference {
    let mut bytes = [0u8; LEN];
    rand::thread_rng().fill_bytes(&mut bytes);
    Reference::from_random(bytes)
}

/// The form's request id when it is well formed (16 to 64 hex digits),
/// else a new one (so only a retry of a malformed form can make a second
/// plan).
pub fn request_id_or_fresh(typed: &str) -> String {
    if (16..=64).contains(&typed.len()) && typed.bytes().all(|b| b.is_ascii_hexdigit()) {
        typed.to_owned()
    } else {
        random_hex(16)
    }
}

/// Creates a plan with its first life event, trying a few references in
/// the unlikely case one is taken. A repeated `request_id` answers the plan
/// made the first time.
pub async fn create(
    backend: &Backend,
    request_id: &str,
    event: &PlanEvent,
    now: OffsetDateTime,
) -> Result<Reference, StoreError> {
    for _ in 0..5 {
        match backend
            .store
            .create_plan(&fresh_reference(), request_id, event, now)
            .await
        {
            Err(StoreError::ReferenceTaken) => continue,
            done => return done,
        }
    }
    Err(StoreError::Database(
        "no free reference after 5 tries".into(),
    ))
}

/// What putting a life event into an existing plan did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Put {
    /// The plan did not have this life event.
    Added,
    /// It had it: its answers and date were replaced.
    Changed,
}

impl Put {
    /// The plan history's word for it.
    pub fn action(self) -> &'static str {
        match self {
            Put::Added => "added_life_event",
            Put::Changed => "changed_answers",
        }
    }
}

/// Adds a life event to a plan, or replaces its answers; `None` when there
/// is no such plan.
pub async fn put_event(
    backend: &Backend,
    reference: &Reference,
    event: &PlanEvent,
    now: OffsetDateTime,
) -> Result<Option<Put>, StoreError> {
    let Some(plan) = backend.store.plan(reference).await? else {
        return Ok(None);
    };
    let had = plan.events.iter().any(|e| e.life_event == event.life_event);
    if !backend.store.put_event(reference, event, now).await? {
        return Ok(None);
    }
    Ok(Some(if had { Put::Changed } else { Put::Added }))
}

/// Why a task could not be marked.
#[derive(Debug)]
pub enum TickRefused {
    NoPlan,
    NotInPlan,
    Store(StoreError),
}

impl From<StoreError> for TickRefused {
    fn from(e: StoreError) -> Self {
        TickRefused::Store(e)
    }
}

/// A task marked done or not done.
pub struct Ticked {
    pub key: TaskKey,
    /// The service's name, for the plan's history.
    pub label: String,
    /// The plan as it is now.
    pub plan: Plan,
}

/// Marks one of the plan's tasks done or not done (a state, not a toggle,
/// so retries are harmless).
pub async fn set_task(
    backend: &Backend,
    reference: &Reference,
    task: &str,
    done: bool,
) -> Result<Ticked, TickRefused> {
    let mut plan = backend
        .store
        .plan(reference)
        .await?
        .ok_or(TickRefused::NoPlan)?;
    let key = TaskKey::parse(task)
        .filter(|k| plan.has_task(&backend.catalogue, k))
        .ok_or(TickRefused::NotInPlan)?;
    if !backend
        .store
        .set_done(reference, &key, done, OffsetDateTime::now_utc())
        .await?
    {
        return Err(TickRefused::NoPlan);
    }
    if done {
        plan.done.insert(key.clone());
    } else {
        plan.done.remove(&key);
    }
    let label = backend
        .catalogue
        .service(&key.service)
        .map_or_else(|| key.service.clone(), |s| s.name.clone());
    Ok(Ticked { key, label, plan })
}

/// The interaction that marking a task is.
pub fn tick_kind(done: bool) -> Kind {
    if done {
        Kind::TaskTicked
    } else {
        Kind::TaskUnticked
    }
}

/// The plan history's word for marking a task.
pub fn tick_action(done: bool) -> &'static str {
    if done {
        "ticked"
    } else {
        "unticked"
    }
}

/// Deletes a plan for good: its interactions stay for insight but are no
/// longer linked, and the engine forgets its journey. Deleting twice is
/// harmless.
pub async fn delete_and_forget(backend: &Backend, reference: &Reference) -> Result<(), StoreError> {
    backend.store.delete_plan(reference).await?;
    let journey = app::backend::plan_journey(reference);
    if let Err(e) = backend.store.unlink_journey(&journey).await {
        tracing::error!(error = %e, "unlinking a deleted plan's interactions failed");
    }
    backend
        .engine
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .forget(&journey);
    Ok(())
}

/// Notes in the plan's history who changed it (`None`: the citizen). A
/// failure is logged, never shown.
pub async fn note_change(
    backend: &Backend,
    reference: &Reference,
    by: Option<&StaffMember>,
    action: &str,
    detail: impl Into<String>,
) {
    let change = PlanChange {
        at: OffsetDateTime::now_utc(),
        actor: by.map_or_else(|| "citizen".to_owned(), |m| format!("staff:{}", m.id)),
        staff_name: None,
        action: action.to_owned(),
        detail: detail.into(),
    };
    if let Err(e) = backend.staff.add_plan_change(reference, &change).await {
        tracing::error!(error = %e, "plan history write failed");
    }
}
