//! Webhooks, as Logto 1.42 sends them (recorded in `tests/fidelity/samples-orgs`, steps 204–216):
//! - `api`: the hooks Management API (`/api/hooks`: create, list with `executionStats`, get, patch,
//!   delete, a new signing key, `test`, `recent-logs`);
//! - `trigger`: which Management API calls fire which events (Logto's registration table), and the
//!   payload: `{event, createdAt, userAgent, ip, path, method, status, params, matchedRoute, data, hookId}`;
//! - `deliver`: deliveries off the request path, from a bounded queue, each POSTed with a timeout and
//!   signed in `logto-signature-sha-256` (lowercase hex HMAC-SHA256 of the raw body keyed by the hook's
//!   signing key); each result lands in the hook's recent logs and counts in its execution stats.
//!   A slow or dead receiver never slows the Management API; a disabled hook delivers nothing;
//! - `interaction`: the hooks the sign-in page fires itself (`User.Created` at sign-up,
//!   `PostRegister`, `PostSignIn`).

pub mod api;
pub mod deliver;
pub mod interaction;
pub mod trigger;

pub use deliver::Deliveries;

/// The events a hook can subscribe to (`hookEvents` of Logto 1.42's schemas). The emulator fires the
/// user, role, scope, organization, organization-role and organization-scope events of the
/// Management API routes it serves, and `PostRegister` and `PostSignIn` from its sign-in page; the
/// other interaction events and the exception events are accepted, never fired.
pub const EVENTS: &[&str] = &[
    "PostRegister",
    "PostSignIn",
    "PostSignInAdaptiveMfaTriggered",
    "PostResetPassword",
    "User.Created",
    "User.Deleted",
    "User.Data.Updated",
    "User.SuspensionStatus.Updated",
    "Role.Created",
    "Role.Deleted",
    "Role.Data.Updated",
    "Role.Scopes.Updated",
    "Scope.Created",
    "Scope.Deleted",
    "Scope.Data.Updated",
    "Organization.Created",
    "Organization.Deleted",
    "Organization.Data.Updated",
    "Organization.Membership.Updated",
    "OrganizationRole.Created",
    "OrganizationRole.Deleted",
    "OrganizationRole.Data.Updated",
    "OrganizationRole.Scopes.Updated",
    "OrganizationScope.Created",
    "OrganizationScope.Deleted",
    "OrganizationScope.Data.Updated",
    "Identifier.Lockout",
    "Message.RateLimited",
    "Grant.LimitExceeded",
];
