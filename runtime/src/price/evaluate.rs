//! Evaluating one set of promotions on a cart: stage by stage, group by group, with clamping so
//! no line goes below zero and budgets capping what a promotion gives (spec §3–4).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::Pricing;
use super::kinds::{Effect, GroupLine, KindCtx, apply};
use super::stacking::{Stage, stage};
use crate::ir::{Benefit, Calculation, Level};

/// What one promotion gave.
#[derive(Debug, Clone, Default)]
pub(crate) struct PromotionResult {
    /// The promotion's index.
    pub index: usize,
    /// Each group it was evaluated on: its lines and its effect.
    pub groups: Vec<(Vec<usize>, Effect)>,
    /// Its discount per line, after budget and clamping.
    pub lines: Vec<(usize, Decimal)>,
    /// Its discount per line after the budget but before clamping, in the order clamping takes
    /// them: what [`Pricing::compose`] replays.
    pub raw: Vec<(usize, Decimal)>,
    /// Σ `lines`.
    pub discount: Decimal,
    /// Units or uses consumed.
    pub consumed: u64,
}

/// A set of promotions, evaluated.
#[derive(Debug, Clone, Default)]
pub(crate) struct Evaluation {
    pub results: Vec<PromotionResult>,
    /// Σ discounts.
    pub discount: Decimal,
    /// Σ gift values.
    pub gift_value: Decimal,
}

/// What the lines a combination touches cost so far (others cost their original amount).
type Net = BTreeMap<usize, Decimal>;

impl Evaluation {
    /// The customer's gain, for comparing combinations: discount, then gift value.
    pub fn value(&self) -> (Decimal, Decimal) {
        (self.discount, self.gift_value)
    }

    /// What promotion `index` gave, if it was in the set.
    pub fn result(&self, index: usize) -> Option<&PromotionResult> {
        self.results.iter().find(|r| r.index == index)
    }
}

