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

/// Sends `request` to `app`. Every answer of the JSON API is checked against `host/openapi.json`:
/// its status must be documented for the route, and its body must match the documented schema.
pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let method = request.method().as_str().to_ascii_lowercase();
    let path = request.uri().path().to_owned();
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    let reply = Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() };
    if path.starts_with("/api/") {
        conforms(&method, &path, &reply);
    }
    reply
}

/// The OpenAPI document.
fn openapi() -> &'static serde_json::Value {
    static DOC: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let text = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi.json")).unwrap();
        serde_json::from_str(&text).expect("openapi.json is JSON")
    })
}

/// Checks `reply` against the OpenAPI document's answer for `method` on `path`.
pub fn conforms(method: &str, path: &str, reply: &Reply) {
    let doc = openapi();
    // `/api/v1/orders/17/returns` → `/api/v1/orders/{id}/returns`.
    let segments: Vec<&str> = path.split('/').collect();
    let template: Vec<&str> = segments
        .iter()
        .enumerate()
        .map(|(i, s)| if i > 0 && matches!(segments[i - 1], "orders" | "providers") { "{id}" } else { s })
        .collect();
    let template = template.join("/");
    let operation = &doc["paths"][&template][method];
    assert!(operation.is_object(), "{method} {template} is not in openapi.json");
    let status = reply.status.as_str();
    let answer = &operation["responses"][status];
    assert!(
        answer.is_object(),
        "{method} {template} answered {status}, which openapi.json does not document: {}",
        reply.body
    );
    let Some(schema) = answer.pointer("/content/application~1json/schema") else {
        return;
    };
    let mut root = doc.clone();
    root["$ref"] = schema["$ref"].clone();
    let validator = jsonschema::validator_for(&root).expect("the schema compiles");
    let body: serde_json::Value =
        serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", reply.body));
    let errors: Vec<String> = validator.iter_errors(&body).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errors.is_empty(), "{method} {template} {status} does not match openapi.json: {errors:#?}\n{}", reply.body);
}

/// `GET uri`.
pub async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

/// The manager's `Authorization` header value.
pub fn manager_authorization() -> String {
    use base64::Engine as _;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("manager:{PASSWORD}")))
}

/// `GET uri` as the manager.
pub async fn get_as_manager(app: &Router, uri: &str) -> Reply {
    let request = Request::get(uri).header(header::AUTHORIZATION, manager_authorization()).body(Body::empty());
    send(app, request.expect("request")).await
}

/// `POST uri` with an empty body of `content_type`, as the manager.
pub async fn post_as_manager(app: &Router, uri: &str, content_type: &str) -> Reply {
    let request = Request::post(uri)
        .header(header::AUTHORIZATION, manager_authorization())
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::empty());
    send(app, request.expect("request")).await
}

/// `POST uri` with a JSON body.
pub async fn post(app: &Router, uri: &str, body: &str) -> Reply {
    let request = Request::post(uri).header(header::CONTENT_TYPE, "application/json").body(Body::from(body.to_owned()));
    send(app, request.expect("request")).await
}
