//! Why a bearer token was refused, rendered as RFC 6750 responses with a JSON `{code, message}` body.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug, Clone, thiserror::Error)]
pub enum AuthError {
    #[error("the request has no bearer token")]
    MissingToken,
    #[error("the Authorization header must use the Bearer scheme")]
    WrongScheme,
    #[error(
        "this is an opaque access token, which only Logto's userinfo endpoint accepts; request the access \
         token for the API resource {resource} (RFC 8707 `resource`) to get a JWT this API accepts"
    )]
    OpaqueToken { resource: String },
    #[error("{0}")]
    InvalidToken(String),
    #[error("the token lacks the scope {scope}")]
    InsufficientScope { scope: String },
    #[error("the issuer's signing keys cannot be fetched: {0}")]
    KeysUnavailable(String),
}

impl AuthError {
    fn code(&self) -> &'static str {
        match self {
            AuthError::MissingToken => "auth.missing_token",
            AuthError::WrongScheme => "auth.unsupported_scheme",
            AuthError::OpaqueToken { .. } => "auth.opaque_token",
            AuthError::InvalidToken(_) => "auth.invalid_token",
            AuthError::InsufficientScope { .. } => "auth.insufficient_scope",
            AuthError::KeysUnavailable(_) => "auth.keys_unavailable",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AuthError::InsufficientScope { .. } => StatusCode::FORBIDDEN,
            AuthError::KeysUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    /// The `WWW-Authenticate` value (RFC 6750 §3). A request with no credentials gets no error code.
    pub fn www_authenticate(&self) -> Option<String> {
        let quote = |s: &str| s.replace(['"', '\\'], "'");
        match self {
            AuthError::MissingToken | AuthError::WrongScheme => Some("Bearer".into()),
            AuthError::OpaqueToken { .. } | AuthError::InvalidToken(_) => {
                Some(format!(r#"Bearer error="invalid_token", error_description="{}""#, quote(&self.to_string())))
            }
            AuthError::InsufficientScope { scope } => Some(format!(
                r#"Bearer error="insufficient_scope", error_description="{}", scope="{}""#,
                quote(&self.to_string()),
                quote(scope)
            )),
            AuthError::KeysUnavailable(_) => None,
        }
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let mut response =
            (self.status(), Json(json!({"code": self.code(), "message": self.to_string()}))).into_response();
        if let Some(value) = self.www_authenticate().and_then(|v| HeaderValue::from_str(&v).ok()) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}
