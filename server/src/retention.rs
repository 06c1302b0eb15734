//! Deletes interactions past the retention period, at start-up and hourly,
//! and then rebuilds what the suggestion engine knows from what is left, so
//! nothing learned outlives the data it came from. The same hourly sweep
//! deletes staff sessions that have expired but were never used again.

use app::backend::{StaffStore, Store};
use app::domain::catalogue::Catalogue;
use app::domain::suggest::Engine;
use std::sync::RwLock;
use std::time::Duration;
use time::OffsetDateTime;

pub fn start(live: crate::LiveBackend, months: u32) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            // The catalogue as it is now: an admin may have reloaded it.
            let b = live.now();
            purge(b.store.as_ref(), &b.catalogue, &b.engine, months).await;
            sweep_sessions(b.staff.as_ref()).await;
        }
    });
}

/// Deletes staff sessions past their idle or absolute limit.
pub async fn sweep_sessions(staff: &dyn StaffStore) {
    let now = OffsetDateTime::now_utc();
    match staff
        .end_expired_sessions(now - crate::staff::IDLE, now - crate::staff::ABSOLUTE)
        .await
    {
        Ok(0) => {}
        Ok(n) => tracing::info!(ended = n, "expired staff sessions deleted"),
        Err(e) => tracing::error!(error = %e, "deleting expired staff sessions failed"),
    }
}

/// One clean-up: deletes what is past retention and, if anything went,
/// swaps in an engine rebuilt from the rest. Interactions recorded while
/// the rebuild reads are in the database but may be missing from the new
/// engine until the next rebuild or restart; suggestions tolerate that.
pub async fn purge(store: &dyn Store, catalogue: &Catalogue, engine: &RwLock<Engine>, months: u32) {
    // A month is taken as 30.44 days: close enough for a retention rule.
    let cutoff =
        OffsetDateTime::now_utc() - time::Duration::days((f64::from(months) * 30.44) as i64);
    match store.delete_interactions_before(cutoff).await {
        Ok(0) => {}
        Ok(n) => {
            tracing::info!(deleted = n, "interactions past retention deleted");
            match crate::learned_engine(catalogue, store).await {
                Ok(fresh) => *engine.write().unwrap_or_else(|p| p.into_inner()) = fresh,
                Err(e) => {
                    tracing::error!(error = %e, "rebuilding suggestions after retention failed")
                }
            }
        }
        Err(e) => tracing::error!(error = %e, "retention clean-up failed"),
    }
}
