//! Management API objects other than users, as Logto returns them (fields this client uses).

use serde::{Deserialize, Serialize};

use crate::ids::*;

/// An API resource (`/api/resources`): what access tokens are for (`aud`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    /// The API resource's id.
    pub id: ResourceId,
    /// The API resource's name.
    pub name: String,
    /// The resource indicator (RFC 8707), e.g. `https://api.example.com`.
    pub indicator: String,
    /// Lifetime of its access tokens, in seconds.
    #[serde(default)]
    pub access_token_ttl: Option<i64>,
    /// Present when listed with `includeScopes=true`.
    #[serde(default)]
    pub scopes: Option<Vec<Scope>>,
}

/// A permission of an API resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scope {
    /// The permission's id.
    pub id: ScopeId,
    /// The API resource it belongs to.
    pub resource_id: ResourceId,
    /// The permission's name.
    pub name: String,
    /// The permission's description, when it has one.
    #[serde(default)]
    pub description: Option<String>,
}

/// Who a role is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoleType {
    /// For users.
    User,
    /// For machine-to-machine applications.
    MachineToMachine,
}

/// A role (`/api/roles`): a set of API permissions given to users or machine-to-machine apps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    /// The role's id.
    pub id: RoleId,
    /// The role's name.
    pub name: String,
    /// The role's description, when it has one.
    #[serde(default)]
    pub description: Option<String>,
    /// Users or machine-to-machine apps.
    #[serde(rename = "type")]
    pub role_type: RoleType,
}

/// The kind of an application, as Logto names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplicationType {
    /// A native (mobile or desktop) app.
    Native,
    /// A single-page app (public client, PKCE).
    SPA,
    /// A server-rendered web app (confidential client).
    Traditional,
    /// A machine-to-machine app (client credentials).
    MachineToMachine,
    /// An app behind Logto's protected app gateway.
    Protected,
    /// A SAML app.
    SAML,
}

/// An application's OIDC client settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OidcClientMetadata {
    /// Where sign-in may send the browser back.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Where sign-out may send the browser.
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
}

/// The part of an application's `customClientMetadata` that decides which grants it may use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomClientMetadata {
    /// May use the token-exchange grant (impersonation, personal access tokens). Never on a
    /// third-party app.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_token_exchange: bool,
    /// Signs in through the device flow (Native apps only; fixed at creation).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_device_flow: bool,
}

/// An application (`/api/applications`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    /// The application's id.
    pub id: ApplicationId,
    /// The application's name.
    pub name: String,
    /// Its kind (SPA, machine-to-machine, …).
    #[serde(rename = "type")]
    pub app_type: ApplicationType,
    /// Its redirect URIs.
    #[serde(default)]
    pub oidc_client_metadata: OidcClientMetadata,
    /// The grants it may use beyond its type's.
    #[serde(default)]
    pub custom_client_metadata: CustomClientMetadata,
}

/// One secret of an application (`/api/applications/{id}/secrets`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSecret {
    /// The secret's name.
    pub name: String,
    /// The secret itself.
    pub value: String,
    /// When it expires (ms since the epoch); `None`: never.
    #[serde(default)]
    pub expires_at: Option<i64>,
}

/// A page of a list, with Logto's `Total-Number`.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many items the whole list has, when Logto said (`Total-Number`).
    pub total: Option<u64>,
}

/// An organization role as lists show it beside a member or an application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationRoleRef {
    /// The organization role's id.
    pub id: OrganizationRoleId,
    /// The organization role's name.
    pub name: String,
}

/// An organization permission as a role lists it: its id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationScopeRef {
    /// The organization permission's id.
    pub id: OrganizationScopeId,
    /// Its name.
    pub name: String,
}

/// Where an organization invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationStatus {
    /// Waiting for the invitee.
    Pending,
    /// The invitee joined.
    Accepted,
    /// Past its expiry, never accepted.
    Expired,
    /// Withdrawn.
    Revoked,
}

impl InvitationStatus {
    /// The status as Logto writes it (`Pending`, `Accepted`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "Pending",
            InvitationStatus::Accepted => "Accepted",
            InvitationStatus::Expired => "Expired",
            InvitationStatus::Revoked => "Revoked",
        }
    }
}

/// An invitation to join an organization (`/api/organization-invitations`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    /// The invitation's id.
    pub id: InvitationId,
    /// Who invited, when given.
    pub inviter_id: Option<UserId>,
    /// The invitee's email, as given.
    pub invitee: String,
    /// Who accepted it.
    pub accepted_user_id: Option<UserId>,
    /// The organization to join.
    pub organization_id: OrganizationId,
    /// Where it stands (a pending invitation past `expires_at` reads `Expired`).
    pub status: InvitationStatus,
    /// When it was made, in milliseconds since the epoch.
    pub created_at: i64,
    /// When it last changed.
    pub updated_at: i64,
    /// When it expires.
    pub expires_at: i64,
    /// The organization roles the invitee gets on accepting.
    #[serde(default)]
    pub organization_roles: Vec<OrganizationRoleRef>,
}

