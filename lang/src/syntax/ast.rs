//! The syntax tree: what a `.promo` file says, with a byte span on every node.
//!
//! The tree is untyped: names are not yet resolved and literals are kept as written (the checker
//! turns `399.00` into money of the ruleset's currency). Spans never take part in meaning.

use crate::source::Span;

/// A parsed file: the items that parsed. Items that did not parse are reported as errors and
/// left out, so the rest of the file can still be checked.
#[derive(Debug, Clone, Default)]
pub struct File {
    /// Items in source order.
    pub items: Vec<Item>,
}

/// A name as written, with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A piece of syntax with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it is written.
    pub span: Span,
}

/// A top-level item.
#[derive(Debug, Clone)]
pub enum Item {
    /// `use std::{flash_sale, spend_and_save}`
    Use(UseItem),
    /// `schema { … }`
    Schema(SchemaItem),
    /// `settings { … }`
    Settings(SettingsItem),
    /// `pool shoes = category == "shoes"`
    Pool(PoolItem),
    /// `template flash_sale(price: money) { … }`
    Template(TemplateItem),
    /// `promotion "…" { … }`
    Promotion(PromotionItem),
    /// `extern loyalty_points(points: int) -> int from "loyalty.wat"`
    Extern(ExternItem),
}

impl Item {
    /// The span of the whole item.
    pub fn span(&self) -> Span {
        match self {
            Item::Use(i) => i.span,
            Item::Schema(i) => i.span,
            Item::Settings(i) => i.span,
            Item::Pool(i) => i.span,
            Item::Template(i) => i.span,
            Item::Promotion(i) => i.span,
            Item::Extern(i) => i.span,
        }
    }
}

/// `use LIBRARY::{NAME, …}`: brings templates of a library into scope.
#[derive(Debug, Clone)]
pub struct UseItem {
    /// The library (`std`).
    pub library: Ident,
    /// The templates imported.
    pub names: Vec<Ident>,
    /// The whole item.
    pub span: Span,
}

/// `schema { … }`: the attributes the storefront sends, and the enums they use.
#[derive(Debug, Clone)]
pub struct SchemaItem {
    /// `enum tier: bronze < silver < gold`
    pub enums: Vec<EnumDecl>,
    /// `product { color: text }` / `customer { tier: tier }`
    pub attributes: Vec<AttrDecl>,
    /// The whole item.
    pub span: Span,
}

/// An enum: ordered (`a < b < c`, comparable with `<`, `>=` …) or not (`a, b, c`).
#[derive(Debug, Clone)]
pub struct EnumDecl {
    /// Its name, used as a type.
    pub name: Ident,
    /// Its values, lowest first when ordered.
    pub values: Vec<Ident>,
    /// Whether the values are ordered.
    pub ordered: bool,
    /// The whole declaration.
    pub span: Span,
}

/// Who an attribute describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// A product (a cart line): written bare in `scope`, or as `product.NAME`.
    Product,
    /// The customer: written `customer.NAME`.
    Customer,
}

impl Subject {
    /// The keyword for this subject.
    pub fn keyword(self) -> &'static str {
        match self {
            Subject::Product => "product",
            Subject::Customer => "customer",
        }
    }
}

/// `NAME: TYPE` inside `product { }` or `customer { }`.
#[derive(Debug, Clone)]
pub struct AttrDecl {
    /// Product or customer.
    pub subject: Subject,
    /// Attribute name.
    pub name: Ident,
    /// Declared type.
    pub ty: TypeExpr,
    /// The whole declaration.
    pub span: Span,
}

/// A type as written: `text`, `money`, `tier`, `set<text>`.
#[derive(Debug, Clone)]
pub enum TypeExpr {
    /// A named type: a built-in (`text`, `int` …) or an enum.
    Named(Ident),
    /// `set<T>`
    Set(Box<TypeExpr>, Span),
}

impl TypeExpr {
    /// Where the type is written.
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named(i) => i.span,
            TypeExpr::Set(_, s) => *s,
        }
    }
}

/// `settings { … }`
#[derive(Debug, Clone)]
pub struct SettingsItem {
    /// The settings in source order.
    pub settings: Vec<Setting>,
    /// The whole item.
    pub span: Span,
}

