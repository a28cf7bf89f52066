//! What each kind of promotion gives one group of lines (spec/evaluation.md §3). One table —
//! [`apply`] — decides per kind; each family of kinds lives in its own file.

mod bundle;
mod gift;
mod per_unit;
mod quantity;
mod threshold;
mod words;

use rust_decimal::{Decimal, RoundingStrategy};
use smallvec::SmallVec;

use crate::ir::{Benefit, CompiledRuleset, SymbolId, Threshold, ThresholdKind, Value};
use crate::money::Rounding;
pub(crate) use words::Gives;
pub use words::Note;

/// An amount per line (line index, amount). Most groups are a line or two, so most lists stay
/// inline, without an allocation per promotion and group.
pub(crate) type LineAmounts = SmallVec<[(usize, Decimal); 2]>;

/// Where a kind writes its discounts: (line index, amount in minor units), rounded to the minor
/// unit, appended to the promotion's list before clamping (`PromotionResult::raw`). Written where
/// they stay, in the units the search and clamping read: no decimal is made for a discount the
/// integer rules computed, and none is carried in the [`Effect`] every evaluation moves.
pub(crate) type Discounts = Vec<(usize, i128)>;

/// A line as one promotion's group sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct GroupLine {
    /// Index of the line in the cart.
    pub line: usize,
    /// Units.
    pub qty: u64,
    /// The line amount this stage sees (original, or what earlier stages left).
    pub base: Decimal,
    /// `base` in minor units, where it is known to be exact and fit: the kinds then work on it
    /// in integers without converting `base` (every group a promotion is evaluated on has it;
    /// the units a kind picks out of one, priced by a decimal rule, may not).
    pub minor: Option<i64>,
}

impl GroupLine {
    /// The base unit price (exact; rounded only where a result is).
    pub fn unit(&self) -> Decimal {
        match self.qty {
            0 => Decimal::ZERO,
            1 => self.base,
            n => self.base / Decimal::from(n),
        }
    }
}

/// Rounding to the currency's minor unit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules {
    pub minor_units: u32,
    pub rounding: Rounding,
}

impl Rules {
    pub fn round(&self, d: Decimal) -> Decimal {
        let strategy = match self.rounding {
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::Down => RoundingStrategy::ToZero,
            Rounding::Up => RoundingStrategy::AwayFromZero,
        };
        d.round_dp_with_strategy(self.minor_units, strategy)
    }

    /// `d` in minor units, as the search compares values. Amounts the engine computes are already
    /// in the minor unit; one that were not would be rounded to it first.
    #[inline]
    pub fn minor(&self, d: Decimal) -> i128 {
        if d.scale() == self.minor_units || d.is_zero() {
            return d.mantissa();
        }
        self.minor_rescaled(d)
    }

    /// [`minor`](Self::minor) of an amount at another scale than the minor unit's (rare): kept
    /// out of line so the usual case is inlined where it is asked.
    #[cold]
    fn minor_rescaled(&self, d: Decimal) -> i128 {
        crate::money::scaled(d, self.minor_units)
            .or_else(|| crate::money::scaled(self.round(d), self.minor_units))
            // INVARIANT: amounts are bounded far below 10^28 (ARCHITECTURE rule 5), so they fit.
            .unwrap_or(0)
    }

    /// Allocates `amount` over the lines by their base (spec/allocation.md).
    pub fn allocate(&self, amount: Decimal, group: &[GroupLine]) -> LineAmounts {
        let mut shares = [0i128; 8];
        match self.split_over(amount, group, &mut shares) {
            Split::Whole(line) => smallvec::smallvec![(line, amount)],
            Split::Minor(shares) => {
                group.iter().zip(shares).filter_map(|(g, &s)| Some((g.line, self.decimal(s)?))).collect()
            }
            Split::Decimal(shares) => shares,
        }
    }

    /// [`allocate`](Self::allocate) written into `out` in minor units (the same amounts, without
    /// a decimal made for each where the rule ran on integers).
    pub fn allocate_into(&self, amount: Decimal, group: &[GroupLine], out: &mut Discounts) {
        let mut shares = [0i128; 8];
        match self.split_over(amount, group, &mut shares) {
            Split::Whole(line) => out.push((line, self.minor(amount))),
            Split::Minor(shares) => out.extend(group.iter().map(|g| g.line).zip(shares.iter().copied())),
            Split::Decimal(shares) => out.extend(shares.into_iter().map(|(l, d)| (l, self.minor(d)))),
        }
    }

