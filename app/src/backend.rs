//! What the pages need from the server, provided as context by `server`
//! (the app never depends on the database directly).

use crate::domain::catalogue::Catalogue;
use crate::domain::interaction::Interaction;
use crate::domain::plan::{Plan, PlanEvent, TaskKey};
use crate::domain::reference::Reference;
use crate::domain::search::SearchIndex;
use crate::domain::staff::{
    AuditEntry, AuditFilter, CallOutcome, PlanChange, Role, StaffAccount, StaffMember,
};
use crate::domain::suggest::{Context, Engine, Mode, Suggestion};
use std::sync::Arc;
use time::OffsetDateTime;

/// The name of the cookie that remembers a plan on this device.
pub const PLAN_COOKIE: &str = "doorstep_plan";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("that plan reference is already in use")]
    ReferenceTaken,
    /// Item `index` of a batch reuses an id already stored with other content.
    #[error("item {index}: id {id} was already recorded with different content")]
    Conflict { index: usize, id: String },
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

    /// Stores a batch of interactions, all or nothing. An id already stored
    /// with the same content is a harmless repeat; with other content it is
    /// a [`StoreError::Conflict`]. Returns which items were new.
    async fn record(&self, batch: &[Interaction]) -> Result<Vec<bool>, StoreError>;

    /// Feeds every stored (journey, area, service) that shows a need to
    /// `each`, oldest first, for rebuilding the suggestion engine.
    async fn each_need(
        &self,
        each: &mut (dyn for<'a> FnMut(&'a str, Option<&'a str>, &'a str) + Send),
    ) -> Result<(), StoreError>;

    /// Unlinks a journey's interactions (they stay, unconnected).
    async fn unlink_journey(&self, journey: &str) -> Result<u64, StoreError>;

    /// Deletes interactions that occurred before `cutoff`.
    async fn delete_interactions_before(&self, cutoff: OffsetDateTime) -> Result<u64, StoreError>;

    /// Stores a new API key's hash under `name`; false if the name is taken.
    async fn create_api_key(
        &self,
        name: &str,
        key_hash: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    /// Revokes the key called `name`; false if there is no such live key.
    async fn revoke_api_key(&self, name: &str, now: OffsetDateTime) -> Result<bool, StoreError>;

    /// The name of the live key with this hash.
    async fn api_key_name(&self, key_hash: &str) -> Result<Option<String>, StoreError>;

    /// Every key ever made: (name, created, revoked), newest first.
    async fn list_api_keys(&self) -> Result<Vec<ApiKeyRow>, StoreError>;
}

/// The signed-in member of staff, put on the request by the server's staff
/// guard for pages and handlers to read.
#[derive(Clone, Debug)]
pub struct StaffSession {
    pub member: StaffMember,
    /// SHA-256 of the session token (never the token itself).
    pub token_hash: String,
    /// The client address, for the audit log.
    pub address: String,
    /// The channel the member of staff is working on (phone or face to
    /// face), which their actions are recorded under.
    pub channel: crate::domain::interaction::Via,
}

/// A stored session: whose it is, when it began and was last used, and
/// the channel it works on.
#[derive(Clone, Debug)]
pub struct SessionRecord {
    pub account: StaffAccount,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub channel: crate::domain::interaction::Via,
}

impl StaffSession {
    /// An audit log line for something this member of staff does now.
    pub fn audit_entry(&self, action: &str, target: &str, detail: impl Into<String>) -> AuditEntry {
        AuditEntry {
            at: OffsetDateTime::now_utc(),
            staff_id: self.member.id.clone(),
            staff_email: self.member.email.clone(),
            action: action.to_owned(),
            target: target.to_owned(),
            detail: detail.into(),
            address: self.address.clone(),
        }
    }
}

/// A partner API key just created, shown once on the admin page.
#[derive(Clone, Debug)]
pub struct NewApiKey {
    pub name: String,
    pub key: String,
}

