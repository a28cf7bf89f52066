//! Orders and refunds (spec/refunds.md): a return re-prices what the customer keeps under the
//! ruleset that priced the order, applies each gift's policy, and refunds cumulatively, so any
//! sequence of partial returns refunds what one return of the same units would.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use smol_str::SmolStr;

use crate::bind::InputError;
use crate::input::{Cart, Customer, State};
use crate::ir::{CompiledRuleset, RefundPolicy};
use crate::price::{Outcome, price};

/// An order: how it was priced, and what has been returned since.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// The ruleset that priced it: refunds use it, whatever the store runs now.
    pub ruleset: CompiledRuleset,
    /// When it was priced (Unix seconds).
    pub at: i64,
    /// The cart as bought.
    pub cart: Cart,
    /// The customer.
    pub customer: Customer,
    /// The state it was priced with.
    pub state: State,
    /// What it cost.
    pub outcome: Outcome,
    /// Returns made so far.
    #[serde(default)]
    pub returns: Vec<Return>,
    /// Refunded so far.
    #[serde(default)]
    pub refunded: Decimal,
    /// Refunded so far, by line.
    #[serde(default)]
    pub refunded_lines: BTreeMap<String, Decimal>,
}

/// One return.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Return {
    /// Units returned, by line.
    #[serde(default)]
    pub lines: Vec<ReturnLine>,
    /// Gift units returned, by the promotion that gave them.
    #[serde(default)]
    pub gifts: Vec<ReturnGift>,
}

/// Units of a line returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnLine {
    /// The line's id.
    pub id: SmolStr,
    /// Units.
    pub quantity: u32,
}

/// Gift units returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnGift {
    /// The promotion that gave the gift.
    pub promotion: SmolStr,
    /// Units.
    pub quantity: i64,
}

/// What a return refunds, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundOutcome {
    /// Refunded by this return.
    pub refund: Decimal,
    /// Refunded by earlier returns.
    pub refunded_before: Decimal,
    /// Refunded by all returns so far, this one included.
    pub cumulative: Decimal,
    /// What earlier refunds exceeded what is due now (a later return broke a threshold that an
    /// earlier refund counted on): the store may collect it. Refunds are never negative.
    pub owed: Decimal,
    /// This return's refund by line (a line returned earlier may appear: a gift returned now gives
    /// back what was withheld from it).
    pub lines: Vec<LineRefund>,
    /// Amounts withheld, each with its reason.
    pub deductions: Vec<Deduction>,
    /// Per-customer limit and stock units given back.
    pub restored: Vec<Restored>,
    /// The computation in words.
    pub explanation: Vec<String>,
}

/// A line's part of a refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRefund {
    /// The line's id.
    pub line: SmolStr,
    /// Units returned now.
    pub quantity: u32,
    /// Refunded for them.
    pub amount: Decimal,
}

/// An amount withheld from a refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deduction {
    /// The promotion it comes from.
    pub promotion: SmolStr,
    /// The amount.
    pub amount: Decimal,
    /// Why, in words.
    pub reason: String,
}

/// Units given back to a promotion's limit or stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restored {
    /// The promotion.
    pub promotion: SmolStr,
    /// Units.
    pub units: u64,
}

/// Why a return cannot be refunded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    /// A policy refuses it (`require gift`).
    #[error("return refused: {reason}")]
    Refused {
        /// Why, and what would make it acceptable.
        reason: String,
    },
    /// More units than were bought.
    #[error("line `{line}`: {returned} units returned in all, but {bought} were bought")]
    TooMany {
        /// The line.
        line: SmolStr,
        /// Returned in all.
        returned: u64,
        /// Bought.
        bought: u32,
    },
    /// A line or gift the order does not have.
    #[error("{0}")]
    Unknown(String),
    /// The kept items could not be priced again.
    #[error(transparent)]
    Input(#[from] InputError),
}

