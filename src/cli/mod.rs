//! The subcommands. Exit status: 0 clean, 1 errors in the input, 2 usage or I/O problems.

mod check;
mod compile;
mod eval;
mod fmt;
mod lsp;
mod refund;
mod report;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Promo: a typed, declarative language for e-commerce promotions.
#[derive(Debug, Parser)]
#[command(name = "promo", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check rulesets: files, folders of files, or folders of ruleset folders.
    Check(check::CheckArgs),
    /// Compile one ruleset to the form a storefront loads.
    Compile(compile::CompileArgs),
    /// Format `.promo` files in place (or `--check` that they are).
    Fmt(fmt::FmtArgs),
    /// Run the language server on standard input and output (for editors).
    Lsp,
    /// Price a cart: the outcome as JSON (or text).
    Eval(eval::EvalArgs),
    /// Price a cart and explain, in words, why each promotion applied or not.
    Explain(eval::EvalArgs),
    /// Refund a return on an order recorded by `promo eval --order-out`.
    Refund(refund::RefundArgs),
    /// Serve a store: flash-sale pages, the storefront API, stats and the dashboard.
    Serve(serve::ServeArgs),
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: source excerpts and labels, in colour on a terminal.
    Human,
    /// For tools: a JSON array on standard output.
    Json,
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Compile(args) => compile::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Lsp => lsp::run(),
        Command::Eval(args) => eval::run(args, false),
        Command::Explain(args) => eval::run(args, true),
        Command::Refund(args) => refund::run(args),
        Command::Serve(args) => serve::run(args),
    }
}
