//! Binding inputs to a compiled ruleset: every attribute a ruleset uses is read from the cart
//! line or the customer, checked against its type, and turned into an interned value, once per
//! cart. A wrong input is an [`InputError`] that names the place and says what was expected.

use std::collections::{BTreeMap, HashSet};

use rust_decimal::Decimal;
use serde_json::Value as Json;

use crate::input::{Cart, Customer};
use crate::ir::{CompiledRuleset, Subject, SymbolId, ValueType};
use crate::text_index::{Repeated, TextIndex};

/// A bad input: where, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {message}")]
pub struct InputError {
    /// A path into the input, e.g. `cart.lines[2].attributes.tier`.
    pub place: String,
    /// What is wrong and what was expected.
    pub message: String,
}

fn error(place: impl ToString, message: impl Into<String>) -> InputError {
    InputError { place: place.to_string(), message: message.into() }
}

/// Where a value is in the input (`cart.lines[2].attributes.tier`), written out only when an
/// error names it: binding a good cart formats nothing.
#[derive(Debug, Clone, Copy)]
enum Place<'a> {
    /// A fixed path.
    Root(&'static str),
    /// `cart.lines[i]`.
    Line(usize),
    /// `parent.name`.
    Field(&'a Place<'a>, &'a str),
    /// `parent[i]`.
    Index(&'a Place<'a>, usize),
}

impl std::fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Root(path) => f.write_str(path),
            Place::Line(i) => write!(f, "cart.lines[{i}]"),
            Place::Field(parent, name) => write!(f, "{parent}.{name}"),
            Place::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// An attribute value, in the form conditions compare. It is `Copy`: a set's items live in the
/// cart's [`BoundCart`] (read through a [`Row`]), so a table of values is filled and dropped
/// without a per-value allocation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// Int, duration (seconds), time (Unix seconds).
    Int(i64),
    /// Decimal, money, percent.
    Decimal(Decimal),
    /// Boolean.
    Bool(bool),
    /// Text: its symbol, or `None` for text no condition mentions (equal to nothing).
    Text(Option<SymbolId>),
    /// A set: its items, read with [`Row::items`].
    Set(Items),
    /// An enum value's rank.
    Enum(u32),
}

/// Where a set's items are in its cart's item list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Items {
    start: u32,
    len: u32,
}

/// The values of every attribute the ruleset uses, indexed by [`AttrId`](crate::ir::AttrId); `None` where the input
/// does not give it.
pub type Values = [Option<Bound>];

/// What a condition reads: one table of values (a line's, which holds the customer's too, or the
/// customer's alone) and the items of the sets in it.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    values: &'a Values,
    items: &'a [Bound],
}

impl<'a> Row<'a> {
    /// The value of attribute `attr`, if the input gives it.
    pub fn get(&self, attr: crate::ir::AttrId) -> Option<&'a Bound> {
        self.values.get(attr.0 as usize).and_then(Option::as_ref)
    }

    /// The items of a set value of this row.
    pub fn items(&self, set: Items) -> &'a [Bound] {
        self.items.get(set.start as usize..(set.start as usize).saturating_add(set.len as usize)).unwrap_or(&[])
    }
}

/// A cart checked against a ruleset.
#[derive(Debug, Clone)]
pub struct BoundCart {
    /// Per line, product and customer attributes together: `width` values a line, line after
    /// line (one table for the cart).
    values: Vec<Option<Bound>>,
    width: usize,
    /// How many lines (kept apart: a ruleset may use no attribute, so `width` may be 0).
    lines: usize,
    /// The customer's attributes alone.
    customer: Vec<Option<Bound>>,
    /// The items of every set value, the customer's and the lines'.
    items: Vec<Bound>,
    /// Coupon codes presented that the ruleset knows.
    pub coupons: HashSet<SymbolId>,
    /// Each line's amount, `unit_price × quantity`, checked where it was read.
    amounts: Vec<Decimal>,
}

impl BoundCart {
    /// How many lines the cart has.
    pub fn len(&self) -> usize {
        self.lines
    }

