//! Providers (with their approval status) and the assets they submit for review.

use sqlx::Row;

use super::{Store, StoreError};

/// A provider.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Provider {
    /// Its id.
    pub id: i64,
    /// Its name (it signs in with it).
    pub name: String,
    /// Whom to write to.
    pub email: String,
    /// `pending`, `approved` or `suspended`.
    pub status: String,
    /// The SHA-256 of its token, hex.
    #[serde(skip)]
    pub token_hash: String,
}

/// An asset submitted by a provider.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Asset {
    /// Its id.
    pub id: i64,
    /// Who submitted it.
    pub provider: String,
    /// The sale it is for.
    pub sku: String,
    /// `media`, `text` or `url`.
    pub kind: String,
    /// The MIME type of media (empty otherwise).
    pub content_type: String,
    /// The text, or the address.
    pub body: String,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    /// Bytes of media.
    pub size: i64,
}

/// A new asset.
#[derive(Debug, Clone)]
pub struct NewAsset<'a> {
    /// The provider's id.
    pub provider_id: i64,
    /// The sale.
    pub sku: &'a str,
    /// `media`, `text` or `url`.
    pub kind: &'a str,
    /// The MIME type of media.
    pub content_type: &'a str,
    /// The bytes of media.
    pub bytes: &'a [u8],
    /// The text, or the address.
    pub body: &'a str,
    /// Unix milliseconds.
    pub at_ms: i64,
}

const ASSET_COLUMNS: &str =
    "a.id, p.name, a.sku, a.kind, a.content_type, a.body, a.status, CAST(LENGTH(a.bytes) AS BIGINT)";

fn asset(r: &sqlx::any::AnyRow) -> Result<Asset, StoreError> {
    Ok(Asset {
        id: r.try_get(0)?,
        provider: r.try_get(1)?,
        sku: r.try_get(2)?,
        kind: r.try_get(3)?,
        content_type: r.try_get(4)?,
        body: r.try_get(5)?,
        status: r.try_get(6)?,
        size: r.try_get(7)?,
    })
}

impl Store {
    /// Registers a provider, pending approval. `None` when the name is taken.
    pub async fn add_provider(
        &self,
        name: &str,
        email: &str,
        token_hash: &str,
        at_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query(
            "INSERT INTO providers (name, email, token_hash, status, created_at) VALUES ($1, $2, $3, 'pending', $4) ON CONFLICT (name) DO NOTHING RETURNING id",
        )
        .bind(name)
        .bind(email)
        .bind(token_hash)
        .bind(at_ms)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| r.try_get(0)).transpose().map_err(StoreError::from)
    }

    /// The provider called `name`.
    pub async fn provider(&self, name: &str) -> Result<Option<Provider>, StoreError> {
        let row = sqlx::query("SELECT id, name, email, status, token_hash FROM providers WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(Provider {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                email: r.try_get(2)?,
                status: r.try_get(3)?,
                token_hash: r.try_get(4)?,
            })
        })
        .transpose()
    }

    /// Every provider, by name.
    pub async fn providers(&self) -> Result<Vec<Provider>, StoreError> {
        let rows = sqlx::query("SELECT id, name, email, status, token_hash FROM providers ORDER BY name")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Provider {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    email: r.try_get(2)?,
                    status: r.try_get(3)?,
                    token_hash: r.try_get(4)?,
                })
            })
            .collect()
    }

    /// Sets a provider's status; whether it exists.
    pub async fn set_provider_status(&self, id: i64, status: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE providers SET status = $1 WHERE id = $2")
            .bind(status)
            .bind(id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(done == 1)
    }

    /// Stores a submitted asset, pending review; its id.
    pub async fn add_asset(&self, asset: &NewAsset<'_>) -> Result<i64, StoreError> {
        Ok(sqlx::query(
            "INSERT INTO assets (provider_id, sku, kind, content_type, bytes, body, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) RETURNING id",
        )
        .bind(asset.provider_id)
        .bind(asset.sku)
        .bind(asset.kind)
        .bind(asset.content_type)
        .bind(asset.bytes.to_vec())
        .bind(asset.body)
        .bind(asset.at_ms)
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?)
    }

    /// Every asset, newest first.
    pub async fn assets(&self) -> Result<Vec<Asset>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ASSET_COLUMNS} FROM assets a JOIN providers p ON p.id = a.provider_id ORDER BY a.id DESC"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(asset).collect()
    }

    /// The approved assets of a sale, oldest first.
    pub async fn approved_assets(&self, sku: &str) -> Result<Vec<Asset>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ASSET_COLUMNS} FROM assets a JOIN providers p ON p.id = a.provider_id WHERE a.sku = $1 AND a.status = 'approved' AND p.status = 'approved' ORDER BY a.id"
        ))
        .bind(sku)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(asset).collect()
    }

    /// The bytes and type of approved media `id` (of an approved provider).
    pub async fn approved_media(&self, id: i64) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let row = sqlx::query(
            "SELECT a.content_type, a.bytes FROM assets a JOIN providers p ON p.id = a.provider_id WHERE a.id = $1 AND a.kind = 'media' AND a.status = 'approved' AND p.status = 'approved'",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
    }

    /// Approves or rejects an asset; whether it exists.
    pub async fn review_asset(&self, id: i64, status: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE assets SET status = $1 WHERE id = $2")
            .bind(status)
            .bind(id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(done == 1)
    }
}
