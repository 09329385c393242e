//! The entities the emulator keeps, named and shaped after Logto's tables.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// An application's kind, as Logto names it (the ones the emulator serves).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppType {
    /// A native app (public client, PKCE).
    Native,
    /// A single-page app (public client, PKCE).
    SPA,
    /// A server-side web app (confidential client).
    Traditional,
    /// A machine-to-machine app (client credentials).
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

    /// Whether it may use the authorization code flow (every kind but machine-to-machine).
    pub fn allows_code_flow(self) -> bool {
        self != AppType::MachineToMachine
    }
}

/// Who a role is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoleType {
    /// For users.
    User,
    /// For machine-to-machine applications.
    MachineToMachine,
}

/// A user, as the Management API and the sign-in page see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    /// The user's id.
    pub id: String,
    /// Username, when set.
    pub username: Option<String>,
    /// Primary email, when set.
    pub primary_email: Option<String>,
    /// Primary phone, when set.
    pub primary_phone: Option<String>,
    /// Display name, when set.
    pub name: Option<String>,
    /// Avatar URL, when set.
    pub avatar: Option<String>,
    /// Data of the app's own, a JSON object.
    pub custom_data: Value,
    /// The password (the emulator keeps it as given); `None`: cannot sign in with one.
    pub password: Option<crate::secret::Secret>,
    /// A password imported as a digest (replaced by `password` when one is set).
    #[serde(default)]
    pub password_digest: Option<crate::password_digest::PasswordDigest>,
    /// Expired by `PATCH /api/users/{id}/password/expiration`: password sign-in is refused
    /// (`password.expired`) until a new password is set.
    #[serde(default)]
    pub is_password_expired: bool,
    /// When it was created, in ms since the epoch.
    pub created_at: i64,
    /// When the profile last changed, in ms since the epoch.
    pub updated_at: i64,
    /// The last sign-in, in ms since the epoch.
    pub last_sign_in_at: Option<i64>,
    /// The application the user first signed in to.
    pub application_id: Option<String>,
    /// A suspended user cannot sign in.
    pub is_suspended: bool,
    /// The ids of the user's roles.
    pub role_ids: Vec<String>,
    /// OIDC standard profile claims (`profile`: `givenName`, `address`, …), a JSON object.
    #[serde(default = "empty_object")]
    pub profile: Value,
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
            "profile": self.profile,
            "applicationId": self.application_id,
            "cimdClientId": null,
            "isSuspended": self.is_suspended,
            "hasPassword": self.has_password(),
        })
    }

    /// Whether the user has a password (given, or imported as a digest).
    pub fn has_password(&self) -> bool {
        self.password.is_some() || self.password_digest.is_some()
    }

    /// Whether `password` is the user's.
    pub fn password_matches(&self, password: &str) -> bool {
        match (&self.password, &self.password_digest) {
            (Some(p), _) => crate::secret::same(p.expose(), password),
            (None, Some(d)) => d.verify(password),
            (None, None) => false,
        }
    }
}

