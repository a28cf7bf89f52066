//! `promo serve DIR [--addr HOST:PORT] [--database URL]`: the storefront host (see `promo-host`) —
//! product pages, the storefront API, stats and the dashboard — on SQLite in `DIR/.promo/` unless
//! a database URL is given.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use promo_host::{Clock, Config};

/// Arguments of `promo serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The store folder: `.promo` files, `catalog.json` and `media/`.
    dir: PathBuf,
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// `sqlite://PATH` or `postgres://USER:PASSWORD@HOST/DB` (default: SQLite in `DIR/.promo/host.db`).
    #[arg(long, env = "PROMO_DATABASE_URL")]
    database: Option<String>,
    /// The password of the `manager` user (dashboard, stats, reload); random when not given.
    #[arg(long, env = "PROMO_MANAGER_PASSWORD", hide_env_values = true)]
    manager_password: Option<String>,
    /// Serve as if it were this instant (a preview of a sale), e.g. 2026-07-11T10:00:00-04:00.
    #[arg(long)]
    at: Option<String>,
}

/// Runs the host until Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs) -> ExitCode {
    let clock = match &args.at {
        Some(t) => match t.parse::<jiff::Timestamp>() {
            Ok(t) => Clock::Fixed(t.as_second()),
            Err(e) => {
                eprintln!("error: --at `{t}` is not a time like 2026-07-11T10:00:00-04:00: {e}");
                return ExitCode::from(2);
            }
        },
        None => Clock::System,
    };
    let config = Config {
        dir: args.dir,
        addr: args.addr,
        database: args.database,
        manager_password: args.manager_password,
        clock,
    };
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the server: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(promo_host::serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The server's log on stderr: its own events from INFO up, the compiler's incremental database
/// (salsa, which reports every query it runs at INFO) only from WARN; colours only on a terminal.
fn init_logging() {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let targets = Targets::new().with_default(tracing::Level::INFO).with_target("salsa", tracing::Level::WARN);
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_max_level(tracing::Level::INFO)
        .finish()
        .with(targets)
        .init();
}
