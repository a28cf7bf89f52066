//! The schema's migrations, embedded in the binary: one list per dialect, applied in order by
//! sqlx's migrator (which records what ran and refuses a migration whose text changed).

use std::borrow::Cow;
use std::pin::Pin;

use sqlx::AnyPool;
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

use super::{Backend, StoreError};

/// `(version, description, SQL)` for SQLite.
const SQLITE: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/sqlite/0001_init.sql")),
    (2, "forms", include_str!("../../migrations/sqlite/0002_forms.sql")),
    (3, "providers", include_str!("../../migrations/sqlite/0003_providers.sql")),
];

/// The same migrations for PostgreSQL.
const POSTGRES: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/postgres/0001_init.sql")),
    (2, "forms", include_str!("../../migrations/postgres/0002_forms.sql")),
    (3, "providers", include_str!("../../migrations/postgres/0003_providers.sql")),
];

// INVARIANT: both lists have the same versions and descriptions; only the dialect differs.
const _: () = assert!(SQLITE.len() == POSTGRES.len());

/// The migrations of one dialect, as a source for sqlx's migrator.
#[derive(Debug, Clone, Copy)]
struct Embedded(&'static [(i64, &'static str, &'static str)]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(self) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|(version, description, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(description),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// Applies every migration of `backend` not yet applied.
pub(super) async fn run(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    let source = match backend {
        Backend::Sqlite => Embedded(SQLITE),
        Backend::Postgres => Embedded(POSTGRES),
    };
    Migrator::new(source).await?.run(pool).await?;
    Ok(())
}