    /// How [`allocate`](Self::allocate) shares `amount` over `group`, decided once for both of
    /// the forms its callers write; `shares` holds the integer rule's shares.
    fn split_over<'s>(&self, amount: Decimal, group: &[GroupLine], shares: &'s mut [i128; 8]) -> Split<'s> {
        // One line takes it all: what the general rule gives, without its bookkeeping.
        if let [only] = group
            && !amount.is_sign_negative()
            && amount.scale() <= self.minor_units
        {
            return Split::Whole(only.line);
        }
        // Amounts and bases in minor units (nearly always): the rule on integers, no decimals —
        // where each share makes a decimal, as an amount the outcome shows must.
        if let Some(shares) = self.allocate_minor(amount, group, shares)
            && shares.iter().all(|&s| self.fits_decimal(s))
        {
            return Split::Minor(shares);
        }
        Split::Decimal(self.allocate_decimal(amount, group))
    }

    /// [`allocate`](Self::allocate) by the general rule, in decimals.
    fn allocate_decimal(&self, amount: Decimal, group: &[GroupLine]) -> LineAmounts {
        // A small group's weights stay on the stack.
        let mut small = [Decimal::ZERO; 8];
        let large: Vec<Decimal>;
        let weights: &[Decimal] = match small.get_mut(..group.len()) {
            Some(slots) => {
                slots.iter_mut().zip(group).for_each(|(w, g)| *w = g.base);
                slots
            }
            None => {
                large = group.iter().map(|g| g.base).collect();
                &large
            }
        };
        match crate::allocate::shares(amount, weights, self.minor_units) {
            Ok(shares) => group.iter().map(|g| g.line).zip(shares).collect(),
            // INVARIANT: amounts here are rounded and non-negative, and groups are not empty.
            Err(_) => LineAmounts::new(),
        }
    }

    /// The shares of [`allocate`](Self::allocate) in minor units, written into `shares` (one per
    /// group line, at most eight), when `amount` and every base are non-negative and in minor
    /// units; `None` otherwise (or when a product does not fit an `i128`).
    fn allocate_minor<'s>(
        &self,
        amount: Decimal,
        group: &[GroupLine],
        shares: &'s mut [i128; 8],
    ) -> Option<&'s [i128]> {
        let exact = |d: Decimal| {
            (!d.is_sign_negative() && d.scale() <= self.minor_units)
                .then(|| crate::money::scaled(d, self.minor_units))
                .flatten()
        };
        let units = exact(amount)?;
        // A few lines on the stack; more take the general path.
        let mut ws = [0i128; 8];
        let (ws, shares) = (ws.get_mut(..group.len())?, shares.get_mut(..group.len())?);
        for (w, g) in ws.iter_mut().zip(group) {
            *w = match g.minor {
                Some(m) if m >= 0 => i128::from(m),
                _ => exact(g.base)?,
            };
        }
        crate::allocate::split(units, ws, shares)?;
        Some(shares)
    }

    /// Whether [`decimal`](Self::decimal) of `minor` is `Some` (a mantissa of at most 96 bits, at
    /// a scale a decimal has), decided without making the decimal.
    fn fits_decimal(&self, minor: i128) -> bool {
        self.minor_units <= 28 && minor.unsigned_abs() < 1 << 96
    }

    /// An amount in minor units as a decimal; `None` when it does not fit one.
    pub fn decimal(&self, minor: i128) -> Option<Decimal> {
        Decimal::try_from_i128_with_scale(minor, self.minor_units).ok()
    }
}

/// How an allocation shares its amount ([`Rules::allocate`]).
enum Split<'s> {
    /// All of it to this line, the group's only one.
    Whole(usize),
    /// By the integer rule: each group line's share in minor units, in group order.
    Minor(&'s [i128]),
    /// By the decimal rule.
    Decimal(LineAmounts),
}

/// How many units or uses a promotion may still give (limits and stock, spec §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Allowance {
    /// Units left; `None` = unlimited.
    pub left: Option<u64>,
}

impl Allowance {
    pub fn take(&mut self, want: u64) -> u64 {
        match &mut self.left {
            None => want,
            Some(left) => {
                let got = want.min(*left);
                *left -= got;
                got
            }
        }
    }

    pub fn exhausted(&self) -> bool {
        self.left == Some(0)
    }
}

/// What a group missed: for hints.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Miss {
    /// How much more to spend, or how many more units.
    pub missing: Decimal,
    /// Whether `missing` is money.
    pub money: bool,
    /// What is counted when it is not money.
    pub noun: Noun,
    /// What reaching it gives.
    pub gives: Gives,
}

