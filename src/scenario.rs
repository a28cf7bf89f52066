//! Auditors' scenarios: a RON file names a ruleset and gives a cart, a customer, a time and the
//! state; its outcome is snapshot-tested (`tests/scenarios.rs`), and the numbers an auditor pins
//! in `expect` are asserted. No Rust is needed to add one.
//!
//! ```ron
//! (
//!     description: "Seed 004: A 10 + B 90 earn gift C worth 5, allocated 0.50 / 4.50",
//!     ruleset: "examples/gift-return",
//!     at: "2026-06-18T10:00:00Z",
//!     cart: (lines: [
//!         (id: "A", sku: "A", unit_price: "10.00", quantity: 1, attributes: {"merchant": "seed-shop"}),
//!         (id: "B", sku: "B", unit_price: "90.00", quantity: 1, attributes: {"merchant": "seed-shop"}),
//!     ]),
//!     expect: (total: "100.00", gift_allocations: {"A": "0.50", "B": "4.50"}),
//! )
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use promo_lang::{check, lower, source_hash};
use promo_runtime::input::{Cart, Customer, State};
use promo_runtime::{CompiledRuleset, Outcome, price};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::load::load;

/// A scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What it shows, in a sentence.
    pub description: String,
    /// A `.promo` file or ruleset folder, relative to the workspace root.
    pub ruleset: String,
    /// When (RFC 3339).
    pub at: String,
    /// The cart.
    pub cart: Cart,
    /// The customer (anonymous when absent).
    #[serde(default)]
    pub customer: Customer,
    /// Used limits, stock, budgets, group members.
    #[serde(default)]
    pub state: State,
    /// Numbers the auditor pins; each is asserted.
    #[serde(default)]
    pub expect: Expect,
    /// Returns made after the purchase, in order, each with the refund it must give.
    #[serde(default)]
    pub returns: Vec<ReturnStep>,
}

/// One return of a scenario and what it must refund.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnStep {
    /// Units returned, by line.
    #[serde(default)]
    pub lines: Vec<promo_runtime::refund::ReturnLine>,
    /// Gift units returned.
    #[serde(default)]
    pub gifts: Vec<promo_runtime::refund::ReturnGift>,
    /// The refund it must give.
    #[serde(default)]
    pub refund: Option<Decimal>,
    /// What must then be owed.
    #[serde(default)]
    pub owed: Option<Decimal>,
    /// Whether a policy must refuse it.
    #[serde(default)]
    pub refused: bool,
    /// Text the error must contain, when it must fail otherwise.
    #[serde(default)]
    pub error: Option<String>,
}

/// What one return of a scenario gave.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StepResult {
    /// The refund, when it was accepted.
    pub refund: Option<promo_runtime::RefundOutcome>,
    /// Why it was not, otherwise.
    pub error: Option<String>,
}

/// Pinned numbers.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The order total.
    #[serde(default)]
    pub total: Option<Decimal>,
    /// Σ discounts.
    #[serde(default)]
    pub discount_total: Option<Decimal>,
    /// Final line prices by line id.
    #[serde(default)]
    pub final_line_prices: BTreeMap<String, Decimal>,
    /// Gift value allocated per line id (all gifts together).
    #[serde(default)]
    pub gift_allocations: BTreeMap<String, Decimal>,
    /// How many gift units.
    #[serde(default)]
    pub gift_units: Option<i64>,
    /// Names of the promotions that gave a discount.
    #[serde(default)]
    pub applied: Option<Vec<String>>,
    /// Flag kinds raised.
    #[serde(default)]
    pub flags: Option<Vec<String>>,
    /// Hints by promotion: how much more is missing (a promotion of several benefits that missed
    /// more than one: each benefit's, in order, joined by `, `).
    #[serde(default)]
    pub hints: BTreeMap<String, String>,
    /// How much a suggested switch would save.
    #[serde(default)]
    pub switch_saves: Option<Decimal>,
    /// Candidates' verdicts by line id, then promotion, as `promo eval --format text` words them:
    /// `"applied: earns a gift"`, `"not applied: the threshold is not reached"`.
    #[serde(default)]
    pub reasons: BTreeMap<String, BTreeMap<String, String>>,
}

/// Reads a scenario file.
pub fn read(path: &Path) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    // Optional fields are written as plain values, not `Some(…)`.
    let options = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    options.from_str(&text).map_err(|e| format!("`{}` is not a valid scenario: {e}", path.display()))
}

/// Compiles the ruleset at `path` (a source file or folder).
pub fn compile(path: &Path) -> Result<CompiledRuleset, String> {
    let mut rulesets = load(&[path.to_owned()]).map_err(|e| e.to_string())?;
    let loaded = rulesets.pop().ok_or("no ruleset")?;
    let checked = check(&loaded.ruleset);
    if checked.has_errors() {
        let messages: Vec<String> = checked.diagnostics.iter().map(|d| d.message()).collect();
        return Err(format!("`{}` has errors: {}", path.display(), messages.join("; ")));
    }
    lower(&checked.program, source_hash(&loaded.ruleset)).map_err(|e| e.to_string())
}

/// Compiles a ruleset given as text (one file).
pub fn compile_text(text: &str) -> Result<CompiledRuleset, String> {
    let mut ruleset = promo_lang::Ruleset::new();
    ruleset.add_file("ruleset.promo", text);
    let checked = check(&ruleset);
    if checked.has_errors() {
        let messages: Vec<String> = checked.diagnostics.iter().map(|d| d.message()).collect();
        return Err(format!("the ruleset has errors: {}", messages.join("; ")));
    }
    lower(&checked.program, source_hash(&ruleset)).map_err(|e| e.to_string())
}