    /// Whether the cart has no lines.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Line `l`'s values (product and customer attributes), if the cart has that line.
    pub fn line(&self, l: usize) -> Option<Row<'_>> {
        if l >= self.lines {
            return None;
        }
        let start = l.checked_mul(self.width)?;
        let values = self.values.get(start..start.checked_add(self.width)?)?;
        Some(Row { values, items: &self.items })
    }

    /// Every line's values, in cart order.
    pub fn lines(&self) -> impl Iterator<Item = Row<'_>> {
        (0..self.len()).filter_map(|l| self.line(l))
    }

    /// Each line's amount (`unit_price × quantity`), in cart order: what pricing starts from.
    pub fn amounts(&self) -> &[Decimal] {
        &self.amounts
    }

    /// The customer's values alone.
    pub fn customer(&self) -> Row<'_> {
        Row { values: &self.customer, items: &self.items }
    }
}

/// What reading inputs against one ruleset needs, built once per ruleset ([`crate::Prepared`]
/// keeps one): text → symbol, and each attribute the input may give by subject and name. Its keys
/// come from the compiled ruleset, never from a cart, so a fast non-keyed hash is safe here.
#[derive(Debug, Clone, Default)]
pub struct Binder {
    /// Text → symbol: each symbol's position in the ruleset's own list of texts
    /// (`CompiledRuleset::symbols`), no copy of them.
    symbols: TextIndex<rustc_hash::FxBuildHasher>,
    /// Product attributes read from a line's `attributes`, with their ids, ascending by name.
    product: Vec<(String, usize)>,
    /// Customer attributes, with their ids, ascending by name.
    customer: Vec<(String, usize)>,
    /// The customer's attribute ids: copied into every line's table.
    customer_ids: Vec<usize>,
    /// The ids of the product attributes `sku` and `price`, which come from the line itself.
    sku: Option<usize>,
    price: Option<usize>,
}

impl Binder {
    /// The tables of `ruleset`.
    pub fn new(ruleset: &CompiledRuleset) -> Binder {
        let mut binder = Binder {
            // A text listed twice (no compiler makes such a ruleset) is its last symbol, as a
            // map collected from the list would have it. No index only past 2^32 texts, which
            // no ruleset has: a symbol's id is a `u32`.
            symbols: TextIndex::new(&ruleset.symbols, rustc_hash::FxBuildHasher, Repeated::KeepLast)
                .unwrap_or_default(),
            ..Binder::default()
        };
        // By name (a name given twice keeps its last id), then listed in order of their names.
        let (mut product, mut customer) = (BTreeMap::new(), BTreeMap::new());
        for (i, attr) in ruleset.attributes.iter().enumerate() {
            match (attr.subject, attr.name.as_str()) {
                (Subject::Product, "sku") => binder.sku = Some(i),
                (Subject::Product, "price") => binder.price = Some(i),
                (Subject::Product, name) => {
                    product.insert(name.to_owned(), i);
                }
                (Subject::Customer, name) => {
                    customer.insert(name.to_owned(), i);
                    binder.customer_ids.push(i);
                }
            }
        }
        binder.product = product.into_iter().collect();
        binder.customer = customer.into_iter().collect();
        binder
    }

    /// The symbol of `text`, if `ruleset` — the ruleset this binder was built from — mentions it.
    pub fn symbol(&self, ruleset: &CompiledRuleset, text: &str) -> Option<SymbolId> {
        self.symbols.find(text, |at| ruleset.symbol(SymbolId(at))).map(SymbolId)
    }
}

/// The largest line amount (`unit_price × quantity`) Promo prices. Every sum and product the
/// engine computes on amounts up to this stays far inside a decimal's range, so arithmetic on
/// them cannot overflow.
pub const MAX_LINE_AMOUNT: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0); // 10^15

/// Whether a (non-negative) line amount is at most [`MAX_LINE_AMOUNT`]: compared as integers at
/// the amount's scale, as every cart line is checked.
fn within_max_line_amount(amount: Decimal) -> bool {
    match crate::money::scaled(MAX_LINE_AMOUNT, amount.scale()) {
        Some(max) => amount.mantissa() <= max,
        None => amount <= MAX_LINE_AMOUNT,
    }
}

