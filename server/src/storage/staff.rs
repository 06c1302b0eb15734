//! [`StaffStore`] for both databases. The staff tables use the same column
//! types on SQLite and PostgreSQL (text, and 64-bit integers for times in
//! microseconds and for flags), so one set of queries, written once in the
//! macro below, serves both.

use super::db_error;
use app::backend::{SessionRecord, SessionRow, StaffStore, StoreError};
use app::domain::interaction::Via;
use app::domain::reference::Reference;
use app::domain::staff::{
    AuditEntry, AuditFilter, CallOutcome, PlanChange, Role, StaffAccount, StaffMember,
};
use sqlx::Row;
use time::OffsetDateTime;

pub fn micros(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1000) as i64
}

pub fn from_micros(n: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(n) * 1000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Escapes `%`, `_` and `\` for a LIKE pattern (with `ESCAPE '\'`).
fn like(s: &str) -> String {
    let mut out = String::from("%");
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

macro_rules! staff_store {
    ($store:ty, $row:ty) => {
        fn account_from(r: &$row) -> StaffAccount {
            StaffAccount {
                member: StaffMember {
                    id: r.get("id"),
                    email: r.get("email"),
                    name: r.get("name"),
                    role: Role::parse(&r.get::<String, _>("role")).unwrap_or(Role::Officer),
                    disabled: r.get::<i64, _>("disabled") != 0,
                },
                password_hash: r.get("password_hash"),
                password_changed_at: from_micros(r.get("password_changed_at")),
            }
        }

        const ACCOUNT: &str =
            "s.id, s.email, s.name, s.role, s.disabled, s.password_hash, s.password_changed_at";

        #[async_trait::async_trait]
        impl StaffStore for $store {
            async fn create_staff(
                &self,
                m: &StaffMember,
                password_hash: &str,
                now: OffsetDateTime,
            ) -> Result<bool, StoreError> {
                let r = sqlx::query(
                    "INSERT INTO staff (id, email, name, role, password_hash, disabled, created_at, password_changed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT DO NOTHING",
                )
                .bind(&m.id)
                .bind(&m.email)
                .bind(&m.name)
                .bind(m.role.as_str())
                .bind(password_hash)
                .bind(i64::from(m.disabled))
                .bind(micros(now))
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
                Ok(r.rows_affected() == 1)
            }

            async fn staff_by_email(&self, email: &str) -> Result<Option<StaffAccount>, StoreError> {
                let row = sqlx::query(&format!("SELECT {ACCOUNT} FROM staff s WHERE s.email = $1"))
                    .bind(email)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(row.as_ref().map(account_from))
            }

            async fn staff_by_id(&self, id: &str) -> Result<Option<StaffAccount>, StoreError> {
                let row = sqlx::query(&format!("SELECT {ACCOUNT} FROM staff s WHERE s.id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(row.as_ref().map(account_from))
            }

            async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError> {
                let rows = sqlx::query(&format!("SELECT {ACCOUNT} FROM staff s ORDER BY s.email"))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(rows.iter().map(|r| account_from(r).member).collect())
            }

            async fn set_role(&self, id: &str, role: Role) -> Result<bool, StoreError> {
                let r = sqlx::query("UPDATE staff SET role = $2 WHERE id = $1")
                    .bind(id)
                    .bind(role.as_str())
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(r.rows_affected() == 1)
            }

            async fn set_disabled(&self, id: &str, disabled: bool) -> Result<bool, StoreError> {
                let mut tx = self.pool.begin().await.map_err(db_error)?;
                let r = sqlx::query("UPDATE staff SET disabled = $2 WHERE id = $1")
                    .bind(id)
                    .bind(i64::from(disabled))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                if disabled {
                    sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                }
                tx.commit().await.map_err(db_error)?;
                Ok(r.rows_affected() == 1)
            }

            async fn set_password(
                &self,
                id: &str,
                password_hash: &str,
                now: OffsetDateTime,
            ) -> Result<bool, StoreError> {
                let r = sqlx::query(
                    "UPDATE staff SET password_hash = $2, password_changed_at = $3 WHERE id = $1",
                )
                .bind(id)
                .bind(password_hash)
                .bind(micros(now))
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
                Ok(r.rows_affected() == 1)
            }

            async fn create_session(
                &self,
                token_hash: &str,
                staff_id: &str,
                now: OffsetDateTime,
                address: &str,
                agent: &str,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO staff_sessions (token_hash, staff_id, created_at, last_seen_at, address, agent) \
                     VALUES ($1, $2, $3, $3, $4, $5)",
                )
                .bind(token_hash)
                .bind(staff_id)
                .bind(micros(now))
                .bind(address)
                .bind(agent)
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
                Ok(())
            }

            async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
                let row = sqlx::query(&format!(
                    "SELECT {ACCOUNT}, x.created_at AS session_created, x.last_seen_at AS session_seen, \
                     x.channel AS session_channel \
                     FROM staff_sessions x JOIN staff s ON s.id = x.staff_id WHERE x.token_hash = $1"
                ))
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
                Ok(row.map(|r| SessionRecord {
                    account: account_from(&r),
                    created_at: from_micros(r.get("session_created")),
                    last_seen_at: from_micros(r.get("session_seen")),
                    channel: Via::parse(&r.get::<String, _>("session_channel")).unwrap_or(Via::Phone),
                }))
            }

            async fn set_session_channel(&self, token_hash: &str, channel: Via) -> Result<(), StoreError> {
                sqlx::query("UPDATE staff_sessions SET channel = $2 WHERE token_hash = $1")
                    .bind(token_hash)
                    .bind(channel.as_str())
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(())
            }

            async fn touch_session(
                &self,
                token_hash: &str,
                now: OffsetDateTime,
            ) -> Result<(), StoreError> {
                sqlx::query("UPDATE staff_sessions SET last_seen_at = $2 WHERE token_hash = $1")
                    .bind(token_hash)
                    .bind(micros(now))
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(())
            }

            async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
                sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(())
            }

            async fn end_sessions_of(
                &self,
                staff_id: &str,
                except: Option<&str>,
            ) -> Result<u64, StoreError> {
                let r = sqlx::query(
                    "DELETE FROM staff_sessions WHERE staff_id = $1 AND token_hash <> $2",
                )
                .bind(staff_id)
                .bind(except.unwrap_or(""))
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
                Ok(r.rows_affected())
            }

            async fn sessions_of(&self, staff_id: &str) -> Result<Vec<SessionRow>, StoreError> {
                let rows = sqlx::query(
                    "SELECT token_hash, created_at, last_seen_at, address, agent FROM staff_sessions \
                     WHERE staff_id = $1 ORDER BY last_seen_at DESC",
                )
                .bind(staff_id)
                .fetch_all(&self.pool)
                .await
                .map_err(db_error)?;
                Ok(rows
                    .iter()
                    .map(|r| {
                        (
                            r.get("token_hash"),
                            from_micros(r.get("created_at")),
                            from_micros(r.get("last_seen_at")),
                            r.get("address"),
                            r.get("agent"),
                        )
                    })
                    .collect())
            }

            async fn end_expired_sessions(
                &self,
                idle_before: OffsetDateTime,
                begun_before: OffsetDateTime,
            ) -> Result<u64, StoreError> {
                let r = sqlx::query(
                    "DELETE FROM staff_sessions WHERE last_seen_at < $1 OR created_at < $2",
                )
                .bind(micros(idle_before))
                .bind(micros(begun_before))
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
                Ok(r.rows_affected())
            }

            async fn login_failed(&self, email: &str, now: OffsetDateTime) -> Result<(), StoreError> {
                // Failures older than a day are of no further use.
                sqlx::query("DELETE FROM login_failures WHERE at < $1")
                    .bind(micros(now - time::Duration::days(1)))
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                sqlx::query("INSERT INTO login_failures (email, at) VALUES ($1, $2)")
                    .bind(email)
                    .bind(micros(now))
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(())
            }

            async fn login_failures_since(
                &self,
                email: &str,
                since: OffsetDateTime,
            ) -> Result<u64, StoreError> {
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at >= $2",
                )
                .bind(email)
                .bind(micros(since))
                .fetch_one(&self.pool)
                .await
                .map_err(db_error)?;
                Ok(n as u64)
            }

            async fn audit(&self, e: &AuditEntry) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO audit_log (at, staff_id, staff_email, action, target, detail, address) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(micros(e.at))
                .bind(&e.staff_id)
                .bind(&e.staff_email)
                .bind(&e.action)
                .bind(&e.target)
                .bind(&e.detail)
                .bind(&e.address)
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
                Ok(())
            }

            async fn audit_entries(
                &self,
                f: &AuditFilter,
                limit: usize,
            ) -> Result<Vec<AuditEntry>, StoreError> {
                let rows = sqlx::query(
                    "SELECT at, staff_id, staff_email, action, target, detail, address FROM audit_log \
                     WHERE ($1 = '' OR staff_email LIKE $1 ESCAPE '\\') \
                       AND ($2 = '' OR action LIKE $2 ESCAPE '\\') \
                       AND ($3 = '' OR target LIKE $3 ESCAPE '\\') \
                       AND at >= $4 AND at <= $5 \
                     ORDER BY id DESC LIMIT $6",
                )
                .bind(f.staff.as_deref().map(like).unwrap_or_default())
                .bind(f.action.as_deref().map(|a| like(a)[1..].to_owned()).unwrap_or_default())
                .bind(f.target.as_deref().map(like).unwrap_or_default())
                .bind(f.since.map(micros).unwrap_or(i64::MIN))
                .bind(f.until.map(micros).unwrap_or(i64::MAX))
                .bind(limit as i64)
                .fetch_all(&self.pool)
                .await
                .map_err(db_error)?;
                Ok(rows
                    .iter()
                    .map(|r| AuditEntry {
                        at: from_micros(r.get("at")),
                        staff_id: r.get("staff_id"),
                        staff_email: r.get("staff_email"),
                        action: r.get("action"),
                        target: r.get("target"),
                        detail: r.get("detail"),
                        address: r.get("address"),
                    })
                    .collect())
            }

            async fn record_outcome(&self, o: &CallOutcome) -> Result<bool, StoreError> {
                let r = sqlx::query(
                    "INSERT INTO call_outcomes (id, at, staff_id, channel, life_event, service, action, resolved, plan) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
                )
                .bind(&o.id)
                .bind(micros(o.at))
                .bind(&o.staff_id)
                .bind(&o.channel)
                .bind(&o.life_event)
                .bind(&o.service)
                .bind(o.action.as_str())
                .bind(i64::from(o.resolved))
                .bind(&o.plan)
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
                Ok(r.rows_affected() == 1)
            }

            async fn add_plan_change(
                &self,
                reference: &Reference,
                c: &PlanChange,
            ) -> Result<(), StoreError> {
                // A retried form (ticks set a state, starts carry a request
                // id) repeats the latest change: it is noted once.
                sqlx::query(
                    "INSERT INTO plan_history (reference, at, actor, action, detail) \
                     SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS ( \
                       SELECT 1 FROM (SELECT actor, action, detail FROM plan_history \
                                      WHERE reference = $1 ORDER BY at DESC LIMIT 1) AS latest \
                       WHERE latest.actor = $3 AND latest.action = $4 AND latest.detail = $5)",
                )
                .bind(reference.as_str())
                .bind(micros(c.at))
                .bind(&c.actor)
                .bind(&c.action)
                .bind(&c.detail)
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
                Ok(())
            }

            async fn plan_history(
                &self,
                reference: &Reference,
            ) -> Result<Vec<PlanChange>, StoreError> {
                let rows = sqlx::query(
                    "SELECT h.at, h.actor, h.action, h.detail, s.name FROM plan_history h \
                     LEFT JOIN staff s ON h.actor = 'staff:' || s.id \
                     WHERE h.reference = $1 ORDER BY h.at",
                )
                .bind(reference.as_str())
                .fetch_all(&self.pool)
                .await
                .map_err(db_error)?;
                Ok(rows
                    .iter()
                    .map(|r| PlanChange {
                        at: from_micros(r.get("at")),
                        actor: r.get("actor"),
                        staff_name: r.get("name"),
                        action: r.get("action"),
                        detail: r.get("detail"),
                    })
                    .collect())
            }
        }
    };
}

mod sqlite_impl {
    use super::*;
    staff_store!(super::super::sqlite::SqliteStore, sqlx::sqlite::SqliteRow);
}

mod postgres_impl {
    use super::*;
    staff_store!(super::super::postgres::PgStore, sqlx::postgres::PgRow);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_in_microseconds() {
        let t = time::macros::datetime!(2026-12-03 10:15:30.123456 UTC);
        assert_eq!(from_micros(micros(t)), t);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like("a_b%c"), "%a\\_b\\%c%");
    }
}
