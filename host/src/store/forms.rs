//! Newsletter sign-ups and shoppers' feedback.

use sqlx::Row;

use super::{Store, StoreError};

/// One piece of feedback.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Feedback {
    /// Its id.
    pub id: i64,
    /// Who wrote it.
    pub name: String,
    /// Their email.
    pub email: String,
    /// What they wrote.
    pub message: String,
    /// Unix milliseconds.
    pub at: i64,
}

impl Store {
    /// Adds `email` to the newsletter (once: signing up again changes nothing). Returns whether it
    /// is new.
    pub async fn subscribe(&self, email: &str, sku: &str, src: &str, at_ms: i64) -> Result<bool, StoreError> {
        let added = sqlx::query(
            "INSERT INTO newsletter (email, sku, src, at) VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO NOTHING",
        )
        .bind(email)
        .bind(sku)
        .bind(src)
        .bind(at_ms)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(added == 1)
    }

    /// Sign-ups, by the sale page they came from.
    pub async fn subscribers_by_sale(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let rows =
            sqlx::query("SELECT sku, COUNT(*) FROM newsletter GROUP BY sku ORDER BY sku").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, u64::try_from(r.try_get::<i64, _>(1)?).unwrap_or(0)))).collect()
    }

    /// Records feedback; returns its id.
    pub async fn add_feedback(&self, name: &str, email: &str, message: &str, at_ms: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query("INSERT INTO feedback (name, email, message, at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(name)
            .bind(email)
            .bind(message)
            .bind(at_ms)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?)
    }

    /// All feedback, newest first.
    pub async fn feedback(&self) -> Result<Vec<Feedback>, StoreError> {
        let rows = sqlx::query("SELECT id, name, email, message, at FROM feedback ORDER BY id DESC")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Feedback {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    email: r.try_get(2)?,
                    message: r.try_get(3)?,
                    at: r.try_get(4)?,
                })
            })
            .collect()
    }
}
