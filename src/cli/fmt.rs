//! `promo fmt [--check] PATH…`: formats `.promo` files in place, or (`--check`) lists the files
//! that are not formatted. Folders are searched recursively. A file with syntax errors is not
//! touched: its errors are printed and the exit status is 1.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use promo_lang::format::{FormatError, format};
use promo_lang::{Diagnostic, Ruleset};

/// Arguments of `promo fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Files or folders (searched recursively for `.promo` files).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Change nothing: list the files that are not formatted, and exit 1 if there are any.
    #[arg(long)]
    check: bool,
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if std::fs::metadata(path)?.is_file() {
        out.push(path.to_owned());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect(&entry, out)?;
        } else if entry.extension().is_some_and(|e| e == "promo") {
            out.push(entry);
        }
    }
    Ok(())
}

/// Runs `promo fmt`.
pub fn run(args: FmtArgs) -> ExitCode {
    let mut files = Vec::new();
    for path in &args.paths {
        if let Err(e) = collect(path, &mut files) {
            eprintln!("error: cannot read `{}`: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    let (mut unformatted, mut broken) = (0usize, 0usize);
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", file.display());
                return ExitCode::from(2);
            }
        };
        match format(&text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                unformatted += 1;
                if args.check {
                    println!("{}", file.display());
                } else if let Err(e) = super::compile::write_atomically(file, formatted.as_bytes()) {
                    eprintln!("error: cannot write `{}`: {e}", file.display());
                    return ExitCode::from(2);
                }
            }
            Err(FormatError::Syntax(errors)) => {
                broken += 1;
                let mut ruleset = Ruleset::new();
                let id = ruleset.add_file(file.display().to_string(), text);
                for error in errors {
                    let diagnostic = Diagnostic::new(id, error);
                    eprintln!("{}", promo::render::human(&diagnostic, ruleset.sources(), false));
                }
                eprintln!("not formatted: `{}` has syntax errors", file.display());
            }
        }
    }
    let verb = if args.check { "would reformat" } else { "reformatted" };
    eprintln!("{} file(s) checked: {unformatted} {verb}, {broken} with syntax errors", files.len());
    if broken > 0 || (args.check && unformatted > 0) { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
