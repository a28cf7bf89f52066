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

/// What deciding a conflict reads of one promotion, read once when many pairs are decided.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Traits {
    stage: Stage,
    changes_price: bool,
    exclusive: bool,
    /// Whether it has a `stacks with` list (only then are the lists read).
    says_stacks: bool,
}

impl Traits {
    pub fn of(p: &Promotion) -> Traits {
        Traits {
            stage: stage(p),
            changes_price: changes_price(p),
            exclusive: p.exclusive,
            says_stacks: !p.stacks_with.is_empty(),
        }
    }
}

/// Whether promotions `i` and `j`, sharing a line, may not both apply.
pub(crate) fn conflicts(r: &CompiledRuleset, i: usize, j: usize) -> bool {
    let (Some(p), Some(q)) = (r.promotions.get(i), r.promotions.get(j)) else { return false };
    conflicts_by(r, (i, Traits::of(p)), (j, Traits::of(q)))
}

/// [`conflicts`] with each promotion's [`Traits`] read already.
#[inline]
pub(crate) fn conflicts_by(r: &CompiledRuleset, (i, a): (usize, Traits), (j, b): (usize, Traits)) -> bool {
    if i == j {
        return false;
    }
    if a.exclusive || b.exclusive {
        return true;
    }
    // Would they clash unless one says it stacks with the other?
    let clash_by_default = if a.stage == b.stage {
        a.changes_price && b.changes_price
    } else {
        r.settings.stacking == Stacking::Exclusive
    };
    if !clash_by_default || !(a.says_stacks || b.says_stacks) {
        return clash_by_default;
    }
    let (Some(p), Some(q)) = (r.promotions.get(i), r.promotions.get(j)) else { return false };
    !(stacks_with(p, q, j) || stacks_with(q, p, i))
}
