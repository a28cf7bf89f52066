//! Stages and conflicts (spec/evaluation.md §4): item → store → platform → coupons; which
//! promotions may share a line.

use crate::ir::{Benefit, CompiledRuleset, Level, Promotion, StackTarget, Stacking};

/// When a promotion applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    Item,
    Store,
    Platform,
    Coupon,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Item => "item",
            Stage::Store => "store",
            Stage::Platform => "platform",
            Stage::Coupon => "coupon",
        }
    }
}

pub(crate) fn stage(p: &Promotion) -> Stage {
    if p.coupon.is_some() {
        return Stage::Coupon;
    }
    match p.level {
        Level::Item => Stage::Item,
        Level::Store => Stage::Store,
        Level::Platform => Stage::Platform,
    }
}

fn changes_price(p: &Promotion) -> bool {
    p.benefits.iter().any(|b| !matches!(b, Benefit::Gift { .. } | Benefit::Addon { .. }))
}

/// Whether `p` says it stacks with `q` (index `qi`).
fn stacks_with(p: &Promotion, q: &Promotion, qi: usize) -> bool {
    p.stacks_with.iter().any(|t| match t {
        StackTarget::Promotion(i) => *i as usize == qi,
        StackTarget::Coupons => q.coupon.is_some(),
        StackTarget::Level(l) => q.coupon.is_none() && q.level == *l,
    })
}

/// Whether promotions `i` and `j`, sharing a line, may not both apply.
pub(crate) fn conflicts(r: &CompiledRuleset, i: usize, j: usize) -> bool {
    let (Some(p), Some(q)) = (r.promotions.get(i), r.promotions.get(j)) else { return false };
    if i == j {
        return false;
    }
    if p.exclusive || q.exclusive {
        return true;
    }
    // Would they clash unless one says it stacks with the other? (Decided first: reading
    // `stacks with` lists is the dearer part.)
    let clash_by_default = if stage(p) == stage(q) {
        changes_price(p) && changes_price(q)
    } else {
        r.settings.stacking == Stacking::Exclusive
    };
    clash_by_default && !(stacks_with(p, q, j) || stacks_with(q, p, i))
}
