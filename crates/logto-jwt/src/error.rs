//! Why a bearer token was refused, rendered as RFC 6750 responses with a JSON `{code, message}` body.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// Why a request's bearer token was refused. As a response (`IntoResponse`): 401 with
/// `WWW-Authenticate: Bearer error="invalid_token"` (a bare `Bearer` challenge when there was no
/// token), 403 `insufficient_scope` for the permission and organization refusals, 503 when the
/// issuer's keys cannot be had; always with a `{code, message}` JSON body.
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
         token for the API resource {resource} (RFC 8707 `resource`) to get a JWT this API accepts"
    )]
    OpaqueToken {
        /// The API resource to ask the token for.
        resource: String,
    },
    /// Not a valid access token for this API; the text says which check failed.
    #[error("{0}")]
    InvalidToken(String),
    /// A valid token without the route's permission.
    #[error("the token lacks the scope {scope}")]
    InsufficientScope {
        /// The scope the route requires.
        scope: String,
    },
    /// The issuer's discovery document or JWKS could not be fetched.
    #[error("the issuer's signing keys cannot be fetched: {0}")]
    KeysUnavailable(String),
    /// An organization route called with a token for no organization.
    #[error(
        "this route is for organization {organization_id}: request the access token with \
         organization_id={organization_id} (an organization-level API token)"
    )]
    OrganizationRequired {
        /// The route's organization.
        organization_id: String,
    },
    /// An organization-level token for another organization than the route's.
    #[error("the token is for another organization than {organization_id}")]
    WrongOrganization {
        /// The route's organization.
        organization_id: String,
    },
    /// An organization-level API token on a route for no organization.
    #[error(
        "the token is an organization-level API token; this route is for no organization: request the \
         token without organization_id"
    )]
    OrganizationToken,
}

impl AuthError {
    /// The `code` of the JSON body this refusal answers with (`auth.invalid_token`, …).
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::MissingToken => "auth.missing_token",
            AuthError::WrongScheme => "auth.unsupported_scheme",
            AuthError::OpaqueToken { .. } => "auth.opaque_token",
            AuthError::InvalidToken(_) => "auth.invalid_token",
            AuthError::InsufficientScope { .. } => "auth.insufficient_scope",
            AuthError::KeysUnavailable(_) => "auth.keys_unavailable",
            AuthError::OrganizationRequired { .. } => "auth.organization_required",
            AuthError::WrongOrganization { .. } => "auth.wrong_organization",
            AuthError::OrganizationToken => "auth.organization_token",
        }
    }

    /// The HTTP status this refusal answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            AuthError::InsufficientScope { .. }
            | AuthError::OrganizationRequired { .. }
            | AuthError::WrongOrganization { .. }
            | AuthError::OrganizationToken => StatusCode::FORBIDDEN,
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
            // A valid token without the right to this resource: RFC 6750's insufficient_scope (403).
            AuthError::OrganizationRequired { .. }
            | AuthError::WrongOrganization { .. }
            | AuthError::OrganizationToken => {
                Some(format!(r#"Bearer error="insufficient_scope", error_description="{}""#, quote(&self.to_string())))
            }
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
