//! Storage: one implementation of [`app::backend::Store`] per database, each
//! with its own migrations, chosen by the `DATABASE_URL` scheme.

pub mod postgres;
pub mod sqlite;
pub mod staff;

use app::backend::{StaffStore, Store, StoreError};
use std::sync::Arc;

pub fn db_error(e: sqlx::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

/// Opens the database named by `url` and applies its migrations.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    Ok(open_both(url).await?.0)
}

/// Both faces of the database: plans and interactions, and staff.
pub async fn open_both(url: &str) -> Result<(Arc<dyn Store>, Arc<dyn StaffStore>), StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let s = Arc::new(postgres::PgStore::connect(url).await?);
        Ok((s.clone(), s))
    } else if url.starts_with("sqlite:") {
        let s = Arc::new(sqlite::SqliteStore::connect(url).await?);
        Ok((s.clone(), s))
    } else {
        Err(StoreError::Database(
            "DATABASE_URL must start with sqlite:// or postgres://".into(),
        ))
    }
}

/// Rows per multi-row INSERT of interactions: few round trips, well inside
/// both databases' limits on bound parameters (12 per row).
pub const INSERT_CHUNK: usize = 80;

/// `INSERT INTO interactions ... VALUES (..), (..) ON CONFLICT DO NOTHING
/// RETURNING id` for `rows` rows; `id_cast` is appended to each id
/// placeholder (`::uuid` on PostgreSQL).
pub fn insert_interactions_sql(rows: usize, id_cast: &str) -> String {
    let mut sql = String::from(
        "INSERT INTO interactions (id, occurred_at, received_at, kind, channel, actor, life_event, service, area, journey, query, result_count) VALUES ",
    );
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        let b = r * 12;
        sql.push_str(&format!("(${}{id_cast}", b + 1));
        for i in 2..=12 {
            sql.push_str(&format!(", ${}", b + i));
        }
        sql.push(')');
    }
    // The id comes back as text on both databases.
    sql.push_str(if id_cast.is_empty() {
        " ON CONFLICT (id) DO NOTHING RETURNING id"
    } else {
        " ON CONFLICT (id) DO NOTHING RETURNING id::text"
    });
    sql
}
