//! PostgreSQL storage, for places that run several stateless app servers.

use super::db_error;
use app::backend::{Store, StoreError};
use app::domain::interaction::{Actor, Interaction, Kind, Via};
use app::domain::journey::Answers;
use app::domain::plan::{Plan, PlanEvent, TaskKey};
use app::domain::reference::Reference;
use futures_util::TryStreamExt;
use sqlx::postgres::PgPoolOptions;
use sqlx::types::Json;
use sqlx::{PgPool, Row};
use std::time::Duration;
use time::{Date, OffsetDateTime};

fn interaction_from(row: &sqlx::postgres::PgRow) -> Interaction {
    Interaction {
        id: row.get("id"),
        occurred_at: row.get("occurred_at"),
        received_at: row.get("received_at"),
        kind: Kind::parse(&row.get::<String, _>("kind")).unwrap_or(Kind::ServiceViewed),
        via: Via::parse(&row.get::<String, _>("channel")).unwrap_or(Via::Web),
        actor: Actor::from_db(&row.get::<String, _>("actor")),
        life_event: row.get("life_event"),
        service: row.get("service"),
        area: row.get("area"),
        journey: row.get("journey"),
        query: row.get("query"),
        result_count: row.get::<Option<i32>, _>("result_count").map(|n| n as u32),
    }
}

pub struct PgStore {
    pub(super) pool: PgPool,
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await
            .map_err(db_error)?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Database(e.to_string()))?;
        Ok(PgStore { pool })
    }
}

/// Bumps `updated_at`, locking the plan row so concurrent changes to one
/// plan queue up. False when there is no such plan.
async fn touch(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    reference: &Reference,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let r = sqlx::query("UPDATE plans SET updated_at = $2 WHERE reference = $1")
        .bind(reference.as_str())
        .bind(now)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    Ok(r.rows_affected() > 0)
}

async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    reference: &Reference,
    event: &PlanEvent,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO plan_events (reference, life_event, position, answers, event_date)
         VALUES ($1, $2, (SELECT COUNT(*) FROM plan_events WHERE reference = $1), $3, $4)
         ON CONFLICT (reference, life_event) DO UPDATE SET answers = excluded.answers, event_date = excluded.event_date",
    )
    .bind(reference.as_str())
    .bind(&event.life_event)
    .bind(Json(&event.answers))
    .bind(event.event_date)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

