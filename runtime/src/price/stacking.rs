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
    /// The traits of a plain promotion at `stage` that changes a price (for tests elsewhere).
    #[cfg(test)]
    pub fn plain_at(stage: Stage) -> Traits {
        Traits { stage, changes_price: true, exclusive: false, says_stacks: false }
    }

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

    /// Whether it is exclusive: it clashes with every promotion it shares a line with.
    pub fn exclusive(&self) -> bool {
        self.exclusive
    }

    /// Whether it clashes only with exclusive promotions, whatever their stage and lists
    /// ([`conflicts_by`]): it changes no price and is not exclusive itself, under `stacking`
    /// that lets stages stack. A `stacks with` list only takes clashes away.
    pub fn clashes_only_with_exclusive(&self, stacking: Stacking) -> bool {
        !self.exclusive && !self.changes_price && stacking != Stacking::Exclusive
    }

    /// When it applies ([`stage`] of the promotion, read once).
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// Its class among plain promotions — its stage, and whether it changes a price — as one bit
    /// of a byte ([`plain_conflicts`]).
    fn class_bit(&self) -> u8 {
        1 << self.class()
    }

    /// Its class's number (0 to 7): the position of its [`class_bit`](Self::class_bit).
    fn class(&self) -> u8 {
        self.stage as u8 * 2 + u8::from(self.changes_price)
    }
}

/// The numbers of the classes in a set of [`Traits::class_bit`]s, lowest first.
fn classes_in(mut classes: u8) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (classes != 0).then(|| {
            let class = classes.trailing_zeros() as usize;
            classes &= classes - 1;
            class
        })
    })
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
        if let Some(set) = self.in_class.get_mut(usize::from(t.class())) {
            *set |= 1u64 << (bit % 64);
        }
    }

    /// The promotions added that a plain promotion with traits `t` conflicts with where they
    /// share a line — [`conflicts_by`] for every pair at once, through [`plain_conflicts`]
    /// (itself included when it changes a price: the caller clears its own bit).
    pub fn conflicts_of(&self, r: &CompiledRuleset, t: Traits) -> u64 {
        // Only the classes it conflicts with are read (one under shared stacking, the usual
        // setting).
        classes_in(plain_conflicts(r.settings.stacking, t))
            .fold(0, |conflicting, class| conflicting | self.in_class.get(class).copied().unwrap_or(0))
    }
}

/// Per line of a cart, the first chosen promotion of each class ([`Traits::class_bit`]) in scope
/// there, and whether a chosen promotion there is not [`plain`](Traits::plain): the first chosen
/// promotion a plain one clashes with on a line is then a few reads of a table, not a walk over
/// every promotion on the line.
pub(crate) struct FirstByClass {
    /// Per line, per class, the lowest position of a chosen promotion of that class in scope
    /// there (`u32::MAX`: none).
    first: Vec<[u32; 8]>,
    /// Per line, whether a chosen promotion in scope there is not plain.
    not_plain: Vec<bool>,
}

