//! The scope index: promotions keyed by the value their scope requires (`sku == "A"`,
//! `category in ["x", "y"]`), built once per ruleset, so pricing a cart looks only at promotions
//! that can match its lines — cost follows what matches, not how many promotions exist.

use std::collections::BTreeMap;

use crate::bind::{Bound, Row};
use crate::ir::{AttrId, CompiledRuleset, Cond, Op, SymbolId, Value};
use crate::text_index::{Repeated, TextIndex};

/// A compiled ruleset with its index: what the engine keeps loaded.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The ruleset.
    pub ruleset: CompiledRuleset,
    /// Its scope index.
    pub index: ScopeIndex,
    /// Its tables for reading inputs.
    pub binder: crate::bind::Binder,
    /// Its extension functions, compiled.
    pub sandbox: crate::extension::Sandbox,
    /// Per promotion, what deciding its conflicts reads: worked out once per ruleset, not once
    /// per cart for every promotion that matches.
    pub(crate) traits: Vec<crate::price::Traits>,
    /// Per promotion, its name, in one compact list: the report names a promotion for every
    /// candidate of every line, and reads 24 bytes a promotion here rather than a name inside
    /// each promotion, hundreds of bytes apart. A long name is a static text
    /// ([`crate::names::share_all`]), copied without a reference count, here as in the ruleset.
    pub(crate) names: Vec<smol_str::SmolStr>,
    /// Each promotion by its name (its position in `names`, no copy of the name), for reading the
    /// state's maps (keyed by name) once per map rather than once per promotion
    /// (`price/state_at.rs`). `None` when two promotions share a name, which the compiler
    /// refuses but a ruleset built otherwise may have.
    pub(crate) by_name: Option<crate::text_index::TextIndex<foldhash::fast::RandomState>>,
    /// Per promotion, whether it is available whenever its scope matches: no dates, coupon,
    /// limit, stock or budget, and every customer eligible.
    pub(crate) unconditional: Vec<bool>,
    /// Whether any floor can flag a line: the settings name floors, or a promotion has its own.
    /// Nearly always not, and then no line's floors are looked for.
    pub(crate) has_floors: bool,
}

impl Prepared {
    /// Indexes `ruleset` and compiles its extension modules.
    pub fn new(mut ruleset: CompiledRuleset) -> Prepared {
        // Long names as static texts, the same words: an outcome copies a promotion's name
        // thousands of times, and a counted one would be two atomic operations a copy
        // (`names.rs`).
        crate::names::share_all(ruleset.promotions.iter_mut().map(|p| &mut p.name));
        let index = ScopeIndex::new(&ruleset);
        let binder = crate::bind::Binder::new(&ruleset);
        let sandbox = crate::extension::Sandbox::new(&ruleset);
        let traits = ruleset.promotions.iter().map(crate::price::Traits::of).collect();
        let names: Vec<smol_str::SmolStr> = ruleset.promotions.iter().map(|p| p.name.clone()).collect();
        let by_name = TextIndex::new(&names, foldhash::fast::RandomState::default(), Repeated::Refuse);
        let unconditional = ruleset
            .promotions
            .iter()
            .map(|p| {
                p.window.is_none()
                    && p.coupon.is_none()
                    && p.limit.is_none()
                    && p.stock.is_none()
                    && p.budget.is_none()
                    && matches!(p.eligible, crate::ir::Cond::All)
            })
            .collect();
        let has_floors = !ruleset.settings.floors.is_empty() || ruleset.promotions.iter().any(|p| p.floor.is_some());
        Prepared { ruleset, index, binder, sandbox, traits, names, by_name, unconditional, has_floors }
    }

    /// The position of the promotion named `name`, found through `by_name`: `Some(None)` when no
    /// promotion has that name, and `None` when there is no `by_name` (two promotions share a
    /// name), where the caller searches the promotions instead.
    pub(crate) fn indexed_position(&self, name: &str) -> Option<Option<usize>> {
        let names = &self.names;
        let name_at = |at: u32| names.get(at as usize).map_or("", smol_str::SmolStr::as_str);
        self.by_name.as_ref().map(|by_name| by_name.find(name, name_at).map(|at| at as usize))
    }
}

/// Promotions by required attribute value.
#[derive(Debug, Clone, Default)]
pub struct ScopeIndex {
    /// Per attribute some promotion is indexed by, ascending by attribute, the promotions by the
    /// value they require of it.
    by_value: Vec<ByValue>,
    /// Promotions whose scope requires no single value: checked on every line.
    unindexed: Vec<u32>,
    /// Per promotion, whether its scope is exactly the value it is indexed by (`sku == "A"`,
    /// `category in ["x", "y"]` and nothing else): a line it is a candidate for is in its scope,
    /// with no condition left to check.
    exact: Vec<bool>,
    /// Promotions that withdraw others before they start.
    pub(crate) withdrawing: Vec<u32>,
}

