//! # promo-lsp
//!
//! The Promo language server, started by `promo lsp` (stdin/stdout): diagnostics as you type
//! (the recovering parser's and the checker's), hover that says what a promotion does in words,
//! completion in context (clause keywords, schema attributes, `customer.` attributes, enum
//! values, pools, templates and `extern` functions with snippets), go to definition, references,
//! rename, document symbols, formatting, and quick fixes for "did you mean".
//!
//! - [`workspace`]: open documents and the ruleset each file belongs to;
//! - [`analysis`]: the answers, as plain spans and text;
//! - [`server`]: the protocol (`tower-lsp-server`);
//! - [`position`]: byte offsets ↔ UTF-16 positions.

pub mod analysis;
pub mod position;
pub mod server;
pub mod workspace;

pub use server::Backend;

/// Serves the protocol on standard input and output until the client exits.
pub async fn serve_stdio() {
    let (service, socket) = tower_lsp_server::LspService::new(Backend::new);
    tower_lsp_server::Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service).await;
}
