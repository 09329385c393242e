//! The entities the emulator keeps, named and shaped after Logto's tables.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppType {
    Native,
    SPA,
    Traditional,
    MachineToMachine,
}

impl AppType {
    /// The emulated type named `s` (`Protected` and `SAML` apps are not emulated).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Native" => Some(AppType::Native),
            "SPA" => Some(AppType::SPA),
            "Traditional" => Some(AppType::Traditional),
            "MachineToMachine" => Some(AppType::MachineToMachine),
            _ => None,
        }
    }

    /// SPA and Native apps are public clients (`token_endpoint_auth_method: none`, PKCE required).
    pub fn is_public(self) -> bool {
        matches!(self, AppType::Native | AppType::SPA)
    }

    pub fn allows_code_flow(self) -> bool {
        self != AppType::MachineToMachine
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoleType {
    User,
    MachineToMachine,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub username: Option<String>,
    pub primary_email: Option<String>,
    pub primary_phone: Option<String>,
    pub name: Option<String>,
    pub avatar: Option<String>,
    pub custom_data: Value,
    pub password: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_sign_in_at: Option<i64>,
    pub application_id: Option<String>,
    pub is_suspended: bool,
    pub role_ids: Vec<String>,
}

impl User {
    /// The Management API's user object, field for field (`GET /api/users/{id}`).
    pub fn to_api_json(&self) -> Value {
        json!({
            "id": self.id,
            "username": self.username,
            "primaryEmail": self.primary_email,
            "primaryPhone": self.primary_phone,
            "name": self.name,
            "avatar": self.avatar,
            "customData": self.custom_data,
            "identities": {},
            "lastSignInAt": self.last_sign_in_at,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "profile": {},
            "applicationId": self.application_id,
            "cimdClientId": null,
            "isSuspended": self.is_suspended,
            "hasPassword": self.password.is_some(),
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Application {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub app_type: AppType,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    /// The "Default secret" (`application_secrets`) of Traditional and MachineToMachine apps.
    pub secret: Option<String>,
    pub role_ids: Vec<String>,
    pub created_at: i64,
}

impl Application {
    /// The Management API's application object (`POST`/`GET /api/applications`).
    pub fn to_api_json(&self) -> Value {
        json!({
            "tenantId": "default",
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "type": self.app_type,
            "oidcClientMetadata": {"redirectUris": self.redirect_uris, "postLogoutRedirectUris": self.post_logout_redirect_uris},
            "customClientMetadata": {},
            "protectedAppMetadata": null,
            "customData": {},
            "isThirdParty": false,
            "appLevelAccessControlEnabled": false,
            "createdAt": self.created_at,
        })
    }
}

impl Application {
    /// CORS origins Logto allows for this client: the origins of its redirect URIs.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.redirect_uris
            .iter()
            .any(|uri| url::Url::parse(uri).map(|u| u.origin().ascii_serialization() == origin).unwrap_or(false))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Scope {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resource {
    pub id: String,
    pub name: String,
    pub indicator: String,
    pub access_token_ttl: i64,
    pub scopes: Vec<Scope>,
}

impl Resource {
    pub fn to_api_json(&self, include_scopes: bool) -> Value {
        let mut v = json!({
            "tenantId": "default", "id": self.id, "name": self.name, "indicator": self.indicator,
            "isDefault": false, "accessTokenTtl": self.access_token_ttl,
        });
        if include_scopes {
            v["scopes"] = self.scopes_json();
        }
        v
    }

    /// The scopes, newest first, as Logto lists them.
    pub fn scopes_json(&self) -> Value {
        self.scopes.iter().rev().map(|s| self.scope_json(s)).collect()
    }

    pub fn scope_json(&self, scope: &Scope) -> Value {
        json!({
            "tenantId": "default", "id": scope.id, "resourceId": self.id, "name": scope.name,
            "description": scope.description, "createdAt": scope.created_at,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub description: String,
    pub role_type: RoleType,
    /// `(resource indicator, scope name)` pairs.
    pub scopes: Vec<(String, String)>,
}

impl Role {
    pub fn to_api_json(&self) -> Value {
        json!({
            "tenantId": "default", "id": self.id, "name": self.name, "description": self.description,
            "type": self.role_type, "isDefault": false,
        })
    }
}

/// An organization permission (`organization_scopes`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrgScope {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
}

impl OrgScope {
    pub fn to_api_json(&self) -> Value {
        json!({"tenantId": "default", "id": self.id, "name": self.name, "description": self.description})
    }
}

/// An organization role (`organization_roles`): organization scopes, and API-resource scopes by id
/// ("organization-level API permissions"). `User` roles are for members, `MachineToMachine` for apps.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrgRole {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub role_type: RoleType,
    pub scope_ids: Vec<String>,
    pub resource_scope_ids: Vec<String>,
}

impl OrgRole {
    pub fn to_api_json(&self) -> Value {
        json!({"tenantId": "default", "id": self.id, "name": self.name, "description": self.description,
               "type": self.role_type})
    }

    /// `{id, name}`, as member and application lists show a role.
    pub fn brief(&self) -> Value {
        json!({"id": self.id, "name": self.name})
    }
}

/// A user or an application in an organization, with its organization role ids.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrgMember {
    pub id: String,
    pub role_ids: Vec<String>,
}

/// An organization with its members (users) and machine-to-machine applications.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub custom_data: Value,
    pub is_mfa_required: bool,
    pub created_at: i64,
    pub members: Vec<OrgMember>,
    pub applications: Vec<OrgMember>,
}

impl Organization {
    pub fn to_api_json(&self) -> Value {
        json!({"tenantId": "default", "id": self.id, "name": self.name, "description": self.description,
               "customData": self.custom_data, "isMfaRequired": self.is_mfa_required, "color": {},
               "branding": {}, "customCss": null, "createdAt": self.created_at})
    }

    pub fn member(&self, user_id: &str) -> Option<&OrgMember> {
        self.members.iter().find(|m| m.id == user_id)
    }

    pub fn application(&self, app_id: &str) -> Option<&OrgMember> {
        self.applications.iter().find(|m| m.id == app_id)
    }
}

/// A webhook (`hooks`): where Logto POSTs the events it subscribes to, signed with `signing_key`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hook {
    pub id: String,
    pub name: String,
    pub events: Vec<String>,
    pub url: String,
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    pub signing_key: String,
    pub enabled: bool,
    pub created_at: i64,
}

impl Hook {
    /// The Management API's hook object (`POST`/`GET /api/hooks`, recorded in samples 204-205).
    pub fn to_api_json(&self) -> Value {
        let mut config = json!({"url": self.url});
        if !self.headers.is_empty() {
            config["headers"] = json!(self.headers);
        }
        json!({"tenantId": "default", "id": self.id, "name": self.name, "event": null, "events": self.events,
               "config": config, "signingKey": self.signing_key, "enabled": self.enabled, "createdAt": self.created_at})
    }
}

/// A pending `/oidc/auth` request waiting for the user to sign in.
#[derive(Debug, Clone)]
pub struct Interaction {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub scopes: Vec<String>,
    pub resources: Vec<String>,
    pub code_challenge: Option<String>,
    pub expires_at: i64,
}

/// What a user consented to for one client: the parent of codes and tokens, revoked as a whole.
#[derive(Debug, Clone)]
pub struct Grant {
    pub id: String,
    pub account_id: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub resources: Vec<String>,
    pub nonce: Option<String>,
    /// The browser session (SSO) the grant was made in, if any: ending that session revokes the
    /// grant unless it holds `offline_access` (oidc-provider's end-session rule).
    pub session_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AuthCode {
    pub grant_id: String,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub expires_at: i64,
    /// Set by the first exchange. The code is kept until it expires so that a second exchange can be
    /// recognised as reuse, which revokes the grant (RFC 6749 §4.1.2, as oidc-provider does).
    pub consumed: bool,
}

/// A signed-in browser (Logto's `_session` cookie, 14 days): later authorization requests from the
/// same browser skip the sign-in page unless they say `prompt=login`.
#[derive(Debug, Clone)]
pub struct BrowserSession {
    pub account_id: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct RefreshToken {
    pub grant_id: String,
    /// The first token's expiry: rotation never extends it.
    pub expires_at: i64,
    pub consumed_at_ms: Option<i64>,
}

/// An opaque access token (no resource): only `/oidc/me` accepts it.
#[derive(Debug, Clone)]
pub struct OpaqueToken {
    pub grant_id: String,
    pub expires_at: i64,
}

/// A sign-out waiting for its confirm form (`/oidc/session/end/confirm`).
#[derive(Debug, Clone)]
pub struct PendingLogout {
    pub post_logout_redirect_uri: Option<String>,
    pub expires_at: i64,
}
