//! `promo eval RULESET --cart CART.json [--customer FILE] [--state FILE] [--at TIME]
//! [--format json|text]` and `promo explain …` (the same, as a readable account).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use promo::lang::{check, lower, source_hash};
use promo::load::load;
use promo::runtime::input::{Cart, Customer, State};
use promo::runtime::{CompiledRuleset, Outcome, price};

use super::Format;
use super::report::{Reporter, plural};

/// Output of `promo eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutcomeFormat {
    /// The outcome as JSON (money as decimal strings).
    Json,
    /// A readable account of what applied and why.
    Text,
}

/// Arguments of `promo eval` and `promo explain`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A `.promo` file, a ruleset folder, or a compiled ruleset (`promo compile`).
    ruleset: PathBuf,
    /// The cart (JSON, spec/inputs.md).
    #[arg(long)]
    cart: PathBuf,
    /// The customer (JSON); anonymous when absent.
    #[arg(long)]
    customer: Option<PathBuf>,
    /// Used limits, stock and budgets, group-buy members (JSON, spec/inputs.md); nothing used when absent.
    #[arg(long)]
    state: Option<PathBuf>,
    /// The time to price at (RFC 3339, e.g. 2026-06-18T10:30:00+08:00); now when absent.
    #[arg(long)]
    at: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    format: OutcomeFormat,
    /// Also record the order (ruleset, inputs, outcome) here, for `promo refund`.
    #[arg(long)]
    order_out: Option<PathBuf>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("`{}` is not a valid {what}: {e}", path.display()))
}

/// The ruleset at `path`: compiled, or compiled now from sources (diagnostics printed).
fn ruleset(path: &Path) -> Result<CompiledRuleset, ExitCode> {
    if path.is_file() && path.extension().is_some_and(|e| e == "json") {
        let text = std::fs::read_to_string(path).map_err(|e| {
            eprintln!("error: cannot read `{}`: {e}", path.display());
            ExitCode::from(2)
        })?;
        return CompiledRuleset::from_json(&text).map_err(|e| {
            eprintln!("error: `{}`: {e}", path.display());
            ExitCode::from(1)
        });
    }
    let mut rulesets = load(&[path.to_owned()]).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    if rulesets.len() != 1 {
        eprintln!("error: `{}` holds {}; give one", path.display(), plural(rulesets.len(), "ruleset"));
        return Err(ExitCode::from(2));
    }
    let loaded = rulesets.pop().ok_or(ExitCode::from(2))?;
    let checked = check(&loaded.ruleset);
    let mut reporter = Reporter::new(Format::Human);
    let unreadable = reporter.unreadable(&loaded);
    if unreadable || checked.has_errors() {
        reporter.checked(&checked, loaded.ruleset.sources());
        eprintln!("not evaluated: the ruleset has {}", plural(reporter.errors, "error"));
        return Err(ExitCode::from(1));
    }
    lower(&checked.program, source_hash(&loaded.ruleset)).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(1)
    })
}

pub fn run(args: EvalArgs, explain: bool) -> ExitCode {
    let ruleset = match ruleset(&args.ruleset) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let inputs = (|| -> Result<(Cart, Customer, State, i64), String> {
        let cart: Cart = read_json(&args.cart, "cart")?;
        let customer: Customer = match &args.customer {
            Some(p) => read_json(p, "customer")?,
            None => Customer::default(),
        };
        let state: State = match &args.state {
            Some(p) => read_json(p, "state")?,
            None => State::default(),
        };
        let at = match &args.at {
            Some(t) => t
                .parse::<jiff::Timestamp>()
                .map_err(|e| format!("--at `{t}` is not a time like 2026-06-18T10:30:00+08:00: {e}"))?
                .as_second(),
            None => jiff::Timestamp::now().as_second(),
        };
        Ok((cart, customer, state, at))
    })();
    let (cart, customer, state, at) = match inputs {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let outcome = match price(&ruleset, &cart, &customer, &state, at) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    if let Some(path) = &args.order_out {
        let order = promo::runtime::Order {
            ruleset,
            at,
            cart,
            customer,
            state,
            outcome: outcome.clone(),
            returns: Vec::new(),
            refunded: rust_decimal::Decimal::ZERO,
            refunded_lines: Default::default(),
        };
        let written = serde_json::to_string_pretty(&order)
            .map_err(|e| e.to_string())
            .and_then(|text| super::compile::write_atomically(path, text.as_bytes()).map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    if explain || args.format == OutcomeFormat::Text {
        print!("{}", account(&outcome));
    } else {
        match serde_json::to_string_pretty(&outcome) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("error: cannot write JSON: {e}");
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}

/// The outcome in words.
fn account(o: &Outcome) -> String {
    let mut out = String::new();
    let c = &o.currency;
    for line in &o.lines {
        out.push_str(&format!(
            "line {} — {} × {} at {} {c} = {} {c}\n",
            line.id, line.sku, line.quantity, line.unit_price, line.line_price
        ));
        for cand in &line.candidates {
            let mark = if cand.applied { "applied" } else { "not applied" };
            out.push_str(&format!("  {mark}: {} — {}\n", cand.promotion, cand.reason));
        }
        out.push_str(&format!("  pays {} {c} ({} {c} a unit)\n", line.final_line_price, line.final_unit_price));
    }
    out.push_str(&format!("subtotal {} {c}\n", o.subtotal));
    for d in &o.discounts {
        out.push_str(&format!("  − {} {c}  {} ({})\n", d.amount, d.promotion, d.stage));
    }
    out.push_str(&format!("total {} {c} (saves {} {c})\n", o.total, o.discount_total));
    for g in &o.gifts {
        out.push_str(&format!("gift: {} × {} worth {} {c} ({})\n", g.quantity, g.sku, g.worth, g.promotion));
    }
    for a in &o.addons {
        out.push_str(&format!("add-on offer: {} at {} {c} ({})\n", a.sku, a.price, a.promotion));
    }
    for p in &o.presale {
        out.push_str(&format!("presale deposit due now: {} {c} on line {} ({})\n", p.deposit, p.line, p.promotion));
    }
    for h in &o.hints {
        out.push_str(&format!("hint: {}\n", h.message));
    }
    for s in &o.switch_suggestions {
        out.push_str(&format!(
            "switch: choose {} instead of {} to save {} {c} more\n",
            s.choose.join(", "),
            s.instead_of.join(", "),
            s.saves
        ));
    }
    for f in &o.flags {
        out.push_str(&format!("flag [{}]: {}\n", f.kind, f.message));
    }
    if !o.search.complete {
        out.push_str(&format!(
            "note: the search stopped after {} combinations; the best found is used\n",
            o.search.evaluated
        ));
    }
    out
}
