//! The checked program: names resolved, templates instantiated, pools inlined, literals typed.
//! This is what lowering to the runtime's compiled form reads; nothing here can be ill-typed.

use jiff::{SignedDuration, Timestamp};
use promo_runtime::{Currency, Money, Rounding};
use rust_decimal::Decimal;

pub use promo_runtime::ir::{Calculation, Op as PredOp, Stacking};

use crate::source::Span;
use crate::syntax::ast::{Level, LimitPer, RefundPolicy, Subject, ThresholdKind, UnitChoice};

/// A whole checked ruleset.
#[derive(Debug, Clone, Default)]
pub struct Program {
    /// Ruleset-wide settings.
    pub settings: Settings,
    /// Attributes and enums.
    pub schema: crate::check::Schema,
    /// Every promotion, in source order.
    pub promotions: Vec<Promotion>,
    /// Declared `extern` functions that checked, in name order.
    pub externs: Vec<Extern>,
    /// The modules they come from, in name order.
    pub modules: Vec<Module>,
}

/// A checked `extern` declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Extern {
    /// Name, and the module's export.
    pub name: String,
    /// Parameter types.
    pub params: Vec<crate::check::Type>,
    /// Result type.
    pub result: crate::check::Type,
    /// The module's file name.
    pub module: String,
}

/// An extension module, in binary form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// Its file name beside the ruleset.
    pub name: String,
    /// Binary WebAssembly.
    pub wasm: Vec<u8>,
}

/// A call of an `extern` function inside a condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The function.
    pub function: String,
    /// Its arguments, in order.
    pub args: Vec<Arg>,
}

/// An argument of a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// An attribute of the condition's subject.
    Attr(AttrRef),
    /// A constant.
    Value(Value),
}

/// Ruleset-wide settings, defaults filled in.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The ruleset's one currency.
    pub currency: Option<Currency>,
    /// Parallel or progressive.
    pub calculation: Calculation,
    /// How computed amounts are rounded.
    pub rounding: Rounding,
    /// Default stacking.
    pub stacking: Stacking,
    /// Time zone of windows that name none (IANA name; UTC by default).
    pub timezone: Option<String>,
    /// Price floors / protection rates by product.
    pub floors: Vec<Floor>,
    /// Default refund policy.
    pub refund: Option<RefundPolicy>,
    /// Limits of extension calls.
    pub extension_limits: promo_runtime::ir::ExtensionLimits,
}

/// A lowest allowed final unit price.
#[derive(Debug, Clone)]
pub struct Floor {
    /// The bound.
    pub bound: FloorBound,
    /// The products it protects (everything when `None`).
    pub products: Option<Expr>,
    /// Where it is declared.
    pub span: Span,
}

/// A floor: an amount, or a share of the original price (a protection rate).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FloorBound {
    /// The final unit price may not go below this amount.
    Amount(Money),
    /// The final unit price may not go below this percentage of the original price.
    Rate(Decimal),
}

/// A typed value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A whole number.
    Int(i64),
    /// A decimal.
    Decimal(Decimal),
    /// Money in the ruleset's currency.
    Money(Money),
    /// A percentage, e.g. `20` for 20 %.
    Percent(Decimal),
    /// True or false.
    Bool(bool),
    /// Text.
    Text(String),
    /// An instant.
    Time(Timestamp),
    /// A length of time.
    Duration(SignedDuration),
    /// A set.
    Set(Vec<Value>),
    /// A value of an enum: its name and its position (the order of an ordered enum).
    Enum {
        /// The enum.
        enum_name: String,
        /// The value.
        value: String,
        /// Position in the declaration.
        rank: usize,
    },
}

/// An attribute of a product or the customer — or the result of an extension call on them,
/// which conditions compare like an attribute (a function is pure: the same call, the same value).
#[derive(Debug, Clone, PartialEq)]
pub struct AttrRef {
    /// Whose.
    pub subject: Subject,
    /// Its name; for a call, the call as written, e.g. `loyalty_points(customer.points)`.
    pub name: String,
    /// The call, when this is one.
    pub call: Option<Box<Call>>,
}

impl AttrRef {
    /// The attribute `name` of `subject`.
    pub fn attribute(subject: Subject, name: impl Into<String>) -> AttrRef {
        AttrRef { subject, name: name.into(), call: None }
    }
}

