//! The best combination (spec/evaluation.md §5): promotions that share no line are searched
//! separately; within a component, branch and bound over include/exclude, bounded by each
//! promotion's stand-alone gain, evaluating at most [`SEARCH_BUDGET`] complete combinations.

use super::Pricing;
use super::evaluate::{PromotionResult, Solo};
use super::stacking::{Stage, StageSets, Traits, conflicts_by};
use crate::ir::Calculation;
use crate::money::Minor;

/// Complete combinations evaluated at most for each group of promotions that share lines; past it
/// the best found is used and the outcome says the search was not complete.
pub const SEARCH_BUDGET: u64 = 4096;

/// Each promotion of `relevant` evaluated alone (one that is not available, without a result).
// INVARIANT: parallel to `relevant` (built by one pass over it), so read by position.
#[derive(Debug, Default)]
pub(crate) struct Alone(pub Vec<Solo>);

/// The largest buffer of stand-alone results a thread keeps between pricings (in results): a
/// cart of a few thousand matching promotions, some 900 KB.
const KEPT_RESULTS: usize = 4096;

thread_local! {
    /// This thread's buffer of stand-alone results, empty, from its last pricing: a large cart's
    /// is too large for the allocator's small pages, and allocating it afresh for every pricing
    /// costs page faults as the allocator returns it to the system and takes it back.
    static BUFFER: std::cell::RefCell<Vec<Solo>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Alone {
    /// A buffer of `n` stand-alone results to fill: this thread's from its last pricing, if
    /// any, with the results it held (each is emptied as it is refilled, keeping its lists'
    /// allocations; one that is not available is set to `None`).
    pub fn reused(n: usize) -> Vec<Solo> {
        let mut solos = BUFFER.with(|b| b.take());
        solos.truncate(n);
        solos.resize_with(n, Solo::default);
        solos
    }

    /// Keeps the results' buffer, with the results, for this thread's next pricing (unless it
    /// is larger than [`KEPT_RESULTS`]).
    pub fn keep_for_reuse(self) {
        if self.0.capacity() <= KEPT_RESULTS {
            BUFFER.with(|b| b.replace(self.0));
        }
    }

    /// What the promotion at position `k` of `relevant` gave alone, if it is available. Once the
    /// chosen set is evaluated, a chosen promotion's result is what it gave in that set
    /// (`Pricing::evaluate_chosen` clamps it where it is).
    pub fn at(&self, k: usize) -> Option<&PromotionResult> {
        self.0.get(k).and_then(Option::as_ref)
    }
}

/// The chosen promotions and how the search went.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    /// The chosen promotions, ascending.
    pub set: Vec<usize>,
    /// The position in `relevant` of each promotion of `set` (parallel to it, so ascending too).
    pub places: Vec<usize>,
    pub evaluated: u64,
    pub complete: bool,
}