/// What a count that is not money counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Noun {
    Item,
    Member,
}

impl Noun {
    /// One of it, in words.
    pub fn word(self) -> &'static str {
        match self {
            Noun::Item => "item",
            Noun::Member => "member",
        }
    }
}

/// A gift earned by a group.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GiftEffect {
    pub sku: SymbolId,
    pub quantity: i64,
    pub worth: Decimal,
    pub shares: LineAmounts,
}

/// What a group earned besides discounts.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Extras {
    /// One gift a group, nearly always: inline.
    pub gifts: SmallVec<[GiftEffect; 1]>,
    /// (SKU, price, most units).
    pub addons: SmallVec<[(SymbolId, Decimal, Option<i64>); 1]>,
    /// (line, deposit due now, balance due by).
    pub presale: Vec<(usize, Decimal, Option<i64>)>,
}

/// What a promotion gives one group besides its discounts (written to [`Discounts`]): plain
/// data, kept by the promotion's result for each group. What few groups have — a miss, extras —
/// is written by [`Written`] into lists the result keeps and named here by place, so an effect
/// holds no allocation: emptying a result for the next pricing reads and frees none of them (a
/// list of effects that each held one was read whole to be emptied, and their misses allocated
/// and freed every pricing).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Effect {
    /// Whether the group got a discount above zero (set by [`apply`], from what it wrote).
    pub discounted: bool,
    /// Units or uses consumed.
    pub consumed: u64,
    /// Why nothing was given, when nothing was.
    pub note: Option<Note>,
    /// Its place among its result's misses, when the group has not reached something (nothing
    /// given) or a next tier (something given).
    pub miss: Option<u32>,
    /// Its place among its result's extras, when the group earned gifts, add-on offers or presale
    /// deposits.
    pub extras: Option<u32>,
}

impl Effect {
    pub fn nothing(note: impl Into<Note>) -> Effect {
        Effect { note: Some(note.into()), ..Effect::default() }
    }

    /// Whether the group got a discount, a gift, an add-on offer or a presale deposit (extras are
    /// kept only when there are some: [`Written::extras`]).
    pub fn gives_anything(&self) -> bool {
        self.discounted || self.extras.is_some()
    }
}

/// Where a kind writes what it gives a group, into lists its promotion's result keeps: its
/// discounts, and what few groups have beyond them — what they missed, what they earned besides
/// discounts — each named by its place in the group's [`Effect`].
pub(crate) struct Written<'w> {
    pub discounts: &'w mut Discounts,
    // INVARIANT: each entry of `missed` and `extras` is named by exactly one effect: a kind keeps
    // one only for the effect it returns.
    pub missed: &'w mut Vec<Miss>,
    pub extras: &'w mut Vec<Extras>,
}

impl Written<'_> {
    /// Keeps `miss` for the effect being returned, and gives its place.
    pub fn miss(&mut self, miss: Miss) -> Option<u32> {
        // INVARIANT: a result has a group per line at most, far below 2^32 places.
        let at = u32::try_from(self.missed.len()).ok()?;
        self.missed.push(miss);
        Some(at)
    }

    /// Keeps `extras` for the effect being returned, and gives its place; none when they are
    /// empty (so an effect names extras only when it earned some).
    pub fn extras(&mut self, extras: Extras) -> Option<u32> {
        let at = u32::try_from(self.extras.len()).ok()?;
        let earned = !(extras.gifts.is_empty() && extras.addons.is_empty() && extras.presale.is_empty());
        earned.then(|| self.extras.push(extras)).map(|()| at)
    }
}

/// What a kind needs besides the group.
pub(crate) struct KindCtx<'a> {
    pub rules: Rules,
    pub ruleset: &'a CompiledRuleset,
    /// SKU of each cart line.
    pub skus: &'a [&'a str],
    /// Members of this promotion's group-buy group, this customer included.
    pub group_members: u64,
}

/// What `benefit` gives `group`, within `allowance`: its discounts, misses and extras written to
/// `out`, its effect returned.
pub(crate) fn apply(
    benefit: &Benefit,
    group: &[GroupLine],
    allowance: &mut Allowance,
    ctx: &KindCtx<'_>,
    out: &mut Written<'_>,
) -> Effect {
    if group.is_empty() {
        return Effect::nothing("no lines in scope");
    }
    let before = out.discounts.len();
    let mut effect = apply_kind(benefit, group, allowance, ctx, out);
    effect.discounted = out.discounts.get(before..).is_some_and(|new| new.iter().any(|&(_, d)| d != 0));
    effect
}

