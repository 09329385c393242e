//! The verified claims of an access token.

use serde::Deserialize;

use crate::error::AuthError;

/// Claims of a verified access token. Logto's are exactly `jti, sub, iat, exp, scope, client_id, iss, aud`.
#[derive(Debug, Clone, Deserialize)]
pub struct AccessClaims {
    /// The subject: the Logto user id, or the application id of a machine-to-machine token.
    pub sub: String,
    #[serde(default)]
    /// The application the token was issued to.
    pub client_id: Option<String>,
    #[serde(default)]
    /// The token's unique id.
    pub jti: Option<String>,
    /// Expiry, in seconds since the Unix epoch.
    pub exp: i64,
    #[serde(default)]
    /// Issue time, in seconds since the Unix epoch.
    pub iat: Option<i64>,
    /// Space-separated scopes; Logto sends `""` when the user holds none.
    #[serde(default)]
    pub scope: Option<String>,
    /// The audience the token was verified for: the API resource, or `urn:logto:organization:{id}`.
    #[serde(default)]
    pub aud: String,
    /// Set on an organization-level API token: the organization whose roles granted `scope`.
    #[serde(default)]
    pub organization_id: Option<String>,
    /// Set on a token made by Logto's token exchange with an actor token (impersonation): who acts
    /// for `sub` (RFC 8693 §4.1).
    #[serde(default)]
    pub act: Option<Actor>,
    /// Set by the verifier when no `act` names the actor but the token was issued to one of
    /// [`crate::VerifierConfig::impersonating_clients`]: that application's id.
    #[serde(skip)]
    pub impersonating_client: Option<String>,
}

/// The `act` claim: the party acting for the token's subject.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Actor {
    /// The acting user's id.
    pub sub: String,
}

impl AccessClaims {
    /// The granted scopes, one by one.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scope.as_deref().unwrap_or("").split_whitespace()
    }

    /// Whether `wanted` is among the granted scopes.
    pub fn has_scope(&self, wanted: &str) -> bool {
        self.scopes().any(|s| s == wanted)
    }

    /// `Ok` when this is an organization-level API token for `organization_id`; 403 otherwise (a token
    /// for another organization, or one for no organization at all).
    pub fn require_organization(&self, organization_id: &str) -> Result<(), AuthError> {
        match self.organization_id.as_deref() {
            Some(id) if id == organization_id => Ok(()),
            Some(_) => Err(AuthError::WrongOrganization),
            None => Err(AuthError::OrganizationRequired),
        }
    }

    /// `Ok` for a token of no organization. An organization-level API token carries scopes granted by
    /// an organization role: on a route of no organization it would act beyond that organization.
    pub fn require_no_organization(&self) -> Result<(), AuthError> {
        match &self.organization_id {
            None => Ok(()),
            Some(_) => Err(AuthError::OrganizationToken),
        }
    }

    /// Who acts for `sub` when this token is an impersonation: the user of its `act` claim, else
    /// `application:{id}` for a token of an impersonating client.
    pub fn actor(&self) -> Option<std::borrow::Cow<'_, str>> {
        match (&self.act, &self.impersonating_client) {
            (Some(act), _) => Some(act.sub.as_str().into()),
            (None, Some(client)) => Some(format!("application:{client}").into()),
            (None, None) => None,
        }
    }

    /// `Ok` for a token nobody acts through; 403 `auth.impersonation_refused` for an impersonation
    /// token (`act`, or an impersonating client's). A route that must be the user's own act (a
    /// write, usually) calls this.
    pub fn require_not_impersonated(&self) -> Result<(), AuthError> {
        match self.actor() {
            None => Ok(()),
            Some(_) => Err(AuthError::ImpersonationRefused),
        }
    }

    /// `Ok` when the token carries `wanted`, else 403 `insufficient_scope` naming it.
    pub fn require_scope(&self, wanted: &str) -> Result<(), AuthError> {
        if self.has_scope(wanted) {
            Ok(())
        } else {
            Err(AuthError::InsufficientScope { scope: wanted.to_string() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_act_claim_names_the_actor_and_impersonation_can_be_refused() {
        let plain: AccessClaims = serde_json::from_value(serde_json::json!({"sub": "u1", "exp": 1})).unwrap();
        assert_eq!((plain.actor(), plain.require_not_impersonated().is_ok()), (None, true));
        let acting: AccessClaims =
            serde_json::from_value(serde_json::json!({"sub": "u1", "exp": 1, "act": {"sub": "support7"}})).unwrap();
        assert_eq!(acting.actor().as_deref(), Some("support7"));
        let refused = acting.require_not_impersonated().unwrap_err();
        assert_eq!((refused.code(), refused.status().as_u16()), ("auth.impersonation_refused", 403));
    }
}
