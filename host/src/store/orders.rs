//! Orders and returns. Placing an order is one transaction that checks, row by row, that what the
//! order was priced with still holds — stock not sold out, budget not spent by someone else, the
//! customer's usage unchanged — and records the order with it. If anything moved, nothing is
//! written and the caller prices again: no oversell, whatever the concurrency, on either database.

use rust_decimal::Decimal;
use sqlx::{Any, Row, Transaction};

use super::{Store, StoreError, StoredState};

/// What an order takes from one promotion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consumed {
    /// The promotion.
    pub promotion: String,
    /// Units it applied to (stock and per-customer limits count these).
    pub units: u64,
    /// Its stock, if it has one.
    pub stock: Option<u64>,
    /// Whether it has a per-customer limit.
    pub per_customer: bool,
    /// Its money budget, if it has one.
    pub budget: Option<Decimal>,
    /// The discount it gave (a budget counts this).
    pub amount: Decimal,
}

/// An order ready to be recorded.
#[derive(Debug, Clone)]
pub struct NewOrder {
    /// The customer's id.
    pub customer: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// The entry point the shopper came from, if known.
    pub src: Option<String>,
    /// The hash of the ruleset that priced it (stored once in `rulesets`).
    pub ruleset_hash: String,
    /// What the customer pays.
    pub total: Decimal,
    /// `(line id, sku, quantity, final line price)`.
    pub lines: Vec<(String, String, u32, Decimal)>,
    /// The whole order (cart, customer, state, outcome) as JSON, for refunds and audits.
    pub snapshot: String,
    /// What it takes from each promotion with stock, a budget or a per-customer limit.
    pub consumed: Vec<Consumed>,
}

/// Why an order was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// Stock, budget or the customer's usage changed since the state was read: price again.
    #[error("the promotion state changed while the order was placed")]
    Conflict,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for CommitError {
    fn from(e: sqlx::Error) -> CommitError {
        // Lost races are conflicts, not failures: PostgreSQL's serialization failure and deadlock,
        // SQLite's busy and locked (after the busy timeout).
        if let sqlx::Error::Database(db) = &e
            && matches!(db.code().as_deref(), Some("40001" | "40P01" | "5" | "6" | "517" | "262"))
        {
            return CommitError::Conflict;
        }
        CommitError::Store(StoreError::Sql(e))
    }
}

/// A stored order.
#[derive(Debug, Clone)]
pub struct OrderRow {
    /// Its id.
    pub id: i64,
    /// The customer.
    pub customer: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// The snapshot JSON.
    pub snapshot: String,
    /// The compiled ruleset that priced it, as JSON.
    pub ruleset: String,
}

/// A return to record.
#[derive(Debug, Clone)]
pub struct ReturnRow {
    /// The order.
    pub order_id: i64,
    /// Unix milliseconds.
    pub created_at: i64,
    /// The amount refunded.
    pub refund: Decimal,
    /// The refund outcome as JSON.
    pub outcome: String,
    /// The order's snapshot with this return recorded.
    pub snapshot: String,
    /// What goes back to each promotion.
    pub released: Vec<StockRelease>,
}