#[async_trait::async_trait]
impl Store for PgStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn create_plan(
        &self,
        reference: &Reference,
        request_id: &str,
        first: &PlanEvent,
        now: OffsetDateTime,
    ) -> Result<Reference, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        // ON CONFLICT on either unique column; then find out which.
        let inserted = sqlx::query("INSERT INTO plans (reference, request_id, created_at, updated_at) VALUES ($1, $2, $3, $3) ON CONFLICT DO NOTHING")
            .bind(reference.as_str())
            .bind(request_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if inserted.rows_affected() == 0 {
            let existing = sqlx::query("SELECT reference FROM plans WHERE request_id = $1")
                .bind(request_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
            return match existing {
                Some(row) => Reference::parse(&row.get::<String, _>(0))
                    .map_err(|e| StoreError::Database(e.to_string())),
                None => Err(StoreError::ReferenceTaken),
            };
        }
        insert_event(&mut tx, reference, first).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(reference.clone())
    }

    async fn plan(&self, reference: &Reference) -> Result<Option<Plan>, StoreError> {
        let Some(row) = sqlx::query("SELECT created_at FROM plans WHERE reference = $1")
            .bind(reference.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?
        else {
            return Ok(None);
        };
        let created_at: OffsetDateTime = row.get(0);
        let events = sqlx::query("SELECT life_event, answers, event_date FROM plan_events WHERE reference = $1 ORDER BY position")
            .bind(reference.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|r| PlanEvent {
                life_event: r.get(0),
                answers: r.get::<Json<Answers>, _>(1).0,
                event_date: r.get::<Option<Date>, _>(2),
            })
            .collect();
        let done = sqlx::query("SELECT task FROM plan_done WHERE reference = $1")
            .bind(reference.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?
            .into_iter()
            .filter_map(|r| TaskKey::parse(&r.get::<String, _>(0)))
            .collect();
        Ok(Some(Plan {
            reference: reference.clone(),
            created_at,
            events,
            done,
        }))
    }

    async fn put_event(
        &self,
        reference: &Reference,
        event: &PlanEvent,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        if !touch(&mut tx, reference, now).await? {
            return Ok(false);
        }
        insert_event(&mut tx, reference, event).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(true)
    }

    async fn set_done(
        &self,
        reference: &Reference,
        task: &TaskKey,
        done: bool,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        if !touch(&mut tx, reference, now).await? {
            return Ok(false);
        }
        if done {
            sqlx::query("INSERT INTO plan_done (reference, task, done_at) VALUES ($1, $2, $3) ON CONFLICT (reference, task) DO NOTHING")
                .bind(reference.as_str())
                .bind(task.to_string())
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        } else {
            sqlx::query("DELETE FROM plan_done WHERE reference = $1 AND task = $2")
                .bind(reference.as_str())
                .bind(task.to_string())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(true)
    }

    async fn delete_plan(&self, reference: &Reference) -> Result<bool, StoreError> {
        // Events and ticks go with the plan (ON DELETE CASCADE).
        let r = sqlx::query("DELETE FROM plans WHERE reference = $1")
            .bind(reference.as_str())
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(r.rows_affected() > 0)
    }

    async fn record(&self, batch: &[Interaction]) -> Result<Vec<bool>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let mut new = Vec::with_capacity(batch.len());
        let mut seen = std::collections::HashSet::new();
        for (chunk_no, chunk) in batch.chunks(super::INSERT_CHUNK).enumerate() {
            let sql = super::insert_interactions_sql(chunk.len(), "::uuid");
            let mut q = sqlx::query(&sql);
            for i in chunk {
                q = q
                    .bind(&i.id)
                    .bind(i.occurred_at)
                    .bind(i.received_at)
                    .bind(i.kind.as_str())
                    .bind(i.via.as_str())
                    .bind(i.actor.to_db())
                    .bind(&i.life_event)
                    .bind(&i.service)
                    .bind(&i.area)
                    .bind(&i.journey)
                    .bind(&i.query)
                    .bind(i.result_count.map(|n| n as i32));
            }
            let inserted: std::collections::HashSet<String> = q
                .fetch_all(&mut *tx)
                .await
                .map_err(db_error)?
                .into_iter()
                .filter_map(|r| r.try_get::<String, _>(0).ok())
                .collect();
            for (offset, i) in chunk.iter().enumerate() {
                // An id repeated within one batch is new only the first time.
                let first_here = seen.insert(i.id.as_str());
                if inserted.contains(&i.id) && first_here {
                    new.push(true);
                    continue;
                }
                let row = sqlx::query(
                    "SELECT id::text AS id, occurred_at, received_at, kind, channel, actor, life_event, service, area, journey, query, result_count
                     FROM interactions WHERE id = $1::uuid",
                )
                .bind(&i.id)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_error)?;
                if !interaction_from(&row).same_as(i) {
                    return Err(StoreError::Conflict {
                        index: chunk_no * super::INSERT_CHUNK + offset,
                        id: i.id.clone(),
                    });
                }
                new.push(false);
            }
        }
        tx.commit().await.map_err(db_error)?;
        Ok(new)
    }

    async fn each_need(
        &self,
        each: &mut (dyn for<'a> FnMut(&'a str, Option<&'a str>, &'a str) + Send),
    ) -> Result<(), StoreError> {
        let mut rows = sqlx::query(
            "SELECT journey, area, service FROM interactions
             WHERE journey IS NOT NULL AND service IS NOT NULL
               AND kind IN ('service_viewed', 'service_started', 'task_ticked', 'suggestion_taken')
             ORDER BY occurred_at",
        )
        .fetch(&self.pool);
        while let Some(row) = rows.try_next().await.map_err(db_error)? {
            let journey: String = row.get(0);
            let area: Option<String> = row.get(1);
            let service: String = row.get(2);
            each(&journey, area.as_deref(), &service);
        }
        Ok(())
    }

    async fn unlink_journey(&self, journey: &str) -> Result<u64, StoreError> {
        let r = sqlx::query("UPDATE interactions SET journey = NULL WHERE journey = $1")
            .bind(journey)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(r.rows_affected())
    }

    async fn delete_interactions_before(&self, cutoff: OffsetDateTime) -> Result<u64, StoreError> {
        let r = sqlx::query("DELETE FROM interactions WHERE occurred_at < $1")
            .bind(cutoff)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(r.rows_affected())
    }

    async fn create_api_key(
        &self,
        name: &str,
        key_hash: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query("INSERT INTO api_keys (name, key_hash, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(name)
            .bind(key_hash)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(r.rows_affected() == 1)
    }

    async fn revoke_api_key(&self, name: &str, now: OffsetDateTime) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE api_keys SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
        )
        .bind(name)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(r.rows_affected() == 1)
    }

    async fn api_key_name(&self, key_hash: &str) -> Result<Option<String>, StoreError> {
        let row =
            sqlx::query("SELECT name FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
                .bind(key_hash)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn list_api_keys(&self) -> Result<Vec<app::backend::ApiKeyRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT name, created_at, revoked_at FROM api_keys ORDER BY created_at DESC",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(rows
            .iter()
            .map(|r| (r.get("name"), r.get("created_at"), r.get("revoked_at")))
            .collect())
    }
}
