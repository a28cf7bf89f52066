//! Product media (by name, from the catalog loaded in memory) and the pages' own script and style.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;

const PAGE_JS: &str = include_str!("../../assets/page.js");
const STYLE_CSS: &str = include_str!("../../assets/style.css");

/// `GET /media/{name}`.
pub async fn media(State(app): State<AppState>, Path(name): Path<String>) -> Response {
    let loaded = app.shop.current();
    match loaded.catalog.media(&name) {
        Some(m) => (
            [
                (header::CONTENT_TYPE, m.content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                // An SVG opened on its own runs no script.
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'"),
            ],
            m.bytes.to_vec(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such media\n").into_response(),
    }
}

/// `GET /assets/{name}`: `page.js` and `style.css`.
pub async fn asset(Path(name): Path<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "page.js" => (PAGE_JS, "text/javascript; charset=utf-8"),
        "style.css" => (STYLE_CSS, "text/css; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "no such asset\n").into_response(),
    };
    ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "public, max-age=300")], body).into_response()
}