/// An API key as listed: (name, created, revoked).
pub type ApiKeyRow = (String, OffsetDateTime, Option<OffsetDateTime>);

/// A session row: (token hash, created, last seen, address, browser).
pub type SessionRow = (String, OffsetDateTime, OffsetDateTime, String, String);

/// Staff accounts and sessions, sign-in failures, the audit log, call
/// outcomes, and the history of who changed each plan. One implementation
/// serves both databases (the tables use the same types on each).
#[async_trait::async_trait]
pub trait StaffStore: Send + Sync + 'static {
    /// False when the email is already in use.
    async fn create_staff(
        &self,
        member: &StaffMember,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    async fn staff_by_email(&self, email: &str) -> Result<Option<StaffAccount>, StoreError>;
    async fn staff_by_id(&self, id: &str) -> Result<Option<StaffAccount>, StoreError>;
    async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError>;
    async fn set_role(&self, id: &str, role: Role) -> Result<bool, StoreError>;
    /// Disabling also ends every session of the account.
    async fn set_disabled(&self, id: &str, disabled: bool) -> Result<bool, StoreError>;
    async fn set_password(
        &self,
        id: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    async fn create_session(
        &self,
        token_hash: &str,
        staff_id: &str,
        now: OffsetDateTime,
        address: &str,
        agent: &str,
    ) -> Result<(), StoreError>;
    /// The account behind a session, with when it began and was last used.
    async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError>;
    /// Switches the channel a session works on.
    async fn set_session_channel(
        &self,
        token_hash: &str,
        channel: crate::domain::interaction::Via,
    ) -> Result<(), StoreError>;
    async fn touch_session(&self, token_hash: &str, now: OffsetDateTime) -> Result<(), StoreError>;
    async fn end_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// Ends every session of `staff_id` but `except`; how many ended.
    async fn end_sessions_of(
        &self,
        staff_id: &str,
        except: Option<&str>,
    ) -> Result<u64, StoreError>;
    async fn sessions_of(&self, staff_id: &str) -> Result<Vec<SessionRow>, StoreError>;
    /// Deletes sessions last used before `idle_before` or begun before
    /// `begun_before` (abandoned ones, never used again); how many.
    async fn end_expired_sessions(
        &self,
        idle_before: OffsetDateTime,
        begun_before: OffsetDateTime,
    ) -> Result<u64, StoreError>;

    async fn login_failed(&self, email: &str, now: OffsetDateTime) -> Result<(), StoreError>;
    async fn login_failures_since(
        &self,
        email: &str,
        since: OffsetDateTime,
    ) -> Result<u64, StoreError>;

    /// Appends to the audit log (which nothing can change or delete).
    async fn audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;
    /// Newest first.
    async fn audit_entries(
        &self,
        filter: &AuditFilter,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, StoreError>;

    /// False when an outcome with this id is already stored (a retry).
    async fn record_outcome(&self, outcome: &CallOutcome) -> Result<bool, StoreError>;

    /// Notes a change in a plan's history, unless it repeats the latest.
    async fn add_plan_change(
        &self,
        reference: &Reference,
        change: &PlanChange,
    ) -> Result<(), StoreError>;
    /// Oldest first, with staff names filled in.
    async fn plan_history(&self, reference: &Reference) -> Result<Vec<PlanChange>, StoreError>;
}

/// Records interactions without making anyone wait: implementations queue
/// them and write in the background, logging and counting failures.
pub trait Recorder: Send + Sync + 'static {
    fn record(&self, interaction: Interaction);
    /// What has happened to recorded interactions since start-up.
    fn counts(&self) -> RecorderCounts;
}

/// Interactions written, failed (the database refused) and dropped (the
/// queue was full) since this server started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecorderCounts {
    pub written: u64,
    pub failed: u64,
    pub dropped: u64,
}

