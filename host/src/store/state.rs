//! What has been used so far — promotion stock sold, budgets spent, units each customer bought
//! under each promotion — read as the runtime's [`State`] for pricing.
//!
//! A request reads the entries of the promotions it concerns ([`Entries::Of`], what
//! `Prepared::state_needed` names for its cart or product), not every counter the store keeps: a
//! store of a thousand flash sales keeps a thousand, and a cart or a product page concerns a few.

use std::collections::BTreeMap;

use promo_runtime::input::State;
use promo_runtime::ir::Promotion;
use promo_runtime::{CompiledRuleset, Prepared, SmolStr};
use rust_decimal::Decimal;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError, decimal};

/// Which promotions' entries a read of the state takes.
#[derive(Debug, Clone, Copy)]
pub enum Entries<'a> {
    /// Every promotion's: the list of sales shows them all.
    All,
    /// Only these promotions' (`Prepared::state_needed` of the cart or product priced): a
    /// promotion left out reads as nothing used, so they must be every one the pricing reads.
    Of(&'a [SmolStr]),
}

/// The most promotions named in one query (each a bound parameter; SQLite and PostgreSQL both
/// take far more).
const NAMES_PER_QUERY: usize = 500;

/// `$from, $from+1, …`: `n` numbered parameters, for a list `IN (…)`.
// Written out, not pushed through `sqlx::QueryBuilder`: under the `Any` driver it writes `?`
// placeholders, which PostgreSQL refuses (sqlx issue #3000); `$N` is what both databases take,
// as every other query of the store is written.
fn parameters(from: usize, n: usize) -> String {
    (from..from + n).map(|k| format!("${k}")).collect::<Vec<_>>().join(", ")
}

/// The state as read, with the raw counters an order's commit compares against.
#[derive(Debug, Clone, Default)]
pub struct StoredState {
    /// The runtime's view: stock and budget left, the customer's usage.
    pub state: State,
    /// Units sold under each promotion with stock, as read.
    pub sold: BTreeMap<String, u64>,
    /// Money spent by each promotion with a budget, as read.
    pub spent: BTreeMap<String, Decimal>,
    /// The same, as the text stored (what an order's commit compares against).
    pub spent_text: BTreeMap<String, String>,
}

impl Store {
    /// Makes sure every promotion with stock or a budget has its counter row (a new promotion
    /// starts at nothing sold). Rows of promotions no longer in the ruleset are kept: their sales
    /// happened.
    pub async fn register_promotions(&self, ruleset: &CompiledRuleset) -> Result<(), StoreError> {
        for p in ruleset.promotions.iter().filter(|p| p.stock.is_some() || p.budget.is_some()) {
            sqlx::query(
                "INSERT INTO promotion_sales (promotion, sold, spent) VALUES ($1, 0, '0') ON CONFLICT (promotion) DO NOTHING",
            )
            .bind(p.name.as_str())
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// The state `customer` (or an anonymous visitor, `None`) prices with under `prepared`: the
    /// entries of the promotions `entries` names.
    pub async fn state(
        &self,
        prepared: &Prepared,
        customer: Option<&str>,
        entries: Entries<'_>,
    ) -> Result<StoredState, StoreError> {
        let mut out = StoredState::default();
        let rows = match entries {
            Entries::All => {
                sqlx::query("SELECT promotion, sold, spent FROM promotion_sales").fetch_all(&self.pool).await?
            }
            Entries::Of(names) => self.sales_of(names).await?,
        };
        let mut sales: BTreeMap<String, (u64, Decimal)> = BTreeMap::new();
        let mut spent_text: BTreeMap<String, String> = BTreeMap::new();
        for row in rows {
            let name: String = row.try_get(0)?;
            let sold: i64 = row.try_get(1)?;
            let spent: String = row.try_get(2)?;
            sales.insert(name.clone(), (u64::try_from(sold).unwrap_or(0), decimal("promotion_sales.spent", &spent)?));
            spent_text.insert(name, spent);
        }
        // Only the promotions asked for, each found by its name: another's row was not read, and
        // an entry made without it would say nothing was used.
        let mut record = |p: &Promotion| {
            let (sold, spent) = sales.get(p.name.as_str()).copied().unwrap_or_default();
            if let Some(stock) = p.stock {
                let stock = u64::try_from(stock).unwrap_or(0);
                out.state.stock_left.insert(p.name.to_string(), stock.saturating_sub(sold));
                out.sold.insert(p.name.to_string(), sold);
            }
            if let Some(budget) = p.budget {
                out.state.budget_left.insert(p.name.to_string(), (budget - spent).max(Decimal::ZERO));
                out.spent.insert(p.name.to_string(), spent);
                if let Some(text) = spent_text.remove(p.name.as_str()) {
                    out.spent_text.insert(p.name.to_string(), text);
                }
            }
        };
        match entries {
            Entries::All => prepared.ruleset.promotions.iter().for_each(&mut record),
            Entries::Of(names) => names.iter().filter_map(|n| prepared.promotion_named(n)).for_each(&mut record),
        }
        if let Some(customer) = customer {
            let rows = match entries {
                Entries::All => {
                    sqlx::query("SELECT promotion, used FROM customer_usage WHERE customer = $1")
                        .bind(customer)
                        .fetch_all(&self.pool)
                        .await?
                }
                Entries::Of(names) => self.usage_of(customer, names).await?,
            };
            for row in rows {
                let name: String = row.try_get(0)?;
                let used: i64 = row.try_get(1)?;
                out.state.used_by_customer.insert(name, u64::try_from(used).unwrap_or(0));
            }
        }
        Ok(out)
    }

    /// The `promotion_sales` rows of the promotions `names`, a query per [`NAMES_PER_QUERY`].
    async fn sales_of(&self, names: &[SmolStr]) -> Result<Vec<AnyRow>, StoreError> {
        let mut rows = Vec::new();
        for chunk in names.chunks(NAMES_PER_QUERY) {
            let sql = format!(
                "SELECT promotion, sold, spent FROM promotion_sales WHERE promotion IN ({})",
                parameters(1, chunk.len())
            );
            let query = chunk.iter().fold(sqlx::query(&sql), |q, name| q.bind(name.as_str()));
            rows.extend(query.fetch_all(&self.pool).await?);
        }
        Ok(rows)
    }

    /// `customer`'s `customer_usage` rows of the promotions `names`, a query per
    /// [`NAMES_PER_QUERY`].
    async fn usage_of(&self, customer: &str, names: &[SmolStr]) -> Result<Vec<AnyRow>, StoreError> {
        let mut rows = Vec::new();
        for chunk in names.chunks(NAMES_PER_QUERY) {
            let sql = format!(
                "SELECT promotion, used FROM customer_usage WHERE customer = $1 AND promotion IN ({})",
                parameters(2, chunk.len())
            );
            let query = chunk.iter().fold(sqlx::query(&sql).bind(customer), |q, name| q.bind(name.as_str()));
            rows.extend(query.fetch_all(&self.pool).await?);
        }
        Ok(rows)
    }
}