/// [`apply`] for a group that is not empty, by kind.
fn apply_kind(
    benefit: &Benefit,
    group: &[GroupLine],
    allowance: &mut Allowance,
    ctx: &KindCtx<'_>,
    out: &mut Written<'_>,
) -> Effect {
    match benefit {
        Benefit::SpecialPrice(p) => per_unit::special_price(*p, group, allowance, ctx, out.discounts),
        Benefit::Discount(steps) => match steps.as_slice() {
            [(Value::Percent(p), None)] => per_unit::percent_off(*p, group, allowance, ctx, out.discounts),
            [(Value::Money(a), None)] => per_unit::amount_off(*a, group, allowance, ctx, out.discounts),
            _ => threshold::tiers(steps, group, allowance, ctx, out),
        },
        Benefit::DiscountEvery { amount, every, cap } => {
            threshold::every(*amount, *every, *cap, group, allowance, ctx, out)
        }
        Benefit::MultiBuy { count, price } => quantity::m_for_n(*count, *price, group, allowance, ctx, out),
        Benefit::BuyGet { buy, get, at, units } => {
            quantity::buy_get((*buy, *get), at.as_ref(), *units, group, allowance, ctx, out)
        }
        Benefit::Bundle { items, price } => bundle::bundle(items, *price, group, allowance, ctx, out),
        Benefit::Presale { deposit, deducts, balance_by } => {
            per_unit::presale(*deposit, *deducts, *balance_by, group, allowance, ctx, out)
        }
        Benefit::Group { size, price, .. } => per_unit::group_buy(*size, *price, group, allowance, ctx, out),
        Benefit::Gift { quantity, sku, worth, threshold } => {
            gift::gift((*quantity, *sku, *worth), threshold.as_ref(), group, allowance, ctx, out)
        }
        Benefit::Addon { sku, price, limit, threshold } => {
            gift::addon((*sku, *price, *limit), threshold.as_ref(), group, allowance, ctx.rules, out)
        }
    }
}

/// The group's measure for a threshold: base amount (spend) or units (buy).
pub(crate) fn measure(kind: ThresholdKind, group: &[GroupLine], rules: Rules) -> Decimal {
    match kind {
        ThresholdKind::Spend => spend(group, rules),
        ThresholdKind::Buy => Decimal::from(group.iter().map(|g| g.qty).sum::<u64>()),
    }
}

/// The group's base amount, Σ `base`: summed in minor units where every line has them (a
/// conversion, not a decimal addition per line), as decimals otherwise.
pub(crate) fn spend(group: &[GroupLine], rules: Rules) -> Decimal {
    group
        .iter()
        .try_fold(0i64, |sum, g| sum.checked_add(g.minor?))
        .and_then(|sum| Decimal::try_new(sum, rules.minor_units).ok())
        .unwrap_or_else(|| group.iter().map(|g| g.base).sum())
}

/// The bound of a threshold as a decimal.
pub(crate) fn bound(t: &Threshold) -> Decimal {
    match &t.value {
        Value::Money(m) => *m,
        Value::Int(i) => Decimal::from(*i),
        _ => Decimal::ZERO,
    }
}

/// Runs of equal units: (index in group, unit price, count), the price a decimal or (where the
/// integer rules apply) minor units. A group is a line or a few: inline.
pub(crate) type Runs<P = Decimal> = SmallVec<[(usize, P, u64); 4]>;

/// Units of a group ordered for "cheapest"/"priciest" choices: (index in group, unit price),
/// as runs of equal units, ordered by unit price then cart order.
pub(crate) fn runs(group: &[GroupLine], cheapest_first: bool) -> Runs {
    let mut runs: Runs = group.iter().enumerate().map(|(i, g)| (i, g.unit(), g.qty)).collect();
    order(&mut runs, cheapest_first);
    runs
}

/// Orders runs by unit price (cheapest or priciest first), then cart order.
pub(crate) fn order<P: Ord>(runs: &mut [(usize, P, u64)], cheapest_first: bool) {
    // Each run's index is its own: no two compare equal, so an unstable sort is deterministic.
    runs.sort_unstable_by(|a, b| {
        let by_price = if cheapest_first { a.1.cmp(&b.1) } else { b.1.cmp(&a.1) };
        by_price.then(a.0.cmp(&b.0))
    });
}