/// The capabilities pages and server functions use.
#[derive(Clone)]
pub struct Backend {
    pub store: Arc<dyn Store>,
    pub catalogue: Arc<Catalogue>,
    pub search: Arc<SearchIndex>,
    pub engine: Arc<std::sync::RwLock<Engine>>,
    pub recorder: Arc<dyn Recorder>,
    pub staff: Arc<dyn StaffStore>,
}

impl Backend {
    /// Suggestions for `ctx`; a poisoned lock still answers.
    pub fn suggest(&self, ctx: &Context, limit: usize) -> Vec<Suggestion> {
        let engine = self.engine.read().unwrap_or_else(|p| p.into_inner());
        engine.suggest(&self.catalogue, ctx, limit, Mode::Blended)
    }
}

/// The cookie that says whether analytics cookies were accepted.
pub const CONSENT_COOKIE: &str = "doorstep_consent";
/// The short-lived browsing journey set only after consent.
pub const JOURNEY_COOKIE: &str = "doorstep_journey";

/// A cookie's value from request headers.
pub fn cookie<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The journey that links this request's interactions: the plan (as a
/// one-way hash, so interaction data never holds a usable reference), or,
/// with consent, the browsing journey cookie. `None` without either.
pub fn journey_of(headers: &http::HeaderMap) -> Option<String> {
    if let Some(r) = plan_reference(headers) {
        return Some(plan_journey(&r));
    }
    if cookie(headers, CONSENT_COOKIE) == Some("yes") {
        return cookie(headers, JOURNEY_COOKIE)
            .filter(|j| j.len() == 32 && j.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(|j| format!("b-{j}"));
    }
    None
}

/// `bytes` random bytes as lower-case hex: tokens, keys and form ids.
pub fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A new random UUID (version 4), as interaction ids are.
pub fn new_uuid() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// An interaction by a citizen on the web, happening now.
pub fn citizen_interaction(
    kind: crate::domain::interaction::Kind,
    journey: Option<String>,
    life_event: Option<&str>,
    service: Option<&str>,
    query: Option<&str>,
    result_count: Option<u32>,
) -> Interaction {
    use crate::domain::interaction::{Actor, Via};
    interaction_now(
        kind,
        Via::Web,
        Actor::Citizen,
        journey,
        life_event,
        service,
        query,
        result_count,
    )
}

/// An interaction by a member of staff, on the channel their session
/// works on, happening now.
pub fn staff_interaction(
    session: &StaffSession,
    kind: crate::domain::interaction::Kind,
    reference: Option<&Reference>,
    life_event: Option<&str>,
    service: Option<&str>,
) -> Interaction {
    interaction_now(
        kind,
        session.channel,
        crate::domain::interaction::Actor::Staff(session.member.id.clone()),
        reference.map(plan_journey),
        life_event,
        service,
        None,
        None,
    )
}

/// An interaction happening now, with a fresh id and a scrubbed query.
#[allow(clippy::too_many_arguments)]
pub fn interaction_now(
    kind: crate::domain::interaction::Kind,
    via: crate::domain::interaction::Via,
    actor: crate::domain::interaction::Actor,
    journey: Option<String>,
    life_event: Option<&str>,
    service: Option<&str>,
    query: Option<&str>,
    result_count: Option<u32>,
) -> Interaction {
    use crate::domain::interaction::{scrub_query, to_micros};
    let now = to_micros(OffsetDateTime::now_utc());
    Interaction {
        id: new_uuid(),
        occurred_at: now,
        received_at: now,
        kind,
        via,
        actor,
        life_event: life_event.map(str::to_owned),
        service: service.map(str::to_owned),
        area: None,
        journey,
        query: query
            .map(|q| scrub_query(&q.chars().take(200).collect::<String>()))
            .filter(|q| !q.is_empty()),
        result_count,
    }
}

/// The journey id for a plan: `p-` and 24 hex digits of SHA-256.
pub fn plan_journey(reference: &Reference) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("doorstep-plan:{}", reference.as_str()).as_bytes());
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("p-{hex}")
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
    cookie(headers, PLAN_COOKIE).and_then(|v| Reference::parse(v).ok())
}