impl Pricing<'_> {
    /// The groups promotion `i` measures on its available lines (spec §2), in cart order.
    pub(crate) fn groups(&self, i: usize) -> Vec<Vec<usize>> {
        let (Some(p), Some(a)) = (self.ruleset.promotions.get(i), self.avail(i)) else { return Vec::new() };
        let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
        // A bundle is one (virtual) product: at item level, all its lines are one group.
        let bundle = p.benefits.iter().any(|b| matches!(b, Benefit::Bundle { .. }));
        for &l in &a.lines {
            let key: &str = match p.level {
                Level::Item if bundle => "",
                Level::Item => self.skus.get(l).copied().unwrap_or(""),
                Level::Store => match p.store {
                    Some(store) => {
                        if self.merchants.get(l).copied().flatten() != Some(self.ruleset.symbol(store)) {
                            continue;
                        }
                        ""
                    }
                    None => self.merchants.get(l).copied().flatten().unwrap_or(""),
                },
                Level::Platform => "",
            };
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, lines)) => lines.push(l),
                None => groups.push((key, vec![l])),
            }
        }
        groups.into_iter().map(|(_, lines)| lines).collect()
    }

    fn original(&self, l: usize) -> Decimal {
        self.original.get(l).copied().unwrap_or(Decimal::ZERO)
    }

    /// Evaluates the promotions `set` together. Only the lines they touch are tracked.
    pub(crate) fn evaluate(&self, set: &[usize]) -> Evaluation {
        let mut net = Net::new();
        let mut eval = Evaluation::default();
        // In stage order, then source order.
        let mut ordered: Vec<(Stage, usize)> =
            set.iter().filter_map(|&i| self.ruleset.promotions.get(i).map(|p| (stage(p), i))).collect();
        ordered.sort_unstable();
        let progressive = self.ruleset.settings.calculation == Calculation::Progressive;
        let mut snapshot = Net::new();
        let mut current = None;
        for (at, i) in ordered {
            if current != Some(at) {
                current = Some(at);
                // Parallel: every stage sees the original amounts; progressive: what earlier
                // stages left.
                if progressive {
                    snapshot.clone_from(&net);
                }
            }
            let result = self.apply_promotion(i, &snapshot, &mut net);
            eval.discount += result.discount;
            for (_, effect) in &result.groups {
                for g in &effect.gifts {
                    eval.gift_value += g.worth * Decimal::from(g.quantity);
                }
            }
            eval.results.push(result);
        }
        eval
    }

    /// The value ([`Evaluation::value`]) of the promotions whose stand-alone evaluations are
    /// `parts`, replayed through the clamps without evaluating any kind again. `parts` must be in
    /// [`evaluate`](Self::evaluate)'s order: by stage, then by index.
    ///
    /// Exact in parallel calculation only: there every promotion measures the original amounts,
    /// so what it gives before clamping does not depend on the others, and replaying the clamps
    /// in the same order gives the same discount. `left` is scratch space for the lines' amounts
    /// left, one slot per cart line, all `None` on entry and on return.
    pub(crate) fn compose<'e>(
        &self,
        parts: impl Iterator<Item = &'e Evaluation>,
        left: &mut [Option<Decimal>],
    ) -> (Decimal, Decimal) {
        let (mut discount, mut gift_value) = (Decimal::ZERO, Decimal::ZERO);
        let mut touched: Vec<usize> = Vec::new();
        for e in parts {
            gift_value += e.gift_value;
            for r in &e.results {
                for &(l, d) in &r.raw {
                    let Some(slot) = left.get_mut(l) else { continue };
                    let amount = slot.get_or_insert_with(|| {
                        touched.push(l);
                        self.original(l)
                    });
                    let d = d.min(*amount).max(Decimal::ZERO);
                    *amount -= d;
                    discount += d;
                }
            }
        }
        for l in touched {
            if let Some(slot) = left.get_mut(l) {
                *slot = None;
            }
        }
        (discount, gift_value)
    }

    fn apply_promotion(&self, i: usize, base: &Net, net: &mut Net) -> PromotionResult {
        let mut result = PromotionResult { index: i, ..PromotionResult::default() };
        let (Some(p), Some(a)) = (self.ruleset.promotions.get(i), self.avail(i)) else { return result };
        let ctx =
            KindCtx { rules: self.rules, ruleset: self.ruleset, skus: &self.skus, group_members: a.group_members };
        let mut raw: Vec<(usize, Decimal)> = Vec::new();
        for benefit in &p.benefits {
            let mut allowance = a.allowance;
            let mut consumed = 0;
            for lines in self.groups(i) {
                let group: Vec<GroupLine> = lines
                    .iter()
                    .map(|&l| GroupLine {
                        line: l,
                        qty: self.quantities.get(l).copied().unwrap_or(0),
                        base: base.get(&l).copied().unwrap_or_else(|| self.original(l)),
                    })
                    .collect();
                let effect = apply(benefit, &group, &mut allowance, &ctx);
                consumed += effect.consumed;
                raw.extend(effect.discounts.iter().copied());
                result.groups.push((lines, effect));
            }
            result.consumed = result.consumed.max(consumed);
        }
        // A budget caps the promotion's whole discount; the cap is allocated like any discount.
        let total: Decimal = raw.iter().map(|(_, d)| *d).sum();
        if let Some(budget) = a.budget
            && total > budget
        {
            let weights: Vec<Decimal> = raw.iter().map(|(_, d)| *d).collect();
            let capped = self.rules.round(budget.max(Decimal::ZERO));
            if let Ok(shares) = crate::allocate::allocate(capped, &weights, self.rules.minor_units) {
                raw = raw.iter().map(|(l, _)| *l).zip(shares).collect();
            }
        }
        // No line below zero: a discount is cut to what is left of its line.
        for &(l, d) in &raw {
            let left = net.entry(l).or_insert_with(|| self.original(l));
            let d = d.min(*left).max(Decimal::ZERO);
            if d.is_zero() {
                continue;
            }
            *left -= d;
            result.discount += d;
            match result.lines.iter_mut().find(|(line, _)| *line == l) {
                Some((_, acc)) => *acc += d,
                None => result.lines.push((l, d)),
            }
        }
        result.raw = raw;
        result
    }
}
