//! Providers and their assets. A provider applies (`POST /api/v1/providers`) and gets a token,
//! shown once; a manager approves it; an approved provider submits media, text and addresses for
//! its sales (`POST /api/v1/assets`, HTTP Basic with its name and token), each pending until a
//! manager approves it on `/dashboard/assets`. Only approved assets of approved providers reach a
//! page. A name never becomes a path: assets live in the database and are served by id.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{ApiError, parse_json};
use crate::app::{AppState, unauthorized};
use crate::catalog::{MAX_MEDIA_BYTES, is_plain_name};
use crate::pages::plausible_email;
use crate::store::{NewAsset, Provider};

/// The longest text asset, in characters.
pub const MAX_TEXT: usize = 5000;
/// The longest address.
pub const MAX_URL: usize = 500;
/// The largest request to `POST /api/v1/assets` (media travel as base64).
pub const MAX_ASSET_REQUEST: usize = 8 << 20;

/// An application.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderRequest {
    /// The provider's name: letters, digits, `-`, `_`, `.`.
    pub name: String,
    /// Whom to write to.
    pub email: String,
}

/// A status change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// `approved`, `suspended` or `pending`.
    pub status: String,
}

/// A submitted asset.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetRequest {
    /// The sale it is for.
    pub sku: String,
    /// `media`, `text` or `url`.
    pub kind: String,
    /// For media: the bytes, base64.
    #[serde(default)]
    pub data_base64: Option<String>,
    /// For text: the text; for url: the address.
    #[serde(default)]
    pub body: Option<String>,
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The image type of `bytes`, by their first bytes: PNG, JPEG, GIF or WebP. (SVG is refused: it
/// can carry script.)
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some("image/webp")
    } else {
        None
    }
}

/// `POST /api/v1/providers`: apply to sell; the answer holds the token, shown this once.
pub async fn post_provider(State(app): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let request: ProviderRequest = parse_json(&body)?;
    if !is_plain_name(&request.name) || request.name.len() > 60 {
        return Err(ApiError::invalid("name", "a provider name is 1 to 60 letters, digits, `-`, `_` or `.`"));
    }
    if !plausible_email(&request.email) {
        return Err(ApiError::invalid("email", "expected an email address like sales@provider.example"));
    }
    let mut secret = [0u8; 24];
    getrandom::fill(&mut secret).map_err(ApiError::internal)?;
    let token: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let id = app
        .store
        .add_provider(&request.name, &request.email, &hash(&token), app.clock.now_ms())
        .await
        .map_err(ApiError::internal)?;
    let Some(id) = id else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "taken",
            format!("a provider called `{}` exists", request.name),
        ));
    };
    let body = serde_json::json!({ "provider": id, "name": request.name, "status": "pending", "token": token });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `POST /api/v1/providers/{id}/status` (managers).
pub async fn post_provider_status(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !app.auth.allows(&headers) {
        return Ok(unauthorized());
    }
    let id: i64 = id.parse().map_err(|_| ApiError::invalid("id", format!("expected a provider number, got `{id}`")))?;
    let request: StatusRequest = parse_json(&body)?;
    if !matches!(request.status.as_str(), "approved" | "suspended" | "pending") {
        return Err(ApiError::invalid("status", "expected `approved`, `suspended` or `pending`"));
    }
    if !app.store.set_provider_status(id, &request.status).await.map_err(ApiError::internal)? {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("no provider {id}")));
    }
    Ok(Json(serde_json::json!({ "provider": id, "status": request.status })).into_response())
}

/// The provider whose name and token `headers` carry.
async fn signed_in(app: &AppState, headers: &HeaderMap) -> Result<Option<Provider>, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else { return Ok(None) };
    let Some(encoded) = value.strip_prefix("Basic ") else { return Ok(None) };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else { return Ok(None) };
    let Ok(decoded) = String::from_utf8(decoded) else { return Ok(None) };
    let Some((name, token)) = decoded.split_once(':') else { return Ok(None) };
    let Some(provider) = app.store.provider(name).await.map_err(ApiError::internal)? else { return Ok(None) };
    let given = hash(token);
    let same = given.len() == provider.token_hash.len()
        && given.bytes().zip(provider.token_hash.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    Ok(same.then_some(provider))
}

/// `POST /api/v1/assets` (approved providers): submit media, text or an address for a sale.
pub async fn post_asset(State(app): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let Some(provider) = signed_in(&app, &headers).await? else {
        return Ok((
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Basic realm=\"Promo providers\", charset=\"UTF-8\"")],
            Json(serde_json::json!({ "error": { "code": "unauthorized", "message": "sign in with the provider's name and token" } })),
        )
            .into_response());
    };
    if provider.status != "approved" {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_approved",
            format!(
                "provider `{}` is {}: a manager approves it before it submits assets",
                provider.name, provider.status
            ),
        ));
    }
    let request: AssetRequest = parse_json(&body)?;
    if app.shop.current().catalog.product(&request.sku).is_none() {
        return Err(ApiError::invalid("sku", format!("no sale for SKU `{}`", request.sku)).with_code("unknown_sku"));
    }
    let (content_type, bytes, text) = match (request.kind.as_str(), &request.data_base64, &request.body) {
        ("media", Some(data), None) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(data.trim())
                .map_err(|e| ApiError::invalid("data_base64", format!("not base64: {e}")))?;
            if bytes.len() as u64 > MAX_MEDIA_BYTES {
                return Err(ApiError::invalid(
                    "data_base64",
                    format!("media are at most {} MiB", MAX_MEDIA_BYTES >> 20),
                ));
            }
            let kind = sniff_image(&bytes)
                .ok_or_else(|| ApiError::invalid("data_base64", "expected a PNG, JPEG, GIF or WebP image"))?;
            (kind, bytes, String::new())
        }
        ("text", None, Some(text)) if !text.trim().is_empty() && text.chars().count() <= MAX_TEXT => {
            ("", Vec::new(), text.trim().to_owned())
        }
        ("text", None, _) => {
            return Err(ApiError::invalid("body", format!("expected a text of 1 to {MAX_TEXT} characters")));
        }
        ("url", None, Some(url))
            if (url.starts_with("https://") || url.starts_with("http://"))
                && url.len() <= MAX_URL
                && !url.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            ("", Vec::new(), url.clone())
        }
        ("url", None, _) => {
            return Err(ApiError::invalid(
                "body",
                format!("expected an http(s) address of at most {MAX_URL} characters"),
            ));
        }
        ("media" | "text" | "url", _, _) => {
            return Err(ApiError::invalid(
                "kind",
                "media carry `data_base64` (and no `body`); text and url carry `body` (and no `data_base64`)",
            ));
        }
        (other, _, _) => {
            return Err(ApiError::invalid("kind", format!("expected `media`, `text` or `url`, got `{other}`")));
        }
    };
    let asset = NewAsset {
        provider_id: provider.id,
        sku: &request.sku,
        kind: &request.kind,
        content_type,
        bytes: &bytes,
        body: &text,
        at_ms: app.clock.now_ms(),
    };
    let id = app.store.add_asset(&asset).await.map_err(ApiError::internal)?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "asset": id, "status": "pending" }))).into_response())
}
