//! The host's database: SQLite embedded by default (a file, nothing to install), PostgreSQL for more
//! than one machine. One schema, kept in two dialects under `host/migrations/`, applied at start-up
//! by sqlx's migrator; every query is written once in the SQL both understand.
//!
//! Money is stored as decimal text (never a float), times as Unix milliseconds.

mod forms;
mod migrations;
mod orders;
mod providers;
mod state;
mod stats;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

pub use forms::Feedback;
pub use orders::{CommitError, Consumed, NewOrder, OrderRow, ReturnRow, StockRelease};
pub use providers::{Asset, NewAsset, Provider};
pub use state::{Entries, StoredState};
pub use stats::{EVENT_KINDS, EntryStats, SaleStats};

/// Which database the store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A file on this machine.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Why the database could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL is neither `sqlite:` nor `postgres:`.
    #[error("unsupported database URL `{0}`: expected `sqlite://PATH` or `postgres://USER@HOST/DB`")]
    UnsupportedUrl(String),
    /// The data directory could not be created.
    #[error("cannot create the data directory `{path}`: {source}")]
    DataDir {
        /// The directory.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The migrations failed.
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    /// A stored value could not be read back.
    #[error("corrupt stored value in {what}: {detail}")]
    Corrupt {
        /// The table and column.
        what: &'static str,
        /// What was wrong.
        detail: String,
    },
}

/// The database behind a host.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Opens (creating if needed) the database at `url` and applies the migrations.
    ///
    /// `sqlite://PATH` opens or creates the file (its folder too); `postgres://…` connects.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        let url = match backend {
            Backend::Sqlite => sqlite_url(url)?,
            Backend::Postgres => url.to_owned(),
        };
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        let pool = match backend {
            Backend::Sqlite => {
                // Writers take turns on SQLite: a few connections are plenty, and each waits for the
                // write lock instead of failing. WAL lets pages be read while an order is written;
                // `synchronous = FULL` makes an acknowledged commit survive a crash.
                options
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute("PRAGMA busy_timeout = 30000").await?;
                            conn.execute("PRAGMA synchronous = FULL").await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?
            }
            Backend::Postgres => options.max_connections(32).connect(&url).await?,
        };
        if backend == Backend::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        migrations::run(&pool, backend).await?;
        Ok(Store { pool, backend })
    }

    /// The database this store runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool (for tests and tools).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// `sqlite://PATH` with the folder created and `mode=rwc` (create the file when missing).
fn sqlite_url(url: &str) -> Result<String, StoreError> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        return Err(StoreError::UnsupportedUrl(format!(
            "{url} (an in-memory database would lose every order at exit; give a file)"
        )));
    }
    if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|source| StoreError::DataDir { path: parent.display().to_string(), source })?;
    }
    let mut query = query.to_owned();
    if !query.split('&').any(|kv| kv.starts_with("mode=")) {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str("mode=rwc");
    }
    Ok(format!("sqlite://{path}?{query}"))
}

/// Parses stored decimal text.
fn decimal(what: &'static str, text: &str) -> Result<rust_decimal::Decimal, StoreError> {
    rust_decimal::Decimal::from_str(text).map_err(|e| StoreError::Corrupt { what, detail: format!("`{text}`: {e}") })
}

#[cfg(test)]
mod tests {
    use super::sqlite_url;

    #[test]
    fn sqlite_urls_create_the_file() {
        assert_eq!(sqlite_url("sqlite://data/promo.db").ok().as_deref(), Some("sqlite://data/promo.db?mode=rwc"));
        assert_eq!(sqlite_url("sqlite:///tmp/x.db?mode=ro").ok().as_deref(), Some("sqlite:///tmp/x.db?mode=ro"));
        assert!(sqlite_url("sqlite::memory:").is_err());
    }
}