impl Pricing<'_> {
    fn shares_line(&self, i: usize, j: usize) -> bool {
        // INVARIANT: `lines` are ascending (built in cart order), so a merge finds a common one.
        let (Some(a), Some(b)) = (self.avail(i), self.avail(j)) else { return false };
        let (mut x, mut y) = (a.lines().iter().peekable(), b.lines().iter().peekable());
        while let (Some(&&p), Some(&&q)) = (x.peek(), y.peek()) {
            match p.cmp(&q) {
                std::cmp::Ordering::Equal => return true,
                std::cmp::Ordering::Less => {
                    x.next();
                }
                std::cmp::Ordering::Greater => {
                    y.next();
                }
            }
        }
        false
    }

    /// Whether `i` and `j` cannot both apply.
    pub(crate) fn clash(&self, i: usize, j: usize) -> bool {
        // The stacking rules first: they are cheaper than merging two lists of lines.
        let (Some(&a), Some(&b)) = (self.traits.get(i), self.traits.get(j)) else { return false };
        conflicts_by(self.ruleset, (i, a), (j, b)) && self.shares_line(i, j)
    }

    /// The best set containing `forced` (those that are available and do not clash with an
    /// earlier forced one).
    pub(crate) fn best(&self, forced: &[usize], alone: &Alone) -> Choice {
        let (mut useful, bounds) = self.useful_by_component(alone);
        let mut forced_ok: Vec<usize> = Vec::new();
        for &f in forced {
            if let Some(m) = useful.iter_mut().find(|m| m.index == f)
                && !forced_ok.iter().any(|&g| self.clash(f, g))
            {
                m.forced = true;
                forced_ok.push(f);
            }
        }
        // No two share a line: each is alone in its component, and chosen (what the search below
        // finds for a component of one). Components come in the order of their first members,
        // so these are in `relevant`'s order, ascending.
        if bounds.len() == useful.len() {
            debug_assert!(useful.is_sorted_by_key(|m| m.place), "components of one in order");
            let set = useful.iter().map(|m| m.index).collect();
            let places = useful.iter().map(|m| m.place).collect();
            return Choice { evaluated: bounds.len() as u64, set, places, complete: true };
        }
        let mut choice = Choice { set: Vec::new(), places: Vec::new(), evaluated: 0, complete: true };
        // Whether each relevant promotion (by position in `relevant`) is chosen: the set and its
        // places are read from it in `relevant`'s order, ascending, with no sort.
        let mut taken = vec![false; self.relevant.len()];
        let mut take = |place: usize| {
            if let Some(t) = taken.get_mut(place) {
                *t = true;
            }
        };
        let parallel = self.ruleset.settings.calculation == Calculation::Parallel;
        // Scratch reused by every component.
        let mut left = Left::default();
        let mut rows = ClashRows::new(self.by_line.lines());
        let (mut sorted, mut ids, mut gains, mut replays, mut blocked, mut chosen) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut narrow_gains: Vec<(i64, i64)> = Vec::new();
        // The cart's amount in minor units, bounding what a combination's discount can reach.
        let cart_minor: i128 = self.original_minor.iter().map(|o| o.abs()).sum();
        let mut best_at = Vec::new();
        for (start, end) in bounds {
            let Some(component) = useful.get(start..end) else { continue };
            // A promotion that shares no line with another is chosen: what the search would
            // find after its one complete combination (a value is never below zero).
            if let [only] = component {
                choice.evaluated += 1;
                take(only.place);
                continue;
            }
            // The members the search decides; those always chosen are chosen here.
            sorted.clear();
            let none_exclusive = parallel && component.iter().all(|m| !m.traits.exclusive());
            for m in component {
                if none_exclusive && self.always_chosen(m) {
                    debug_assert!(
                        component.iter().all(|o| !self.clash(m.index, o.index)),
                        "a member always chosen clashes with none of its component"
                    );
                    take(m.place);
                } else {
                    sorted.push(m);
                }
            }
            // One left to decide (or none): chosen, as the search would after its one complete
            // combination.
            if let [] | [_] = sorted.as_slice() {
                choice.evaluated += 1;
                if let Some(m) = sorted.first() {
                    take(m.place);
                }
                continue;
            }
            if parallel && left.original.is_empty() {
                left = Left::new(self.original_minor.clone());
            }
            // Forced first, then by stand-alone gain (best first), then source order. References
            // to the members are sorted, not the members (some 80 bytes each to move, and a copy
            // is read back before its writes settle), compared field by field in place (a key
            // built per comparison would copy two 128-bit amounts each time).
            sorted.sort_unstable_by(|a: &&Member<'_>, b: &&Member<'_>| {
                b.forced.cmp(&a.forced).then_with(|| b.gain.cmp(&a.gain)).then(a.index.cmp(&b.index))
            });
            let members: &[&Member<'_>] = &sorted;
            let n = members.len();
            ids.clear();
            ids.extend(members.iter().map(|m| m.index));
            let words = rows.build(self, members);
            replays.clear();
            if parallel {
                for &&Member { index: i, alone: e, gain: (_, gift_value), traits, .. } in members {
                    replays.push(Replay {
                        // From the traits read once: not the ruleset's promotion, away in memory.
                        stage: traits.stage(),
                        index: i,
                        // Read where the stand-alone result keeps them, not copied.
                        raw: &e.raw,
                        // The gain's gift value is already in minor units.
                        gift_value,
                    });
                }
            }
            let monotone = parallel && replays.iter().all(|r| r.gift_value >= 0 && r.raw.iter().all(|&(_, d)| d >= 0));
            let component = Component {
                pricing: self,
                members: &ids,
                clash: &rows.clash,
                words,
                forced: &forced_ok,
                replays: &replays,
                parallel,
                monotone,
            };
            chosen.clear();
            blocked.clear();
            blocked.resize((n + 1) * words, 0u64);
            let scratch = (&mut left, &mut best_at, &mut chosen, blocked.as_mut_slice());
            // Every member's stand-alone gain summed: what the search starts with as open.
            let open: Value = members.iter().fold((0, 0), |acc, m| add(acc, m.gain));
            let (evaluated, found) = if monotone && fits_narrow(open, cart_minor) {
                narrow_gains.clear();
                narrow_gains.extend(members.iter().map(|m| narrow::<i64>(m.gain)));
                explore(&component, &narrow_gains, narrow(open), scratch)
            } else {
                gains.clear();
                gains.extend(members.iter().map(|m| m.gain));
                explore(&component, &gains, open, scratch)
            };
            choice.evaluated += evaluated;
            if evaluated >= SEARCH_BUDGET {
                choice.complete = false;
            }
            if found {
                best_at.iter().filter_map(|&pos| members.get(pos)).for_each(|m| take(m.place));
            }
        }
        // INVARIANT: `relevant` is ascending: so is the set.
        for (place, (&i, _)) in self.relevant.iter().zip(&taken).enumerate().filter(|(_, (_, t))| **t) {
            choice.set.push(i);
            choice.places.push(place);
        }
        debug_assert!(choice.set.is_sorted(), "the chosen set is ascending");
        choice
    }

    /// Whether member `m` of a component under parallel calculation, none of whose members is
    /// exclusive, is in the best combination whatever else is: it clashes with none of them,
    /// gives no line a discount and a gift value not below zero. Under parallel calculation
    /// what it gives does not depend on the others, nor theirs on it, so every combination
    /// without it is bettered or matched by the same with it (a tie keeps it, as the search's
    /// first complete combination would).
    fn always_chosen(&self, m: &Member<'_>) -> bool {
        m.traits.clashes_only_with_exclusive(self.ruleset.settings.stacking) && m.alone.raw.is_empty() && m.gain.1 >= 0
    }

    /// The promotions that give something alone, each with what the search reads of it,
    /// grouped by component ([`by_component`]), with each component's range in the list.
    fn useful_by_component<'s>(&'s self, alone: &'s Alone) -> (Vec<Member<'s>>, Vec<(usize, usize)>) {
        // `alone` and `available` are parallel to `relevant`: read by position, without a search.
        let member = |place: usize| {
            let (&i, a, solo) = (self.relevant.get(place)?, self.available.get(place)?, alone.0.get(place)?);
            let (Some(e), Some(&traits)) = (solo, self.traits.get(i)) else { return None };
            (a.unavailable().is_none() && !a.lines().is_empty() && e.gives).then(|| Member {
                index: i,
                place,
                lines: a.lines(),
                alone: e,
                // Most promotions give no gift: no conversion for them.
                gain: (e.discount_minor, if e.gift_value.is_zero() { 0 } else { self.rules.minor(e.gift_value) }),
                traits,
                forced: false,
            })
        };
        by_component(self.by_line.lines(), self.relevant.len(), |l| self.by_line.get(l), member, |m| m.lines)
    }

    /// An evaluation's value ([`Evaluation::value`]) in minor units: the search adds and compares
    /// integers, exactly.
    fn minor_value(&self, e: &super::evaluate::Evaluation) -> Value {
        (self.rules.minor(e.discount), self.rules.minor(e.gift_value))
    }
}

