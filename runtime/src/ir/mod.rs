//! The compiled ruleset: what a storefront loads. Produced by `promo-lang`'s lowering, read by the
//! engine; this crate knows nothing of the language's syntax.
//!
//! Attribute names and text values are interned once: predicates refer to [`AttrId`]s and
//! [`SymbolId`]s, so evaluation compares integers, not strings. Money amounts are decimals in the
//! ruleset's one currency; instants are Unix seconds; durations are seconds.
//!
//! The on-disk form (a versioned, checksummed envelope) is in [`file`].

pub mod file;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use smol_str::SmolStr;

use crate::money::Rounding;

/// The format tag of a compiled ruleset file.
pub const FORMAT: &str = "promo-ruleset";

/// The IR version this runtime reads and writes. Any change to the types below that a reader of
/// an older version would misread bumps it.
pub const VERSION: u32 = 2;

/// A whole compiled ruleset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompiledRuleset {
    /// SHA-256 of the sources it was compiled from (names and texts, the standard library
    /// included), hex. An order records it, so a refund can find the ruleset that priced it.
    pub source_hash: String,
    /// Ruleset-wide settings.
    pub settings: Settings,
    /// Every attribute a predicate mentions, by [`AttrId`].
    pub attributes: Vec<Attribute>,
    /// Every text value a predicate or benefit mentions, by [`SymbolId`].
    pub symbols: Vec<String>,
    /// Enums, for reading customer and product values.
    pub enums: Vec<Enum>,
    /// Promotions in source order.
    pub promotions: Vec<Promotion>,
    /// Extension modules and the functions conditions call (spec/extensions.md).
    #[serde(default)]
    pub extensions: Extensions,
}

/// The sandboxed extension functions a ruleset calls, with their modules and limits.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Extensions {
    /// Limits every call runs under.
    pub limits: ExtensionLimits,
    /// WebAssembly modules, by index.
    pub modules: Vec<ExtensionModule>,
    /// Declared functions, by index: what [`Cond::Call`] names.
    pub functions: Vec<ExternFunction>,
}

/// The limits of one extension call. A call that exceeds one stops, and the promotion that made
/// it does not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionLimits {
    /// Fuel: roughly, WebAssembly instructions a call may execute.
    pub fuel: u64,
    /// Bytes of linear memory an instance may hold.
    pub memory_bytes: u64,
}

impl ExtensionLimits {
    /// Fuel when the ruleset sets none: a million instructions, about a millisecond.
    pub const DEFAULT_FUEL: u64 = 1_000_000;
    /// Memory when the ruleset sets none: 1 MiB (16 WebAssembly pages).
    pub const DEFAULT_MEMORY_BYTES: u64 = 1 << 20;
}

impl Default for ExtensionLimits {
    fn default() -> ExtensionLimits {
        ExtensionLimits { fuel: Self::DEFAULT_FUEL, memory_bytes: Self::DEFAULT_MEMORY_BYTES }
    }
}

/// A WebAssembly module, embedded in the ruleset so the storefront needs no other file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionModule {
    /// Its file name beside the ruleset, e.g. `loyalty.wat`.
    pub name: String,
    /// Its binary form (text modules are converted when compiled), base64 on disk.
    #[serde(with = "base64_bytes")]
    pub wasm: Vec<u8>,
}

/// An `extern` function: which module exports it and its Promo signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternFunction {
    /// Its name, which is also the module's export.
    pub name: String,
    /// Index in [`Extensions::modules`].
    pub module: u32,
    /// Parameter types.
    pub params: Vec<ValueType>,
    /// Result type.
    pub result: ValueType,
}

/// An argument of an extension call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arg {
    /// The value of an attribute of the product or customer the condition is about.
    Attr(AttrId),
    /// A constant.
    Value(Value),
}

mod base64_bytes {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        STANDARD.decode(text.as_bytes()).map_err(serde::de::Error::custom)
    }
}

/// An interned attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AttrId(pub u32);

/// An interned text value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SymbolId(pub u32);

/// Whose attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// A cart line's product.
    Product,
    /// The customer.
    Customer,
}