/// An invitation to make: `POST /api/organization-invitations` (see
/// [`crate::ManagementClient::create_invitation`]).
#[derive(Debug, Clone, PartialEq)]
pub struct NewInvitation {
    /// Who invites (a member, usually), if anyone.
    pub inviter_id: Option<UserId>,
    /// The invitee's email.
    pub invitee: String,
    /// The organization to join.
    pub organization_id: OrganizationId,
    /// When it expires, in milliseconds since the epoch (in the future).
    pub expires_at: i64,
    /// The organization roles the invitee gets on accepting.
    pub organization_role_ids: Vec<OrganizationRoleId>,
    /// Have Logto email it (through its email connector), with these payload fields (`link`, …).
    pub message_payload: Option<serde_json::Value>,
}

/// Which invitations to list (each filter exact; the invitee's case-insensitive in Logto 1.42).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvitationFilter {
    /// Only this organization's.
    pub organization_id: Option<OrganizationId>,
    /// Only this inviter's.
    pub inviter_id: Option<UserId>,
    /// Only this invitee's.
    pub invitee: Option<String>,
}

/// An organization (`GET /api/organizations`); `organization_roles` is filled where Logto lists a
/// user's or an application's organizations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    /// The organization's id.
    pub id: OrganizationId,
    /// The organization's name.
    pub name: String,
    /// The organization's description, when it has one.
    #[serde(default)]
    pub description: Option<String>,
    /// Data of your own, as a JSON object.
    #[serde(default)]
    pub custom_data: serde_json::Value,
    /// Whether members must have MFA set up to get its tokens (absent from older Logto versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_mfa_required: Option<bool>,
    /// When it was created, in milliseconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// The user's or application's roles in it, where Logto lists them (left out where it does not,
    /// as Logto leaves it out: an organization just created has no `organizationRoles`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_roles: Option<Vec<OrganizationRoleRef>>,
}

/// An organization permission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationScope {
    /// The organization permission's id.
    pub id: OrganizationScopeId,
    /// The organization permission's name.
    pub name: String,
    /// The organization permission's description, when it has one.
    #[serde(default)]
    pub description: Option<String>,
}

/// An API resource a role's scope belongs to, as the organization roles list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceRef {
    /// The API resource's id.
    pub id: ResourceId,
    /// The API resource's name.
    pub name: String,
}

/// An API-resource scope held by an organization role ("organization-level API permission").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationResourceScope {
    /// The permission's id.
    pub id: ScopeId,
    /// The permission's name.
    pub name: String,
    /// The API resource it belongs to.
    pub resource: ResourceRef,
}

/// An organization role; `scopes` and `resource_scopes` are filled by the roles list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationRole {
    /// The organization role's id.
    pub id: OrganizationRoleId,
    /// The organization role's name.
    pub name: String,
    /// The organization role's description, when it has one.
    #[serde(default)]
    pub description: Option<String>,
    /// Users or machine-to-machine apps.
    #[serde(rename = "type")]
    pub role_type: RoleType,
    /// Its organization permissions.
    #[serde(default)]
    pub scopes: Vec<OrganizationScopeRef>,
    /// Its API permissions (organization-level API access).
    #[serde(default)]
    pub resource_scopes: Vec<OrganizationResourceScope>,
}

/// A user in an organization, with their organization roles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationMember {
    /// The user.
    #[serde(flatten)]
    pub user: crate::User,
    /// Their roles in the organization.
    #[serde(default)]
    pub organization_roles: Vec<OrganizationRoleRef>,
}

/// A machine-to-machine application in an organization, with its organization roles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationApplication {
    /// The application.
    #[serde(flatten)]
    pub application: Application,
    /// Its roles in the organization.
    #[serde(default)]
    pub organization_roles: Vec<OrganizationRoleRef>,
}

/// Where a webhook posts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HookConfig {
    /// The endpoint deliveries are posted to.
    pub url: String,
}

/// A webhook (`/api/hooks`): the events it subscribes to, where they go, and the key that signs them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hook {
    /// The webhook's id.
    pub id: HookId,
    /// The webhook's name.
    pub name: String,
    /// The events it is sent for (`User.Created`, …).
    #[serde(default)]
    pub events: Vec<String>,
    /// Where it posts.
    pub config: HookConfig,
    /// The key deliveries are signed with (`logto-signature-sha-256`).
    pub signing_key: String,
    /// Whether it is sent.
    #[serde(default)]
    pub enabled: bool,
}

/// A token standing for a user, for Logto's token-exchange grant (`POST /api/subject-tokens`):
/// single use, short-lived. Its `Debug` hides the value.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectToken {
    /// The token (`sub_…`): exchange it at the token endpoint with
    /// `subject_token_type=urn:ietf:params:oauth:token-type:access_token`.
    pub subject_token: String,
    /// Its lifetime in seconds (Logto: 600).
    pub expires_in: i64,
}

impl std::fmt::Debug for SubjectToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubjectToken")
            .field("subject_token", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// A user's personal access token (`/api/users/{id}/personal-access-tokens`). Its `Debug` hides the
/// value.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonalAccessToken {
    /// Its owner.
    pub user_id: UserId,
    /// Its name, unique per user.
    pub name: String,
    /// The token (`pat_…`): exchange it with
    /// `subject_token_type=urn:logto:token-type:personal_access_token`.
    pub value: String,
    /// When it was made, in milliseconds since the epoch.
    pub created_at: i64,
    /// When it expires; `None`: never.
    #[serde(default)]
    pub expires_at: Option<i64>,
}

impl std::fmt::Debug for PersonalAccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonalAccessToken")
            .field("user_id", &self.user_id)
            .field("name", &self.name)
            .field("value", &"[redacted]")
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}
