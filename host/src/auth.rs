//! Manager authentication: HTTP Basic with the user `manager` and the password given at start-up
//! (`--manager-password`, or `PROMO_MANAGER_PASSWORD`; without either a random one is made and
//! printed). The dashboard, the stats API and reload need it.

use axum::http::{HeaderMap, header};
use base64::Engine as _;

/// The manager's credentials.
#[derive(Clone)]
pub struct ManagerAuth {
    password: String,
}

impl std::fmt::Debug for ManagerAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ManagerAuth { .. }")
    }
}

/// The user name managers sign in with.
pub const MANAGER_USER: &str = "manager";

impl ManagerAuth {
    /// Credentials with `password`.
    pub fn new(password: impl Into<String>) -> ManagerAuth {
        ManagerAuth { password: password.into() }
    }

    /// A random password (24 hex digits).
    pub fn random() -> Result<ManagerAuth, getrandom::Error> {
        let mut bytes = [0u8; 12];
        getrandom::fill(&mut bytes)?;
        Ok(ManagerAuth { password: bytes.iter().map(|b| format!("{b:02x}")).collect() })
    }

    /// The password (to print at start-up when it was made here).
    pub fn password(&self) -> &str {
        &self.password
    }

    /// Whether `headers` carry the manager's credentials.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else { return false };
        let Some(encoded) = value.strip_prefix("Basic ") else { return false };
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else { return false };
        let expected = format!("{MANAGER_USER}:{}", self.password);
        constant_time_eq(&decoded, expected.as_bytes())
    }
}

/// Compares without stopping at the first difference (the time taken says nothing of the password).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    use super::ManagerAuth;

    #[test]
    fn only_the_right_password_passes() {
        let auth = ManagerAuth::new("s3cret");
        let mut headers = HeaderMap::new();
        assert!(!auth.allows(&headers));
        // manager:s3cret
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic bWFuYWdlcjpzM2NyZXQ="));
        assert!(auth.allows(&headers));
        // manager:s3creT
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic bWFuYWdlcjpzM2NyZVQ="));
        assert!(!auth.allows(&headers));
    }
}