/// The members of a cart's promotions grouped by component — promotions connected by shared
/// lines — and each component's range in the list. `on_line(l)` lists the places of the
/// promotions whose scope holds on line `l`; `member(place)` is the member at a place, if it
/// gives something; `lines_of` its lines (a subset of those whose list holds its place).
///
/// Each component is walked from its first member through the lines of the members it reaches,
/// so each member is made once, where it joins, and no table of components is built and sorted
/// afterwards. Components come in the order of their first members, each member once.
fn by_component<'a, M>(
    lines: usize,
    places: usize,
    on_line: impl Fn(usize) -> &'a [usize],
    mut member: impl FnMut(usize) -> Option<M>,
    lines_of: impl Fn(&M) -> &'a [usize],
) -> (Vec<M>, Vec<(usize, usize)>) {
    // Per line, whether a component has reached it; then per place, whether it was made a
    // member (or found to give nothing): one table, one allocation.
    let mut seen = vec![false; lines + places];
    let (line_seen, place_seen) = seen.split_at_mut(lines);
    let mut members: Vec<M> = Vec::with_capacity(places);
    // A component has a member and a line of its own at least.
    let mut bounds = Vec::with_capacity(places.min(lines));
    let mut stack: Vec<usize> = Vec::with_capacity(lines);
    // Marks `m`'s lines reached, each for the walk to read, and adds `m`.
    let join = |m: M, line_seen: &mut [bool], stack: &mut Vec<usize>, members: &mut Vec<M>| {
        for &next in lines_of(&m) {
            if let Some(seen) = line_seen.get_mut(next)
                && !*seen
            {
                *seen = true;
                stack.push(next);
            }
        }
        members.push(m);
    };
    for first in 0..places {
        // INVARIANT: a place not yet seen has none of its own lines reached (each of them lists
        // it, and a member is joined where it is reached on one of its own lines), so it starts
        // a component of its own.
        if place_seen.get(first).is_none_or(|&seen| seen) {
            continue;
        }
        if let Some(seen) = place_seen.get_mut(first) {
            *seen = true;
        }
        let Some(m) = member(first) else { continue };
        let start = members.len();
        join(m, line_seen, &mut stack, &mut members);
        while let Some(l) = stack.pop() {
            for &place in on_line(l) {
                if place_seen.get(place).is_none_or(|&seen| seen) {
                    continue;
                }
                let Some(m) = member(place) else {
                    if let Some(seen) = place_seen.get_mut(place) {
                        *seen = true;
                    }
                    continue;
                };
                // Withdrawn from this line: it joins where its own lines are (each of them lists
                // it, so it is reached there, or starts a component of its own).
                if !lines_of(&m).contains(&l) {
                    continue;
                }
                if let Some(seen) = place_seen.get_mut(place) {
                    *seen = true;
                }
                join(m, line_seen, &mut stack, &mut members);
            }
        }
        bounds.push((start, members.len()));
    }
    (members, bounds)
}

