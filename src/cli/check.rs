//! `promo check PATH... [--format human|json]`: every ruleset checked through one database, the
//! one the language server keeps for a session (`promo_lang::db`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use promo::lang::db::Database;
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
    let mut db = Database::new();
    for loaded in &rulesets {
        let unreadable = reporter.unreadable(loaded);
        let ruleset = db.add_ruleset(&loaded.ruleset).input;
        let checked = db.checked(ruleset);
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
