//! The state's entries for the promotions a pricing reads, found by their place among them.
//!
//! [`State`](crate::input::State) keys its maps by promotion name, and a storefront gives an
//! entry for every promotion with stock (the host reads the stock left of each from its store).
//! Looked up promotion by promotion, each look-up walks the map comparing names — for a
//! thousand flash sales of 50-byte names, a fifth of a 200-line pricing (`benches/HISTORY.md`).
//! So a map is walked once instead: each entry's promotion is found by a hashed look-up of its
//! name ([`Prepared`]'s `by_name`), and its value put at the promotion's place among those the
//! cart matched. Where the map has many more entries than the cart matched promotions (a
//! ruleset of 100,000 with an entry each, a cart matching a few hundred), each matched
//! promotion is looked up by name instead, as before.

use std::collections::BTreeMap;

use smol_str::SmolStr;

use crate::index::Prepared;

/// Above this many entries per matched promotion a map is looked up by name, promotion by
/// promotion, rather than walked: a look-up by name costs some ten comparisons of names, an
/// entry walked one hash of its name and a binary search among the matched promotions.
const WALKED_ENTRIES_PER_PROMOTION: usize = 4;

/// One of the state's maps, as a pricing reads it: by a matched promotion's place.
#[derive(Debug)]
pub(crate) enum StateAt<'s, T> {
    /// The state gives no entry.
    Empty,
    /// The entry of each matched promotion, by its place among them (`None`: it has none).
    // INVARIANT: one slot per matched promotion, in the order of `relevant`.
    Placed(Vec<Option<T>>),
    /// Looked up by name: the map has many more entries than promotions matched, or two of the
    /// ruleset's promotions share a name (a ruleset not made by the compiler, which refuses it).
    Named(&'s BTreeMap<String, T>),
}

