//! The error every route returns, turned into a `{code, message}` response at the edge. Answers say
//! what, with fixed messages that never echo the request; logs say why (URLs, Logto's and the
//! database's errors), under the request's span and so its `x-request-id`.

use axum::http::{header, StatusCode};
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
    #[error("{0}")]
    InvalidBody(&'static str),
    #[error("Your organization role no longer allows this; sign in again to refresh your permissions.")]
    PermissionRevoked { permission: &'static str },
    #[error("This address belongs to a member of the organization already.")]
    AlreadyMember,
    #[error("This address has a pending invitation already; revoke it to send a new one.")]
    AlreadyInvited,
    #[error("There is no such invitation.")]
    InvitationNotFound,
    #[error("This invitation was accepted, revoked or has expired.")]
    InvitationNotPending,
    #[error("This invitation is for another email address than the signed-in user's.")]
    WrongInvitee,
    #[error("Logto cannot send email: set up an email connector in Logto, then invite again.")]
    CannotSendEmail,
    #[error("The organization has no such role.")]
    UnknownRole,
    #[error("That user is not a member of the organization.")]
    NotMember,
    #[error("The organization must keep at least one member who can manage its members.")]
    LastAdmin,
}

impl ApiError {
    /// The `code` of the answer.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Auth(e) => e.code(),
            other => other.parts().1.as_str(),
        }
    }

    /// The status and code of everything but `Auth`.
    fn parts(&self) -> (StatusCode, ErrorCode) {
        match self {
            ApiError::Auth(_) => (StatusCode::UNAUTHORIZED, ErrorCode::AuthInvalidToken),
            ApiError::Database(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Database),
            ApiError::InvalidQuery(_) | ApiError::InvalidBody(_) => (StatusCode::BAD_REQUEST, ErrorCode::InvalidInput),
            ApiError::SelfFollow => (StatusCode::BAD_REQUEST, ErrorCode::SelfFollow),
            ApiError::UnknownUser => (StatusCode::NOT_FOUND, ErrorCode::UserNotFound),
            ApiError::NotAnId => (StatusCode::BAD_REQUEST, ErrorCode::InvalidUserId),
            ApiError::BadSignature => (StatusCode::UNAUTHORIZED, ErrorCode::WebhookInvalidSignature),
            ApiError::WebhooksOff => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::WebhookNotConfigured),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited),
            ApiError::UnknownOrganization => (StatusCode::NOT_FOUND, ErrorCode::OrganizationNotFound),
            ApiError::MembersUnavailable | ApiError::LogtoUnavailable => {
                (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::LogtoUnavailable)
            }
            ApiError::PermissionRevoked { .. } => (StatusCode::FORBIDDEN, ErrorCode::AuthPermissionRevoked),
            ApiError::AlreadyMember => (StatusCode::CONFLICT, ErrorCode::InvitationAlreadyMember),
            ApiError::AlreadyInvited => (StatusCode::CONFLICT, ErrorCode::InvitationAlreadyInvited),
            ApiError::InvitationNotFound => (StatusCode::NOT_FOUND, ErrorCode::InvitationNotFound),
            ApiError::InvitationNotPending => (StatusCode::CONFLICT, ErrorCode::InvitationNotPending),
            ApiError::WrongInvitee => (StatusCode::FORBIDDEN, ErrorCode::InvitationWrongUser),
            ApiError::CannotSendEmail => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::InvitationCannotSend),
            ApiError::UnknownRole => (StatusCode::BAD_REQUEST, ErrorCode::OrganizationUnknownRole),
            ApiError::NotMember => (StatusCode::NOT_FOUND, ErrorCode::OrganizationNotMember),
            ApiError::LastAdmin => (StatusCode::CONFLICT, ErrorCode::OrganizationLastAdmin),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Auth(e) = self {
            return e.into_response();
        }
        let (status, code) = self.parts();
        let body = Json(ErrorBody::new(code, self.to_string()));
        match &self {
            ApiError::Database(e) => {
                tracing::error!(error = %e, "database error");
                let body = ErrorBody::new(code, "The database is unavailable; try again shortly.");
                (status, Json(body)).into_response()
            }
            ApiError::RateLimited { retry_after } => {
                (status, [(header::RETRY_AFTER, retry_after.to_string())], body).into_response()
            }
            // A bearer refusal (RFC 6750): the token names a permission Logto no longer grants.
            ApiError::PermissionRevoked { permission } => {
                let challenge = format!("Bearer error=\"insufficient_scope\", scope=\"{permission}\"");
                (status, [(header::WWW_AUTHENTICATE, challenge)], body).into_response()
            }
            _ => (status, body).into_response(),
        }
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
            AuthError::ImpersonationRefused,
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
                | AuthError::OrganizationToken
                | AuthError::ImpersonationRefused => {}
            }
            assert!(ErrorCode::parse(e.code()).is_some(), "{} is not in shared::ErrorCode", e.code());
        }
    }
}
