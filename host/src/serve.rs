//! Start-up: open the database, compile the store folder, listen, and stop cleanly on Ctrl-C or
//! SIGTERM (requests under way finish; every acknowledged order and event is already committed).

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::app::{AppState, router};
use crate::auth::ManagerAuth;
use crate::clock::Clock;
use crate::shop::{Shop, ShopError};
use crate::store::{Store, StoreError};

/// How to run a host.
#[derive(Debug, Clone)]
pub struct Config {
    /// The store folder: `.promo` files, `catalog.json`, `media/`.
    pub dir: PathBuf,
    /// Where to listen.
    pub addr: SocketAddr,
    /// `sqlite://PATH` or `postgres://…`; `None`: SQLite in `DIR/.promo/host.db`.
    pub database: Option<String>,
    /// The manager password; `None`: a random one, printed at start.
    pub manager_password: Option<String>,
    /// The clock.
    pub clock: Clock,
}

impl Config {
    /// The database URL this configuration uses.
    pub fn database_url(&self) -> String {
        self.database
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.dir.join(".promo").join("host.db").display()))
    }
}

/// Why the host could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The store folder is wrong.
    #[error("cannot load the store `{dir}`: {source}")]
    Shop {
        /// The folder.
        dir: String,
        /// Why.
        source: ShopError,
    },
    /// The database is unavailable.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The address cannot be listened on.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// No random password could be made.
    #[error("cannot make a manager password: {0}")]
    Random(getrandom::Error),
    /// The server failed.
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}

/// Runs the host until Ctrl-C or SIGTERM. Prints the address (and a generated manager password)
/// once it is listening.
pub async fn serve(config: Config) -> Result<(), ServeError> {
    let dir = config.dir.clone();
    let shop = tokio::task::spawn_blocking(move || Shop::open(&dir))
        .await
        .map_err(std::io::Error::other)?
        .map_err(|source| ServeError::Shop { dir: config.dir.display().to_string(), source })?;
    let store = Store::open(&config.database_url()).await?;
    let (auth, generated) = match &config.manager_password {
        Some(p) => (ManagerAuth::new(p.clone()), false),
        None => (ManagerAuth::random().map_err(ServeError::Random)?, true),
    };
    let password = auth.password().to_owned();
    let state = AppState::new(shop, store.clone(), config.clock, auth).await?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| ServeError::Listen { addr: config.addr, source })?;
    let addr = listener.local_addr()?;
    let loaded = state.shop.current();
    println!("promo serve: {} sales from `{}`", loaded.catalog.products().count(), config.dir.display());
    println!("  database:  {}", redact(&config.database_url()));
    println!("  sales:     http://{addr}/");
    println!("  dashboard: http://{addr}/dashboard  (user `{}`)", crate::auth::MANAGER_USER);
    if generated {
        println!("  manager password (set PROMO_MANAGER_PASSWORD to choose one): {password}");
    }
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown()).await?;
    Ok(())
}

/// A database URL without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}://{user}:***@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
