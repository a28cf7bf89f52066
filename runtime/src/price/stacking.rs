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
    /// Every stage, in the order they apply.
    pub const ALL: [Stage; 4] = [Stage::Item, Stage::Store, Stage::Platform, Stage::Coupon];

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

    /// Whether its conflicts follow from stages alone: not exclusive, and no `stacks with` list.
    pub fn plain(&self) -> bool {
        !self.exclusive && !self.says_stacks
    }

    /// When it applies ([`stage`] of the promotion, read once).
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// Its class among plain promotions — its stage, and whether it changes a price — as one bit
    /// of a byte ([`plain_conflicts`]).
    fn class_bit(&self) -> u8 {
        1 << (self.stage as u8 * 2 + u8::from(self.changes_price))
    }
}

/// The classes ([`Traits::class_bit`]) of the plain promotions that a plain promotion with traits
/// `t` conflicts with where they share a line, under `stacking`: [`conflicts_by`] for plain pairs,
/// so that checking one against many is a bit test each.
pub(crate) fn plain_conflicts(stacking: Stacking, t: Traits) -> u8 {
    // Its own stage's two classes.
    let own_stage = 0b11u8 << (t.stage as u8 * 2);
    // Exclusive stacking: every class of every other stage.
    let other_stages = if stacking == Stacking::Exclusive { !own_stage } else { 0 };
    // A price change: the price changes of its own stage.
    let own_price_changes = if t.changes_price { own_stage & 0b1010_1010 } else { 0 };
    other_stages | own_price_changes
}

/// [`conflicts_by`] for `i` and `j`, where `plain` is [`plain_conflicts`] of `i` when `i` is
/// plain: a bit test when `j` is plain too.
#[inline]
pub(crate) fn conflicts_with(
    r: &CompiledRuleset,
    (i, a): (usize, Traits),
    plain: Option<u8>,
    (j, b): (usize, Traits),
) -> bool {
    match plain {
        Some(classes) if b.plain() => i != j && classes & b.class_bit() != 0,
        _ => conflicts_by(r, (i, a), (j, b)),
    }
}

/// Whether two promotions at these traits, sharing a line, clash unless one says it stacks with
/// the other.
fn clash_by_default(stacking: Stacking, a: Traits, b: Traits) -> bool {
    if a.stage == b.stage { a.changes_price && b.changes_price } else { stacking == Stacking::Exclusive }
}

/// Up to 64 [`plain`](Traits::plain) promotions as bit sets by class (stage, and whether it
/// changes a price: [`Traits::class_bit`]), so the conflicts of each are a few word operations
/// instead of a comparison with every other one.
#[derive(Debug, Default)]
pub(crate) struct StageSets {
    /// Per class, the promotions in it.
    in_class: [u64; 8],
}

impl StageSets {
    /// Adds promotion `bit` (below 64) with traits `t`.
    pub fn add(&mut self, bit: usize, t: Traits) {
        if let Some(set) = self.in_class.get_mut(t.class_bit().trailing_zeros() as usize) {
            *set |= 1u64 << (bit % 64);
        }
    }

    /// The promotions added that a plain promotion with traits `t` conflicts with where they
    /// share a line — [`conflicts_by`] for every pair at once, through [`plain_conflicts`]
    /// (itself included when it changes a price: the caller clears its own bit).
    pub fn conflicts_of(&self, r: &CompiledRuleset, t: Traits) -> u64 {
        let (mut classes, mut conflicting) = (plain_conflicts(r.settings.stacking, t), 0);
        // Only the classes it conflicts with are read (one under shared stacking, the usual
        // setting).
        while classes != 0 {
            conflicting |= self.in_class.get(classes.trailing_zeros() as usize).copied().unwrap_or(0);
            classes &= classes - 1;
        }
        conflicting
    }
}

/// Whether promotions `i` and `j`, sharing a line, may not both apply, from each one's [`Traits`]
/// (read once per ruleset, `Prepared::traits`).
#[inline]
pub(crate) fn conflicts_by(r: &CompiledRuleset, (i, a): (usize, Traits), (j, b): (usize, Traits)) -> bool {
    if i == j {
        return false;
    }
    if a.exclusive || b.exclusive {
        return true;
    }
    // Would they clash unless one says it stacks with the other?
    let clash_by_default = clash_by_default(r.settings.stacking, a, b);
    if !clash_by_default || !(a.says_stacks || b.says_stacks) {
        return clash_by_default;
    }
    let (Some(p), Some(q)) = (r.promotions.get(i), r.promotions.get(j)) else { return false };
    !(stacks_with(p, q, j) || stacks_with(q, p, i))
}

#[cfg(test)]
mod tests {
    use super::{Stage, Traits, clash_by_default, plain_conflicts};
    use crate::ir::Stacking;

    #[test]
    fn plain_conflicts_are_the_default_clashes_of_every_pair_of_classes() {
        let every: Vec<Traits> = Stage::ALL
            .into_iter()
            .flat_map(|stage| {
                [false, true].map(|changes_price| Traits { stage, changes_price, exclusive: false, says_stacks: false })
            })
            .collect();
        assert_eq!(every.len(), 8, "eight classes, one bit each");
        for stacking in [Stacking::Shared, Stacking::Exclusive] {
            for &a in &every {
                let classes = plain_conflicts(stacking, a);
                for &b in &every {
                    assert_eq!(
                        classes & b.class_bit() != 0,
                        clash_by_default(stacking, a, b),
                        "{a:?} {b:?} {stacking:?}"
                    );
                }
            }
        }
        // Shared stacking: a price change clashes with the price changes of its own stage only.
        let item = Traits { stage: Stage::Item, changes_price: true, exclusive: false, says_stacks: false };
        let store = Traits { stage: Stage::Store, ..item };
        let gift = Traits { changes_price: false, ..item };
        assert_ne!(plain_conflicts(Stacking::Shared, item) & item.class_bit(), 0);
        assert_eq!(plain_conflicts(Stacking::Shared, item) & (store.class_bit() | gift.class_bit()), 0);
        assert_ne!(plain_conflicts(Stacking::Exclusive, item) & store.class_bit(), 0);
    }
}
