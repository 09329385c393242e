//! The error every route returns, turned into a `{code, message}` response at the edge. Answers say
//! what, with fixed messages that never echo the request; logs say why (URLs, Logto's and the
//! database's errors), under the request's span and so its `x-request-id`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use logto_jwt::AuthError;
use shared::ErrorBody;

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
                    "internal.database",
                    "The database is unavailable; try again shortly.".to_string(),
                )
            }
            ApiError::InvalidQuery(_) => (StatusCode::BAD_REQUEST, "guard.invalid_input", self.to_string()),
            ApiError::SelfFollow => (StatusCode::BAD_REQUEST, "follows.self", self.to_string()),
            ApiError::UnknownUser => (StatusCode::NOT_FOUND, "user.not_found", self.to_string()),
            ApiError::NotAnId => (StatusCode::BAD_REQUEST, "user.invalid_id", self.to_string()),
            ApiError::BadSignature => (StatusCode::UNAUTHORIZED, "webhook.invalid_signature", self.to_string()),
            ApiError::WebhooksOff => (StatusCode::SERVICE_UNAVAILABLE, "webhook.not_configured", self.to_string()),
            ApiError::RateLimited { retry_after } => {
                let body = ErrorBody { code: "request.rate_limited".into(), message: self.to_string() };
                let header = [(axum::http::header::RETRY_AFTER, retry_after.to_string())];
                return (StatusCode::TOO_MANY_REQUESTS, header, Json(body)).into_response();
            }
            ApiError::UnknownOrganization => (StatusCode::NOT_FOUND, "organization.not_found", self.to_string()),
            ApiError::MembersUnavailable | ApiError::LogtoUnavailable => {
                (StatusCode::SERVICE_UNAVAILABLE, "logto.unavailable", self.to_string())
            }
        };
        (status, Json(ErrorBody { code: code.into(), message })).into_response()
    }
}