/// Which members of a component clash, as bit sets: reused by every component of a cart.
struct ClashRows {
    /// Row `x` is the bit set `clash[x * words..][..words]` of the members member `x` clashes with.
    clash: Vec<u64>,
    /// Per cart line, its place among its component's lines. A line is in one component only
    /// (its promotions are all joined), so each is set once for the whole search.
    line_bit: Vec<u32>,
    /// Row `x` is the bit set `line_sets[x * line_words..][..line_words]` of member `x`'s lines.
    line_sets: Vec<u64>,
}

impl ClashRows {
    fn new(lines: usize) -> ClashRows {
        ClashRows { clash: Vec::new(), line_bit: vec![u32::MAX; lines], line_sets: Vec::new() }
    }

    /// Fills the rows of `members` and returns the words in a row. Two members clash when the
    /// stacking rules say they conflict and they share a line: each pair is decided once, with a
    /// few word operations for the lines.
    fn build(&mut self, pricing: &Pricing<'_>, members: &[&Member<'_>]) -> usize {
        let mut count = 0usize;
        for m in members {
            for &l in m.lines {
                if let Some(bit) = self.line_bit.get_mut(l)
                    && *bit == u32::MAX
                {
                    *bit = count as u32;
                    count += 1;
                }
            }
        }
        let n = members.len();
        if n <= 64 && members.iter().all(|m| m.traits.plain()) {
            self.build_plain(pricing, members, count);
            return 1;
        }
        let line_words = count.div_ceil(64);
        self.line_sets.clear();
        self.line_sets.resize(n * line_words, 0u64);
        for (x, m) in members.iter().enumerate() {
            for &l in m.lines {
                if let Some(&bit) = self.line_bit.get(l) {
                    set_bit(self.line_sets.get_mut(x * line_words..(x + 1) * line_words), bit as usize);
                }
            }
        }
        let line_sets = &self.line_sets;
        let lines_of = |x: usize| line_sets.get(x * line_words..(x + 1) * line_words).unwrap_or(&[]);
        let words = n.div_ceil(64);
        self.clash.clear();
        self.clash.resize(n * words, 0u64);
        for (x, a) in members.iter().enumerate() {
            for (y, b) in members.iter().enumerate().skip(x + 1) {
                if conflicts_by(pricing.ruleset, (a.index, a.traits), (b.index, b.traits))
                    && lines_of(x).iter().zip(lines_of(y)).any(|(p, q)| p & q != 0)
                {
                    set_bit(self.clash.get_mut(x * words..(x + 1) * words), y);
                    set_bit(self.clash.get_mut(y * words..(y + 1) * words), x);
                }
            }
        }
        words
    }

    /// [`build`](Self::build) for at most 64 members, none exclusive or with a `stacks with`
    /// list (the usual case), whose `count` lines are numbered in `line_bit`: each member's row
    /// is the members on its lines, masked by the stages it conflicts with — word operations per
    /// member and line, not per pair.
    fn build_plain(&mut self, pricing: &Pricing<'_>, members: &[&Member<'_>], count: usize) {
        // Per line (by its number), the members on it.
        self.line_sets.clear();
        self.line_sets.resize(count, 0u64);
        let mut stages = StageSets::default();
        for (x, m) in members.iter().enumerate() {
            stages.add(x, m.traits);
            for &l in m.lines {
                if let Some(on_line) = self.line_bit.get(l).and_then(|&b| self.line_sets.get_mut(b as usize)) {
                    *on_line |= 1 << x;
                }
            }
        }
        self.clash.clear();
        for (x, m) in members.iter().enumerate() {
            let sharing = m
                .lines
                .iter()
                .filter_map(|&l| self.line_bit.get(l).and_then(|&b| self.line_sets.get(b as usize)))
                .fold(0u64, |acc, &on_line| acc | on_line);
            self.clash.push(sharing & stages.conflicts_of(pricing.ruleset, m.traits) & !(1 << x));
        }
        // The rows are what deciding each pair gives (debug builds check every pair).
        debug_assert!(members.iter().enumerate().all(|(x, a)| members.iter().enumerate().all(|(y, b)| {
            let shares_line = a.lines.iter().any(|l| b.lines.contains(l));
            let expected =
                x != y && shares_line && conflicts_by(pricing.ruleset, (a.index, a.traits), (b.index, b.traits));
            self.clash.get(x).is_some_and(|row| (row >> y) & 1 == u64::from(expected))
        })));
    }
}