/// An application (a client of the OIDC provider).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Application {
    /// The application's id.
    pub id: String,
    /// The application's name.
    pub name: String,
    /// The application's description.
    pub description: Option<String>,
    /// Its kind.
    pub app_type: AppType,
    /// Where sign-in may send the browser back.
    pub redirect_uris: Vec<String>,
    /// Where sign-out may send the browser.
    pub post_logout_redirect_uris: Vec<String>,
    /// The "Default secret" (`application_secrets`) of Traditional and MachineToMachine apps.
    pub secret: Option<crate::secret::Secret>,
    /// The ids of its machine-to-machine roles.
    pub role_ids: Vec<String>,
    /// When it was created, in ms since the epoch.
    pub created_at: i64,
    /// A Native app that signs in through the device flow (RFC 8628; Logto's
    /// `customClientMetadata.isDeviceFlow`, fixed at creation).
    #[serde(default)]
    pub is_device_flow: bool,
    /// May use the token-exchange grant (Logto's `customClientMetadata.allowTokenExchange`).
    #[serde(default)]
    pub allow_token_exchange: bool,
    /// A third-party app (Logto's `isThirdParty`): it may never use token exchange.
    #[serde(default)]
    pub is_third_party: bool,
    /// The app's own data (`customData`), a JSON object.
    #[serde(default = "empty_object")]
    pub custom_data: Value,
    /// `customClientMetadata` as last set (kept and answered; the emulator acts on `isDeviceFlow`
    /// and `allowTokenExchange`, held in their own fields).
    #[serde(default)]
    pub extra_client_metadata: serde_json::Map<String, Value>,
    /// The named secrets once any was added, renamed or deleted (`/secrets`); until then the one
    /// secret is `secret`, named "Default secret".
    #[serde(default)]
    pub managed_secrets: Option<Vec<AppSecret>>,
    /// Its own branding and terms links, once set (`/sign-in-experience`: `color`, `branding`,
    /// `customCss`, `termsOfUseUrl`, `privacyPolicyUrl`, `displayName`).
    #[serde(default)]
    pub sign_in_experience: Option<serde_json::Map<String, Value>>,
    /// What a third-party app's users are asked to consent to (`user-consent-scopes`).
    #[serde(default)]
    pub consent_scopes: ConsentScopes,
    /// Organizations users consented to share with this third-party app: `(user, organization)`.
    #[serde(default)]
    pub consent_organizations: Vec<(String, String)>,
}

/// A third-party application's consent scopes, by kind (ids, or user scope names).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ConsentScopes {
    /// Organization scope ids.
    pub organization_scopes: Vec<String>,
    /// API resource scope ids.
    pub resource_scopes: Vec<String>,
    /// API resource scope ids granted through organizations.
    pub organization_resource_scopes: Vec<String>,
    /// User scopes (`profile`, `email`, …).
    pub user_scopes: Vec<String>,
}

/// A named secret of a confidential application (`application_secrets`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppSecret {
    /// Its name, unique per application.
    pub name: String,
    /// The secret.
    pub value: crate::secret::Secret,
    /// When it was made, in ms since the epoch.
    pub created_at: i64,
    /// When it stops working, in ms; `None`: never.
    pub expires_at: Option<i64>,
}

impl Application {
    /// An application of `app_type` as it is when made: no redirect URIs, secret, roles,
    /// metadata, custom data, consent or sign-in experience of its own (callers set what they
    /// have with struct update syntax).
    pub fn new(id: String, name: String, app_type: AppType, created_at: i64) -> Self {
        Self {
            id,
            name,
            description: None,
            app_type,
            redirect_uris: vec![],
            post_logout_redirect_uris: vec![],
            secret: None,
            role_ids: vec![],
            created_at,
            is_device_flow: false,
            allow_token_exchange: false,
            is_third_party: false,
            custom_data: empty_object(),
            extra_client_metadata: serde_json::Map::new(),
            managed_secrets: None,
            sign_in_experience: None,
            consent_scopes: ConsentScopes::default(),
            consent_organizations: vec![],
        }
    }

    /// Its secrets, oldest first.
    pub fn secrets(&self) -> Vec<AppSecret> {
        match &self.managed_secrets {
            Some(list) => list.clone(),
            None => self
                .secret
                .iter()
                .map(|value| AppSecret {
                    name: "Default secret".into(),
                    value: value.clone(),
                    created_at: self.created_at,
                    expires_at: None,
                })
                .collect(),
        }
    }

    /// Whether `given` is one of its unexpired secrets (compared in constant time).
    pub fn accepts_secret(&self, given: &str, now_ms: i64) -> bool {
        self.secrets()
            .iter()
            .filter(|s| s.expires_at.is_none_or(|at| at > now_ms))
            .fold(false, |ok, s| crate::secret::same(s.value.expose(), given) | ok)
    }

    /// The name of the unexpired secret `given` is, if any (compared in constant time).
    pub fn secret_named(&self, given: &str, now_ms: i64) -> Option<String> {
        self.secrets().iter().filter(|s| s.expires_at.is_none_or(|at| at > now_ms)).fold(None, |found, s| {
            if crate::secret::same(s.value.expose(), given) {
                Some(s.name.clone())
            } else {
                found
            }
        })
    }

