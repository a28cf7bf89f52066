//! `promo refund ORDER.json --return RETURN.json [--format json|text] [--record]`

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use promo::runtime::{Order, Return};

use super::eval::OutcomeFormat;

/// Arguments of `promo refund`.
#[derive(Debug, Args)]
pub struct RefundArgs {
    /// The order (`promo eval … --order-out ORDER.json`).
    order: PathBuf,
    /// What is returned (JSON, spec/refunds.md).
    #[arg(long = "return")]
    ret: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    format: OutcomeFormat,
    /// Record the return in the order file, for later returns.
    #[arg(long)]
    record: bool,
}

pub fn run(args: RefundArgs) -> ExitCode {
    let read = |path: &PathBuf, what: &str| -> Result<String, String> {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {what} `{}`: {e}", path.display()))
    };
    let parsed = read(&args.order, "the order").and_then(|o| {
        let order: Order =
            serde_json::from_str(&o).map_err(|e| format!("`{}` is not a valid order: {e}", args.order.display()))?;
        let r = read(&args.ret, "the return")?;
        let ret: Return =
            serde_json::from_str(&r).map_err(|e| format!("`{}` is not a valid return: {e}", args.ret.display()))?;
        Ok((order, ret))
    });
    let (mut order, ret) = match parsed {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let outcome = match order.refund(&ret) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    match args.format {
        OutcomeFormat::Json => match serde_json::to_string_pretty(&outcome) {
            Ok(t) => println!("{t}"),
            Err(e) => {
                eprintln!("error: cannot write JSON: {e}");
                return ExitCode::from(2);
            }
        },
        OutcomeFormat::Text => {
            let c = &order.outcome.currency;
            println!("refund {} {c}", outcome.refund);
            for l in &outcome.lines {
                println!("  line {} × {}: {} {c}", l.line, l.quantity, l.amount);
            }
            for d in &outcome.deductions {
                println!("  withheld {} {c} ({}): {}", d.amount, d.promotion, d.reason);
            }
            for r in &outcome.restored {
                println!("  {} units back to `{}`", r.units, r.promotion);
            }
            if !outcome.owed.is_zero() {
                println!("  owed {} {c}", outcome.owed);
            }
            for e in &outcome.explanation {
                println!("  · {e}");
            }
        }
    }
    if args.record {
        order.record(ret, &outcome);
        let written = serde_json::to_string_pretty(&order)
            .map_err(|e| e.to_string())
            .and_then(|t| super::compile::write_atomically(&args.order, t.as_bytes()).map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!("error: cannot record the return in `{}`: {e}", args.order.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
