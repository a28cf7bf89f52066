//! Shared by the host's tests: a host on the example store, in process, over a fresh database.

// A failing test panics: that is how it reports.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use promo_host::auth::ManagerAuth;
use promo_host::shop::Shop;
use promo_host::store::Store;
use promo_host::{AppState, Clock, router};
use tower::ServiceExt;

/// 2026-12-01T12:00:00Z: the Namale winter flash sale is running.
pub const DURING_THE_SALE: i64 = 1_796_126_400;

/// The manager password the tests use.
pub const PASSWORD: &str = "test-password";

/// The example store.
pub fn store_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/smp-flash-sale")
}

/// The database URLs to test against: SQLite always; PostgreSQL when `PROMO_TEST_POSTGRES` names
/// one (`.ci/run` starts a server and sets it). With `PROMO_REQUIRE_POSTGRES=1` a missing server
/// is a failure, not a skip.
pub fn databases(dir: &tempfile::TempDir) -> Vec<String> {
    let mut urls = vec![format!("sqlite://{}", dir.path().join("host.db").display())];
    match std::env::var("PROMO_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => urls.push(url),
        _ => {
            assert!(
                std::env::var("PROMO_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "PROMO_REQUIRE_POSTGRES=1 but PROMO_TEST_POSTGRES is not set"
            );
            eprintln!("PostgreSQL not tested: set PROMO_TEST_POSTGRES=postgres://…");
        }
    }
    urls
}

/// A host serving the example store from a fresh database at `url`: for PostgreSQL, a new
/// database of its own on that server (tests run in parallel).
pub async fn host(url: &str) -> (Router, AppState) {
    let url = if url.starts_with("postgres") { fresh_postgres(url).await } else { url.to_owned() };
    let store = Store::open(&url).await.expect("database opens");
    let shop = Shop::open(&store_dir()).expect("the example store loads");
    let state =
        AppState::new(shop, store, Clock::Fixed(DURING_THE_SALE), ManagerAuth::new(PASSWORD)).await.expect("state");
    (router(state.clone()), state)
}

/// A new, empty database on the server of `url`; its URL.
async fn fresh_postgres(url: &str) -> String {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("promo_test_{}_{n}", std::process::id());
    let mut conn = sqlx::AnyConnection::connect(url).await.expect("PostgreSQL reachable");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut conn).await.expect("drop");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create database");
    let (base, _) = url.rsplit_once('/').expect("a database URL ends with /NAME");
    format!("{base}/{name}")
}

/// A response's status, headers and body.
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: axum::http::HeaderMap,
    /// The body, as text.
    pub body: String,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// Sends `request` to `app`.
pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

/// `GET uri`.
pub async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

/// `GET uri` as the manager.
pub async fn get_as_manager(app: &Router, uri: &str) -> Reply {
    use base64::Engine as _;
    let token = base64::engine::general_purpose::STANDARD.encode(format!("manager:{PASSWORD}"));
    let request = Request::get(uri).header(header::AUTHORIZATION, format!("Basic {token}")).body(Body::empty());
    send(app, request.expect("request")).await
}

/// `POST uri` with a JSON body.
pub async fn post(app: &Router, uri: &str, body: &str) -> Reply {
    let request = Request::post(uri).header(header::CONTENT_TYPE, "application/json").body(Body::from(body.to_owned()));
    send(app, request.expect("request")).await
}