    /// Whether `given` is one of its secrets that has expired (Logto answers these apart).
    pub fn has_expired_secret(&self, given: &str, now_ms: i64) -> bool {
        self.secrets()
            .iter()
            .filter(|s| s.expires_at.is_some_and(|at| at <= now_ms))
            .fold(false, |hit, s| crate::secret::same(s.value.expose(), given) | hit)
    }

    /// A secret as `/api/applications/{id}/secrets` answers it.
    pub fn secret_json(&self, secret: &AppSecret) -> Value {
        json!({"tenantId": "default", "applicationId": self.id, "name": secret.name, "value": secret.value.expose(),
               "createdAt": secret.created_at, "expiresAt": secret.expires_at})
    }
}

fn empty_object() -> Value {
    json!({})
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
            "customClientMetadata": self.custom_client_metadata(),
            "protectedAppMetadata": null,
            "customData": self.custom_data,
            "isThirdParty": self.is_third_party,
            "appLevelAccessControlEnabled": false,
            "createdAt": self.created_at,
        })
    }
}

impl Application {
    /// `customClientMetadata` as sent at creation (the fields the emulator acts on).
    fn custom_client_metadata(&self) -> Value {
        let mut metadata = Value::Object(self.extra_client_metadata.clone());
        if self.is_device_flow {
            metadata["isDeviceFlow"] = json!(true);
        }
        if self.allow_token_exchange {
            metadata["allowTokenExchange"] = json!(true);
        }
        metadata
    }

    /// CORS origins Logto allows for this client: the origins of its redirect URIs.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.redirect_uris
            .iter()
            .any(|uri| url::Url::parse(uri).map(|u| u.origin().ascii_serialization() == origin).unwrap_or(false))
    }
}

/// A permission of an API resource.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Scope {
    /// The permission's id.
    pub id: String,
    /// The permission's name.
    pub name: String,
    /// The permission's description.
    pub description: Option<String>,
    /// When it was created, in ms since the epoch.
    pub created_at: i64,
}

/// An API resource: what access tokens are for (`aud`), with its permissions.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resource {
    /// The API resource's id.
    pub id: String,
    /// The API resource's name.
    pub name: String,
    /// The resource indicator (RFC 8707), the tokens' `aud`.
    pub indicator: String,
    /// Lifetime of its access tokens, in seconds.
    pub access_token_ttl: i64,
    /// Its permissions.
    pub scopes: Vec<Scope>,
    /// The default API resource: tokens asked for without `resource` are for it (one at most).
    #[serde(default)]
    pub is_default: bool,
}

impl Resource {
    /// The Management API's resource object (`GET /api/resources`), with its scopes when asked.
    pub fn to_api_json(&self, include_scopes: bool) -> Value {
        let mut v = json!({
            "tenantId": "default", "id": self.id, "name": self.name, "indicator": self.indicator,
            "isDefault": self.is_default, "accessTokenTtl": self.access_token_ttl,
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

    /// The Management API's scope object of one of its permissions.
    pub fn scope_json(&self, scope: &Scope) -> Value {
        json!({
            "tenantId": "default", "id": scope.id, "resourceId": self.id, "name": scope.name,
            "description": scope.description, "createdAt": scope.created_at,
        })
    }
}

/// A role: API permissions given to users or machine-to-machine apps.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Role {
    /// The role's id.
    pub id: String,
    /// The role's name.
    pub name: String,
    /// The role's description.
    pub description: String,
    /// Users or machine-to-machine apps.
    pub role_type: RoleType,
    /// `(resource indicator, scope name)` pairs.
    pub scopes: Vec<(String, String)>,
    /// Given to every new user (User roles; Logto's `roles.is_default`).
    #[serde(default)]
    pub is_default: bool,
}

impl Role {
    /// The Management API's role object (`GET /api/roles`).
    pub fn to_api_json(&self) -> Value {
        json!({
            "tenantId": "default", "id": self.id, "name": self.name, "description": self.description,
            "type": self.role_type, "isDefault": self.is_default,
        })
    }
}

/// An organization permission (`organization_scopes`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrgScope {
    /// The organization permission's id.
    pub id: String,
    /// The organization permission's name.
    pub name: String,
    /// The organization permission's description.
    pub description: Option<String>,
}

impl OrgScope {
    /// The Management API's organization scope object.
    pub fn to_api_json(&self) -> Value {
        json!({"tenantId": "default", "id": self.id, "name": self.name, "description": self.description})
    }
}

/// An organization role (`organization_roles`): organization scopes, and API-resource scopes by id
/// ("organization-level API permissions"). `User` roles are for members, `MachineToMachine` for apps.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrgRole {
    /// The organization role's id.
    pub id: String,
    /// The organization role's name.
    pub name: String,
    /// The organization role's description.
    pub description: Option<String>,
    /// Members (users) or machine-to-machine apps.
    pub role_type: RoleType,
    /// Its organization permissions' ids.
    pub scope_ids: Vec<String>,
    /// Its API permissions' ids (organization-level API access).
    pub resource_scope_ids: Vec<String>,
}

