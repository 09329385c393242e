//! Why a bearer token was refused, rendered as RFC 6750 responses with a JSON `{code, message}` body.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// Why a request's bearer token was refused. As a response (`IntoResponse`): 401 with
/// `WWW-Authenticate: Bearer error="invalid_token"` (a bare `Bearer` challenge when there was no
/// token), 403 `insufficient_scope` for the permission and organization refusals, 503 when the
/// issuer's keys cannot be had; always with a `{code, message}` JSON body.
///
/// Every message is fixed words: nothing of the request (a path's id, a token's `kid` or `typ`), no
/// URL and no dependency's error text, which go to the log instead (`tracing`, in the request's span).
#[derive(Debug, Clone, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization` header.
    #[error("the request has no bearer token")]
    MissingToken,
    /// An `Authorization` header of another scheme than `Bearer`.
    #[error("the Authorization header must use the Bearer scheme")]
    WrongScheme,
    /// Logto's opaque access token (issued without `resource`), good only at `/oidc/me`.
    #[error(
        "this is an opaque access token, which only Logto's userinfo endpoint accepts; request the access \
         token for this API's resource (RFC 8707 `resource`) to get a JWT this API accepts"
    )]
    OpaqueToken,
    /// Not a valid access token for this API; the text says which check failed, in fixed words.
    #[error("{0}")]
    InvalidToken(&'static str),
    /// A valid token without the route's permission.
    #[error("the token lacks the scope {scope}")]
    InsufficientScope {
        /// The scope the route requires.
        scope: String,
    },
    /// The issuer's discovery document or JWKS could not be fetched (why, with the URL, is logged
    /// where the fetch failed).
    #[error("the issuer's signing keys cannot be fetched; try again shortly")]
    KeysUnavailable,
    /// An organization route called with a token for no organization.
    #[error(
        "this route is for an organization: request the access token with the route's organization as \
         organization_id (an organization-level API token)"
    )]
    OrganizationRequired,
    /// An organization-level token for another organization than the route's.
    #[error("the token is for another organization than the route's")]
    WrongOrganization,
    /// An organization-level API token on a route for no organization.
    #[error(
        "the token is an organization-level API token; this route is for no organization: request the \
         token without organization_id"
    )]
    OrganizationToken,
    /// An impersonation token (`act`) on a route that takes only the user's own acts.
    #[error("the token acts for another user (act); this route takes only the user's own requests")]
    ImpersonationRefused,
}

impl AuthError {
    /// The `code` of the JSON body this refusal answers with (`auth.invalid_token`, …).
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::MissingToken => "auth.missing_token",
            AuthError::WrongScheme => "auth.unsupported_scheme",
            AuthError::OpaqueToken => "auth.opaque_token",
            AuthError::InvalidToken(_) => "auth.invalid_token",
            AuthError::InsufficientScope { .. } => "auth.insufficient_scope",
            AuthError::KeysUnavailable => "auth.keys_unavailable",
            AuthError::OrganizationRequired => "auth.organization_required",
            AuthError::WrongOrganization => "auth.wrong_organization",
            AuthError::OrganizationToken => "auth.organization_token",
            AuthError::ImpersonationRefused => "auth.impersonation_refused",
        }
    }

    /// The HTTP status this refusal answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            AuthError::InsufficientScope { .. }
            | AuthError::OrganizationRequired
            | AuthError::WrongOrganization
            | AuthError::OrganizationToken
            | AuthError::ImpersonationRefused => StatusCode::FORBIDDEN,
            AuthError::KeysUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    /// The `WWW-Authenticate` value (RFC 6750 §3). A request with no credentials gets no error code.
    pub fn www_authenticate(&self) -> Option<String> {
        let quote = |s: &str| s.replace(['"', '\\'], "'");
        match self {
            AuthError::MissingToken | AuthError::WrongScheme => Some("Bearer".into()),
            AuthError::OpaqueToken | AuthError::InvalidToken(_) => {
                Some(format!(r#"Bearer error="invalid_token", error_description="{}""#, quote(&self.to_string())))
            }
            AuthError::InsufficientScope { scope } => Some(format!(
                r#"Bearer error="insufficient_scope", error_description="{}", scope="{}""#,
                quote(&self.to_string()),
                quote(scope)
            )),
            // A valid token without the right to this resource: RFC 6750's insufficient_scope (403).
            AuthError::OrganizationRequired
            | AuthError::WrongOrganization
            | AuthError::OrganizationToken
            | AuthError::ImpersonationRefused => {
                Some(format!(r#"Bearer error="insufficient_scope", error_description="{}""#, quote(&self.to_string())))
            }
            AuthError::KeysUnavailable => None,
        }
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let mut response =
            (self.status(), Json(json!({"code": self.code(), "message": self.to_string()}))).into_response();
        if let Some(challenge) = self.www_authenticate() {
            // The messages are fixed words, so this always parses; a bare challenge if it ever did not.
            let value = HeaderValue::from_str(&challenge).unwrap_or(HeaderValue::from_static("Bearer"));
            response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_refusal() -> Vec<AuthError> {
        vec![
            AuthError::MissingToken,
            AuthError::WrongScheme,
            AuthError::OpaqueToken,
            AuthError::InvalidToken("the token has expired"),
            AuthError::InsufficientScope { scope: "read:top-users".into() },
            AuthError::KeysUnavailable,
            AuthError::OrganizationRequired,
            AuthError::WrongOrganization,
            AuthError::OrganizationToken,
            AuthError::ImpersonationRefused,
        ]
    }

    /// Issue 22, item 1: a bearer refusal always carries its RFC 6750 challenge (the 503 excepted),
    /// and its message is printable ASCII (a header value).
    #[test]
    fn every_bearer_refusal_has_its_challenge() {
        for e in every_refusal() {
            let response = e.clone().into_response();
            let challenge = response.headers().get(header::WWW_AUTHENTICATE);
            if matches!(e, AuthError::KeysUnavailable) {
                assert!(challenge.is_none());
            } else {
                let challenge = challenge.and_then(|v| v.to_str().ok()).unwrap_or_default();
                assert!(challenge.starts_with("Bearer"), "{e:?}: {challenge:?}");
                assert!(e.status() == StatusCode::UNAUTHORIZED || challenge.contains("insufficient_scope"), "{e:?}");
            }
            assert!(e.to_string().chars().all(|c| c.is_ascii() && !c.is_ascii_control()), "{e:?}");
        }
    }
}
