//! `promo check PATH... [--format human|json]`

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use promo::lang::check;
use promo::load::load;

use super::Format;
use super::report::{Reporter, plural};

/// Arguments of `promo check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// `.promo` files, ruleset folders, or folders of ruleset folders.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

pub fn run(args: CheckArgs) -> ExitCode {
    let rulesets = match load(&args.paths) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut reporter = Reporter::new(args.format);
    for loaded in &rulesets {
        let unreadable = reporter.unreadable(loaded);
        let checked = check(&loaded.ruleset);
        reporter.checked(&checked, loaded.ruleset.sources());
        if reporter.is_human() && checked.diagnostics.is_empty() && !unreadable {
            let promotions = checked.program.promotions.len();
            eprintln!("ok: {} ({})", loaded.path.display(), plural(promotions, "promotion"));
        }
    }
    if reporter.is_human() {
        eprintln!(
            "checked {}: {}, {}",
            plural(rulesets.len(), "ruleset"),
            plural(reporter.errors, "error"),
            plural(reporter.warnings, "warning")
        );
    }
    let errors = reporter.errors;
    if !reporter.finish() {
        return ExitCode::from(2);
    }
    if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