impl OrgRole {
    /// The Management API's organization role object.
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
    /// The user's or application's id.
    pub id: String,
    /// Its organization roles' ids.
    pub role_ids: Vec<String>,
}

/// A user's personal access token (its id is its value, `pat_` and 32 characters).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PersonalAccessToken {
    /// The token itself.
    pub id: String,
    /// Its owner.
    pub user_id: String,
    /// Its name, unique per user.
    pub name: String,
    /// When it was made, in ms since the epoch.
    pub created_at: i64,
    /// When it expires, in ms; `None`: never.
    pub expires_at: Option<i64>,
}

impl PersonalAccessToken {
    /// The Management API's object (the value included, as Logto lists it).
    pub fn to_api_json(&self) -> Value {
        json!({"tenantId": "default", "userId": self.user_id, "name": self.name, "value": self.id,
               "createdAt": self.created_at, "expiresAt": self.expires_at})
    }
}

/// A message Logto would have handed its email connector, kept in the emulator's outbox.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// Its id.
    pub id: String,
    /// The address it goes to.
    pub to: String,
    /// Logto's template type (`OrganizationInvitation`, `SignIn`, `Register`, `ForgotPassword`, …).
    pub message_type: String,
    /// What the connector gets to fill the template with (`code`, `link`, the organization, …).
    pub payload: Value,
    /// When it was sent, in ms since the epoch.
    pub created_at: i64,
}

impl OutboxMessage {
    /// The control API's view of it.
    pub fn to_api_json(&self) -> Value {
        json!({"id": self.id, "to": self.to, "type": self.message_type, "payload": self.payload,
               "createdAt": self.created_at})
    }
}

/// Where an organization invitation stands (`OrganizationInvitationStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationStatus {
    /// Waiting for the invitee (shown `Expired` once `expires_at` has passed).
    Pending,
    /// The invitee joined.
    Accepted,
    /// Expired (stored so only by a later invitation of the same invitee to the same organization).
    Expired,
    /// Withdrawn.
    Revoked,
}

/// An invitation to join an organization (`/api/organization-invitations`, Logto's RFC 0003).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invitation {
    /// Its id (21 characters).
    pub id: String,
    /// The user who invited, when given.
    pub inviter_id: Option<String>,
    /// The invitee's email, as given.
    pub invitee: String,
    /// The user who accepted it.
    pub accepted_user_id: Option<String>,
    /// The organization to join.
    pub organization_id: String,
    /// Its status as stored (see [`Invitation::status_at`]).
    pub status: InvitationStatus,
    /// When it was made, in ms since the epoch.
    pub created_at: i64,
    /// When it last changed, in ms since the epoch.
    pub updated_at: i64,
    /// When it expires, in ms since the epoch.
    pub expires_at: i64,
    /// The organization roles the invitee gets on accepting.
    pub role_ids: Vec<String>,
}

impl Invitation {
    /// Its status at `now_ms`: a pending invitation past its expiry is `Expired`, as Logto's
    /// `findEntities` computes it (the stored row may still say `Pending`).
    pub fn status_at(&self, now_ms: i64) -> InvitationStatus {
        if self.status == InvitationStatus::Pending && self.expires_at <= now_ms {
            InvitationStatus::Expired
        } else {
            self.status
        }
    }

