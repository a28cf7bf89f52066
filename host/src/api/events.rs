//! `POST /api/v1/events`: what a shopper did on a product page (time on page, favourite, share).
//! Views and purchase clicks are recorded by the page and the redirect themselves. The answer
//! (204) comes once the event is committed.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::{ApiError, parse_json};
use crate::app::AppState;
use crate::catalog::is_plain_name;
use crate::store::EVENT_KINDS;

/// The longest time on page a report may claim: a day.
const MAX_SECONDS: i64 = 86_400;

/// One event as a page reports it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventRequest {
    /// The product page's SKU.
    pub sku: String,
    /// `view`, `time`, `favourite`, `share` or `purchase_click`.
    pub kind: String,
    /// The entry point (`direct` when left out).
    #[serde(default)]
    pub src: Option<String>,
    /// The visitor's id (from the page).
    pub visitor: String,
    /// Seconds on the page, for `time`.
    #[serde(default)]
    pub seconds: Option<i64>,
}

/// An entry point tag as stored: a short plain tag, `direct` when none.
pub fn entry_point(src: Option<&str>) -> Result<String, ApiError> {
    match src.filter(|s| !s.is_empty()) {
        None => Ok("direct".to_owned()),
        Some(s) if s.len() <= 40 && is_plain_name(s) => Ok(s.to_ascii_lowercase()),
        Some(_) => Err(ApiError::invalid("src", "an entry point is a short tag: letters, digits, `-`, `_`, `.`")),
    }
}

/// Records a page event.
pub async fn post_event(State(app): State<AppState>, body: Bytes) -> Result<StatusCode, ApiError> {
    let event: EventRequest = parse_json(&body)?;
    if app.shop.current().catalog.product(&event.sku).is_none() {
        return Err(ApiError::invalid("sku", format!("no sale for SKU `{}`", event.sku)).with_code("unknown_sku"));
    }
    if !EVENT_KINDS.contains(&event.kind.as_str()) {
        return Err(ApiError::invalid(
            "kind",
            format!("expected one of {}, got `{}`", EVENT_KINDS.join(", "), event.kind),
        ));
    }
    if event.visitor.is_empty() || event.visitor.len() > 64 || !is_plain_name(&event.visitor) {
        return Err(ApiError::invalid("visitor", "expected the visitor id the page was given"));
    }
    let seconds = match (event.kind.as_str(), event.seconds) {
        ("time", Some(s)) if (0..=MAX_SECONDS).contains(&s) => Some(s),
        ("time", _) => {
            return Err(ApiError::invalid("seconds", format!("expected seconds on the page, 0 to {MAX_SECONDS}")));
        }
        (_, None) => None,
        (_, Some(_)) => return Err(ApiError::invalid("seconds", "only a `time` event has seconds")),
    };
    let src = entry_point(event.src.as_deref())?;
    app.store
        .record_event(&event.sku, &event.kind, &src, &event.visitor, seconds, app.clock.now_ms())
        .await
        .map_err(ApiError::internal)?;
    Ok(StatusCode::NO_CONTENT)
}