/// The promotions indexed by one attribute, by the value they require of it: the list of the
/// value with symbol id `first + v` is `promotions[starts[v]..starts[v + 1]]`, read with two
/// array reads — no hashing per line and attribute. Only the span of symbol ids from the
/// attribute's lowest value to its highest has starts: an attribute of a hundred categories
/// keeps some hundred, though the ruleset names 100,000 SKUs.
// INVARIANT: `starts` has one entry per symbol id of the span and one more, ascending, the last
// `promotions.len()`; each list is ascending (filled in the ruleset's order).
#[derive(Debug, Clone)]
struct ByValue {
    attr: AttrId,
    first: u32,
    starts: Vec<u32>,
    promotions: Vec<u32>,
}

impl ByValue {
    /// The promotions requiring each value of the attribute: what `entries` lists, in order.
    fn build(attr: AttrId, entries: &[(SymbolId, u32)]) -> ByValue {
        let first = entries.iter().map(|(v, _)| v.0).min().unwrap_or(0);
        let span = entries.iter().map(|(v, _)| v.0 - first + 1).max().unwrap_or(0) as usize;
        let mut starts = vec![0u32; span + 1];
        for &(v, _) in entries {
            if let Some(count) = starts.get_mut((v.0 - first) as usize + 1) {
                *count += 1;
            }
        }
        for k in 1..starts.len() {
            let before = starts.get(k - 1).copied().unwrap_or(0);
            if let Some(start) = starts.get_mut(k) {
                *start += before;
            }
        }
        // Each value's next free place, from its start.
        let mut next: Vec<u32> = starts.clone();
        let mut promotions = vec![0u32; entries.len()];
        for &(v, i) in entries {
            if let Some(at) = next.get_mut((v.0 - first) as usize)
                && let Some(slot) = promotions.get_mut(*at as usize)
            {
                *slot = i;
                *at += 1;
            }
        }
        ByValue { attr, first, starts, promotions }
    }

    /// The promotions requiring `value`.
    fn get(&self, value: SymbolId) -> &[u32] {
        let Some(v) = value.0.checked_sub(self.first) else { return &[] };
        let v = v as usize;
        match (self.starts.get(v), self.starts.get(v + 1)) {
            (Some(&from), Some(&to)) => self.promotions.get(from as usize..to as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// The values `cond` requires of one attribute, if it requires any (a top-level `==` or `in` on
/// text, possibly inside an `and`).
fn required(cond: &Cond) -> Option<(AttrId, Vec<SymbolId>)> {
    match cond {
        Cond::Pred { attr, op: Op::Eq, value: Value::Text(s) } => Some((*attr, vec![*s])),
        Cond::Pred { attr, op: Op::In, value: Value::Set(items) } => {
            let texts: Option<Vec<SymbolId>> =
                items.iter().map(|v| if let Value::Text(s) = v { Some(*s) } else { None }).collect();
            texts.map(|t| (*attr, t))
        }
        Cond::And(parts) => parts.iter().find_map(required),
        _ => None,
    }
}

impl ScopeIndex {
    /// Builds the index of `ruleset`.
    pub fn new(ruleset: &CompiledRuleset) -> ScopeIndex {
        let mut index = ScopeIndex::default();
        // Per indexed attribute, (value, promotion) in the ruleset's order.
        let mut entries: BTreeMap<AttrId, Vec<(SymbolId, u32)>> = BTreeMap::new();
        index.exact = Vec::with_capacity(ruleset.promotions.len());
        for (i, p) in ruleset.promotions.iter().enumerate() {
            let i = i as u32;
            let indexed = required(&p.scope);
            // Indexed by its only predicate: the index's answer is the scope's.
            index.exact.push(indexed.is_some() && matches!(p.scope, Cond::Pred { .. }));
            match indexed {
                Some((attr, values)) => {
                    entries.entry(attr).or_default().extend(values.into_iter().map(|v| (v, i)));
                }
                None => index.unindexed.push(i),
            }
            if p.withdraw_others.is_some() {
                index.withdrawing.push(i);
            }
        }
        index.by_value = entries.into_iter().map(|(attr, entries)| ByValue::build(attr, &entries)).collect();
        index
    }

    /// Whether promotion `i`'s scope holds on every line it is a [candidate](Self::candidates) for.
    pub fn exact(&self, i: usize) -> bool {
        self.exact.get(i).copied().unwrap_or(false)
    }

    /// Promotions that may match a line with `values` (a superset of those that do), ascending,
    /// each once.
    pub fn candidates(&self, values: Row<'_>) -> Vec<u32> {
        let mut out = Vec::new();
        self.for_each_candidate(values, |i| out.push(i));
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Calls `each` with every promotion that may match a line with `values` (those
    /// [`candidates`](Self::candidates) lists), in no particular order, a promotion possibly
    /// more than once (a promotion whose `in` names a value twice is listed twice): for a caller
    /// that groups what it finds anyway, without sorting or merging lists.
    pub fn for_each_candidate(&self, values: Row<'_>, mut each: impl FnMut(u32)) {
        self.unindexed.iter().for_each(|&i| each(i));
        for by_value in &self.by_value {
            if let Some(Bound::Text(Some(sym))) = values.get(by_value.attr) {
                by_value.get(*sym).iter().for_each(|&i| each(i));
            }
        }
    }
}