fn round2(d: Decimal, minor_units: u32) -> Decimal {
    d.round_dp_with_strategy(minor_units, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

impl Order {
    /// Prices `cart` and records the order.
    pub fn new(
        ruleset: CompiledRuleset,
        cart: Cart,
        customer: Customer,
        state: State,
        at: i64,
    ) -> Result<Order, InputError> {
        let outcome = price(&ruleset, &cart, &customer, &state, at)?;
        Ok(Order {
            ruleset,
            at,
            cart,
            customer,
            state,
            outcome,
            returns: Vec::new(),
            refunded: Decimal::ZERO,
            refunded_lines: BTreeMap::new(),
        })
    }

    /// What `ret` refunds, given the returns already made. Changes nothing; see [`Order::record`].
    pub fn refund(&self, ret: &Return) -> Result<RefundOutcome, RefundError> {
        let minor = self.ruleset.settings.minor_units;
        let all: Vec<&Return> = self.returns.iter().chain(std::iter::once(ret)).collect();
        // Units returned so far, by line; gift units returned so far, by promotion.
        let mut returned: BTreeMap<&str, u64> = BTreeMap::new();
        let mut gifts_back: BTreeMap<&str, i64> = BTreeMap::new();
        for r in &all {
            for l in &r.lines {
                if !self.cart.lines.iter().any(|c| c.id == l.id) {
                    return Err(RefundError::Unknown(format!("the order has no line `{}`", l.id)));
                }
                *returned.entry(l.id.as_str()).or_default() += u64::from(l.quantity);
            }
            for g in &r.gifts {
                if !self.outcome.gifts.iter().any(|x| x.promotion == g.promotion) {
                    return Err(RefundError::Unknown(format!("the order has no gift from `{}`", g.promotion)));
                }
                *gifts_back.entry(g.promotion.as_str()).or_default() += g.quantity.max(0);
            }
        }
        let mut kept = self.cart.clone();
        kept.lines.clear();
        let mut paid_returned = Decimal::ZERO;
        let mut returned_share: BTreeMap<&str, (u64, Decimal)> = BTreeMap::new();
        for line in &self.cart.lines {
            let back = returned.get(line.id.as_str()).copied().unwrap_or(0);
            if back > u64::from(line.quantity) {
                return Err(RefundError::TooMany { line: line.id.clone(), returned: back, bought: line.quantity });
            }
            let paid =
                self.outcome.lines.iter().find(|l| l.id == line.id).map_or(Decimal::ZERO, |l| l.final_line_price);
            let share = if back == u64::from(line.quantity) {
                paid
            } else {
                round2(paid * Decimal::from(back) / Decimal::from(line.quantity.max(1)), minor)
            };
            paid_returned += share;
            returned_share.insert(line.id.as_str(), (back, share));
            let keep = u64::from(line.quantity) - back;
            if keep > 0 {
                let mut l = line.clone();
                l.quantity = u32::try_from(keep).unwrap_or(u32::MAX);
                kept.lines.push(l);
            }
        }
        let mut explanation = Vec::new();
        let kept_outcome = if kept.lines.is_empty() {
            None
        } else {
            Some(price(&self.ruleset, &kept, &self.customer, &self.state, self.at)?)
        };
        let kept_now = kept_outcome.as_ref().map_or(Decimal::ZERO, |o| o.total);
        let paid = self.outcome.total;
        let base = paid - kept_now;
        explanation.push(format!("paid {paid}; the kept items cost {kept_now} when priced again; difference {base}"));
        let mut deductions = Vec::new();
        for gift in &self.outcome.gifts {
            let back = gifts_back.get(gift.promotion.as_str()).copied().unwrap_or(0).min(gift.quantity);
            let kept_units = gift.quantity - back;
            if kept_units <= 0 {
                continue;
            }
            let earned_now: i64 = kept_outcome
                .as_ref()
                .map_or(0, |o| o.gifts.iter().filter(|g| g.promotion == gift.promotion).map(|g| g.quantity).sum());
            let lost = kept_units - kept_units.min(earned_now);
            let policy = self
                .ruleset
                .promotions
                .iter()
                .find(|p| p.name == gift.promotion)
                .and_then(|p| p.refund)
                .unwrap_or(RefundPolicy::DeductGift);
            match policy {
                RefundPolicy::RequireGift if lost > 0 => {
                    return Err(RefundError::Refused {
                        reason: format!(
                            "the kept items no longer earn the gift {} of `{}`: return the gift too",
                            gift.sku, gift.promotion
                        ),
                    });
                }
                RefundPolicy::DeductGift if lost > 0 => {
                    let amount = round2(gift.worth * Decimal::from(lost), minor);
                    deductions.push(Deduction {
                        promotion: gift.promotion.clone(),
                        amount,
                        reason: format!(
                            "the gift {} is kept but the kept items no longer earn it: its value is deducted",
                            gift.sku
                        ),
                    });
                }
                RefundPolicy::Allocated => {
                    let mut amount = Decimal::ZERO;
                    for share in &gift.allocations {
                        let bought =
                            self.cart.lines.iter().find(|l| l.id == share.line).map_or(1, |l| l.quantity.max(1));
                        let back = returned_share.get(share.line.as_str()).map_or(0, |(b, _)| *b);
                        amount += share.amount * Decimal::from(back) / Decimal::from(bought);
                    }
                    let amount =
                        round2(amount * Decimal::from(kept_units) / Decimal::from(gift.quantity.max(1)), minor);
                    if !amount.is_zero() {
                        deductions.push(Deduction {
                            promotion: gift.promotion.clone(),
                            amount,
                            reason: format!("the gift {} is kept: the part of its value allocated to the returned items is deducted", gift.sku),
                        });
                    }
                }
                _ => {}
            }
        }
        let withheld: Decimal = deductions.iter().map(|d| d.amount).sum();
        let cumulative = (base - withheld).max(Decimal::ZERO).min(paid_returned);
        if cumulative < base - withheld {
            explanation.push(format!("capped at {paid_returned}, what the returned items were paid"));
        }
        let refund = (cumulative - self.refunded).max(Decimal::ZERO);
        let owed = (self.refunded - cumulative).max(Decimal::ZERO);
        explanation.push(format!("refund in all {cumulative}; refunded before {}; now {refund}", self.refunded));
        if !owed.is_zero() {
            explanation.push(format!(
                "earlier refunds counted on a threshold these returns break: {owed} was refunded beyond what is due"
            ));
        }
        // By line: the cumulative refund is allocated over every line returned so far by what its
        // returned units were paid (so no line is ever refunded more than it paid); this return
        // refunds each line what that allocation grew by.
        let returned_lines: Vec<(&str, Decimal)> =
            returned_share.iter().filter(|(_, (back, _))| *back > 0).map(|(id, (_, share))| (*id, *share)).collect();
        let weights: Vec<Decimal> = returned_lines.iter().map(|(_, w)| *w).collect();
        let cumulative_shares =
            crate::allocate::allocate(round2(cumulative, minor), &weights, minor).unwrap_or_default();
        let growth: Vec<(&str, Decimal)> = returned_lines
            .iter()
            .zip(cumulative_shares.iter().copied().chain(std::iter::repeat(Decimal::ZERO)))
            .map(|((id, _), now)| {
                (*id, (now - self.refunded_lines.get(*id).copied().unwrap_or(Decimal::ZERO)).max(Decimal::ZERO))
            })
            .collect();
        let growth_weights: Vec<Decimal> = growth.iter().map(|(_, g)| *g).collect();
        let parts = crate::allocate::allocate(round2(refund, minor), &growth_weights, minor).unwrap_or_default();
        let units_now = |id: &str| ret.lines.iter().filter(|l| l.id == id).map(|l| l.quantity).sum::<u32>();
        let lines: Vec<LineRefund> = growth
            .iter()
            .zip(parts.iter().copied().chain(std::iter::repeat(Decimal::ZERO)))
            .filter(|((id, _), amount)| !amount.is_zero() || units_now(id) > 0)
            .map(|((id, _), amount)| LineRefund { line: SmolStr::new(id), quantity: units_now(id), amount })
            .collect();
        // Units of limited or stocked promotions come back with the returned units.
        let mut restored = Vec::new();
        for d in &self.outcome.discounts {
            let limited = self
                .ruleset
                .promotions
                .iter()
                .any(|p| p.name == d.promotion && (p.limit.is_some() || p.stock.is_some()));
            if !limited || d.units == 0 {
                continue;
            }
            let units: u64 = ret
                .lines
                .iter()
                .filter(|l| {
                    self.outcome
                        .lines
                        .iter()
                        .any(|o| o.id == l.id && o.allocations.iter().any(|a| a.promotion == d.promotion))
                })
                .map(|l| u64::from(l.quantity))
                .sum();
            if units > 0 {
                restored.push(Restored { promotion: d.promotion.clone(), units: units.min(d.units) });
            }
        }
        // Every amount written with the currency's minor unit (0 → 0.00).
        let fix = |d: Decimal| {
            let mut shown = d;
            shown.rescale(minor);
            shown
        };
        let lines = lines.into_iter().map(|l: LineRefund| LineRefund { amount: fix(l.amount), ..l }).collect();
        let deductions = deductions.into_iter().map(|d: Deduction| Deduction { amount: fix(d.amount), ..d }).collect();
        Ok(RefundOutcome {
            refund: fix(refund),
            refunded_before: fix(self.refunded),
            cumulative: fix(cumulative),
            owed: fix(owed),
            lines,
            deductions,
            restored,
            explanation,
        })
    }

    /// Records `ret` with its refund, for the next return.
    pub fn record(&mut self, ret: Return, refund: &RefundOutcome) {
        self.returns.push(ret);
        self.refunded = refund.cumulative.max(self.refunded);
        for l in &refund.lines {
            *self.refunded_lines.entry(l.line.to_string()).or_insert(Decimal::ZERO) += l.amount;
        }
    }
}
