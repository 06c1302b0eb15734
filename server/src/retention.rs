//! Deletes interactions past the retention period, at start-up and hourly.
//! What the suggestion engine learned from them goes at the next restart.

use app::backend::Store;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

pub fn start(store: Arc<dyn Store>, months: u32) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            // A month is taken as 30.44 days: close enough for a retention rule.
            let cutoff = OffsetDateTime::now_utc()
                - time::Duration::days((f64::from(months) * 30.44) as i64);
            match store.delete_interactions_before(cutoff).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "interactions past retention deleted"),
                Err(e) => tracing::error!(error = %e, "retention clean-up failed"),
            }
        }
    });
}
