//! `promo lsp`: the language server, on standard input and output (see `promo-lsp`).

use std::process::ExitCode;

/// Runs the server until the client exits.
pub fn run() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the server: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(promo_lsp::serve_stdio());
    ExitCode::SUCCESS
}
