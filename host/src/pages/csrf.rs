//! Cross-site request forgery protection for the pages' forms: a random token in a `SameSite=Strict`
//! cookie and in the form (double submit); a POST whose two copies differ, or whose `Origin` is
//! another site, is refused.

use axum::http::{HeaderMap, HeaderValue, header};

const COOKIE: &str = "promo_csrf";

/// The token from the request's cookie, or a new one with the `Set-Cookie` value that keeps it.
pub fn token(headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    if let Some(existing) = cookie(headers) {
        return (existing, None);
    }
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        return (String::new(), None);
    }
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let set = HeaderValue::from_str(&format!("{COOKIE}={token}; Path=/; SameSite=Strict; HttpOnly")).ok();
    (token, set)
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, v)| *k == COOKIE && v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|(_, v)| v.to_owned())
}

/// Whether a form POST with `submitted` as its token comes from one of our pages.
pub fn verify(headers: &HeaderMap, submitted: &str) -> bool {
    let Some(expected) = cookie(headers) else { return false };
    let same = expected.len() == submitted.len()
        && expected.bytes().zip(submitted.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    same && same_origin(headers)
}

/// An `Origin` header, when the browser sends one, must name this host.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else { return false };
    origin.split_once("://").is_some_and(|(_, rest)| rest == host)
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    use super::verify;

    #[test]
    fn the_cookie_and_the_form_must_agree_and_come_from_here() {
        let token = "0123456789abcdef0123456789abcdef";
        let mut headers = HeaderMap::new();
        assert!(!verify(&headers, token), "no cookie");
        headers.insert(header::COOKIE, HeaderValue::from_str(&format!("promo_csrf={token}")).unwrap());
        assert!(verify(&headers, token));
        assert!(!verify(&headers, "0123456789abcdef0123456789abcdee"));
        headers.insert(header::HOST, HeaderValue::from_static("shop.example"));
        headers.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!verify(&headers, token));
        headers.insert(header::ORIGIN, HeaderValue::from_static("https://shop.example"));
        assert!(verify(&headers, token));
    }
}