impl FirstByClass {
    /// The table for a cart of `lines` lines, from its chosen promotions: (position, traits,
    /// lines in scope), by position ascending.
    pub fn new<'l>(lines: usize, chosen: impl Iterator<Item = (usize, Traits, &'l [usize])>) -> FirstByClass {
        let mut table = FirstByClass { first: vec![[u32::MAX; 8]; lines], not_plain: vec![false; lines] };
        for (k, t, in_scope) in chosen {
            let (class, plain) = (usize::from(t.class()), t.plain());
            for &l in in_scope {
                if !plain && let Some(flag) = table.not_plain.get_mut(l) {
                    *flag = true;
                }
                // INVARIANT: positions in `relevant` fit a `u32` (a ruleset's promotions do).
                if let Some(slot) = table.first.get_mut(l).and_then(|row| row.get_mut(class))
                    && *slot == u32::MAX
                {
                    *slot = k as u32;
                }
            }
        }
        table
    }

    /// On line `l`, the lowest position of a chosen promotion in one of `classes` (a set of
    /// [`Traits::class_bit`]s); `None` when a chosen promotion there is not plain, so the
    /// classes do not decide.
    pub fn first_in(&self, l: usize, classes: u8) -> Option<Option<usize>> {
        if self.not_plain.get(l).copied().unwrap_or(true) {
            return None;
        }
        let row = self.first.get(l)?;
        let first = classes_in(classes).filter_map(|class| row.get(class).copied()).min().unwrap_or(u32::MAX);
        Some((first != u32::MAX).then_some(first as usize))
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
    use super::{FirstByClass, Stage, Traits, clash_by_default, plain_conflicts};
    use crate::ir::Stacking;

    #[test]
    fn a_promotion_that_clashes_only_with_exclusive_ones_clashes_with_no_other() {
        // Every combination of traits: stage, price change, exclusive, a `stacks with` list.
        let every: Vec<Traits> = Stage::ALL
            .into_iter()
            .flat_map(|stage| {
                [(false, false), (false, true), (true, false), (true, true)].into_iter().flat_map(
                    move |(changes_price, exclusive)| {
                        [false, true].map(|says_stacks| Traits { stage, changes_price, exclusive, says_stacks })
                    },
                )
            })
            .collect();
        let mut qualifying = 0;
        for stacking in [Stacking::Shared, Stacking::Exclusive] {
            for &a in every.iter().filter(|a| a.clashes_only_with_exclusive(stacking)) {
                qualifying += 1;
                assert!(!a.exclusive, "{a:?}");
                // No default clash either way with any promotion that is not exclusive (a
                // `stacks with` list only takes clashes away).
                for &b in every.iter().filter(|b| !b.exclusive) {
                    assert!(!clash_by_default(stacking, a, b) && !clash_by_default(stacking, b, a), "{a:?} {b:?}");
                }
            }
        }
        // A gift at any stage, with or without a list, under shared stacking only.
        assert_eq!(qualifying, 8);
        let gift = Traits { stage: Stage::Store, changes_price: false, exclusive: false, says_stacks: false };
        assert!(gift.clashes_only_with_exclusive(Stacking::Shared));
        assert!(!gift.clashes_only_with_exclusive(Stacking::Exclusive));
        assert!(!Traits { changes_price: true, ..gift }.clashes_only_with_exclusive(Stacking::Shared));
        assert!(!Traits { exclusive: true, ..gift }.clashes_only_with_exclusive(Stacking::Shared));
    }

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

    #[test]
    fn the_first_chosen_promotion_of_each_class_is_read_per_line() {
        let item = Traits { stage: Stage::Item, changes_price: true, exclusive: false, says_stacks: false };
        let store = Traits { stage: Stage::Store, ..item };
        let gift = Traits { changes_price: false, ..store };
        let exclusive = Traits { exclusive: true, ..item };
        // Positions ascending: an item price change at 3 on lines 0 and 1, a store one at 5 on
        // line 1, another item one at 7 on line 0 (not the first), a gift at 9 on line 2, an
        // exclusive one at 11 on line 3.
        let chosen: [(usize, Traits, &[usize]); 5] =
            [(3, item, &[0, 1]), (5, store, &[1]), (7, item, &[0]), (9, gift, &[2]), (11, exclusive, &[3])];
        let table = FirstByClass::new(5, chosen.into_iter());
        let item_clashes = plain_conflicts(Stacking::Shared, item);
        assert_eq!(table.first_in(0, item_clashes), Some(Some(3)));
        assert_eq!(table.first_in(1, item_clashes), Some(Some(3)));
        assert_eq!(table.first_in(1, plain_conflicts(Stacking::Shared, store)), Some(Some(5)));
        // An item promotion does not clash with a store's gift under shared stacking; under
        // exclusive stacking it does.
        assert_eq!(table.first_in(2, item_clashes), Some(None));
        assert_eq!(table.first_in(2, plain_conflicts(Stacking::Exclusive, item)), Some(Some(9)));
        assert_eq!(table.first_in(4, item_clashes), Some(None));
        // A line with a chosen promotion that is not plain is not decided by classes.
        assert_eq!(table.first_in(3, item_clashes), None);
        // Nor is a line past the cart.
        assert_eq!(table.first_in(5, item_clashes), None);
    }
}
