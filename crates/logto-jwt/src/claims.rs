//! The verified claims of an access token.

use serde::Deserialize;

use crate::error::AuthError;

/// Claims of a verified access token. Logto's are exactly `jti, sub, iat, exp, scope, client_id, iss, aud`.
#[derive(Debug, Clone, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub jti: Option<String>,
    pub exp: i64,
    #[serde(default)]
    pub iat: Option<i64>,
    /// Space-separated scopes; Logto sends `""` when the user holds none.
    #[serde(default)]
    pub scope: Option<String>,
}

impl AccessClaims {
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.as_deref().unwrap_or("").split_whitespace()
    }

    pub fn has_scope(&self, wanted: &str) -> bool {
        self.scopes().any(|s| s == wanted)
    }

    /// `Ok` when the token carries `wanted`, else 403 `insufficient_scope` naming it.
    pub fn require_scope(&self, wanted: &str) -> Result<(), AuthError> {
        if self.has_scope(wanted) {
            Ok(())
        } else {
            Err(AuthError::InsufficientScope { scope: wanted.to_string() })
        }
    }
}
