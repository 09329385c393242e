//! The error every route returns, turned into a `{code, message}` response at the edge. Answers say
//! what, with fixed messages that never echo the request; logs say why (URLs, Logto's and the
//! database's errors), under the request's span and so its `x-request-id`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use logto_jwt::AuthError;
use shared::{ErrorBody, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("You cannot follow yourself.")]
    SelfFollow,
    #[error("Logto has no such user.")]
    UnknownUser,
    #[error("That is not a Logto user id (1 to 21 lowercase letters and digits).")]
    NotAnId,
    #[error("{0}")]
    InvalidQuery(String),
    #[error("Logto could not be asked whether this user exists; try again shortly.")]
    LogtoUnavailable,
    #[error("Logto has no such organization.")]
    UnknownOrganization,
    #[error("Logto did not give this organization's members in time; try again shortly.")]
    MembersUnavailable,
    #[error("The webhook signature (logto-signature-sha-256) is missing or does not match the body.")]
    BadSignature,
    #[error("Too many requests; try again in {retry_after} s.")]
    RateLimited { retry_after: u64 },
    #[error("Webhooks are off: set LOGTO_WEBHOOK_SIGNING_KEY to the hook's signing key.")]
    WebhooksOff,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self {
            ApiError::Auth(e) => return e.into_response(),
            ApiError::Database(e) => {
                tracing::error!(error = %e, "database error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Database,
                    "The database is unavailable; try again shortly.".to_string(),
                )
            }
            ApiError::InvalidQuery(_) => (StatusCode::BAD_REQUEST, ErrorCode::InvalidInput, self.to_string()),
            ApiError::SelfFollow => (StatusCode::BAD_REQUEST, ErrorCode::SelfFollow, self.to_string()),
            ApiError::UnknownUser => (StatusCode::NOT_FOUND, ErrorCode::UserNotFound, self.to_string()),
            ApiError::NotAnId => (StatusCode::BAD_REQUEST, ErrorCode::InvalidUserId, self.to_string()),
            ApiError::BadSignature => (StatusCode::UNAUTHORIZED, ErrorCode::WebhookInvalidSignature, self.to_string()),
            ApiError::WebhooksOff => {
                (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::WebhookNotConfigured, self.to_string())
            }
            ApiError::RateLimited { retry_after } => {
                let body = ErrorBody::new(ErrorCode::RateLimited, self.to_string());
                let header = [(axum::http::header::RETRY_AFTER, retry_after.to_string())];
                return (StatusCode::TOO_MANY_REQUESTS, header, Json(body)).into_response();
            }
            ApiError::UnknownOrganization => (StatusCode::NOT_FOUND, ErrorCode::OrganizationNotFound, self.to_string()),
            ApiError::MembersUnavailable | ApiError::LogtoUnavailable => {
                (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::LogtoUnavailable, self.to_string())
            }
        };
        (status, Json(ErrorBody::new(code, message))).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The contract with the SPA: every code a refusal can carry, logto-jwt's included, is one
    /// `shared::ErrorCode` knows.
    #[test]
    fn every_code_sent_is_a_shared_error_code() {
        let scope = || "read:top-users".to_string();
        let auth = [
            AuthError::MissingToken,
            AuthError::WrongScheme,
            AuthError::OpaqueToken,
            AuthError::InvalidToken("x"),
            AuthError::InsufficientScope { scope: scope() },
            AuthError::KeysUnavailable,
            AuthError::OrganizationRequired,
            AuthError::WrongOrganization,
            AuthError::OrganizationToken,
        ];
        // A variant added to logto-jwt stops this from compiling until it is listed above.
        for e in &auth {
            match e {
                AuthError::MissingToken
                | AuthError::WrongScheme
                | AuthError::OpaqueToken
                | AuthError::InvalidToken(_)
                | AuthError::InsufficientScope { .. }
                | AuthError::KeysUnavailable
                | AuthError::OrganizationRequired
                | AuthError::WrongOrganization
                | AuthError::OrganizationToken => {}
            }
            assert!(ErrorCode::parse(e.code()).is_some(), "{} is not in shared::ErrorCode", e.code());
        }
    }
}
