//! The error every route returns, turned into a `{code, message}` response at the edge. Details that
//! could leak internals are logged, not returned.

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
    UnknownUser(String),
    #[error("That is not a Logto user id (1 to 21 lowercase letters and digits).")]
    NotAnId,
    #[error("{0}")]
    InvalidQuery(String),
    #[error("Logto could not be asked whether user {user} exists: {reason}")]
    LogtoUnavailable { user: String, reason: String },
    #[error("Logto has no organization {0}.")]
    UnknownOrganization(String),
    #[error("Logto did not give the members of organization {0} in time; try again shortly.")]
    MembersUnavailable(String),
    #[error("The webhook signature (logto-signature-sha-256) is missing or does not match the body.")]
    BadSignature,
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
            ApiError::UnknownUser(_) => (StatusCode::NOT_FOUND, "user.not_found", self.to_string()),
            ApiError::NotAnId => (StatusCode::BAD_REQUEST, "user.invalid_id", self.to_string()),
            ApiError::BadSignature => (StatusCode::UNAUTHORIZED, "webhook.invalid_signature", self.to_string()),
            ApiError::WebhooksOff => (StatusCode::SERVICE_UNAVAILABLE, "webhook.not_configured", self.to_string()),
            ApiError::UnknownOrganization(_) => (StatusCode::NOT_FOUND, "organization.not_found", self.to_string()),
            ApiError::MembersUnavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "logto.unavailable", self.to_string()),
            ApiError::LogtoUnavailable { .. } => {
                tracing::warn!(error = %self, "Logto unavailable");
                (StatusCode::SERVICE_UNAVAILABLE, "logto.unavailable", self.to_string())
            }
        };
        (status, Json(ErrorBody { code: code.into(), message })).into_response()
    }
}