/// One line of `settings`.
#[derive(Debug, Clone)]
pub struct Setting {
    /// What it sets.
    pub kind: SettingKind,
    /// The setting's keyword.
    pub keyword: Span,
    /// The whole setting.
    pub span: Span,
}

/// What a setting sets.
#[derive(Debug, Clone)]
pub enum SettingKind {
    /// `currency USD`
    Currency(Value),
    /// `calculation parallel | progressive`
    Calculation(Ident),
    /// `rounding half_up | half_even | down | up`
    Rounding(Ident),
    /// `stacking shared | exclusive`: whether promotions of different levels stack by default.
    Stacking(Ident),
    /// `timezone Asia/Shanghai`: the zone of windows that name none.
    Timezone(Spanned<String>),
    /// `floor 80% for category == "electronics"`: a price floor / protection rate for products.
    Floor {
        /// A percentage of the original price, or an amount.
        bound: Value,
        /// The products it protects.
        products: Expr,
    },
    /// `refund deduct gift`: the default refund policy.
    Refund(Spanned<RefundPolicy>),
    /// `extension fuel 1000000`, `extension memory 1048576`: limits of extension calls.
    Extension {
        /// `fuel` or `memory`.
        limit: Ident,
        /// The limit.
        value: Value,
    },
}

/// `pool NAME = EXPR`: a named, reusable product scope.
#[derive(Debug, Clone)]
pub struct PoolItem {
    /// Pool name.
    pub name: Ident,
    /// The products it holds.
    pub expr: Expr,
    /// The whole item.
    pub span: Span,
}

/// `template NAME(PARAMS) { CLAUSES }`: a promotion with holes.
#[derive(Debug, Clone)]
pub struct TemplateItem {
    /// Template name.
    pub name: Ident,
    /// Parameters, with types and optional defaults.
    pub params: Vec<Param>,
    /// Clauses; they may use the parameters as values.
    pub body: Block,
    /// The whole item.
    pub span: Span,
}

/// `extern NAME(PARAMS) -> TYPE from "MODULE"`: a function a sandboxed WebAssembly module exports.
#[derive(Debug, Clone)]
pub struct ExternItem {
    /// Function name, which is also the module's export.
    pub name: Ident,
    /// Parameters (no defaults).
    pub params: Vec<Param>,
    /// Result type.
    pub result: TypeExpr,
    /// The module's file name, beside the ruleset's files.
    pub module: Spanned<String>,
    /// The whole item.
    pub span: Span,
}

/// `NAME: TYPE = DEFAULT`
#[derive(Debug, Clone)]
pub struct Param {
    /// Parameter name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// Default value, making the parameter optional.
    pub default: Option<Value>,
    /// The whole parameter.
    pub span: Span,
}

/// `promotion "NAME" [from TEMPLATE(ARGS)] { CLAUSES }`
#[derive(Debug, Clone)]
pub struct PromotionItem {
    /// The promotion's name, unique in the ruleset.
    pub name: Spanned<String>,
    /// The template it instantiates, if any.
    pub template: Option<TemplateCall>,
    /// Its own clauses.
    pub body: Block,
    /// The whole item.
    pub span: Span,
}

/// `flash_sale(price: 399.00, skus: ["A"])`
#[derive(Debug, Clone)]
pub struct TemplateCall {
    /// Template name.
    pub name: Ident,
    /// Named arguments.
    pub args: Vec<Argument>,
    /// The whole call.
    pub span: Span,
}

/// `NAME: VALUE` in a template call.
#[derive(Debug, Clone)]
pub struct Argument {
    /// Parameter name.
    pub name: Ident,
    /// The value given.
    pub value: Value,
}

/// `{ CLAUSE … }`
#[derive(Debug, Clone)]
pub struct Block {
    /// Clauses in source order.
    pub clauses: Vec<Clause>,
    /// The whole block, braces included.
    pub span: Span,
}

/// One clause of a promotion or template.
#[derive(Debug, Clone)]
pub struct Clause {
    /// What the clause says.
    pub kind: ClauseKind,
    /// The clause's leading keyword.
    pub keyword: Span,
    /// The whole clause.
    pub span: Span,
}

/// The level a promotion works at: single item, one store's collection, or cross-store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// Single-item promotion: thresholds are measured per product.
    Item,
    /// Store-level collection promotion: thresholds are measured over the pool.
    Store,
    /// Cross-store (platform) collection promotion.
    Platform,
}

