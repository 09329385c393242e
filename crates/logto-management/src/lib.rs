#![warn(missing_docs)]
#![doc = include_str!("../README.md")]
//!
//! ## In this crate
//!
//! - [`ManagementClient`] / [`ManagementConfig`]: the typed calls, retries and paging;
//!   [`ClientStats`] for metrics; [`cloud_management_resource`] for Logto Cloud;
//! - [`token`]: the machine-to-machine token (client credentials through `oauth2`), cached;
//! - [`model`] and [`User`] / [`NewUser`]: Logto's entities as the API sends them; [`ids`]: their ids,
//!   one type each;
//! - [`ManagementError`]: Logto's `{code, message}` errors, typed.

mod client;
mod error;
pub mod ids;
pub mod model;
pub mod token;
mod user;

pub use client::{ClientStats, ManagementClient, ManagementConfig};
pub use error::{ManagementError, TokenErrorKind, INVALID_TARGET};
pub use ids::{
    ApplicationId, HookId, InvitationId, OrganizationId, OrganizationRoleId, OrganizationScopeId, ResourceId, RoleId,
    ScopeId, UserId,
};
pub use model::*;
pub use user::{NewUser, User};

/// The Management API resource of a self-hosted (OSS) Logto, whatever its endpoint.
pub const OSS_MANAGEMENT_RESOURCE: &str = "https://default.logto.app/api";

/// The Management API resource of a Logto Cloud tenant.
pub fn cloud_management_resource(tenant_id: &str) -> String {
    format!("https://{tenant_id}.logto.app/api")
}
