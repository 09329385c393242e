//! What the client needs to know about the Logto tenant and the app, set once at start.

/// The scope that puts `organizations` in the ID token and lets the refresh grant take an
/// `organization_id`.
pub const ORGANIZATIONS_SCOPE: &str = "urn:logto:scope:organizations";
/// The scope that puts `organization_roles` (`"{organizationId}:{roleName}"`) in the ID token.
pub const ORGANIZATION_ROLES_SCOPE: &str = "urn:logto:scope:organization_roles";
/// Logto's reserved resource for organization tokens.
pub const ORGANIZATIONS_RESOURCE: &str = "urn:logto:resource:organizations";

/// The SPA application as registered in Logto.
#[derive(Debug, Clone, PartialEq)]
pub struct LogtoConfig {
    /// The Logto endpoint, e.g. `https://tenant.logto.app` (the issuer is `{endpoint}/oidc`).
    pub endpoint: String,
    /// The SPA application's id in Logto.
    pub app_id: String,
    /// Where Logto sends the browser back after sign-in; `None`: `{origin}/callback`.
    pub redirect_uri: Option<String>,
    /// Where Logto sends the browser after sign-out; `None`: `{origin}/`.
    pub post_logout_redirect_uri: Option<String>,
    /// Scopes asked at sign-in. `openid` and `offline_access` are always added: the client needs the
    /// ID token and a refresh token.
    pub scopes: Vec<String>,
    /// API resources (RFC 8707 indicators) tokens may later be asked for; Logto refuses a refresh
    /// for a resource that was not named at sign-in.
    pub resources: Vec<String>,
}

impl LogtoConfig {
    /// For the application `app_id` of the Logto at `endpoint`, asking only `openid` and
    /// `offline_access` and no resource.
    pub fn new(endpoint: impl Into<String>, app_id: impl Into<String>) -> Self {
        Self {
            endpoint: endpoint.into().trim_end_matches('/').to_string(),
            app_id: app_id.into(),
            redirect_uri: None,
            post_logout_redirect_uri: None,
            scopes: vec![],
            resources: vec![],
        }
    }

    /// The scopes to ask at sign-in (API permissions included: `read:things`).
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// An API resource whose tokens the app will ask for (RFC 8707 indicator); may be repeated.
    pub fn resource(mut self, indicator: impl Into<String>) -> Self {
        self.resources.push(indicator.into());
        self
    }

    /// Asks for the user's organizations, as Logto's SDKs do: the scopes
    /// `urn:logto:scope:organizations` and `urn:logto:scope:organization_roles`, and the resource
    /// `urn:logto:resource:organizations`. Needed for [`crate::Logto::organization_token`] and
    /// organization-level API tokens.
    pub fn organizations(mut self) -> Self {
        for scope in [ORGANIZATIONS_SCOPE, ORGANIZATION_ROLES_SCOPE] {
            if !self.scopes.iter().any(|s| s == scope) {
                self.scopes.push(scope.to_string());
            }
        }
        if !self.resources.iter().any(|r| r == ORGANIZATIONS_RESOURCE) {
            self.resources.push(ORGANIZATIONS_RESOURCE.to_string());
        }
        self
    }

    /// Whether sign-in asks for organizations.
    pub fn asks_for_organizations(&self) -> bool {
        self.scopes.iter().any(|s| s == ORGANIZATIONS_SCOPE)
    }

    /// Where Logto sends the browser back after sign-in (default `{origin}/callback`).
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// Where Logto sends the browser after sign-out (default `{origin}/`).
    pub fn post_logout_redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.post_logout_redirect_uri = Some(uri.into());
        self
    }

    /// The scopes sent at sign-in: the configured ones plus `openid` and `offline_access`, once each.
    pub fn sign_in_scopes(&self) -> String {
        let mut all: Vec<&str> = vec!["openid", "offline_access"];
        for s in &self.scopes {
            if !all.contains(&s.as_str()) {
                all.push(s);
            }
        }
        all.join(" ")
    }

    pub(crate) fn discovery_url(&self) -> String {
        format!("{}/oidc/.well-known/openid-configuration", self.endpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_scopes_always_ask_for_the_id_and_refresh_tokens_once() {
        let c = LogtoConfig::new("https://t.logto.app/", "app").scopes(["profile", "openid", "read:x"]);
        assert_eq!(c.sign_in_scopes(), "openid offline_access profile read:x");
        assert_eq!(c.discovery_url(), "https://t.logto.app/oidc/.well-known/openid-configuration");
    }

    #[test]
    fn organizations_add_both_scopes_and_the_reserved_resource_once() {
        let c = LogtoConfig::new("https://t", "app").scopes(["profile"]).resource("https://api").organizations();
        assert!(!LogtoConfig::new("https://t", "app").asks_for_organizations());
        let c = c.organizations();
        assert!(c.asks_for_organizations());
        assert_eq!(
            c.sign_in_scopes(),
            "openid offline_access profile urn:logto:scope:organizations urn:logto:scope:organization_roles"
        );
        assert_eq!(c.resources, ["https://api", "urn:logto:resource:organizations"]);
    }
}