/// Takes `k` units from ordered runs: (index in group, unit price, count).
pub(crate) fn take<P: Copy>(runs: &[(usize, P, u64)], mut k: u64) -> Runs<P> {
    let mut out = Runs::new();
    for &(i, unit, count) in runs {
        if k == 0 {
            break;
        }
        let n = count.min(k);
        out.push((i, unit, n));
        k -= n;
    }
    out
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::{Discounts, GroupLine, Rules, spend};
    use crate::money::Rounding;

    fn line(line: usize, base: &str, minor: Option<i64>) -> GroupLine {
        GroupLine { line, qty: 1, base: base.parse().unwrap_or_default(), minor }
    }

    #[test]
    fn a_groups_spend_is_its_bases_summed_in_minor_units_or_as_decimals() {
        let rules = Rules { minor_units: 2, rounding: Rounding::HalfUp };
        let dec = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        // Every line in minor units: summed as integers, written at the currency's scale.
        let known = [line(0, "10.50", Some(1050)), line(1, "89.5", Some(8950))];
        assert_eq!(spend(&known, rules), dec("100.00"));
        assert_eq!(spend(&known, rules).scale(), 2);
        // One line without them (units a decimal rule priced): the decimals are summed.
        let unknown = [line(0, "10.50", Some(1050)), line(1, "3.333", None)];
        assert_eq!(spend(&unknown, rules), dec("13.833"));
        // A sum past 64 bits is summed as decimals too.
        let huge = [line(0, "92233720368547758.07", Some(i64::MAX)), line(1, "0.01", Some(1))];
        assert_eq!(spend(&huge, rules), dec("92233720368547758.08"));
        assert_eq!(spend(&[], rules), Decimal::ZERO);
    }

    #[test]
    fn an_allocation_written_in_minor_units_is_the_decimal_allocation() {
        let rules = Rules { minor_units: 2, rounding: Rounding::HalfUp };
        let dec = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        let eleven: Vec<GroupLine> = (0..11).map(|l| line(l, "3.00", Some(300))).collect();
        let cases: [(&str, &[GroupLine]); 5] = [
            // One line: the amount whole, at a scale below the minor unit's.
            ("5", &[line(4, "20.00", Some(2000))]),
            // The integer rule: 10 over 10.00 and 90.00, and a remainder over three equal lines.
            ("10.00", &[line(0, "10.00", Some(1000)), line(1, "90.00", Some(9000))]),
            ("1.00", &[line(0, "1.00", Some(100)), line(2, "1.00", Some(100)), line(5, "1.00", Some(100))]),
            // A base not in minor units (units a decimal rule priced): the decimal rule.
            ("0.05", &[line(0, "3.333", None), line(1, "6.667", None)]),
            // More lines than the integer rule keeps on the stack: the decimal rule.
            ("1.00", &eleven),
        ];
        for (amount, group) in cases {
            let shares = rules.allocate(dec(amount), group);
            let mut written = Discounts::new();
            rules.allocate_into(dec(amount), group, &mut written);
            let expected: Discounts = shares.iter().map(|&(l, d)| (l, rules.minor(d))).collect();
            assert_eq!(written, expected, "{amount} over {} lines", group.len());
            assert_eq!(written.iter().map(|(_, d)| d).sum::<i128>(), rules.minor(dec(amount)), "{amount} sums");
        }
        // Three equal lines share 1.00 as 0.34, 0.33, 0.33: the remainder to the first.
        let mut thirds = Discounts::new();
        rules.allocate_into(dec("1.00"), cases[2].1, &mut thirds);
        assert_eq!(thirds, vec![(0, 34), (2, 33), (5, 33)]);
    }

    #[test]
    fn a_minor_amount_fits_a_decimal_below_96_bits() {
        let rules = Rules { minor_units: 2, rounding: Rounding::HalfUp };
        let max = (1i128 << 96) - 1;
        for minor in [0, 1, -1, max, -max] {
            assert!(rules.fits_decimal(minor), "{minor}");
            assert!(rules.decimal(minor).is_some(), "{minor}");
        }
        for minor in [1i128 << 96, -(1i128 << 96), i128::MAX] {
            assert!(!rules.fits_decimal(minor), "{minor}");
            assert!(rules.decimal(minor).is_none(), "{minor}");
        }
        // No decimal has more than 28 places.
        let fine = Rules { minor_units: 29, rounding: Rounding::HalfUp };
        assert!(!fine.fits_decimal(1));
        assert!(fine.decimal(1).is_none());
    }
}