/// A promotion the search may choose, with what it reads of it.
#[derive(Clone, Copy)]
struct Member<'e> {
    index: usize,
    /// Its position in `relevant` (and among the stand-alone results).
    place: usize,
    /// The lines it may apply to.
    lines: &'e [usize],
    /// What it gives alone.
    alone: &'e PromotionResult,
    /// Its stand-alone gain, in minor units.
    gain: Value,
    /// What deciding its conflicts reads.
    traits: Traits,
    /// Whether the customer chose it.
    forced: bool,
}

/// The customer's gain from a combination in minor units, for comparing: discount, then gift
/// value. Exact: every amount the engine computes is in the minor unit.
type Value = (i128, i128);

/// A value in minor units as the search's integer (`i64` where every value the component can
/// reach fits, [`fits_narrow`]; `i128` otherwise).
fn narrow<V: Minor>((d, g): Value) -> (V, V) {
    (narrow_one(d), narrow_one(g))
}

fn narrow_one<V: Minor>(x: i128) -> V {
    // INVARIANT: a search in `i64` runs only where every value fits (`fits_narrow`).
    debug_assert!(V::try_from(x).is_ok(), "{x} fits the search's integer");
    V::saturating_from(x)
}

/// The largest total that lets a search run in `i64`: two such totals added stay below `i64::MAX`.
const NARROW_LIMIT: i128 = 1 << 61;

/// Whether a monotone search whose members' stand-alone gains sum to `open`, on a cart of
/// `cart_minor` minor units, reaches only values that fit an `i64`. Where the search is monotone
/// every gain is at least zero, so each value it adds or compares is at most one of: a sum of
/// gains (at most `open`), a combination's value (its discount at most the cart's amount, its
/// gift value at most `open`'s), or one of each added for a bound. Each total at most
/// [`NARROW_LIMIT`] keeps them all below 2^62.
fn fits_narrow(open: Value, cart_minor: i128) -> bool {
    (0..=NARROW_LIMIT).contains(&open.0) && (0..=NARROW_LIMIT).contains(&open.1) && cart_minor <= NARROW_LIMIT
}

/// Sets bit `pos` of the bit set `bits`.
fn set_bit(bits: Option<&mut [u64]>, pos: usize) {
    if let Some(word) = bits.and_then(|b| b.get_mut(pos / 64)) {
        *word |= 1 << (pos % 64);
    }
}

/// What a member gave alone, in minor units, replayed at a leaf under parallel calculation.
struct Replay<'r> {
    stage: Stage,
    /// The promotion.
    index: usize,
    /// Its discounts per line before clamping (`PromotionResult::raw`).
    raw: &'r [(usize, i128)],
    gift_value: i128,
}

/// What is left of each line while a leaf is composed, in minor units; and, where adding a
/// member never lowers a combination's value, the chosen members' discounts summed per line.
// INVARIANT: between leaves every slot of `amounts` holds its line's original amount; between
// components every slot of `sums` is zero.
#[derive(Default)]
struct Left {
    amounts: Vec<i128>,
    original: Vec<i128>,
    /// Lines changed by the leaf being composed, restored after it.
    touched: Vec<usize>,
    /// Per line, the chosen members' discounts before clamping, summed.
    sums: Vec<i128>,
}

impl Left {
    fn new(original: Vec<i128>) -> Left {
        Left { amounts: original.clone(), sums: vec![0; original.len()], original, touched: Vec::new() }
    }

    /// Adds a member's discounts before clamping to the sums per line, and returns how much the
    /// chosen members' discount grows by it.
    ///
    /// Exact where no discount is below zero: clamped in any order, a line's discounts then give
    /// the smaller of its amount and their sum, so [`compose`](Self::compose) of the chosen
    /// members is the sum over lines of `min(original, sum)` — kept here as members are chosen
    /// instead of composed again at every leaf.
    fn add(&mut self, raws: &[(usize, i128)]) -> i128 {
        let mut grew = 0;
        for &(l, d) in raws {
            let (Some(sum), Some(&original)) = (self.sums.get_mut(l), self.original.get(l)) else { continue };
            let before = (*sum).min(original).max(0);
            *sum += d;
            grew += (*sum).min(original).max(0) - before;
        }
        grew
    }

    /// Takes back what [`add`](Self::add) added.
    fn remove(&mut self, raws: &[(usize, i128)]) {
        for &(l, d) in raws {
            if let Some(sum) = self.sums.get_mut(l) {
                *sum -= d;
            }
        }
    }