    /// The Management API's invitation object, with its roles' ids and names (recorded, 313).
    pub fn to_api_json(&self, org_roles: &[OrgRole], now_ms: i64) -> Value {
        let roles: Vec<Value> = self
            .role_ids
            .iter()
            .filter_map(|id| org_roles.iter().find(|r| &r.id == id))
            .map(|r| json!({"id": r.id, "name": r.name}))
            .collect();
        json!({"tenantId": "default", "id": self.id, "inviterId": self.inviter_id, "invitee": self.invitee,
               "acceptedUserId": self.accepted_user_id, "organizationId": self.organization_id,
               "status": self.status_at(now_ms), "createdAt": self.created_at, "updatedAt": self.updated_at,
               "expiresAt": self.expires_at, "organizationRoles": roles})
    }
}

/// An organization with its members (users) and machine-to-machine applications.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Organization {
    /// The organization's id.
    pub id: String,
    /// The organization's name.
    pub name: String,
    /// The organization's description.
    pub description: Option<String>,
    /// Data of the app's own, a JSON object.
    pub custom_data: Value,
    /// Whether members must use MFA (kept, not enforced).
    pub is_mfa_required: bool,
    /// When it was created, in ms since the epoch.
    pub created_at: i64,
    /// Its users.
    pub members: Vec<OrgMember>,
    /// Its machine-to-machine applications.
    pub applications: Vec<OrgMember>,
    /// Just-in-time provisioning: users who sign up with an email of these domains join.
    #[serde(default)]
    pub jit_email_domains: Vec<String>,
    /// The organization roles those users get.
    #[serde(default)]
    pub jit_role_ids: Vec<String>,
    /// Its sign-in page colours (`primaryColor`, `isDarkModeEnabled`, `darkPrimaryColor`).
    #[serde(default = "empty_object")]
    pub color: Value,
    /// Its logos (`logoUrl`, `darkLogoUrl`, `favicon`, `darkFavicon`).
    #[serde(default = "empty_object")]
    pub branding: Value,
    /// Its sign-in page CSS.
    #[serde(default)]
    pub custom_css: Option<String>,
    /// Just-in-time provisioning: users who sign in through these SSO connectors join.
    #[serde(default)]
    pub jit_sso_connector_ids: Vec<String>,
}

impl Organization {
    /// The Management API's organization object.
    pub fn to_api_json(&self) -> Value {
        json!({"tenantId": "default", "id": self.id, "name": self.name, "description": self.description,
               "customData": self.custom_data, "isMfaRequired": self.is_mfa_required, "color": self.color,
               "branding": self.branding, "customCss": self.custom_css, "createdAt": self.created_at})
    }

    /// The member `user_id`, if they are one.
    pub fn member(&self, user_id: &str) -> Option<&OrgMember> {
        self.members.iter().find(|m| m.id == user_id)
    }

    /// The application `app_id`, if it is in the organization.
    pub fn application(&self, app_id: &str) -> Option<&OrgMember> {
        self.applications.iter().find(|m| m.id == app_id)
    }
}

/// A webhook (`hooks`): where Logto POSTs the events it subscribes to, signed with `signing_key`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Hook {
    /// The webhook's id.
    pub id: String,
    /// The webhook's name.
    pub name: String,
    /// The events it is sent for (`User.Created`, …).
    pub events: Vec<String>,
    /// Where deliveries are posted.
    pub url: String,
    /// Extra headers sent with each delivery.
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    /// The key deliveries are signed with (`logto-signature-sha-256`).
    pub signing_key: crate::secret::Secret,
    /// Whether deliveries are sent.
    pub enabled: bool,
    /// When it was created, in ms since the epoch.
    pub created_at: i64,
    /// The deprecated single `event` of Logto's first hooks API (used when `events` is empty).
    #[serde(default)]
    pub event: Option<String>,
    /// The deprecated `config.retries` (kept and shown; Logto no longer retries by it).
    #[serde(default)]
    pub retries: Option<u64>,
}

impl Hook {
    /// Whether `event` is delivered to this hook: one of its `events`, or its legacy `event`
    /// when it has no `events` (`libraries/hook`).
    pub fn subscribes(&self, event: &str) -> bool {
        if self.events.is_empty() {
            self.event.as_deref() == Some(event)
        } else {
            self.events.iter().any(|e| e == event)
        }
    }