/// The most lines a cart may have.
pub const MAX_LINES: usize = 100_000;

/// Reads and checks `cart` and `customer` against `ruleset`.
pub fn bind(ruleset: &CompiledRuleset, cart: &Cart, customer: &Customer) -> Result<BoundCart, InputError> {
    bind_with(ruleset, &Binder::new(ruleset), cart, customer)
}

/// [`bind`] with the ruleset's [`Binder`] built once ([`crate::Prepared`] keeps one).
pub fn bind_with(
    ruleset: &CompiledRuleset,
    binder: &Binder,
    cart: &Cart,
    customer: &Customer,
) -> Result<BoundCart, InputError> {
    let width = ruleset.attributes.len();
    let mut reader = Reader { ruleset, tables: binder, items: Vec::new() };
    if let Some(currency) = &cart.currency
        && *currency != ruleset.settings.currency
    {
        return Err(error(
            "cart.currency",
            format!("the ruleset prices in {}, but the cart is in {currency}", ruleset.settings.currency),
        ));
    }
    let mut customer_values = vec![None; width];
    reader.fill(&mut customer_values, Subject::Customer, &customer.attributes, &Place::Root("customer.attributes"))?;
    if cart.lines.len() > MAX_LINES {
        return Err(error("cart.lines", format!("a cart has at most {MAX_LINES} lines")));
    }
    // The first line whose id an earlier line has is the one named. Line ids come from the cart:
    // the set's hash is seeded at random (foldhash, hashbrown's default), so an input cannot be
    // shaped against it.
    let mut ids: foldhash::HashSet<&str> =
        foldhash::HashSet::with_capacity_and_hasher(cart.lines.len(), Default::default());
    let first_repeat = cart.lines.iter().position(|l| !ids.insert(l.id.as_str()));
    // The customer's values the input gives, copied into every line's table.
    let given: Vec<(usize, Bound)> =
        binder.customer_ids.iter().filter_map(|&a| Some((a, (*customer_values.get(a)?)?))).collect();
    // INVARIANT: `values` holds `width` slots per line, line `l` at `l × width`.
    let mut values: Vec<Option<Bound>> = vec![None; width.saturating_mul(cart.lines.len())];
    let mut amounts = Vec::with_capacity(cart.lines.len());
    for (i, line) in cart.lines.iter().enumerate() {
        let place = Place::Line(i);
        if first_repeat == Some(i) {
            return Err(error(format!("{place}.id"), format!("line id `{}` is used twice", line.id)));
        }
        if line.quantity == 0 {
            return Err(error(format!("{place}.quantity"), "expected at least 1"));
        }
        if line.unit_price.is_sign_negative() && !line.unit_price.is_zero() {
            return Err(error(
                format!("{place}.unit_price"),
                format!("expected a price of 0 or more, found {}", line.unit_price),
            ));
        }
        // Only a price written with more decimals than the currency has needs normalising
        // (`10.500` is fine in USD).
        if line.unit_price.scale() > ruleset.settings.minor_units
            && line.unit_price.normalize().scale() > ruleset.settings.minor_units
        {
            return Err(error(
                format!("{place}.unit_price"),
                format!(
                    "{} has more decimals than {} allows ({})",
                    line.unit_price, ruleset.settings.currency, ruleset.settings.minor_units
                ),
            ));
        }
        let amount = line.unit_price.checked_mul(Decimal::from(line.quantity));
        let Some(amount) = amount.filter(|&a| within_max_line_amount(a)) else {
            return Err(error(
                place,
                format!(
                    "the line amount ({} × {}) is too large: at most {MAX_LINE_AMOUNT}",
                    line.unit_price, line.quantity
                ),
            ));
        };
        amounts.push(amount);
        let start = i.saturating_mul(width);
        let Some(out) = values.get_mut(start..start.saturating_add(width)) else { continue };
        // The customer's values first, so conditions read one table; `sku` and `price` come from
        // the line itself.
        for &(a, value) in &given {
            if let Some(slot) = out.get_mut(a) {
                *slot = Some(value);
            }
        }
        if let Some(slot) = binder.sku.and_then(|a| out.get_mut(a)) {
            *slot = Some(Bound::Text(binder.symbol(ruleset, &line.sku)));
        }
        if let Some(slot) = binder.price.and_then(|a| out.get_mut(a)) {
            *slot = Some(Bound::Decimal(line.unit_price));
        }
        reader.fill(out, Subject::Product, &line.attributes, &Place::Field(&place, "attributes"))?;
    }
    let coupons = cart.coupons.iter().filter_map(|c| binder.symbol(ruleset, c)).collect();
    Ok(BoundCart {
        values,
        width,
        lines: cart.lines.len(),
        customer: customer_values,
        items: reader.items,
        coupons,
        amounts,
    })
}

