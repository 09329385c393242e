//! Management API objects other than users, as Logto returns them (fields this client uses).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub id: String,
    pub name: String,
    pub indicator: String,
    #[serde(default)]
    pub access_token_ttl: Option<i64>,
    /// Present when listed with `includeScopes=true`.
    #[serde(default)]
    pub scopes: Option<Vec<Scope>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scope {
    pub id: String,
    pub resource_id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoleType {
    User,
    MachineToMachine,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub role_type: RoleType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplicationType {
    Native,
    SPA,
    Traditional,
    MachineToMachine,
    Protected,
    SAML,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OidcClientMetadata {
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub app_type: ApplicationType,
    #[serde(default)]
    pub oidc_client_metadata: OidcClientMetadata,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSecret {
    pub name: String,
    pub value: String,
    #[serde(default)]
    pub expires_at: Option<i64>,
}

/// A page of a list, with Logto's `Total-Number`.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: Option<u64>,
}

/// An organization role as lists show it beside a member or an application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationRoleRef {
    pub id: String,
    pub name: String,
}

/// An organization (`GET /api/organizations`); `organization_roles` is filled where Logto lists a
/// user's or an application's organizations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub custom_data: serde_json::Value,
    #[serde(default)]
    pub organization_roles: Vec<OrganizationRoleRef>,
}

/// An organization permission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationScope {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// An API resource a role's scope belongs to, as the organization roles list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceRef {
    pub id: String,
    pub name: String,
}

/// An API-resource scope held by an organization role ("organization-level API permission").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationResourceScope {
    pub id: String,
    pub name: String,
    pub resource: ResourceRef,
}

/// An organization role; `scopes` and `resource_scopes` are filled by the roles list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationRole {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub role_type: RoleType,
    #[serde(default)]
    pub scopes: Vec<OrganizationRoleRef>,
    #[serde(default)]
    pub resource_scopes: Vec<OrganizationResourceScope>,
}

/// A user in an organization, with their organization roles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationMember {
    #[serde(flatten)]
    pub user: crate::User,
    #[serde(default)]
    pub organization_roles: Vec<OrganizationRoleRef>,
}

/// A machine-to-machine application in an organization, with its organization roles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationApplication {
    #[serde(flatten)]
    pub application: Application,
    #[serde(default)]
    pub organization_roles: Vec<OrganizationRoleRef>,
}

/// Where a webhook posts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HookConfig {
    pub url: String,
}

/// A webhook (`/api/hooks`): the events it subscribes to, where they go, and the key that signs them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hook {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub events: Vec<String>,
    pub config: HookConfig,
    pub signing_key: String,
    #[serde(default)]
    pub enabled: bool,
}
