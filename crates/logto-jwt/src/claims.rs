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

    /// `Ok` when the token carries `wanted`, else 403 `insufficient_scope` naming it.
    pub fn require_scope(&self, wanted: &str) -> Result<(), AuthError> {
        if self.has_scope(wanted) {
            Ok(())
        } else {
            Err(AuthError::InsufficientScope { scope: wanted.to_string() })
        }
    }
}
