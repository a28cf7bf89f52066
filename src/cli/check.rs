//! `promo check PATH... [--format human|json]`

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use promo::lang::{Severity, check};
use promo::load::load;
use promo::render::{JsonDiagnostic, human, to_json};

use super::Format;

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
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut json: Vec<JsonDiagnostic> = Vec::new();
    let (mut errors, mut warnings) = (0usize, 0usize);
    let mut stderr = std::io::stderr().lock();
    for loaded in &rulesets {
        for (path, offset) in &loaded.unreadable {
            errors += 1;
            let message = format!("`{}` is not UTF-8 text (invalid byte at offset {offset})", path.display());
            match args.format {
                Format::Json => json.push(JsonDiagnostic {
                    code: "promo::io::not_utf8".into(),
                    severity: Severity::Error,
                    message,
                    file: path.display().to_string(),
                    span: promo::render::JsonSpan { start: *offset, end: *offset },
                    line: 0,
                    column: 0,
                    end_line: 0,
                    end_column: 0,
                    help: Some("save the file as UTF-8".into()),
                }),
                Format::Human => {
                    let _ = writeln!(stderr, "error[promo::io::not_utf8]: {message}");
                }
            }
        }
        let checked = check(&loaded.ruleset);
        let sources = loaded.ruleset.sources();
        for d in &checked.diagnostics {
            match d.severity() {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
            match args.format {
                Format::Json => json.push(to_json(d, sources)),
                Format::Human => {
                    let _ = write!(stderr, "{}", human(d, sources, colour));
                }
            }
        }
        if args.format == Format::Human && checked.diagnostics.is_empty() && loaded.unreadable.is_empty() {
            let promotions = checked.program.promotions.len();
            let _ = writeln!(stderr, "ok: {} ({promotions} promotions)", loaded.path.display());
        }
    }
    match args.format {
        Format::Json => match serde_json::to_string_pretty(&json) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("error: cannot write JSON: {e}");
                return ExitCode::from(2);
            }
        },
        Format::Human => {
            let _ = writeln!(
                stderr,
                "checked {} ruleset{}: {errors} error{}, {warnings} warning{}",
                rulesets.len(),
                if rulesets.len() == 1 { "" } else { "s" },
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" },
            );
        }
    }
    if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