impl Level {
    /// The keyword of the level.
    pub fn keyword(self) -> &'static str {
        match self {
            Level::Item => "item",
            Level::Store => "store",
            Level::Platform => "platform",
        }
    }
}

/// Which units of a buy-N-get-M are discounted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitChoice {
    /// The cheapest units (the default).
    Cheapest,
    /// The most expensive units.
    Priciest,
}

/// What a buy-N-get-M gives on the M units.
#[derive(Debug, Clone)]
pub enum Reward {
    /// `free`
    Free,
    /// `at 50%` (a percentage of the price) or `at 9.90` (a unit price).
    At(Value),
}

/// Whether a limit counts per customer or per order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitPer {
    /// `per customer`
    Customer,
    /// `per order`
    Order,
}

/// Something a promotion may stack with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StackTarget {
    /// Promotions of a level.
    Level(Level),
    /// Coupons.
    Coupons,
    /// A promotion, by name.
    Promotion(String),
}

/// What a return does to a promotion's benefit (seed 004 §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundPolicy {
    /// Kept gift, threshold broken: deduct the gift's value from the refund.
    DeductGift,
    /// Refund the price allocated to the returned items.
    Allocated,
    /// Refuse a return that keeps the gift while breaking the threshold.
    RequireGift,
}

/// A threshold: `when spend 300.00` or `when buy 3`.
#[derive(Debug, Clone)]
pub struct Threshold {
    /// Amount or quantity.
    pub kind: ThresholdKind,
    /// The bound.
    pub value: Value,
    /// The whole threshold.
    pub span: Span,
}

/// What a threshold measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThresholdKind {
    /// Money spent on the promotion's products.
    Spend,
    /// Units bought of the promotion's products.
    Buy,
}

/// One step of a discount: `40.00 when spend 300.00`, or a flat `20%`.
#[derive(Debug, Clone)]
pub struct DiscountStep {
    /// Amount or percentage off.
    pub amount: Value,
    /// When it applies.
    pub threshold: Option<Threshold>,
    /// The whole step.
    pub span: Span,
}

/// The clauses of the language. Benefits say what is given; the rest says to whom, when, how much.
#[derive(Debug, Clone)]
pub enum ClauseKind {
    /// `level item | store ["name"] | platform`
    Level {
        /// The level.
        level: Spanned<Level>,
        /// For `store`, the store (merchant) it belongs to.
        store: Option<Value>,
    },
    /// `window START .. END [ZONE]`
    Window {
        /// First instant.
        start: Value,
        /// Instant it ends.
        end: Value,
        /// Time zone of both; the ruleset's when absent.
        timezone: Option<Spanned<String>>,
    },
    /// `scope EXPR`: the products.
    Scope(Expr),
    /// `eligible EXPR`: the customers.
    Eligible(Expr),
    /// `price 399.00`: special (flash-sale) unit price.
    Price(Value),
    /// `discount 20%`, `discount 40.00 when spend 300.00`, tiers separated by commas.
    Discount(Vec<DiscountStep>),
    /// `discount 40.00 every 300.00 up to 3 times`
    DiscountEvery {
        /// Amount off each time.
        amount: Value,
        /// Every this much spent (money) or bought (quantity).
        every: Value,
        /// At most this many times.
        cap: Option<Value>,
    },
    /// `buy 3 for 100.00`: M items for N.
    MultiBuy {
        /// M.
        count: Value,
        /// N: the price of the M items together.
        price: Value,
    },
    /// `buy 2 get 1 free [cheapest | priciest]`
    BuyGet {
        /// Units to buy.
        buy: Value,
        /// Units rewarded.
        get: Value,
        /// Free, or at a percentage / price.
        reward: Reward,
        /// Which units are rewarded.
        units: Option<Spanned<UnitChoice>>,
    },
    /// `gift [2 of] "C" worth 5.00 [when spend 100.00]`
    Gift {
        /// How many.
        quantity: Option<Value>,
        /// The gift's SKU.
        item: Value,
        /// The gift's value (for allocation and refunds).
        worth: Value,
        /// When it is given.
        threshold: Option<Threshold>,
    },
    /// `addon "D" at 9.90 [up to 1] [when spend 100.00]`
    Addon {
        /// The add-on SKU.
        item: Value,
        /// Its reduced price.
        price: Value,
        /// At most this many.
        limit: Option<Value>,
        /// When it is offered.
        threshold: Option<Threshold>,
    },
    /// `bundle ["A", 2 of "B"] at 199.00`
    Bundle {
        /// The bundled SKUs, with quantities.
        items: Value,
        /// The bundle's price.
        price: Value,
    },
    /// `presale deposit 50.00 deducts 100.00 [balance by TIME]`
    Presale {
        /// Paid now.
        deposit: Value,
        /// Deducted from the final payment.
        deducts: Value,
        /// When the balance is due.
        balance_by: Option<Value>,
    },
    /// `group of 3 at 59.00 [within 24h]`
    Group {
        /// Group size.
        size: Value,
        /// Unit price once the group is full.
        price: Value,
        /// How long a group may take to fill.
        within: Option<Value>,
    },
    /// `coupon "CODE"`: applied after promotions, when the customer presents the code.
    Coupon(Value),
    /// `limit 2 per customer`
    Limit {
        /// Units.
        count: Value,
        /// Per customer or order.
        per: Spanned<LimitPer>,
    },
    /// `stock 500`: promotion stock; exhausted, the promotion is withdrawn.
    Stock(Value),
    /// `budget 20000.00`: total money the promotion may give away.
    Budget(Value),
    /// `exclusive`: shares with no other promotion.
    Exclusive,
    /// `stacks with store, platform, coupons, "Name"`
    StacksWith(Vec<Spanned<StackTarget>>),
    /// `withdraw others 2h before start`
    WithdrawOthers(Value),
    /// `pay within 15m`
    PayWithin(Value),
    /// `label "Flash Sale" [priority 100]`
    Label {
        /// Text shown to shoppers.
        text: Value,
        /// Higher shows first.
        priority: Option<Value>,
    },
    /// `refund deduct gift | allocated | require gift`
    Refund(Spanned<RefundPolicy>),
    /// `floor 350.00 | floor 60%`: the lowest final unit price allowed.
    Floor(Value),
}