    /// The value of promotions whose stand-alone discounts are `parts`, in the order
    /// [`Pricing::evaluate`] applies them: each discount cut to what is left of its line.
    ///
    /// Exact in parallel calculation only: there every promotion measures the original amounts,
    /// so what it gives before clamping does not depend on the others, and replaying the clamps
    /// in the same order gives the same discount.
    fn compose<'r: 'p, 'p>(&mut self, parts: impl Iterator<Item = &'p Replay<'r>>) -> Value {
        let (mut discount, mut gift_value) = (0i128, 0i128);
        for part in parts {
            gift_value += part.gift_value;
            for &(l, d) in part.raw {
                let Some(amount) = self.amounts.get_mut(l) else { continue };
                let d = d.min(*amount).max(0);
                *amount -= d;
                discount += d;
                self.touched.push(l);
            }
        }
        for l in self.touched.drain(..) {
            if let (Some(slot), Some(&o)) = (self.amounts.get_mut(l), self.original.get(l)) {
                *slot = o;
            }
        }
        (discount, gift_value)
    }
}

/// A component to search: its members and what the search reads of them.
struct Component<'s, 'p> {
    pricing: &'s Pricing<'p>,
    members: &'s [usize],
    /// Which members (by position) clash: row `x` is the bit set `clash[x * words..][..words]`.
    clash: &'s [u64],
    /// Words in a bit set of members.
    words: usize,
    forced: &'s [usize],
    /// Parallel calculation: per member (by position), what it gave alone, so a combination's
    /// value is composed (exact there) instead of evaluated.
    replays: &'s [Replay<'s>],
    parallel: bool,
    /// Whether adding a compatible member never lowers a combination's value: parallel
    /// calculation, with no stand-alone discount or gift value below zero. Each line then gives
    /// the smaller of its amount and its discounts' sum, and gift values add up.
    monotone: bool,
}

/// The words in a bit set of a component's members, for the search: one word (at most 64
/// members, nearly always) known when the search is compiled, so each bit set it reads and
/// writes is one machine word; or as many as the component needs.
trait Width: Copy {
    fn words(self) -> usize;
}

/// One word.
#[derive(Clone, Copy)]
struct OneWord;

impl Width for OneWord {
    #[inline]
    fn words(self) -> usize {
        1
    }
}

/// As many words as a component of more than 64 members needs.
#[derive(Clone, Copy)]
struct Words(usize);

impl Width for Words {
    #[inline]
    fn words(self) -> usize {
        self.0
    }
}

/// Searches `component` whose members' stand-alone gains are `gains`, summing to `open`, in
/// `V`; `scratch` is what is left of each line, the best combination's members (positions,
/// ascending: written), the chosen members and the blocked sets (level 0 clear). Returns the
/// combinations evaluated and whether a best one was found.
fn explore<V: Minor>(
    component: &Component<'_, '_>,
    gains: &[(V, V)],
    open: (V, V),
    scratch: (&mut Left, &mut Vec<usize>, &mut Vec<usize>, &mut [u64]),
) -> (u64, bool) {
    match component.words {
        1 => explore_in(component, OneWord, gains, open, scratch),
        words => explore_in(component, Words(words), gains, open, scratch),
    }
}

/// [`explore`] with bit sets of `width`.
fn explore_in<V: Minor, W: Width>(
    component: &Component<'_, '_>,
    width: W,
    gains: &[(V, V)],
    open: (V, V),
    (left, best_at, chosen, blocked): (&mut Left, &mut Vec<usize>, &mut Vec<usize>, &mut [u64]),
) -> (u64, bool) {
    debug_assert_eq!(width.words(), component.words, "the component's bit sets");
    let mut search = Search {
        c: component,
        width,
        gains,
        left,
        chosen_value: (V::default(), V::default()),
        parts: Vec::new(),
        best: None,
        best_at: std::mem::take(best_at),
        evaluated: 0,
        budget: SEARCH_BUDGET,
    };
    search.visit(0, chosen, (V::default(), V::default()), open, blocked);
    *best_at = search.best_at;
    (search.evaluated, search.best.is_some())
}

/// The branch and bound over one component, its values in `V`, its bit sets of width `W`.
struct Search<'s, 'p, V, W> {
    c: &'s Component<'s, 'p>,
    width: W,
    gains: &'s [(V, V)],
    left: &'s mut Left,
    /// Where `monotone`: the value of the chosen members, kept as they are chosen (`Left::add`).
    chosen_value: (V, V),
    /// Scratch for a leaf's members in the order they are composed.
    parts: Vec<&'s Replay<'s>>,
    /// The value of the best combination found, and its members (positions, ascending).
    best: Option<(V, V)>,
    best_at: Vec<usize>,
    evaluated: u64,
    budget: u64,
}

fn add<V: Minor>(a: (V, V), b: (V, V)) -> (V, V) {
    (a.0 + b.0, a.1 + b.1)
}

fn sub<V: Minor>(a: (V, V), b: (V, V)) -> (V, V) {
    (a.0 - b.0, a.1 - b.1)
}

