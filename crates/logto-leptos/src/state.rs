//! The auth state the app reads as a signal.

use serde_json::Value;

use crate::claims::text;
use crate::organizations::{roles_in, strings_in, OrganizationRole};

/// Where the user stands. `Loading` only while the client cannot know yet (finishing a sign-in).
#[derive(Debug, Clone, PartialEq)]
pub enum AuthState {
    /// Finishing a sign-in (the callback).
    Loading,
    /// Signed in, with the ID token's claims.
    SignedIn(IdClaims),
    /// Signed out; `reason` says why when it was not the user's choice here.
    SignedOut {
        /// Why, when it was not the user's choice in this tab.
        reason: Option<SignOutReason>,
    },
    /// Sign-in failed; the message says what to do.
    Error(String),
}

/// Why a session ended without the user signing out in this tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOutReason {
    /// Logto refused the refresh token (revoked, expired, or its grant is gone).
    SessionEnded,
    /// The user signed out in another tab of the same session.
    SignedOutElsewhere,
}

impl SignOutReason {
    /// A sentence for the user.
    pub fn message(self) -> &'static str {
        match self {
            SignOutReason::SessionEnded => "Your session has ended (it was revoked or expired). Please sign in again.",
            SignOutReason::SignedOutElsewhere => "You signed out in another tab.",
        }
    }

    /// Its name in the messages between tabs.
    pub(crate) fn wire(self) -> &'static str {
        match self {
            SignOutReason::SessionEnded => "sessionEnded",
            SignOutReason::SignedOutElsewhere => "signedOutElsewhere",
        }
    }

    pub(crate) fn from_wire(name: &str) -> Option<Self> {
        [SignOutReason::SessionEnded, SignOutReason::SignedOutElsewhere].into_iter().find(|r| r.wire() == name)
    }
}

impl std::fmt::Display for SignOutReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl AuthState {
    /// Whether someone is signed in.
    pub fn is_signed_in(&self) -> bool {
        matches!(self, AuthState::SignedIn(_))
    }

    /// The ID token's claims, when signed in.
    pub fn claims(&self) -> Option<&IdClaims> {
        match self {
            AuthState::SignedIn(c) => Some(c),
            _ => None,
        }
    }
}

/// The claims of the verified ID token: accessors for what apps usually show, and every claim.
#[derive(Debug, Clone, PartialEq)]
pub struct IdClaims(pub Value);

impl IdClaims {
    fn text(&self, name: &str) -> Option<String> {
        text(&self.0, name)
    }

    /// The user's id (`sub`).
    pub fn sub(&self) -> String {
        self.text("sub").unwrap_or_default()
    }

    /// The user's name, when set.
    pub fn name(&self) -> Option<String> {
        self.text("name")
    }

    /// The username, when set.
    pub fn username(&self) -> Option<String> {
        self.text("username")
    }

    /// The avatar URL, when set.
    pub fn picture(&self) -> Option<String> {
        self.text("picture")
    }

    /// The ids of the user's organizations when they signed in (`organizations`; empty without the
    /// organizations scope). Names come from [`crate::Logto::user_info`].
    pub fn organizations(&self) -> Vec<String> {
        strings_in(&self.0, "organizations")
    }

    /// The user's organization roles when they signed in (`organization_roles`).
    pub fn organization_roles(&self) -> Vec<OrganizationRole> {
        roles_in(&self.0)
    }

    /// Name, else username, else the subject.
    pub fn display_name(&self) -> String {
        self.name().or_else(|| self.username()).unwrap_or_else(|| self.sub())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_falls_back_to_username_then_sub() {
        let c = |v: Value| IdClaims(v).display_name();
        assert_eq!(c(serde_json::json!({"sub": "u1", "name": "Alice", "username": "alice"})), "Alice");
        assert_eq!(c(serde_json::json!({"sub": "u1", "name": null, "username": "alice"})), "alice");
        assert_eq!(c(serde_json::json!({"sub": "u1"})), "u1");
    }

    #[test]
    fn organizations_come_from_the_id_token_claims() {
        let claims = IdClaims(serde_json::json!({"sub": "u1", "organizations": ["acme", "globex"],
            "organization_roles": ["acme:admin"]}));
        assert_eq!(claims.organizations(), ["acme", "globex"]);
        assert_eq!(claims.organization_roles()[0].role, "admin");
        assert!(IdClaims(serde_json::json!({"sub": "u1"})).organizations().is_empty());
    }
}
