//! `promo compile PATH -o FILE`: check one ruleset and write its compiled form. Nothing is written
//! when there are errors, and the output file is replaced atomically, never left half-written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use promo::lang::db::Database;
use promo::load::load;

use super::Format;
use super::report::{Reporter, plural};

/// Arguments of `promo compile`.
#[derive(Debug, Args)]
pub struct CompileArgs {
    /// A `.promo` file or a ruleset folder.
    path: PathBuf,
    /// Where to write the compiled ruleset.
    #[arg(short, long)]
    output: PathBuf,
    /// Format of diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

pub fn run(args: CompileArgs) -> ExitCode {
    let mut rulesets = match load(std::slice::from_ref(&args.path)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if rulesets.len() != 1 {
        eprintln!(
            "error: `{}` holds {}; compile one at a time",
            args.path.display(),
            plural(rulesets.len(), "ruleset")
        );
        return ExitCode::from(2);
    }
    let Some(loaded) = rulesets.pop() else { return ExitCode::from(2) };
    let mut reporter = Reporter::new(args.format);
    let unreadable = reporter.unreadable(&loaded);
    let mut db = Database::new();
    let ruleset = db.add_ruleset(&loaded.ruleset).input;
    let checked = db.checked(ruleset);
    reporter.checked(&checked, loaded.ruleset.sources());
    if unreadable || checked.has_errors() {
        if reporter.is_human() {
            eprintln!("not compiled: {}", plural(reporter.errors, "error"));
        }
        reporter.finish();
        return ExitCode::from(1);
    }
    let compiled = match db.lowered(ruleset) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            reporter.finish();
            return ExitCode::from(1);
        }
    };
    let json = match compiled.to_json() {
        Ok(j) => j,
        Err(e) => {
            eprintln!("error: cannot serialise the compiled ruleset: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = write_atomically(&args.output, json.as_bytes()) {
        eprintln!("error: cannot write `{}`: {e}", args.output.display());
        return ExitCode::from(2);
    }
    if !reporter.finish() {
        return ExitCode::from(2);
    }
    eprintln!(
        "compiled {} to {} ({})",
        plural(compiled.promotions.len(), "promotion"),
        args.output.display(),
        compiled.source_hash
    );
    ExitCode::SUCCESS
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`: readers see the
/// old file or the new one, never a part.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