/// The type of an attribute's values, as the storefront must send them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    /// Whole number.
    Int,
    /// Decimal.
    Decimal,
    /// Money in the ruleset's currency.
    Money,
    /// Percentage.
    Percent,
    /// Boolean.
    Bool,
    /// Text.
    Text,
    /// Instant.
    Time,
    /// Duration.
    Duration,
    /// Set of values.
    Set(Box<ValueType>),
    /// Value of the enum with this index in [`CompiledRuleset::enums`].
    Enum(u32),
}

/// An attribute a ruleset uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    /// Product or customer.
    pub subject: Subject,
    /// Its name as the storefront sends it.
    pub name: String,
    /// Its type.
    pub ty: ValueType,
}

/// An enum of the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enum {
    /// Its name.
    pub name: String,
    /// Its values, lowest first when ordered.
    pub values: Vec<String>,
    /// Whether it is ordered.
    pub ordered: bool,
}

/// Parallel or progressive calculation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Calculation {
    /// Every threshold and percentage on the pre-promotion price.
    #[default]
    Parallel,
    /// Each level sees the price the level before left.
    Progressive,
}

/// Default stacking between levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stacking {
    /// Levels stack unless a promotion is exclusive.
    #[default]
    Shared,
    /// Nothing stacks unless a promotion says `stacks with`.
    Exclusive,
}

/// What a return does to a promotion's benefit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundPolicy {
    /// Deduct a kept gift's value when the threshold breaks.
    DeductGift,
    /// Refund the allocated price.
    Allocated,
    /// Refuse a return that keeps the gift while breaking the threshold.
    RequireGift,
}

/// Ruleset-wide settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// ISO 4217 code.
    pub currency: String,
    /// Decimal places of the currency's minor unit.
    pub minor_units: u32,
    /// Parallel or progressive.
    pub calculation: Calculation,
    /// Rounding of computed amounts.
    pub rounding: Rounding,
    /// Default stacking.
    pub stacking: Stacking,
    /// Price floors by product.
    pub floors: Vec<Floor>,
}

#[cfg(test)]
impl Settings {
    /// The settings unit tests build rulesets with: USD (two decimals), parallel calculation,
    /// half-up rounding, shared stacking, no floors.
    pub(crate) fn usd() -> Settings {
        Settings {
            currency: "USD".into(),
            minor_units: 2,
            calculation: Calculation::Parallel,
            rounding: Rounding::HalfUp,
            stacking: Stacking::Shared,
            floors: vec![],
        }
    }
}

/// A floor on the final unit price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Floor {
    /// The bound.
    pub bound: FloorBound,
    /// The products it protects.
    pub products: Cond,
}

/// An amount, or a share of the original price.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FloorBound {
    /// Not below this unit price.
    Amount(Decimal),
    /// Not below this percentage of the original unit price.
    Rate(Decimal),
}

/// A value in a predicate or benefit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// Whole number.
    Int(i64),
    /// Decimal.
    Decimal(Decimal),
    /// Money in the ruleset's currency.
    Money(Decimal),
    /// Percentage (20 for 20 %).
    Percent(Decimal),
    /// Boolean.
    Bool(bool),
    /// Interned text.
    Text(SymbolId),
    /// Unix seconds.
    Time(i64),
    /// Seconds.
    Duration(i64),
    /// A set.
    Set(Vec<Value>),
    /// An enum value by rank.
    Enum(u32),
}

/// How a predicate compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// in a set
    In,
    /// not in a set
    NotIn,
    /// a set attribute contains
    Has,
    /// a boolean attribute is true
    IsTrue,
}

/// A condition over a product or the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cond {
    /// Always true.
    All,
    /// `attr op value`.
    Pred {
        /// The attribute.
        attr: AttrId,
        /// The comparison.
        op: Op,
        /// The value.
        value: Value,
    },
    /// `function(args…) op value`: an extension call's result compared (spec/extensions.md).
    Call {
        /// Index in [`Extensions::functions`].
        function: u32,
        /// Its arguments.
        args: Vec<Arg>,
        /// The comparison.
        op: Op,
        /// The value.
        value: Value,
    },
    /// Negation.
    Not(Box<Cond>),
    /// Conjunction.
    And(Vec<Cond>),
    /// Disjunction.
    Or(Vec<Cond>),
}

/// Single item, store or platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Single-item: counted per product.
    Item,
    /// One store's collection.
    Store,
    /// Cross-store collection.
    Platform,
}

/// Spend (money) or buy (units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdKind {
    /// Money spent on the products in scope.
    Spend,
    /// Units bought of the products in scope.
    Buy,
}