impl<V: Minor, W: Width> Search<'_, '_, V, W> {
    /// The value of the members at positions `chosen` composed afresh (parallel calculation).
    fn composed(&mut self, chosen: &[usize]) -> Value {
        let mut parts = std::mem::take(&mut self.parts);
        parts.clear();
        parts.extend(chosen.iter().filter_map(|&pos| self.c.replays.get(pos)));
        // The order `evaluate` applies them in: by stage, then by index.
        parts.sort_unstable_by_key(|r| (r.stage, r.index));
        let value = self.left.compose(parts.iter().copied());
        self.parts = parts;
        value
    }

    /// The row of member `pos` in the clash matrix.
    fn row(&self, pos: usize) -> &[u64] {
        let w = self.width.words();
        self.c.clash.get(pos * w..(pos + 1) * w).unwrap_or(&[])
    }

    /// Writes into `blocked` level `chosen + 1` what level `chosen` blocks and member `k`'s
    /// clashes, and returns `open` less the gains of the undecided members (after `k`) it newly
    /// blocks, and whether it blocks any.
    fn choose(&self, blocked: &mut [u64], chosen: usize, k: usize, mut open: (V, V)) -> ((V, V), bool) {
        let w = self.width.words();
        // One word a set (nearly every component; known when the search is compiled): a level
        // is one word, read and written in place, without slices cut and zipped.
        if w == 1 {
            let was = blocked.get(chosen).copied().unwrap_or(0);
            let row = self.c.clash.get(k).copied().unwrap_or(0);
            if let Some(next) = blocked.get_mut(chosen + 1) {
                *next = was | row;
            }
            // Members after `k` only (`k` is below 64 here).
            let mut newly = row & !was & (!0u64).checked_shl(k as u32 + 1).unwrap_or(0);
            let blocks_any = newly != 0;
            while newly != 0 {
                open = sub(open, self.gains.get(newly.trailing_zeros() as usize).copied().unwrap_or_default());
                newly &= newly - 1;
            }
            return (open, blocks_any);
        }
        let mut blocks_any = false;
        let Some((below, above)) = blocked.get_mut(chosen * w..(chosen + 2) * w).map(|s| s.split_at_mut(w)) else {
            return (open, blocks_any);
        };
        for (word, ((next, &was), &row)) in above.iter_mut().zip(below.iter()).zip(self.row(k)).enumerate() {
            *next = was | row;
            // Members after `k` only: the bits above `k`'s in its word, every bit in later words.
            let after = match (word * 64).cmp(&(k - k % 64)) {
                std::cmp::Ordering::Less => 0,
                std::cmp::Ordering::Equal => (!0u64).checked_shl(k as u32 % 64 + 1).unwrap_or(0),
                std::cmp::Ordering::Greater => !0u64,
            };
            let mut newly = row & !was & after;
            blocks_any |= newly != 0;
            while newly != 0 {
                let pos = word * 64 + newly.trailing_zeros() as usize;
                open = sub(open, self.gains.get(pos).copied().unwrap_or_default());
                newly &= newly - 1;
            }
        }
        (open, blocks_any)
    }