    /// The Management API's hook object (`POST`/`GET /api/hooks`, recorded in samples 204-205).
    pub fn to_api_json(&self) -> Value {
        let mut config = json!({"url": self.url});
        if !self.headers.is_empty() {
            config["headers"] = json!(self.headers);
        }
        if let Some(retries) = self.retries {
            config["retries"] = json!(retries);
        }
        json!({"tenantId": "default", "id": self.id, "name": self.name, "event": self.event, "events": self.events,
               "config": config, "signingKey": self.signing_key.expose(), "enabled": self.enabled, "createdAt": self.created_at})
    }
}

/// A pending `/oidc/auth` request waiting for the user to sign in.
#[derive(Debug, Clone)]
pub struct Interaction {
    /// The application asking.
    pub client_id: String,
    /// Where the code goes.
    pub redirect_uri: String,
    /// The client's `state`, returned with the code.
    pub state: Option<String>,
    /// The client's `nonce`, put in the ID token.
    pub nonce: Option<String>,
    /// The scopes asked.
    pub scopes: Vec<String>,
    /// The resources asked (RFC 8707).
    pub resources: Vec<String>,
    /// The PKCE challenge (S256).
    pub code_challenge: Option<String>,
    /// The client's `login_hint` (an email or username), filled in on the page.
    pub login_hint: Option<String>,
    /// Expiry, in seconds since the epoch (the emulator's clock).
    pub expires_at: i64,
}

/// What a user consented to for one client: the parent of codes and tokens, revoked as a whole.
#[derive(Debug, Clone)]
pub struct Grant {
    /// The grant's id.
    pub id: String,
    /// The user.
    pub account_id: String,
    /// The application.
    pub client_id: String,
    /// The scopes granted.
    pub scopes: Vec<String>,
    /// The resources granted.
    pub resources: Vec<String>,
    /// The `nonce` of the authorization request.
    pub nonce: Option<String>,
    /// The browser session (SSO) the grant was made in, if any: ending that session revokes the
    /// grant unless it holds `offline_access` (oidc-provider's end-session rule).
    pub session_id: Option<String>,
    /// Who acts for the user (a token exchange with an actor token): introspection's `act`.
    pub actor: Option<String>,
    /// When it was made, in seconds since the epoch (oldest grants go first past
    /// `maxAllowedGrants`).
    pub iat: i64,
}

impl Grant {
    /// oidc-provider's grant lifetime (Logto keeps its default: 14 days), in seconds.
    pub const TTL: i64 = 14 * 24 * 3600;
}

/// An authorization code, until it expires.
#[derive(Debug, Clone)]
pub struct AuthCode {
    /// The grant it was issued under.
    pub grant_id: String,
    /// The redirect URI it was sent to (the exchange must name it again).
    pub redirect_uri: String,
    /// The PKCE challenge the exchange's verifier must match.
    pub code_challenge: Option<String>,
    /// Expiry, in seconds since the epoch (the emulator's clock).
    pub expires_at: i64,
    /// Set by the first exchange. The code is kept until it expires so that a second exchange can be
    /// recognised as reuse, which revokes the grant (RFC 6749 §4.1.2, as oidc-provider does).
    pub consumed: bool,
}

/// A signed-in browser (Logto's `_session` cookie, 14 days): later authorization requests from the
/// same browser skip the sign-in page unless they say `prompt=login`.
#[derive(Debug, Clone)]
pub struct BrowserSession {
    /// The signed-in user.
    pub account_id: String,
    /// Expiry, in seconds since the epoch (the emulator's clock).
    pub expires_at: i64,
}

/// A refresh token (rotated on each use for public clients).
#[derive(Debug, Clone)]
pub struct RefreshToken {
    /// The grant it belongs to.
    pub grant_id: String,
    /// The first token's expiry: rotation never extends it.
    pub expires_at: i64,
    /// When it was used (rotated), in ms: a reuse after the grace period revokes the grant.
    pub consumed_at_ms: Option<i64>,
    /// When it was issued, in seconds since the epoch (introspection's `iat`).
    pub issued_at: i64,
}