/// A threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    /// What it measures.
    pub kind: ThresholdKind,
    /// Money (spend) or int (buy).
    pub value: Value,
}

/// Which units a buy-N-get-M rewards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitChoice {
    /// The cheapest.
    Cheapest,
    /// The most expensive.
    Priciest,
}

/// What a promotion gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Benefit {
    /// Special unit price.
    SpecialPrice(Decimal),
    /// Steps of money or percent off, each with an optional threshold.
    Discount(Vec<(Value, Option<Threshold>)>),
    /// Amount off every `every` spent, at most `cap` times.
    DiscountEvery {
        /// Off each time.
        amount: Decimal,
        /// Per this much spent.
        every: Decimal,
        /// At most.
        cap: Option<i64>,
    },
    /// M items for N.
    MultiBuy {
        /// M.
        count: i64,
        /// N.
        price: Decimal,
    },
    /// Buy N get M.
    BuyGet {
        /// N.
        buy: i64,
        /// M.
        get: i64,
        /// `None` free; `Percent` of price; `Money` unit price.
        at: Option<Value>,
        /// Which units.
        units: UnitChoice,
    },
    /// A gift.
    Gift {
        /// Units.
        quantity: i64,
        /// SKU.
        sku: SymbolId,
        /// Value per unit.
        worth: Decimal,
        /// Condition.
        threshold: Option<Threshold>,
    },
    /// An add-on offer.
    Addon {
        /// SKU.
        sku: SymbolId,
        /// Reduced unit price.
        price: Decimal,
        /// At most.
        limit: Option<i64>,
        /// Condition.
        threshold: Option<Threshold>,
    },
    /// A bundle.
    Bundle {
        /// (SKU, quantity).
        items: Vec<(SymbolId, i64)>,
        /// Its price.
        price: Decimal,
    },
    /// A presale deposit.
    Presale {
        /// Paid now.
        deposit: Decimal,
        /// Deducted from the balance.
        deducts: Decimal,
        /// Balance due by (Unix seconds).
        balance_by: Option<i64>,
    },
    /// A group-buy price.
    Group {
        /// Size.
        size: i64,
        /// Unit price.
        price: Decimal,
        /// Seconds to fill.
        within: Option<i64>,
    },
}

/// What a promotion may stack with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StackTarget {
    /// Promotions of a level.
    Level(Level),
    /// Coupons.
    Coupons,
    /// A promotion, by index in [`CompiledRuleset::promotions`].
    Promotion(u32),
}

/// Per customer or per order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitPer {
    /// Per customer.
    Customer,
    /// Per order.
    Order,
}

/// A compiled promotion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Promotion {
    /// Unique name (cloned into every outcome that names it, without copying the text).
    pub name: SmolStr,
    /// Level.
    pub level: Level,
    /// Store of a store-level promotion.
    pub store: Option<SymbolId>,
    /// Active [from, until) in Unix seconds.
    pub window: Option<(i64, i64)>,
    /// Products.
    pub scope: Cond,
    /// Customers.
    pub eligible: Cond,
    /// Benefits.
    pub benefits: Vec<Benefit>,
    /// Coupon code.
    pub coupon: Option<SymbolId>,
    /// Unit limit.
    pub limit: Option<(i64, LimitPer)>,
    /// Promotion stock.
    pub stock: Option<i64>,
    /// Money budget.
    pub budget: Option<Decimal>,
    /// Shares with nothing.
    pub exclusive: bool,
    /// Explicit stacking partners.
    pub stacks_with: Vec<StackTarget>,
    /// Seconds before the start at which others are withdrawn.
    pub withdraw_others: Option<i64>,
    /// Seconds to pay.
    pub pay_within: Option<i64>,
    /// Label and priority.
    pub label: Option<(String, i64)>,
    /// Refund policy.
    pub refund: Option<RefundPolicy>,
    /// Own floor.
    pub floor: Option<FloorBound>,
}

impl CompiledRuleset {
    /// The text of a symbol (empty for an id out of range, which a loaded ruleset never has).
    pub fn symbol(&self, id: SymbolId) -> &str {
        self.symbols.get(id.0 as usize).map_or("", String::as_str)
    }

    /// The attribute with `id`.
    pub fn attribute(&self, id: AttrId) -> Option<&Attribute> {
        self.attributes.get(id.0 as usize)
    }
}
