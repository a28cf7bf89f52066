//! The visitor id: a random tag in a first-party cookie, so a page's events and its view belong to
//! one visit. It says nothing about who the visitor is.

use axum::http::{HeaderMap, HeaderValue, header};

use crate::catalog::is_plain_name;

const COOKIE: &str = "promo_visitor";

/// The visitor's id from `headers`, or a new one and the `Set-Cookie` value that keeps it.
pub fn visitor(headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    let existing = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, v)| *k == COOKIE && v.len() == 32 && is_plain_name(v))
        .map(|(_, v)| v.to_owned());
    if let Some(id) = existing {
        return (id, None);
    }
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        return ("anonymous".to_owned(), None);
    }
    let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let cookie =
        HeaderValue::from_str(&format!("{COOKIE}={id}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly")).ok();
    (id, cookie)
}