/// An opaque access token (no resource): only `/oidc/me` accepts it.
#[derive(Debug, Clone)]
pub struct OpaqueToken {
    /// The grant it belongs to.
    pub grant_id: String,
    /// Expiry, in seconds since the epoch (the emulator's clock).
    pub expires_at: i64,
    /// When it was issued (introspection's `iat`).
    pub issued_at: i64,
    /// The OIDC scopes it carries (introspection's `scope`).
    pub scope: String,
}

/// An authorization request pushed to `/oidc/request` (RFC 9126), waiting for its `request_uri`
/// at `/oidc/auth`.
#[derive(Debug, Clone)]
pub struct PushedRequest {
    /// The client that pushed it.
    pub client_id: String,
    /// Its parameters, as pushed.
    pub params: Vec<(String, String)>,
    /// Expiry, in seconds since the epoch (60 s after the push, as Logto).
    pub expires_at: i64,
}

/// A subject token (`POST /api/subject-tokens`): single use, for the token-exchange grant.
#[derive(Debug, Clone)]
pub struct SubjectToken {
    /// The user it stands for.
    pub user_id: String,
    /// Expiry, in seconds since the epoch (600 s after issue, as Logto).
    pub expires_at: i64,
}

/// A device authorization (RFC 8628) waiting for its user at the emulator's `/device` page.
#[derive(Debug, Clone)]
pub struct DeviceRequest {
    /// The device app.
    pub client_id: String,
    /// What the user types (`XXXX-XXXX`).
    pub user_code: String,
    /// The scopes asked.
    pub scopes: Vec<String>,
    /// The resources asked.
    pub resources: Vec<String>,
    /// Expiry, in seconds since the epoch (10 minutes, as Logto).
    pub expires_at: i64,
    /// Where it stands.
    pub outcome: DeviceOutcome,
}

/// What the user did with a device authorization.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceOutcome {
    /// Nothing yet.
    Pending,
    /// Approved: the grant the device's token request gets.
    Approved {
        /// The grant.
        grant_id: String,
    },
    /// Refused at the confirm screen.
    Denied,
}

/// A sign-out waiting for its confirm form (`/oidc/session/end/confirm`).
#[derive(Debug, Clone)]
pub struct PendingLogout {
    /// Where to send the browser once confirmed.
    pub post_logout_redirect_uri: Option<String>,
    /// Expiry, in seconds since the epoch (the emulator's clock).
    pub expires_at: i64,
}

/// The tenant's sign-in experience (`/api/sign-in-exp`): Logto's object, kept whole (the
/// emulator's own pages read its sign-up rules from the seed).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignInExperience {
    /// Always `default`, as Logto's.
    pub id: String,
    /// The object as the Management API answers it.
    pub value: Value,
}

/// An enterprise SSO connector (`sso_connectors`): kept, listed and shown to sign-in pages as
/// Logto does; the emulator does not sign anyone in through it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SsoConnector {
    /// Its id.
    pub id: String,
    /// `OIDC`, `SAML`, `AzureAD`, `GoogleWorkspace`, `Okta` or `AzureAdOidc`.
    pub provider_name: String,
    /// Its unique name.
    pub connector_name: String,
    /// The provider's settings (`{}` until set), as the provider's guard parsed them.
    pub config: Value,
    /// The email domains it signs in (lower case).
    pub domains: Vec<String>,
    /// `displayName`, `logo`, `darkLogo`.
    pub branding: Value,
    /// Whether a sign-in updates the user's profile.
    pub sync_profile: bool,
    /// Whether the IdP's tokens are kept.
    pub enable_token_storage: bool,
    /// When it was created, in ms since the epoch.
    pub created_at: i64,
}

impl SsoConnector {
    /// The `sso_connectors` row as the Management API answers it.
    pub fn to_api_json(&self) -> Value {
        json!({
            "tenantId": "default", "id": self.id, "providerName": self.provider_name,
            "connectorName": self.connector_name, "config": self.config, "domains": self.domains,
            "branding": self.branding, "syncProfile": self.sync_profile,
            "enableTokenStorage": self.enable_token_storage, "createdAt": self.created_at,
        })
    }
}
