//! The managers' review of providers and their assets (`/dashboard/assets`), and the approved
//! media served to pages by id.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{csrf, render};
use crate::api::ApiError;
use crate::app::{AppState, unauthorized};

/// A review decision from the page.
#[derive(Debug, Default, Deserialize)]
pub struct Decision {
    #[serde(default)]
    status: String,
    #[serde(default)]
    csrf: String,
}

/// `GET /dashboard/assets` (managers): providers with their status, assets with theirs.
pub async fn review_page(State(app): State<AppState>, headers: HeaderMap) -> Response {
    if !app.auth.allows(&headers) {
        return unauthorized();
    }
    let (providers, assets) = match (app.store.providers().await, app.store.assets().await) {
        (Ok(p), Ok(a)) => (p, a),
        (Err(e), _) | (_, Err(e)) => return ApiError::internal(e).into_response(),
    };
    let (token, cookie) = csrf::token(&headers);
    let mut response = render(&app, "review.html", minijinja::context! { providers, assets, csrf => token });
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// Why a decision is refused (not the manager, a forged form, an unknown status), if it is.
fn refusal(app: &AppState, headers: &HeaderMap, form: &Decision, allowed: &[&str]) -> Option<Response> {
    if !app.auth.allows(headers) {
        return Some(unauthorized());
    }
    if !csrf::verify(headers, &form.csrf) {
        return Some((StatusCode::FORBIDDEN, "the form has expired or was not sent from this site\n").into_response());
    }
    if !allowed.contains(&form.status.as_str()) {
        let message = format!("status: expected one of {}\n", allowed.join(", "));
        return Some((StatusCode::UNPROCESSABLE_ENTITY, message).into_response());
    }
    None
}

/// `POST /dashboard/providers/{id}` (managers): approve, suspend.
pub async fn post_provider_decision(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<Decision>,
) -> Response {
    if let Some(refused) = refusal(&app, &headers, &form, &["approved", "suspended", "pending"]) {
        return refused;
    }
    match app.store.set_provider_status(id, &form.status).await {
        Ok(true) => Redirect::to("/dashboard/assets").into_response(),
        Ok(false) => (StatusCode::NOT_FOUND, "no such provider\n").into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

/// `POST /dashboard/assets/{id}` (managers): approve, reject.
pub async fn post_asset_decision(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<Decision>,
) -> Response {
    if let Some(refused) = refusal(&app, &headers, &form, &["approved", "rejected", "pending"]) {
        return refused;
    }
    match app.store.review_asset(id, &form.status).await {
        Ok(true) => Redirect::to("/dashboard/assets").into_response(),
        Ok(false) => (StatusCode::NOT_FOUND, "no such asset\n").into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}

/// `GET /provider-media/{id}`: approved media only.
pub async fn provider_media(State(app): State<AppState>, Path(id): Path<i64>) -> Response {
    match app.store.approved_media(id).await {
        Ok(Some((content_type, bytes))) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
                (header::CACHE_CONTROL, "public, max-age=300".to_owned()),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "no such media\n").into_response(),
        Err(e) => ApiError::internal(e).into_response(),
    }
}
