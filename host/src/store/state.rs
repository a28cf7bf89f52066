//! What has been used so far — promotion stock sold, budgets spent, units each customer bought
//! under each promotion — read as the runtime's [`State`] for pricing.

use std::collections::BTreeMap;

use promo_runtime::CompiledRuleset;
use promo_runtime::input::State;
use rust_decimal::Decimal;
use sqlx::Row;

use super::{Store, StoreError, decimal};

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

    /// The state `customer` (or an anonymous visitor, `None`) prices with under `ruleset`.
    pub async fn state(&self, ruleset: &CompiledRuleset, customer: Option<&str>) -> Result<StoredState, StoreError> {
        let mut out = StoredState::default();
        let rows = sqlx::query("SELECT promotion, sold, spent FROM promotion_sales").fetch_all(&self.pool).await?;
        let mut sales: BTreeMap<String, (u64, Decimal)> = BTreeMap::new();
        let mut spent_text: BTreeMap<String, String> = BTreeMap::new();
        for row in rows {
            let name: String = row.try_get(0)?;
            let sold: i64 = row.try_get(1)?;
            let spent: String = row.try_get(2)?;
            sales.insert(name.clone(), (u64::try_from(sold).unwrap_or(0), decimal("promotion_sales.spent", &spent)?));
            spent_text.insert(name, spent);
        }
        for p in &ruleset.promotions {
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
        }
        if let Some(customer) = customer {
            let rows = sqlx::query("SELECT promotion, used FROM customer_usage WHERE customer = $1")
                .bind(customer)
                .fetch_all(&self.pool)
                .await?;
            for row in rows {
                let name: String = row.try_get(0)?;
                let used: i64 = row.try_get(1)?;
                out.state.used_by_customer.insert(name, u64::try_from(used).unwrap_or(0));
            }
        }
        Ok(out)
    }
}