impl<'s, T: Copy> StateAt<'s, T> {
    /// `map` as read for the promotions `relevant` (ascending indices) of `prepared`.
    pub(crate) fn new(map: &'s BTreeMap<String, T>, prepared: &Prepared, relevant: &[usize]) -> StateAt<'s, T> {
        if map.is_empty() {
            return StateAt::Empty;
        }
        if prepared.by_name.is_none() {
            return StateAt::Named(map);
        }
        if map.len() > relevant.len().saturating_mul(WALKED_ENTRIES_PER_PROMOTION) {
            return StateAt::Named(map);
        }
        let mut placed = vec![None; relevant.len()];
        for (name, value) in map {
            // An entry of a promotion the ruleset does not have, or the cart did not match, is
            // not read.
            let Some(Some(i)) = prepared.indexed_position(name) else { continue };
            if let Ok(place) = relevant.binary_search(&i)
                && let Some(slot) = placed.get_mut(place)
            {
                *slot = Some(*value);
            }
        }
        StateAt::Placed(placed)
    }

    /// The entry of the promotion named `name`, at `place` among the matched promotions. The
    /// name is read only when the map is looked up by name.
    #[inline]
    pub(crate) fn get(&self, place: usize, name: &SmolStr) -> Option<T> {
        match self {
            StateAt::Empty => None,
            StateAt::Placed(placed) => placed.get(place).copied().flatten(),
            StateAt::Named(map) => map.get(name.as_str()).copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use rust_decimal::Decimal;

    use super::{StateAt, WALKED_ENTRIES_PER_PROMOTION};
    use crate::index::Prepared;
    use crate::ir::{Benefit, CompiledRuleset, Cond, Extensions, Level, Promotion, Settings};

    /// A prepared ruleset of promotions named `names`, each a special price on every line, with
    /// stock.
    fn prepared(names: &[&str]) -> Prepared {
        Prepared::new(ruleset(names))
    }

    /// The ruleset of [`prepared`].
    fn ruleset(names: &[&str]) -> CompiledRuleset {
        let promotion = |name: &str| Promotion {
            name: name.into(),
            level: Level::Item,
            store: None,
            window: None,
            scope: Cond::All,
            eligible: Cond::All,
            benefits: vec![Benefit::SpecialPrice(Decimal::ONE)],
            coupon: None,
            limit: None,
            stock: Some(100),
            budget: None,
            exclusive: false,
            stacks_with: vec![],
            withdraw_others: None,
            pay_within: None,
            label: None,
            refund: None,
            floor: None,
        };
        CompiledRuleset {
            source_hash: "sha256:00".into(),
            settings: Settings::usd(),
            attributes: vec![],
            symbols: vec![],
            enums: vec![],
            promotions: names.iter().map(|n| promotion(n)).collect(),
            extensions: Extensions::default(),
        }
    }

    fn map(entries: &[(&str, u64)]) -> BTreeMap<String, u64> {
        entries.iter().map(|&(name, v)| (name.to_owned(), v)).collect()
    }

    /// Every promotion's entry as read at each place of `relevant`.
    fn read(at: &StateAt<'_, u64>, prepared: &Prepared, relevant: &[usize]) -> Vec<Option<u64>> {
        relevant.iter().enumerate().map(|(place, &i)| at.get(place, &prepared.ruleset.promotions[i].name)).collect()
    }

    #[test]
    fn entries_are_placed_by_their_promotions_place_among_the_matched() {
        let prepared = prepared(&["a", "b: a name longer than twenty-three bytes", "c", "d"]);
        // Promotions 1 and 3 matched; `a` did not, `zz` is no promotion of the ruleset.
        let relevant = [1, 3];
        let entries = map(&[("a", 7), ("b: a name longer than twenty-three bytes", 5), ("d", 0), ("zz", 9)]);
        let at = StateAt::new(&entries, &prepared, &relevant);
        assert!(matches!(&at, StateAt::Placed(placed) if *placed == [Some(5), Some(0)]), "{at:?}");
        assert_eq!(read(&at, &prepared, &relevant), [Some(5), Some(0)]);
    }

    #[test]
    fn an_empty_map_is_read_as_no_entry() {
        let prepared = prepared(&["a", "b"]);
        let entries = BTreeMap::new();
        let at = StateAt::new(&entries, &prepared, &[0, 1]);
        assert!(matches!(at, StateAt::Empty));
        assert_eq!(read(&at, &prepared, &[0, 1]), [None, None]);
    }

    #[test]
    fn a_map_of_many_more_entries_than_matched_promotions_is_looked_up_by_name() {
        let names: Vec<String> = (0..20).map(|i| format!("p{i}")).collect();
        let prepared = prepared(&names.iter().map(String::as_str).collect::<Vec<_>>());
        let entries: BTreeMap<String, u64> = names.iter().zip(100..).map(|(n, v)| (n.clone(), v)).collect();
        let relevant = [2, 17];
        assert!(entries.len() > relevant.len() * WALKED_ENTRIES_PER_PROMOTION);
        let at = StateAt::new(&entries, &prepared, &relevant);
        assert!(matches!(at, StateAt::Named(_)));
        assert_eq!(read(&at, &prepared, &relevant), [Some(102), Some(117)]);
        // With as many matched as there are entries, the map is walked, and reads the same.
        let all: Vec<usize> = (0..20).collect();
        let walked = StateAt::new(&entries, &prepared, &all);
        assert!(matches!(walked, StateAt::Placed(_)));
        assert_eq!(read(&walked, &prepared, &all), (100..120).map(Some).collect::<Vec<_>>());
    }

    #[test]
    fn promotions_sharing_a_name_are_each_looked_up_by_name() {
        // The compiler refuses two promotions of one name; a ruleset built otherwise may have
        // them, and the state's entry is then every such promotion's, as a look-up by name gives.
        let prepared = prepared(&["a", "a"]);
        let entries = map(&[("a", 3)]);
        let at = StateAt::new(&entries, &prepared, &[0, 1]);
        assert!(matches!(at, StateAt::Named(_)));
        assert_eq!(read(&at, &prepared, &[0, 1]), [Some(3), Some(3)]);
    }
}
