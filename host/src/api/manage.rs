//! Manager API: the stats as JSON, and reloading the store folder (ruleset and catalog) without
//! dropping a request.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::ApiError;
use crate::app::{AppState, unauthorized};

/// `GET /api/v1/stats`: every sale's figures.
pub async fn get_stats(State(app): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if !app.auth.allows(&headers) {
        return Ok(unauthorized());
    }
    let stats = app.store.stats().await.map_err(ApiError::internal)?;
    let sales: Vec<serde_json::Value> = stats
        .values()
        .map(|s| {
            serde_json::json!({
                "sku": s.sku,
                "total": s.total,
                "conversion_percent": s.total.conversion(),
                "average_seconds": s.total.average_seconds(),
                "by_entry": s.by_entry,
            })
        })
        .collect();
    Ok(Json(serde_json::json!({ "sales": sales })).into_response())
}

/// `POST /api/v1/reload`: compiles the store folder again and swaps it in; on an error the running
/// version stays and the answer (422) lists the problems. Needs `Content-Type: application/json`,
/// which a cross-site form cannot send.
pub async fn post_reload(State(app): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if !app.auth.allows(&headers) {
        return Ok(unauthorized());
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content_type",
            "send `Content-Type: application/json`",
        ));
    }
    let dir = app.shop.dir().to_owned();
    let loaded = tokio::task::spawn_blocking(move || crate::shop::load(&dir)).await.map_err(ApiError::internal)?;
    match loaded {
        Ok(loaded) => {
            // The database knows the new ruleset before the first order priced with it.
            app.prepare(&loaded).await.map_err(ApiError::internal)?;
            let loaded = app.shop.replace(loaded);
            Ok(Json(serde_json::json!({ "ruleset": loaded.hash(), "products": loaded.catalog.products().count() }))
                .into_response())
        }
        Err(e) => Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "ruleset_errors", e.to_string())),
    }
}