/// Runs a scenario from the workspace `root`: the outcome, or why it could not be priced.
pub fn run(root: &Path, s: &Scenario) -> Result<Outcome, String> {
    let ruleset = compile(&root.join(&s.ruleset))?;
    let at = s.at.parse::<jiff::Timestamp>().map_err(|e| format!("`at` is not a time: {e}"))?.as_second();
    price(&ruleset, &s.cart, &s.customer, &s.state, at).map_err(|e| e.to_string())
}

/// Makes the scenario's returns, in order, each recorded before the next.
pub fn run_returns(root: &Path, s: &Scenario) -> Result<Vec<StepResult>, String> {
    let ruleset = compile(&root.join(&s.ruleset))?;
    let at = s.at.parse::<jiff::Timestamp>().map_err(|e| format!("`at` is not a time: {e}"))?.as_second();
    let mut order = promo_runtime::Order::new(ruleset, s.cart.clone(), s.customer.clone(), s.state.clone(), at)
        .map_err(|e| e.to_string())?;
    let mut results = Vec::new();
    for step in &s.returns {
        let ret = promo_runtime::Return { lines: step.lines.clone(), gifts: step.gifts.clone() };
        match order.refund(&ret) {
            Ok(out) => {
                order.record(ret, &out);
                results.push(StepResult { refund: Some(out), error: None });
            }
            Err(e) => results.push(StepResult { refund: None, error: Some(e.to_string()) }),
        }
    }
    Ok(results)
}

/// The expectations of the returns that their results do not meet, in words.
pub fn return_mismatches(steps: &[ReturnStep], results: &[StepResult]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, (step, result)) in steps.iter().zip(results).enumerate() {
        let n = i + 1;
        match (&result.refund, &result.error) {
            (Some(r), _) => {
                if step.refused || step.error.is_some() {
                    out.push(format!("return {n}: expected a refusal or an error, got a refund of {}", r.refund));
                }
                if let Some(want) = step.refund
                    && want != r.refund
                {
                    out.push(format!("return {n}: expected a refund of {want}, got {}", r.refund));
                }
                if let Some(want) = step.owed
                    && want != r.owed
                {
                    out.push(format!("return {n}: expected {want} owed, got {}", r.owed));
                }
            }
            (None, Some(e)) => {
                let refused_ok = step.refused && e.starts_with("return refused");
                let error_ok = step.error.as_ref().is_some_and(|want| e.contains(want.as_str()));
                if !refused_ok && !error_ok {
                    out.push(format!("return {n}: unexpected error: {e}"));
                }
            }
            (None, None) => out.push(format!("return {n}: no result")),
        }
    }
    out
}

/// The pinned numbers that the outcome does not meet, in words (empty when all hold).
pub fn mismatches(expect: &Expect, o: &Outcome) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: &str, want: Option<String>, got: String| {
        if let Some(want) = want
            && want != got
        {
            out.push(format!("{what}: expected {want}, got {got}"));
        }
    };
    check("total", expect.total.map(|d| d.to_string()), o.total.to_string());
    check("discount_total", expect.discount_total.map(|d| d.to_string()), o.discount_total.to_string());
    for (id, want) in &expect.final_line_prices {
        let got =
            o.lines.iter().find(|l| l.id == *id).map_or("no such line".into(), |l| l.final_line_price.to_string());
        check(&format!("final price of line {id}"), Some(want.to_string()), got);
    }
    for (id, want) in &expect.gift_allocations {
        let got: Decimal =
            o.gifts.iter().flat_map(|g| &g.allocations).filter(|a| a.line == *id).map(|a| a.amount).sum();
        check(&format!("gift value on line {id}"), Some(want.to_string()), got.to_string());
    }
    check(
        "gift units",
        expect.gift_units.map(|n| n.to_string()),
        o.gifts.iter().map(|g| g.quantity).sum::<i64>().to_string(),
    );
    check(
        "applied",
        expect.applied.as_ref().map(|a| a.join(", ")),
        o.discounts.iter().map(|d| d.promotion.clone()).collect::<Vec<_>>().join(", "),
    );
    for (promotion, want) in &expect.hints {
        let missing: Vec<&str> =
            o.hints.iter().filter(|h| h.promotion == *promotion).map(|h| h.missing.as_str()).collect();
        let got = if missing.is_empty() { "no hint".into() } else { missing.join(", ") };
        check(&format!("hint of `{promotion}`"), Some(want.clone()), got);
    }
    check(
        "switch saves",
        expect.switch_saves.map(|d| d.to_string()),
        o.switch_suggestions.first().map_or("no suggestion".into(), |s| s.saves.to_string()),
    );
    check(
        "flags",
        expect.flags.as_ref().map(|a| a.join(", ")),
        o.flags.iter().map(|f| f.kind.clone()).collect::<Vec<_>>().join(", "),
    );
    for (id, by_promotion) in &expect.reasons {
        let line = o.lines.iter().find(|l| l.id == *id);
        for (promotion, want) in by_promotion {
            let got = match line {
                None => "no such line".into(),
                Some(line) => line.candidates.iter().find(|c| c.promotion == *promotion).map_or_else(
                    || "not a candidate".into(),
                    |c| format!("{}: {}", if c.applied { "applied" } else { "not applied" }, c.reason),
                ),
            };
            check(&format!("`{promotion}` on line {id}"), Some(want.clone()), got);
        }
    }
    out
}
