//! What shoppers do on the product pages — views, time on page, favourites, shares, purchase
//! clicks — and the purchases the order API records, summed per sale and entry point.

use std::collections::BTreeMap;

use sqlx::Row;

use super::{Store, StoreError};

/// The kinds of page events a page reports.
pub const EVENT_KINDS: &[&str] = &["view", "time", "favourite", "share", "purchase_click"];

/// One entry point's figures for one sale.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct EntryStats {
    /// Page views.
    pub views: u64,
    /// Favourites.
    pub favourites: u64,
    /// Shares.
    pub shares: u64,
    /// Clicks on the call to purchase.
    pub clicks: u64,
    /// Orders with this product.
    pub purchases: u64,
    /// Seconds on the page, summed over the time reports.
    pub seconds: u64,
    /// Time reports (visits whose time on page is known).
    pub timed_visits: u64,
}

impl EntryStats {
    fn add(&mut self, other: &EntryStats) {
        self.views += other.views;
        self.favourites += other.favourites;
        self.shares += other.shares;
        self.clicks += other.clicks;
        self.purchases += other.purchases;
        self.seconds += other.seconds;
        self.timed_visits += other.timed_visits;
    }

    /// Purchases per view, as a percentage with one decimal (`None` without views).
    pub fn conversion(&self) -> Option<f64> {
        (self.views > 0).then(|| (self.purchases as f64 * 1000.0 / self.views as f64).round() / 10.0)
    }

    /// Average seconds on the page (`None` without time reports).
    pub fn average_seconds(&self) -> Option<u64> {
        (self.timed_visits > 0).then(|| self.seconds / self.timed_visits)
    }
}

/// One sale's figures: in total and by entry point.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SaleStats {
    /// The product's SKU.
    pub sku: String,
    /// Everything.
    pub total: EntryStats,
    /// By entry point (`direct` when none was given).
    pub by_entry: BTreeMap<String, EntryStats>,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store {
    /// Records one page event. Returns when it is committed.
    pub async fn record_event(
        &self,
        sku: &str,
        kind: &str,
        src: &str,
        visitor: &str,
        seconds: Option<i64>,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO events (sku, kind, src, visitor, seconds, at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(sku)
            .bind(kind)
            .bind(src)
            .bind(visitor)
            .bind(seconds)
            .bind(at_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every sale's figures, by SKU.
    pub async fn stats(&self) -> Result<BTreeMap<String, SaleStats>, StoreError> {
        let mut out: BTreeMap<String, SaleStats> = BTreeMap::new();
        let rows = sqlx::query(
            "SELECT sku, src, kind, COUNT(*), CAST(COALESCE(SUM(seconds), 0) AS BIGINT) FROM events GROUP BY sku, src, kind",
        )
        .fetch_all(&self.pool)
        .await?;
        for row in rows {
            let sku: String = row.try_get(0)?;
            let src: String = row.try_get(1)?;
            let kind: String = row.try_get(2)?;
            let n = count(row.try_get(3)?);
            let seconds = count(row.try_get(4)?);
            let sale = out.entry(sku.clone()).or_insert_with(|| SaleStats { sku, ..SaleStats::default() });
            let entry = sale.by_entry.entry(src).or_default();
            match kind.as_str() {
                "view" => entry.views += n,
                "favourite" => entry.favourites += n,
                "share" => entry.shares += n,
                "purchase_click" => entry.clicks += n,
                "time" => {
                    entry.timed_visits += n;
                    entry.seconds += seconds;
                }
                _ => {}
            }
        }
        let rows = sqlx::query(
            "SELECT l.sku, COALESCE(o.src, 'direct'), COUNT(DISTINCT o.id) FROM order_lines l JOIN orders o ON o.id = l.order_id GROUP BY l.sku, COALESCE(o.src, 'direct')",
        )
        .fetch_all(&self.pool)
        .await?;
        for row in rows {
            let sku: String = row.try_get(0)?;
            let src: String = row.try_get(1)?;
            let n = count(row.try_get(2)?);
            let sale = out.entry(sku.clone()).or_insert_with(|| SaleStats { sku, ..SaleStats::default() });
            sale.by_entry.entry(src).or_default().purchases += n;
        }
        for sale in out.values_mut() {
            let mut total = EntryStats::default();
            for e in sale.by_entry.values() {
                total.add(e);
            }
            sale.total = total;
        }
        Ok(out)
    }
}
