//! `promo`: the command-line tool. Each subcommand lives in `src/cli/`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// The allocator `promo` runs with (`promo serve` included): mimalloc, which serves the many
/// small, short-lived allocations of pricing a cart far faster than the system allocator (see
/// the README's figures). A storefront embedding `promo-runtime` chooses its own.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    cli::run(args)
}
