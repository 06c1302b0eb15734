//! Storage: one implementation of [`app::backend::Store`] per database, each
//! with its own migrations, chosen by the `DATABASE_URL` scheme.

pub mod postgres;
pub mod sqlite;

use app::backend::{Store, StoreError};
use std::sync::Arc;

pub fn db_error(e: sqlx::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

/// Opens the database named by `url` and applies its migrations.
pub async fn open(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PgStore::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::connect(url).await?))
    } else {
        Err(StoreError::Database(
            "DATABASE_URL must start with sqlite:// or postgres://".into(),
        ))
    }
}
