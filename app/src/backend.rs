//! What the pages need from the server, provided as context by `server`
//! (the app never depends on the database directly).

use crate::domain::catalogue::Catalogue;
use crate::domain::plan::{Plan, PlanEvent, TaskKey};
use crate::domain::reference::Reference;
use crate::domain::search::SearchIndex;
use std::sync::Arc;
use time::OffsetDateTime;

/// The name of the cookie that remembers a plan on this device.
pub const PLAN_COOKIE: &str = "doorstep_plan";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("that plan reference is already in use")]
    ReferenceTaken,
    #[error("database error: {0}")]
    Database(String),
}

/// Durable storage. One implementation per database; nothing else knows
/// which database is in use.
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Cheap round trip, for `/healthz`.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Creates a plan with its first life event. `request_id` comes from the
    /// form, so a repeated submission returns the plan made the first time.
    async fn create_plan(
        &self,
        reference: &Reference,
        request_id: &str,
        first: &PlanEvent,
        now: OffsetDateTime,
    ) -> Result<Reference, StoreError>;

    async fn plan(&self, reference: &Reference) -> Result<Option<Plan>, StoreError>;

    /// Adds a life event to a plan, or replaces its answers and date if the
    /// plan already has it. False when there is no such plan.
    async fn put_event(
        &self,
        reference: &Reference,
        event: &PlanEvent,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// Marks a task done or not done (a state, not a toggle, so retries are
    /// harmless). False when there is no such plan.
    async fn set_done(
        &self,
        reference: &Reference,
        task: &TaskKey,
        done: bool,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// Deletes the plan and everything in it. False when there was none.
    async fn delete_plan(&self, reference: &Reference) -> Result<bool, StoreError>;
}

/// The capabilities pages and server functions use.
#[derive(Clone)]
pub struct Backend {
    pub store: Arc<dyn Store>,
    pub catalogue: Arc<Catalogue>,
    pub search: Arc<SearchIndex>,
}

/// A problem with a submitted form, given to the page that shows it again.
#[derive(Clone, Debug, Default)]
pub struct FormProblem {
    /// The id of the field at fault (the error summary links to it).
    pub field: String,
    pub message: String,
    /// What the person typed, to put back in the form.
    pub values: Vec<(String, String)>,
}

impl FormProblem {
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The plan reference remembered in this request's cookie, if well-formed.
pub fn plan_reference(headers: &http::HeaderMap) -> Option<Reference> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == PLAN_COOKIE)
        .and_then(|(_, v)| Reference::parse(v).ok())
}