    /// `chosen` holds positions in `members`, ascending; `gain` is their stand-alone gains
    /// summed; level `chosen.len()` of `blocked` (`words` words a level) is the bit set of the
    /// members that clash with a chosen one; `open` is the stand-alone gains of the undecided
    /// members (from `k` on) that nothing chosen blocks.
    fn visit(&mut self, k: usize, chosen: &mut Vec<usize>, gain: (V, V), open: (V, V), blocked: &mut [u64]) {
        if self.evaluated >= self.budget {
            return;
        }
        // Upper bound: what is chosen plus every compatible undecided promotion, each at its
        // stand-alone gain (a promotion never gains more beside others than alone).
        // INVARIANT: every chosen position is below `k`.
        // Where values only grow, what is chosen is counted at its value together, no more than
        // the sum of its stand-alone gains (a line gives at most its amount), so the bound is
        // tighter.
        let bound = add(if self.c.monotone { self.chosen_value } else { gain }, open);
        if let Some(best) = self.best
            && bound <= best
        {
            return;
        }
        // Members a chosen one blocks are decided already — left out, their gains taken out of
        // `open` when they were blocked (`choose`) — so they are passed over here, not each
        // given a level of recursion that would only pass it on.
        let level = chosen.len() * self.width.words();
        let blocked_at = |k: usize| blocked.get(level + k / 64).is_some_and(|&w| w & (1 << (k % 64)) != 0);
        let mut k = k;
        while k < self.c.members.len() && blocked_at(k) {
            k += 1;
        }
        let Some(&i) = self.c.members.get(k) else {
            self.evaluated += 1;
            let value = if self.c.monotone {
                let kept = self.chosen_value;
                debug_assert_eq!(
                    kept,
                    narrow(self.composed(chosen)),
                    "the chosen members' value kept as they were chosen"
                );
                kept
            } else if self.c.parallel {
                narrow(self.composed(chosen))
            } else {
                let set: Vec<usize> = chosen.iter().filter_map(|&pos| self.c.members.get(pos).copied()).collect();
                narrow(self.c.pricing.minor_value(&self.c.pricing.evaluate(&set)))
            };
            // A tie does not replace the best: the first found is kept.
            if self.best.is_none_or(|b| value > b) {
                self.best = Some(value);
                self.best_at.clear();
                self.best_at.extend_from_slice(chosen);
            }
            return;
        };
        // INVARIANT: nothing chosen blocks member `k` (passed over above).
        let g = self.gains.get(k).copied().unwrap_or_default();
        // Member `k` is decided either way: it leaves the undecided members.
        let rest = sub(open, g);
        let (rest_chosen, blocks_any) = self.choose(blocked, chosen.len(), k, rest);
        let before = self.chosen_value;
        let replay = if self.c.monotone { self.c.replays.get(k) } else { None };
        if let Some(r) = replay {
            self.chosen_value = add(self.chosen_value, narrow((self.left.add(r.raw), r.gift_value)));
        }
        chosen.push(k);
        self.visit(k + 1, chosen, add(gain, g), rest_chosen, blocked);
        chosen.pop();
        if let Some(r) = replay {
            self.left.remove(r.raw);
            self.chosen_value = before;
        }
        // Where adding a promotion never lowers a combination's value, leaving out one that
        // blocks nothing undecided cannot do better: every combination without it is matched by
        // the same with it, found first (and a tie does not replace the best).
        if self.c.monotone && !blocks_any {
            return;
        }
        // A forced member is not left out.
        if !self.c.forced.contains(&i) {
            self.visit(k + 1, chosen, gain, rest, blocked);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::by_component;

    /// The components found, each as its members' places, for promotions at places `0..` on
    /// `lines` (those in `gives_nothing` give nothing; `withdrawn` lists (place, line) the
    /// promotion's scope holds on but it may not apply to).
    fn found(
        lines_of: &[Vec<usize>],
        lines: usize,
        gives_nothing: &[usize],
        withdrawn: &[(usize, usize)],
    ) -> Vec<Vec<usize>> {
        let mut on_line: Vec<Vec<usize>> = vec![Vec::new(); lines];
        for (place, ls) in lines_of.iter().enumerate() {
            for &l in ls {
                on_line[l].push(place);
            }
        }
        for &(place, l) in withdrawn {
            on_line[l].push(place);
            on_line[l].sort_unstable();
        }
        let (members, bounds) = by_component(
            lines,
            lines_of.len(),
            |l| on_line[l].as_slice(),
            |place| (!gives_nothing.contains(&place)).then_some(place),
            |&place| lines_of[place].as_slice(),
        );
        bounds
            .iter()
            .map(|&(from, to)| {
                let mut c = members[from..to].to_vec();
                c.sort_unstable();
                c
            })
            .collect()
    }

    #[test]
    fn members_sharing_a_line_are_one_component_in_order_of_their_first_member() {
        // 0 and 2 share line 0; 2 joins line 2, which 4 is on; 5 joins lines 5 and 3, and 3 is
        // on line 3: 3 and 5 meet only through a line neither lists first.
        let members = vec![vec![0], vec![1], vec![0, 2], vec![3], vec![2], vec![5, 3], vec![4]];
        assert_eq!(found(&members, 6, &[], &[]), vec![vec![0, 2, 4], vec![1], vec![3, 5], vec![6]]);
        // A chain joined from its far end: every member one component.
        let chain = vec![vec![3, 4], vec![2, 3], vec![1, 2], vec![0, 1], vec![0]];
        assert_eq!(found(&chain, 5, &[], &[]), vec![vec![0, 1, 2, 3, 4]]);
    }

    #[test]
    fn only_members_join_lines_and_only_through_their_own_lines() {
        // 1 gives nothing: lines 0 and 1, which only it spans, stay apart.
        let members = vec![vec![0], vec![0, 1], vec![1]];
        assert_eq!(found(&members, 2, &[1], &[]), vec![vec![0], vec![2]]);
        // 1's scope holds on line 0 too, but it is withdrawn there: it joins 2 on line 1, not 0.
        let members = vec![vec![0], vec![1], vec![1]];
        assert_eq!(found(&members, 2, &[], &[(1, 0)]), vec![vec![0], vec![1, 2]]);
        // Lines with nothing on them, or none at all: no component.
        assert_eq!(found(&[vec![2]], 4, &[], &[]), vec![vec![0]]);
        assert!(found(&[], 3, &[], &[]).is_empty());
    }
}