/// A [`Binder`] at work on one input: it collects the items of the sets it reads.
struct Reader<'r> {
    ruleset: &'r CompiledRuleset,
    tables: &'r Binder,
    items: Vec<Bound>,
}

impl Reader<'_> {
    /// Writes into `out` the values of `subject`'s attributes given in `given`. Attributes the
    /// schema does not have are ignored.
    fn fill(
        &mut self,
        out: &mut Values,
        subject: Subject,
        given: &BTreeMap<String, Json>,
        place: &Place<'_>,
    ) -> Result<(), InputError> {
        let (tables, ruleset) = (self.tables, self.ruleset);
        let by_name = match subject {
            Subject::Product => &tables.product,
            Subject::Customer => &tables.customer,
        };
        // INVARIANT: `given` and `by_name` are both ascending by name (bytes, as `str` orders):
        // one walk over the two finds each attribute the schema has, a comparison per step
        // instead of a hash and a probe per name.
        let mut schema = by_name.iter().peekable();
        for (name, json) in given {
            let mut found = None;
            while let Some((known, i)) = schema.peek() {
                match known.as_str().cmp(name.as_str()) {
                    std::cmp::Ordering::Less => {
                        schema.next();
                    }
                    std::cmp::Ordering::Equal => {
                        found = Some(*i);
                        schema.next();
                        break;
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
            let Some(i) = found else { continue };
            let Some(attr) = ruleset.attributes.get(i) else { continue };
            let value = match (&attr.ty, json) {
                // Text, as most attributes are (category, brand, merchant): its symbol, read here
                // without the general reader's call (the same as its `Text` case).
                (ValueType::Text, Json::String(text)) => Bound::Text(tables.symbol(ruleset, text)),
                (ty, json) => self.value(ty, json, &Place::Field(place, &attr.name))?,
            };
            if let Some(slot) = out.get_mut(i) {
                *slot = Some(value);
            }
        }
        Ok(())
    }

    fn value(&mut self, ty: &ValueType, json: &Json, place: &Place<'_>) -> Result<Bound, InputError> {
        let found = || match json {
            Json::Null => "null".to_owned(),
            Json::Bool(b) => b.to_string(),
            Json::Number(n) => n.to_string(),
            Json::String(s) => format!("\"{s}\""),
            Json::Array(_) => "a list".to_owned(),
            Json::Object(_) => "an object".to_owned(),
        };
        let decimal = |what: &str| -> Result<Decimal, InputError> {
            let text = match json {
                Json::String(s) => s.clone(),
                Json::Number(n) => n.to_string(),
                _ => return Err(error(place, format!("expected {what}, found {}", found()))),
            };
            text.parse::<Decimal>().map_err(|_| error(place, format!("expected {what}, found {}", found())))
        };
        Ok(match ty {
            ValueType::Int => {
                let d = decimal("a whole number")?;
                if !d.fract().is_zero() {
                    return Err(error(place, format!("expected a whole number, found {}", found())));
                }
                Bound::Int(i64::try_from(d).map_err(|_| error(place, "number too large"))?)
            }
            ValueType::Decimal => Bound::Decimal(decimal("a number")?),
            ValueType::Percent => Bound::Decimal(decimal("a percentage as a number, e.g. 20")?),
            ValueType::Money => match json {
                Json::String(_) => Bound::Decimal(decimal("an amount as a decimal string, e.g. \"399.00\"")?),
                _ => {
                    return Err(error(
                        place,
                        format!("expected an amount as a decimal string, e.g. \"399.00\", found {}", found()),
                    ));
                }
            },
            ValueType::Bool => match json {
                Json::Bool(b) => Bound::Bool(*b),
                _ => return Err(error(place, format!("expected true or false, found {}", found()))),
            },
            ValueType::Text => match json {
                Json::String(s) => Bound::Text(self.tables.symbol(self.ruleset, s)),
                _ => return Err(error(place, format!("expected text, found {}", found()))),
            },
            ValueType::Time => match json {
                Json::String(s) => Bound::Int(
                    s.parse::<jiff::Timestamp>()
                        .map_err(|e| error(place, format!("expected a time like \"2026-06-18T10:00:00+08:00\": {e}")))?
                        .as_second(),
                ),
                _ => {
                    return Err(error(
                        place,
                        format!("expected a time like \"2026-06-18T10:00:00+08:00\", found {}", found()),
                    ));
                }
            },
            ValueType::Duration => Bound::Int(match decimal("a duration in seconds")? {
                d if d.fract().is_zero() => i64::try_from(d).map_err(|_| error(place, "number too large"))?,
                _ => return Err(error(place, format!("expected whole seconds, found {}", found()))),
            }),
            ValueType::Set(inner) => match json {
                Json::Array(given) => {
                    // Items of a nested set are pushed before their set's own: each set's items
                    // stay together.
                    let read: Vec<Bound> = given
                        .iter()
                        .enumerate()
                        .map(|(i, item)| self.value(inner, item, &Place::Index(place, i)))
                        .collect::<Result<_, _>>()?;
                    let too_many = || error(place, "too many set items in this input");
                    let start = u32::try_from(self.items.len()).map_err(|_| too_many())?;
                    let len = u32::try_from(read.len()).map_err(|_| too_many())?;
                    self.items.extend(read);
                    Bound::Set(Items { start, len })
                }
                _ => return Err(error(place, format!("expected a list, found {}", found()))),
            },
            ValueType::Enum(index) => {
                let info =
                    self.ruleset.enums.get(*index as usize).ok_or_else(|| error(place, "internal: enum table"))?;
                let rank = match json {
                    Json::String(s) => info.values.iter().position(|v| v == s),
                    _ => None,
                };
                match rank {
                    Some(r) => Bound::Enum(r as u32),
                    None => {
                        return Err(error(
                            place,
                            format!("expected one of {} (`{}`), found {}", info.values.join(", "), info.name, found()),
                        ));
                    }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_line_amount_bound_is_ten_to_the_fifteenth() {
        assert_eq!(super::MAX_LINE_AMOUNT, rust_decimal::Decimal::from(1_000_000_000_000_000u64));
    }

    #[test]
    fn the_bound_holds_at_every_scale() {
        use rust_decimal::Decimal;
        let max = super::MAX_LINE_AMOUNT;
        // 10^15 is exact at up to 13 decimals (a decimal holds 28 digits).
        for scale in [0u32, 2, 3, 8, 13] {
            let mut at = max;
            at.rescale(scale);
            assert!(super::within_max_line_amount(at), "10^15 at scale {scale}");
            let over = at + Decimal::new(1, scale);
            assert!(!super::within_max_line_amount(over), "{over}");
            assert!(super::within_max_line_amount(Decimal::new(1, scale)), "a minor amount at scale {scale}");
        }
        assert!(!super::within_max_line_amount(Decimal::MAX));
        // Finer than a 128-bit comparison at the amount's scale reaches: the decimal comparison.
        assert!(super::within_max_line_amount(Decimal::new(1, 28)));
        assert!(super::within_max_line_amount(Decimal::new(5, 20)));
    }
}