/// Units a return gives back to a promotion's stock and the customer's limit.
#[derive(Debug, Clone)]
pub struct StockRelease {
    /// The promotion.
    pub promotion: String,
    /// Units.
    pub units: u64,
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Store {
    /// Stores a compiled ruleset under its hash (once).
    pub async fn save_ruleset(&self, hash: &str, compiled: &str, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO rulesets (hash, compiled, loaded_at) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING",
        )
        .bind(hash)
        .bind(compiled)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records `order` if the counters still read as in `read`; returns its id.
    pub async fn commit_order(&self, order: &NewOrder, read: &StoredState) -> Result<i64, CommitError> {
        let mut tx = self.pool.begin().await?;
        let mut consumed: Vec<&Consumed> =
            order.consumed.iter().filter(|c| c.units > 0 || !c.amount.is_zero()).collect();
        // The same order of row locks in every transaction: no deadlock between two orders.
        consumed.sort_by(|a, b| a.promotion.cmp(&b.promotion));
        for c in consumed {
            take(&mut tx, &order.customer, c, read).await?;
        }
        let id: i64 = sqlx::query(
            "INSERT INTO orders (customer, created_at, total, src, ruleset, snapshot) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&order.customer)
        .bind(order.created_at)
        .bind(order.total.to_string())
        .bind(order.src.clone())
        .bind(&order.ruleset_hash)
        .bind(&order.snapshot)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        for (line, sku, quantity, price) in &order.lines {
            sqlx::query(
                "INSERT INTO order_lines (order_id, line, sku, quantity, final_line_price) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(line)
            .bind(sku)
            .bind(i64::from(*quantity))
            .bind(price.to_string())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The order with `id`.
    pub async fn order(&self, id: i64) -> Result<Option<OrderRow>, StoreError> {
        let row = sqlx::query(
            "SELECT o.id, o.customer, o.created_at, o.snapshot, r.compiled FROM orders o JOIN rulesets r ON r.hash = o.ruleset WHERE o.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(OrderRow {
            id: row.try_get(0)?,
            customer: row.try_get(1)?,
            created_at: row.try_get(2)?,
            snapshot: row.try_get(3)?,
            ruleset: row.try_get(4)?,
        }))
    }

    /// Records a return if the order's snapshot is still `previous` (two returns of one order at
    /// once: one wins, the other is told to retry), and gives units back.
    pub async fn record_return(&self, ret: &ReturnRow, customer: &str, previous: &str) -> Result<i64, CommitError> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query("UPDATE orders SET snapshot = $1 WHERE id = $2 AND snapshot = $3")
            .bind(&ret.snapshot)
            .bind(ret.order_id)
            .bind(previous)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated != 1 {
            return Err(CommitError::Conflict);
        }
        let id: i64 = sqlx::query(
            "INSERT INTO returns (order_id, created_at, refund, outcome) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(ret.order_id)
        .bind(ret.created_at)
        .bind(ret.refund.to_string())
        .bind(&ret.outcome)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        let mut released: Vec<&StockRelease> = ret.released.iter().filter(|r| r.units > 0).collect();
        released.sort_by(|a, b| a.promotion.cmp(&b.promotion));
        for r in released {
            let units = count(r.units);
            sqlx::query(
                "UPDATE promotion_sales SET sold = CASE WHEN sold > $1 THEN sold - $1 ELSE 0 END WHERE promotion = $2",
            )
            .bind(units)
            .bind(&r.promotion)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE customer_usage SET used = CASE WHEN used > $1 THEN used - $1 ELSE 0 END WHERE customer = $2 AND promotion = $3",
            )
            .bind(units)
            .bind(customer)
            .bind(&r.promotion)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }
}

/// Takes what `c` consumes, or fails with a conflict when a counter moved.
async fn take(
    tx: &mut Transaction<'static, Any>,
    customer: &str,
    c: &Consumed,
    read: &StoredState,
) -> Result<(), CommitError> {
    if let Some(stock) = c.stock.filter(|_| c.units > 0) {
        // Any order that still fits the stock may go: others selling meanwhile does not change
        // this order's price while stock is left.
        let done = sqlx::query("UPDATE promotion_sales SET sold = sold + $1 WHERE promotion = $2 AND sold + $1 <= $3")
            .bind(count(c.units))
            .bind(&c.promotion)
            .bind(count(stock))
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if done != 1 {
            return Err(CommitError::Conflict);
        }
    }
    if c.budget.is_some() && !c.amount.is_zero() {
        let before = read.spent.get(&c.promotion).copied().unwrap_or_default();
        let done = sqlx::query("UPDATE promotion_sales SET spent = $1 WHERE promotion = $2 AND spent = $3")
            .bind((before + c.amount).normalize().to_string())
            .bind(&c.promotion)
            .bind(read.spent_text.get(&c.promotion).cloned().unwrap_or_else(|| "0".to_owned()))
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if done != 1 {
            return Err(CommitError::Conflict);
        }
    }
    if c.per_customer && c.units > 0 {
        let done = match read.state.used_by_customer.get(&c.promotion) {
            Some(&used) => sqlx::query(
                "UPDATE customer_usage SET used = $1 WHERE customer = $2 AND promotion = $3 AND used = $4",
            )
            .bind(count(used + c.units))
            .bind(customer)
            .bind(&c.promotion)
            .bind(count(used))
            .execute(&mut **tx)
            .await?
            .rows_affected(),
            None => sqlx::query(
                "INSERT INTO customer_usage (customer, promotion, used) VALUES ($1, $2, $3) ON CONFLICT (customer, promotion) DO NOTHING",
            )
            .bind(customer)
            .bind(&c.promotion)
            .bind(count(c.units))
            .execute(&mut **tx)
            .await?
            .rows_affected(),
        };
        if done != 1 {
            return Err(CommitError::Conflict);
        }
    }
    Ok(())
}