/// A value in a clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// The literal or name.
    pub kind: ValueKind,
    /// Where it is written.
    pub span: Span,
}

/// The forms a value can take, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    /// `3`, `399.00`, `399.00 USD`
    Number {
        /// The digits.
        digits: String,
        /// An explicit currency code.
        currency: Option<Spanned<String>>,
    },
    /// `20%`
    Percent(String),
    /// `2h`, `15m`, `1d12h`
    Duration(String),
    /// `2026-06-18 10:00`
    DateTime(String),
    /// `"text"`, escapes resolved
    Text(String),
    /// `true` / `false`
    Bool(bool),
    /// `["a", "b"]`, entries may carry a quantity: `2 of "C"`
    Set(Vec<SetEntry>),
    /// A name: a template parameter or an enum value.
    Name(String),
}

/// One entry of a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetEntry {
    /// `2 of` …
    pub quantity: Option<Value>,
    /// The element.
    pub value: Value,
}

/// A boolean expression over products or the customer.
#[derive(Debug, Clone)]
pub struct Expr {
    /// The expression.
    pub kind: ExprKind,
    /// Where it is written.
    pub span: Span,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
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
}

impl CmpOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// The forms of an expression.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// `all`: every product.
    All,
    /// `category`, `customer.tier`, a pool name, a parameter.
    Path(Vec<Ident>),
    /// A literal operand.
    Literal(Value),
    /// `loyalty_points(customer.points)`: a call of an `extern` function.
    Call {
        /// The function.
        name: Ident,
        /// Its arguments: attributes, values or parameters.
        args: Vec<Expr>,
    },
    /// `a == b`, `a < b` …
    Compare {
        /// The operator.
        op: Spanned<CmpOp>,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `a in [..]`, `a not in [..]`
    In {
        /// Whether it is `not in`.
        negated: bool,
        /// The element.
        left: Box<Expr>,
        /// The set.
        right: Box<Expr>,
    },
    /// `tags has "vip"`
    Has {
        /// The set.
        left: Box<Expr>,
        /// The element.
        right: Box<Expr>,
    },
    /// `not a`
    Not(Box<Expr>),
    /// `a and b and …` (n-ary, so long chains stay shallow)
    And(Vec<Expr>),
    /// `a or b or …`
    Or(Vec<Expr>),
    /// `a except b except …`: `a and not b and not …`, for inapplicable products.
    Except(Box<Expr>, Vec<Expr>),
}
