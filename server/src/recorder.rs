//! Writes interactions in the background, in batches, and teaches the
//! suggestion engine as they land. Pages and forms hand interactions over
//! and carry on: if recording fails, the person still gets their page, and
//! the failure is logged (without the interaction's content) and counted.

use app::backend::{Recorder, Store};
use app::domain::interaction::Interaction;
use app::domain::suggest::Engine;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use tokio::sync::mpsc;

/// Interactions waiting to be written; beyond this they are dropped (and
/// counted) rather than slowing pages down.
const QUEUE: usize = 10_000;
const BATCH: usize = 500;

#[derive(Default)]
pub struct RecorderStats {
    pub written: AtomicU64,
    pub failed: AtomicU64,
    pub dropped: AtomicU64,
}

pub struct QueueRecorder {
    tx: mpsc::Sender<Interaction>,
    stats: Arc<RecorderStats>,
}

impl Recorder for QueueRecorder {
    fn record(&self, interaction: Interaction) {
        if self.tx.try_send(interaction).is_err() {
            self.stats.dropped.fetch_add(1, Ordering::Relaxed);
            tracing::warn!("interaction queue full: one interaction dropped");
        }
    }

    fn counts(&self) -> app::backend::RecorderCounts {
        app::backend::RecorderCounts {
            written: self.stats.written.load(Ordering::Relaxed),
            failed: self.stats.failed.load(Ordering::Relaxed),
            dropped: self.stats.dropped.load(Ordering::Relaxed),
        }
    }
}

/// Teaches the engine what the newly stored interactions show.
pub fn learn(engine: &RwLock<Engine>, batch: &[Interaction], new: &[bool]) {
    let mut engine = engine.write().unwrap_or_else(|p| p.into_inner());
    for (i, is_new) in batch.iter().zip(new) {
        if !is_new || !i.kind.shows_need() {
            continue;
        }
        if let (Some(journey), Some(service)) = (&i.journey, &i.service) {
            engine.observe(journey, i.area.as_deref(), service);
        }
    }
}

/// Starts the background writer.
pub fn start(store: Arc<dyn Store>, engine: Arc<RwLock<Engine>>) -> QueueRecorder {
    let (tx, mut rx) = mpsc::channel::<Interaction>(QUEUE);
    let stats = Arc::new(RecorderStats::default());
    let counts = stats.clone();
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(BATCH);
        while rx.recv_many(&mut batch, BATCH).await > 0 {
            match store.record(&batch).await {
                Ok(new) => {
                    learn(&engine, &batch, &new);
                    counts
                        .written
                        .fetch_add(batch.len() as u64, Ordering::Relaxed);
                }
                Err(e) => {
                    counts
                        .failed
                        .fetch_add(batch.len() as u64, Ordering::Relaxed);
                    tracing::error!(error = %e, count = batch.len(), "recording interactions failed");
                }
            }
            batch.clear();
        }
    });
    QueueRecorder { tx, stats }
}
