//! The client's one error type, worded for the person using the app.

use std::fmt;

/// Why an auth step failed, in words a person can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthError {
    Network(String),
    /// Logto answered with an OAuth error.
    Logto {
        code: String,
        message: String,
    },
    InvalidIdToken(String),
    StateMismatch,
    NoSignInSession,
    NoRefreshToken,
    NotSignedIn,
    OpaqueAccessToken,
    /// A token was asked for a resource the configuration does not name (Logto would refuse it).
    UnknownResource(String),
    Browser(String),
}

impl AuthError {
    pub fn is_invalid_grant(&self) -> bool {
        matches!(self, AuthError::Logto { code, .. } if code == "invalid_grant" || code == "oidc.invalid_grant")
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::Network(e) => write!(f, "Logto could not be reached: {e}"),
            AuthError::Logto { code, message } => write!(f, "Logto refused the request ({code}): {message}"),
            AuthError::InvalidIdToken(e) => write!(f, "The ID token from Logto is not valid: {e}"),
            AuthError::StateMismatch => write!(f, "The sign-in response does not match this browser's request (state mismatch). Please sign in again."),
            AuthError::NoSignInSession => write!(f, "No sign-in was started in this tab. Please sign in again."),
            AuthError::NoRefreshToken => write!(f, "Logto issued no refresh token: the app must ask for offline_access with prompt=consent."),
            AuthError::NotSignedIn => write!(f, "You are not signed in."),
            AuthError::OpaqueAccessToken => write!(
                f,
                "Logto returned an opaque access token, which the API cannot verify: the token must be requested with the API resource."
            ),
            AuthError::UnknownResource(r) => write!(
                f,
                "{r} is not one of the API resources this app asks for at sign-in; add it to the configuration."
            ),
            AuthError::Browser(e) => write!(f, "The browser refused an operation: {e}"),
        }
    }
}
