//! The client's one error type, worded for the person using the app.

use std::fmt;

/// Why an auth step failed, in words a person can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthError {
    /// Logto could not be reached (the browser's reason).
    Network(String),
    /// Logto answered with an OAuth error.
    Logto {
        /// The OAuth error code (`invalid_grant`, …).
        code: String,
        /// Logto's description of it.
        message: String,
    },
    /// The ID token failed a check (signature, issuer, audience, nonce, expiry).
    InvalidIdToken(String),
    /// The callback's `state` is not the one this browser sent.
    StateMismatch,
    /// A callback with no sign-in started in this tab.
    NoSignInSession,
    /// The session has no refresh token (`offline_access` not granted).
    NoRefreshToken,
    /// No one is signed in.
    NotSignedIn,
    /// An API call was asked with the opaque `/oidc/me` token, which no API accepts.
    OpaqueAccessToken,
    /// A token was asked for a resource the configuration does not name (Logto would refuse it).
    UnknownResource(String),
    /// An organization token was asked, but the configuration does not ask for organizations
    /// ([`crate::LogtoConfig::organizations`]).
    OrganizationsNotConfigured,
    /// The session's grant lacks `urn:logto:scope:organizations` (it began before the app asked for
    /// organizations, or the user did not consent): a new sign-in fixes it.
    OrganizationsNotGranted,
    /// Logto refused a token for this organization: the user is not (or no longer) a member.
    NotOrganizationMember {
        /// The organization asked for.
        organization_id: String,
    },
    /// A browser API failed (storage, WebCrypto, locks).
    Browser(String),
}

impl AuthError {
    /// Logto refused the refresh token: the session is over.
    pub fn is_invalid_grant(&self) -> bool {
        matches!(self, AuthError::Logto { code, .. } if code == "invalid_grant" || code == "oidc.invalid_grant")
    }
}

/// Logto's answer to a refresh for an organization, as a typed error.
pub(crate) fn organization_refusal(error: AuthError, organization_id: Option<&str>) -> AuthError {
    match (&error, organization_id) {
        (AuthError::Logto { code, .. }, Some(org)) if code.ends_with("access_denied") => {
            AuthError::NotOrganizationMember { organization_id: org.to_string() }
        }
        (AuthError::Logto { code, .. }, Some(_)) if code.ends_with("insufficient_scope") => {
            AuthError::OrganizationsNotGranted
        }
        _ => error,
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
            AuthError::OrganizationsNotConfigured => write!(
                f,
                "This app does not ask Logto for organizations; add them to its configuration (LogtoConfig::organizations)."
            ),
            AuthError::OrganizationsNotGranted => write!(
                f,
                "Your sign-in does not include access to your organizations. Sign out and sign in again to grant it."
            ),
            AuthError::NotOrganizationMember { organization_id } => {
                write!(f, "You are not a member of the organization {organization_id} (or no longer are).")
            }
            AuthError::Browser(e) => write!(f, "The browser refused an operation: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logto(code: &str) -> AuthError {
        AuthError::Logto { code: code.into(), message: "m".into() }
    }

    #[test]
    fn organization_refusals_become_typed_errors_only_for_organization_requests() {
        assert_eq!(
            organization_refusal(logto("access_denied"), Some("o1")),
            AuthError::NotOrganizationMember { organization_id: "o1".into() }
        );
        assert_eq!(
            organization_refusal(logto("oidc.insufficient_scope"), Some("o1")),
            AuthError::OrganizationsNotGranted
        );
        assert_eq!(organization_refusal(logto("access_denied"), None), logto("access_denied"));
        assert_eq!(organization_refusal(logto("invalid_grant"), Some("o1")), logto("invalid_grant"));
    }
}