/// A checked condition over products or the customer.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Every product.
    All,
    /// `attr OP value`.
    Pred {
        /// The attribute.
        attr: AttrRef,
        /// The comparison.
        op: PredOp,
        /// The value (`Bool(true)` for `IsTrue`).
        value: Value,
    },
    /// Negation.
    Not(Box<Expr>),
    /// All of them.
    And(Vec<Expr>),
    /// Any of them.
    Or(Vec<Expr>),
}

/// A threshold of a benefit.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    /// Spend (money) or buy (units).
    pub kind: ThresholdKind,
    /// Money for spend, `Int` for buy.
    pub value: Value,
}

/// What a promotion gives.
#[derive(Debug, Clone, PartialEq)]
pub enum Benefit {
    /// Special unit price.
    SpecialPrice(Money),
    /// Money or percent off, flat (one step without threshold) or by tiers.
    Discount(Vec<(Value, Option<Threshold>)>),
    /// `amount` off every `every` (money or units), at most `cap` times.
    DiscountEvery {
        /// Taken off each time.
        amount: Money,
        /// Money spent or units bought per step.
        every: Value,
        /// At most this many times.
        cap: Option<i64>,
    },
    /// `count` items for `price`.
    MultiBuy {
        /// M.
        count: i64,
        /// N.
        price: Money,
    },
    /// Buy `buy`, get `get` free or at a percent / price.
    BuyGet {
        /// Units bought.
        buy: i64,
        /// Units rewarded.
        get: i64,
        /// `None` = free; else `Percent` (of price) or `Money` (unit price).
        at: Option<Value>,
        /// Which units.
        units: UnitChoice,
    },
    /// A gift.
    Gift {
        /// Units.
        quantity: i64,
        /// SKU.
        sku: String,
        /// Value per unit.
        worth: Money,
        /// Condition.
        threshold: Option<Threshold>,
    },
    /// An add-on offer.
    Addon {
        /// SKU.
        sku: String,
        /// Reduced price.
        price: Money,
        /// At most.
        limit: Option<i64>,
        /// Condition.
        threshold: Option<Threshold>,
    },
    /// A bundle of SKUs with quantities, at a price.
    Bundle {
        /// (SKU, quantity).
        items: Vec<(String, i64)>,
        /// The bundle's price.
        price: Money,
    },
    /// A presale deposit.
    Presale {
        /// Paid now.
        deposit: Money,
        /// Deducted from the final payment.
        deducts: Money,
        /// Balance due by.
        balance_by: Option<Timestamp>,
    },
    /// A group-buy price.
    Group {
        /// Group size.
        size: i64,
        /// Unit price.
        price: Money,
        /// Time to fill.
        within: Option<SignedDuration>,
    },
}

/// A checked promotion.
#[derive(Debug, Clone, PartialEq)]
pub struct Promotion {
    /// Unique name.
    pub name: String,
    /// Its level.
    pub level: Level,
    /// The store of a store-level promotion.
    pub store: Option<String>,
    /// Active from, until.
    pub window: Option<(Timestamp, Timestamp)>,
    /// Products.
    pub scope: Expr,
    /// Customers (everyone when `None`).
    pub eligible: Option<Expr>,
    /// What it gives (one price change, plus gifts and add-ons).
    pub benefits: Vec<Benefit>,
    /// Coupon code, for coupons.
    pub coupon: Option<String>,
    /// Per-customer or per-order unit limit.
    pub limit: Option<(i64, LimitPer)>,
    /// Promotion stock.
    pub stock: Option<i64>,
    /// Money budget.
    pub budget: Option<Money>,
    /// Shares with nothing.
    pub exclusive: bool,
    /// Explicit stacking partners: levels, coupons, named promotions.
    pub stacks_with: Vec<crate::syntax::ast::StackTarget>,
    /// Other promotions on these products are withdrawn this long before the start.
    pub withdraw_others: Option<SignedDuration>,
    /// Payment window.
    pub pay_within: Option<SignedDuration>,
    /// Label and priority.
    pub label: Option<(String, i64)>,
    /// Refund policy.
    pub refund: Option<RefundPolicy>,
    /// Its own floor.
    pub floor: Option<FloorBound>,
    /// Where it is defined.
    pub span: Span,
}
