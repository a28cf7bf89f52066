//! Errors and warnings of name resolution and type checking. One root cause, one diagnostic:
//! an expression that already failed has type `error` and reports nothing further.

use miette::Diagnostic;
use thiserror::Error;

use crate::source::Span;

/// A problem the checker found in a ruleset.
#[derive(Debug, Clone, Error, Diagnostic)]
pub enum CheckError {
    // ------------------------------------------------------------------ names
    /// An attribute the schema does not declare.
    #[error("unknown {subject} attribute `{name}`")]
    #[diagnostic(code(promo::name::unknown_attribute))]
    UnknownAttribute {
        /// `product` or `customer`.
        subject: &'static str,
        /// The name as written.
        name: String,
        /// Where.
        #[label("not in the schema")]
        span: Span,
        /// "did you mean" or how to declare it.
        #[help]
        help: Option<String>,
    },
    /// A name that is neither an attribute, a pool, a parameter nor an enum value.
    #[error("unknown name `{name}`")]
    #[diagnostic(code(promo::name::unknown))]
    UnknownName {
        /// The name.
        name: String,
        /// Where.
        #[label("not defined")]
        span: Span,
        /// "did you mean".
        #[help]
        help: Option<String>,
    },
    /// A value that is not one of its enum's values.
    #[error("`{value}` is not a value of `{enum_name}`")]
    #[diagnostic(code(promo::name::unknown_enum_value))]
    UnknownEnumValue {
        /// The value written.
        value: String,
        /// The enum.
        enum_name: String,
        /// Where.
        #[label("expected one of: {values}")]
        span: Span,
        /// The enum's values.
        values: String,
        /// "did you mean".
        #[help]
        help: Option<String>,
    },
    /// A template that no library or file defines.
    #[error("unknown template `{name}`")]
    #[diagnostic(code(promo::name::unknown_template))]
    UnknownTemplate {
        /// The name.
        name: String,
        /// Where.
        #[label("no such template")]
        span: Span,
        /// "did you mean".
        #[help]
        help: Option<String>,
    },
    /// A standard template used without `use std::{…}`.
    #[error("template `{name}` is not imported")]
    #[diagnostic(code(promo::name::template_not_imported), help("add `use std::{{{name}}}` at the top of the file"))]
    TemplateNotImported {
        /// The template.
        name: String,
        /// Where it is used.
        #[label("used here")]
        span: Span,
    },
    /// `use X::…` with an X that is not a library.
    #[error("unknown library `{name}`")]
    #[diagnostic(code(promo::name::unknown_library), help("the standard library is `std`"))]
    UnknownLibrary {
        /// The name.
        name: String,
        /// Where.
        #[label("no such library")]
        span: Span,
    },
    /// A type name that is neither built in nor an enum.
    #[error("unknown type `{name}`")]
    #[diagnostic(code(promo::name::unknown_type))]
    UnknownType {
        /// The name.
        name: String,
        /// Where.
        #[label("not a type")]
        span: Span,
        /// "did you mean", or the list of types.
        #[help]
        help: Option<String>,
    },
    /// Two definitions of one name.
    #[error("{what} `{name}` is defined twice")]
    #[diagnostic(code(promo::name::duplicate), help("rename one of them"))]
    Duplicate {
        /// `promotion`, `pool`, `template`, `enum` …
        what: &'static str,
        /// The name.
        name: String,
        /// The second definition.
        #[label(primary, "defined again here")]
        span: Span,
        /// The first definition (when in the same file).
        #[label("first defined here")]
        first: Option<Span>,
    },
    /// Two promotions with the same name.
    #[error("promotion `{name}` is defined twice")]
    #[diagnostic(
        code(promo::name::duplicate_promotion),
        help("promotion names are how orders, stats and auditors refer to a promotion: make each unique")
    )]
    DuplicatePromotion {
        /// The name.
        name: String,
        /// The second one.
        #[label(primary, "defined again here")]
        span: Span,
        /// The first one (when in the same file).
        #[label("first defined here")]
        first: Option<Span>,
    },
    /// A built-in attribute declared again in the schema.
    #[error("`{name}` is a built-in {subject} attribute")]
    #[diagnostic(code(promo::name::builtin_attribute), help("built-in attributes are always there; remove this line"))]
    BuiltinAttribute {
        /// `product` or `customer`.
        subject: &'static str,
        /// The name.
        name: String,
        /// Where.
        #[label("already declared by Promo as `{ty}`")]
        span: Span,
        /// Its built-in type.
        ty: String,
    },
    /// A pool that (through other pools) refers to itself.
    #[error("pool `{name}` refers to itself")]
    #[diagnostic(
        code(promo::name::cyclic_pool),
        help("a pool must be defined by attributes and other pools, without going round in a circle")
    )]
    CyclicPool {
        /// The pool.
        name: String,
        /// The reference that closes the cycle.
        #[label("`{name}` is used here, inside its own definition ({cycle})")]
        span: Span,
        /// The cycle, e.g. `a → b → a`.
        cycle: String,
    },
    /// A pool that no promotion uses.
    #[error("pool `{name}` is never used")]
    #[diagnostic(code(promo::name::unused_pool), severity(Warning), help("use it in a `scope`, or remove it"))]
    UnusedPool {
        /// The pool.
        name: String,
        /// Its name in the definition.
        #[label("defined here")]
        span: Span,
    },
    /// `stacks with "X"` where no promotion is called X.
    #[error("no promotion is called `{name}`")]
    #[diagnostic(code(promo::name::unknown_promotion))]
    UnknownPromotion {
        /// The name.
        name: String,
        /// Where.
        #[label("not a promotion of this ruleset")]
        span: Span,
        /// "did you mean".
        #[help]
        help: Option<String>,
    },
    /// A template argument for no parameter.
    #[error("template `{template}` has no parameter `{name}`")]
    #[diagnostic(code(promo::template::unknown_parameter))]
    UnknownParameter {
        /// The template.
        template: String,
        /// The argument's name.
        name: String,
        /// Where.
        #[label("no such parameter")]
        span: Span,
        /// "did you mean" / the parameters.
        #[help]
        help: Option<String>,
    },
    /// A required parameter without an argument.
    #[error("missing argument `{param}` for template `{template}`")]
    #[diagnostic(code(promo::template::missing_argument))]
    MissingArgument {
        /// The template.
        template: String,
        /// The parameter.
        param: String,
        /// The call.
        #[label("`{param}: {ty}` is required")]
        span: Span,
        /// The parameter's type.
        ty: String,
    },
    /// The same argument twice.
    #[error("argument `{name}` is given twice")]
    #[diagnostic(code(promo::template::duplicate_argument))]
    DuplicateArgument {
        /// The argument.
        name: String,
        /// The second one.
        #[label("given again here")]
        span: Span,
    },
    /// A promotion clause that its template already sets.
    #[error("template `{template}` already sets `{clause}`")]
    #[diagnostic(
        code(promo::template::clause_overridden),
        help("pass it as a parameter of the template instead, or write the promotion without the template")
    )]
    TemplateClauseOverridden {
        /// The template.
        template: String,
        /// The clause keyword.
        clause: &'static str,
        /// The promotion's clause.
        #[label("set again here")]
        span: Span,
    },

    // ------------------------------------------------------------------ types
    /// A value of the wrong type.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code("promo::type::mismatch"))]
    TypeMismatch {
        /// What the position needs.
        expected: String,
        /// What is written.
        found: String,
        /// Where.
        #[label("this is {found}")]
        span: Span,
        /// How to write the expected type.
        #[help]
        help: Option<String>,
    },
    /// Money in a currency other than the ruleset's.
    #[error("currency mismatch: expected {expected}, found {found}")]
    #[diagnostic(
        code("promo::type::currency_mismatch"),
        help("this ruleset prices in {expected} (see `settings`); a ruleset has one currency")
    )]
    CurrencyMismatch {
        /// The ruleset's currency.
        expected: String,
        /// The literal's currency.
        found: String,
        /// The currency code.
        #[label("this amount is in {found}")]
        span: Span,
    },
    /// `<`, `>` … on values without an order.
    #[error("`{op}` needs ordered values, but {ty} has no order")]
    #[diagnostic(code("promo::type::not_ordered"))]
    NotOrdered {
        /// The operator.
        op: &'static str,
        /// The type.
        ty: String,
        /// The operator's place.
        #[label("cannot order {ty}")]
        span: Span,
        /// How to make it ordered.
        #[help]
        help: Option<String>,
    },
    /// A scope or eligibility that is not a condition.
    #[error("expected a condition, found {found}")]
    #[diagnostic(code("promo::type::not_a_condition"), help("compare it, e.g. `category == \"shoes\"`"))]
    NotACondition {
        /// The type found.
        found: String,
        /// Where.
        #[label("this is {found}, not true/false")]
        span: Span,
    },
    /// A comparison with no attribute on either side.
    #[error("a comparison needs an attribute on one side")]
    #[diagnostic(
        code("promo::type::no_attribute"),
        help("compare an attribute with a value, e.g. `brand == \"Acme\"`")
    )]
    NoAttribute {
        /// The comparison.
        #[label("neither side is an attribute")]
        span: Span,
    },
    /// A comparison of two attributes.
    #[error("a comparison of two attributes is not supported")]
    #[diagnostic(code("promo::type::two_attributes"), help("compare an attribute with a value"))]
    TwoAttributes {
        /// The comparison.
        #[label("both sides are attributes")]
        span: Span,
    },
    /// `2 of "X"` where quantities are not meaningful.
    #[error("a quantity (`N of …`) is only allowed in a bundle")]
    #[diagnostic(code("promo::type::quantity_not_allowed"))]
    QuantityNotAllowed {
        /// The quantity.
        #[label("remove this quantity")]
        span: Span,
    },

    // ------------------------------------------------------------------ values
    /// A percentage outside (0 %, 100 %].
    #[error("percentage {value}% is out of range")]
    #[diagnostic(
        code(promo::value::percent_out_of_range),
        help("a percentage here must be more than 0% and at most 100%")
    )]
    PercentOutOfRange {
        /// The value.
        value: String,
        /// Where.
        #[label("must be in (0%, 100%]")]
        span: Span,
    },
    /// A negative amount of money.
    #[error("negative amount {value}")]
    #[diagnostic(
        code(promo::value::negative_money),
        help("amounts are never negative; a discount is written as the amount taken off")
    )]
    NegativeMoney {
        /// The value.
        value: String,
        /// Where.
        #[label("must be zero or more")]
        span: Span,
    },
    /// More decimals than the currency's minor unit.
    #[error("{value} has more decimals than {currency} allows ({minor_units})")]
    #[diagnostic(code(promo::value::money_precision), help("write amounts in whole minor units, e.g. `9.99`"))]
    MoneyPrecision {
        /// The value.
        value: String,
        /// The currency.
        currency: String,
        /// Its minor unit.
        minor_units: u32,
        /// Where.
        #[label("too precise for {currency}")]
        span: Span,
    },
    /// A fraction where a whole number is needed.
    #[error("expected a whole number, found {value}")]
    #[diagnostic(code(promo::value::not_an_integer))]
    NotAnInteger {
        /// The value.
        value: String,
        /// Where.
        #[label("must be a whole number")]
        span: Span,
    },
    /// Zero or a negative count where at least one is needed.
    #[error("{what} must be at least {min}, found {value}")]
    #[diagnostic(code(promo::value::too_small))]
    TooSmall {
        /// What the number counts.
        what: &'static str,
        /// The smallest allowed.
        min: u64,
        /// The value.
        value: String,
        /// Where.
        #[label("at least {min}")]
        span: Span,
        /// Why.
        #[help]
        help: Option<String>,
    },
    /// A number beyond what Promo can represent.
    #[error("number `{value}` is too large")]
    #[diagnostic(code(promo::value::too_large))]
    TooLarge {
        /// The value.
        value: String,
        /// Where.
        #[label("too large")]
        span: Span,
    },
    /// A date or time that does not exist.
    #[error("invalid date or time `{value}`: {reason}")]
    #[diagnostic(code(promo::value::invalid_datetime), help("write `YYYY-MM-DD HH:MM`, e.g. `2026-06-18 10:00`"))]
    InvalidDateTime {
        /// The value.
        value: String,
        /// What is wrong.
        reason: String,
        /// Where.
        #[label("not a valid date and time")]
        span: Span,
    },
    /// A time zone the time-zone database does not know.
    #[error("unknown time zone `{name}`")]
    #[diagnostic(code(promo::value::unknown_timezone))]
    UnknownTimezone {
        /// The name.
        name: String,
        /// Where.
        #[label("not in the time-zone database")]
        span: Span,
        /// "did you mean".
        #[help]
        help: Option<String>,
    },
    /// A currency code Promo does not know.
    #[error("unknown currency `{code}`")]
    #[diagnostic(code(promo::value::unknown_currency))]
    UnknownCurrency {
        /// The code.
        code: String,
        /// Where.
        #[label("not an ISO 4217 currency Promo knows")]
        span: Span,
        /// "did you mean".
        #[help]
        help: Option<String>,
    },
    /// A window that ends before (or when) it starts.
    #[error("the window ends before it starts")]
    #[diagnostic(code(promo::value::window_reversed), help("write the start first: `window START .. END`"))]
    WindowReversed {
        /// The start.
        #[label("starts here")]
        start: Span,
        /// The end.
        #[label(primary, "ends here, not after the start")]
        end: Span,
    },
    /// An empty set.
    #[error("empty set")]
    #[diagnostic(code(promo::value::empty_set), help("list at least one value"))]
    EmptySet {
        /// Where.
        #[label("nothing can be in it")]
        span: Span,
    },
    /// Tiers whose thresholds do not rise, or whose discounts do not grow.
    #[error("tiers must rise: {reason}")]
    #[diagnostic(
        code(promo::value::tiers_not_increasing),
        help("write tiers from the lowest threshold to the highest, each giving more")
    )]
    TiersNotIncreasing {
        /// What is wrong.
        reason: String,
        /// The offending step.
        #[label(primary, "this tier")]
        span: Span,
        /// The step before.
        #[label("comes after this one")]
        previous: Span,
    },
    /// A money discount at least as large as its threshold.
    #[error("discount {discount} is not less than its threshold {threshold}")]
    #[diagnostic(
        code(promo::value::discount_exceeds_threshold),
        help("a discount that takes off the whole threshold makes orders free")
    )]
    DiscountExceedsThreshold {
        /// The discount.
        discount: String,
        /// The threshold.
        threshold: String,
        /// The discount's place.
        #[label(primary, "takes off {discount}")]
        span: Span,
        /// The threshold's place.
        #[label("on a spend of {threshold}")]
        threshold_span: Span,
    },
    /// A presale deposit that deducts less than it costs.
    #[error("the deposit {deposit} deducts only {deducts}")]
    #[diagnostic(
        code(promo::value::presale_deduction),
        help("a presale deposit must deduct at least what it costs from the final payment")
    )]
    PresaleDeduction {
        /// The deposit.
        deposit: String,
        /// The deduction.
        deducts: String,
        /// The deduction's place.
        #[label("less than the deposit")]
        span: Span,
    },
    /// A setting with a value it cannot take.
    #[error("unknown {setting} `{value}`")]
    #[diagnostic(code(promo::settings::unknown_value))]
    UnknownSettingValue {
        /// The setting.
        setting: &'static str,
        /// The value.
        value: String,
        /// Where.
        #[label("expected {expected}")]
        span: Span,
        /// The values allowed.
        expected: &'static str,
        /// "did you mean".
        #[help]
        help: Option<String>,
    },
    /// A setting given twice.
    #[error("`{setting}` is set twice")]
    #[diagnostic(code(promo::settings::duplicate), help("a ruleset has one value for each setting; remove one"))]
    DuplicateSetting {
        /// The setting.
        setting: &'static str,
        /// The second one.
        #[label(primary, "set again here")]
        span: Span,
        /// The first one (when in the same file).
        #[label("first set here")]
        first: Option<Span>,
    },
    /// Money used in a ruleset that declares no currency.
    #[error("this ruleset has no currency")]
    #[diagnostic(
        code(promo::settings::missing_currency),
        help("add `settings {{ currency USD }}` (or your currency) to the ruleset")
    )]
    MissingCurrency {
        /// The first amount of money.
        #[label("an amount of money needs a currency")]
        span: Span,
    },

    // ------------------------------------------------------------------ clauses
    /// The same clause twice in one promotion.
    #[error("`{clause}` is given twice")]
    #[diagnostic(code(promo::clause::duplicate), help("a promotion says each thing once; remove one"))]
    DuplicateClause {
        /// The clause keyword.
        clause: &'static str,
        /// The second one.
        #[label(primary, "given again here")]
        span: Span,
        /// The first one.
        #[label("first given here")]
        first: Span,
    },
    /// Two benefits that cannot both apply.
    #[error("`{second}` contradicts `{first}`: a promotion changes the price one way")]
    #[diagnostic(
        code(promo::clause::conflicting_benefits),
        help("split them into two promotions; the engine picks the better one for the customer")
    )]
    ConflictingBenefits {
        /// The first benefit.
        first: &'static str,
        /// The second benefit.
        second: &'static str,
        /// The second one.
        #[label(primary, "second price change")]
        span: Span,
        /// The first one.
        #[label("first price change")]
        first_span: Span,
    },
    /// Two clauses that say opposite things.
    #[error("`{second}` contradicts `{first}`")]
    #[diagnostic(code(promo::clause::contradiction))]
    Contradiction {
        /// The first clause.
        first: &'static str,
        /// The second clause.
        second: &'static str,
        /// The second one.
        #[label(primary, "contradicts")]
        span: Span,
        /// The first one.
        #[label("this")]
        first_span: Span,
        /// How to resolve it.
        #[help]
        help: Option<String>,
    },
    /// A promotion that gives nothing.
    #[error("promotion `{name}` gives nothing")]
    #[diagnostic(
        code(promo::clause::missing_benefit),
        help("add what it gives: `price`, `discount`, `buy … get …`, `gift`, `addon`, `bundle`, `presale` or `group`")
    )]
    MissingBenefit {
        /// The promotion.
        name: String,
        /// Its name.
        #[label("no benefit clause")]
        span: Span,
    },
    /// A required clause is missing.
    #[error("promotion `{name}` has no `{clause}`")]
    #[diagnostic(code(promo::clause::missing))]
    MissingClause {
        /// The promotion.
        name: String,
        /// The clause.
        clause: &'static str,
        /// Its name.
        #[label("`{clause}` is required")]
        span: Span,
        /// What to add.
        #[help]
        help: Option<String>,
    },
    /// A clause that needs another one.
    #[error("`{clause}` needs `{needs}`")]
    #[diagnostic(code(promo::clause::needs))]
    ClauseNeeds {
        /// The clause.
        clause: &'static str,
        /// What it needs.
        needs: &'static str,
        /// Where.
        #[label("needs `{needs}`")]
        span: Span,
        /// Why.
        #[help]
        help: Option<String>,
    },
    /// A clause that does not fit the promotion's level or kind.
    #[error("{message}")]
    #[diagnostic(code(promo::clause::not_applicable))]
    NotApplicable {
        /// What is wrong.
        message: String,
        /// Where.
        #[label("here")]
        span: Span,
        /// How to fix it.
        #[help]
        help: Option<String>,
    },

    // ------------------------------------------------------------------ scope and eligibility
    /// A condition (scope, pool, eligibility) that can never be true.
    #[error("this condition can never be true")]
    #[diagnostic(code(promo::scope::never_matches))]
    NeverMatches {
        /// The scope.
        #[label("{reason}")]
        span: Span,
        /// Why.
        reason: String,
        /// The fix.
        #[help]
        help: Option<String>,
    },
    /// A customer attribute in a product scope.
    #[error("`scope` selects products, but `customer.{name}` describes the customer")]
    #[diagnostic(code(promo::scope::customer_attribute), help("move this condition to an `eligible` clause"))]
    CustomerInScope {
        /// The attribute.
        name: String,
        /// Where.
        #[label("customer attribute")]
        span: Span,
    },
    /// A product attribute or pool in an eligibility rule.
    #[error("`eligible` selects customers, but `{name}` describes products")]
    #[diagnostic(
        code(promo::eligible::product_attribute),
        help("move this condition to the `scope` clause, or write `customer.{name}`")
    )]
    ProductInEligible {
        /// The attribute or pool.
        name: String,
        /// Where.
        #[label("product attribute")]
        span: Span,
    },

    // ------------------------------------------------------------------ risk
    /// A price below a declared floor.
    #[error("{what} is below the floor: {price} < {floor}")]
    #[diagnostic(
        code(promo::risk::below_floor),
        help("raise the price, or lower the floor deliberately (the floor is there to stop price mistakes)")
    )]
    BelowFloor {
        /// What is below.
        what: &'static str,
        /// The price.
        price: String,
        /// The floor.
        floor: String,
        /// The price's place.
        #[label(primary, "below the floor")]
        span: Span,
        /// The floor's place (when in the same file).
        #[label("floor declared here")]
        floor_span: Option<Span>,
    },
    /// A benefit that makes products free by price.
    #[error("{what} makes the product free")]
    #[diagnostic(
        code(promo::risk::zero_price),
        help("to give a product away, use `gift`; a 0-price sale is almost always a mistake")
    )]
    ZeroPrice {
        /// What.
        what: &'static str,
        /// Where.
        #[label("0-price sale")]
        span: Span,
    },

    // ------------------------------------------------------------------ extensions
    /// A call of a function no `extern` declares.
    #[error("unknown function `{name}`")]
    #[diagnostic(code("promo::extern::unknown_function"))]
    UnknownFunction {
        /// The name.
        name: String,
        /// Where.
        #[label("not declared")]
        span: Span,
        /// "did you mean", or how to declare it.
        #[help]
        help: Option<String>,
    },
    /// A call with the wrong number of arguments.
    #[error("`{name}` takes {expected} argument(s), found {found}")]
    #[diagnostic(code("promo::extern::arity"))]
    Arity {
        /// The function.
        name: String,
        /// Parameters declared.
        expected: usize,
        /// Arguments given.
        found: usize,
        /// The call.
        #[label("{signature}")]
        span: Span,
        /// The declaration, as written.
        signature: String,
    },
    /// A parameter or result type the extension ABI does not pass.
    #[error("an extension cannot {role} {ty}")]
    #[diagnostic(
        code("promo::extern::unsupported_type"),
        help("extensions take and return numbers, money, percentages, booleans, enums, times and durations")
    )]
    UnsupportedExternType {
        /// "take" or "return".
        role: &'static str,
        /// The type.
        ty: String,
        /// Where.
        #[label("not passed to WebAssembly")]
        span: Span,
    },
    /// A module file that is not beside the ruleset.
    #[error("no extension module `{name}` beside the ruleset")]
    #[diagnostic(code("promo::extern::unknown_module"))]
    UnknownModule {
        /// The name.
        name: String,
        /// Where.
        #[label("no such module")]
        span: Span,
        /// "did you mean", or where modules go.
        #[help]
        help: Option<String>,
    },
    /// A module that is not valid WebAssembly, or that imports something.
    #[error("extension module `{name}` cannot be used: {reason}")]
    #[diagnostic(
        code("promo::extern::bad_module"),
        help("a module is WebAssembly (`.wasm`) or its text form (`.wat`) and imports nothing")
    )]
    BadModule {
        /// The module.
        name: String,
        /// Why.
        reason: String,
        /// Where it is named.
        #[label("this module")]
        span: Span,
    },
    /// A module that does not export the declared function.
    #[error("extension module `{module}` exports no function `{name}`")]
    #[diagnostic(code("promo::extern::missing_export"))]
    MissingExport {
        /// The function.
        name: String,
        /// The module.
        module: String,
        /// Where.
        #[label("not exported")]
        span: Span,
        /// "did you mean", or what it exports.
        #[help]
        help: Option<String>,
    },
    /// A module whose export does not have the declaration's WebAssembly signature.
    #[error("`{name}` in `{module}` has the signature {found}, but its declaration needs {expected}")]
    #[diagnostic(
        code("promo::extern::signature"),
        help(
            "see spec/extensions.md: int, money, decimal, percent, time and duration are i64; bool and enums are i32"
        )
    )]
    ExternSignature {
        /// The function.
        name: String,
        /// The module.
        module: String,
        /// What the module exports.
        found: String,
        /// What the declaration needs.
        expected: String,
        /// Where.
        #[label("declared here")]
        span: Span,
    },
}
