#![warn(missing_docs)]
#![doc = include_str!("../README.md")]
//!
//! ## In this crate
//!
//! - [`ManagementClient`] / [`ManagementConfig`]: the typed calls, retries and paging;
//!   [`ClientStats`] for metrics; [`cloud_management_resource`] for Logto Cloud;
//! - [`token`]: the machine-to-machine token (client credentials through `oauth2`), cached;
//! - [`ManagementClient::exchange_token`] ([`TokenExchange`]): Logto's token-exchange grant
//!   (impersonation with a subject token, personal access tokens);
//! - [`model`] and [`User`] / [`NewUser`]: Logto's entities as the API sends them; [`ids`]: their ids,
//!   one type each;
//! - [`ManagementError`]: Logto's `{code, message}` errors, typed.

mod client;
mod error;
mod exchange;
pub mod ids;
pub mod model;
pub mod token;
mod user;

pub use client::{ClientStats, ManagementClient, ManagementConfig};
pub use error::{ManagementError, TokenErrorKind, INVALID_TARGET};
pub use exchange::{ExchangedToken, SubjectTokenType, TokenExchange, TOKEN_EXCHANGE_GRANT};
pub use ids::{
    ApplicationId, HookId, InvitationId, OrganizationId, OrganizationRoleId, OrganizationScopeId, ResourceId, RoleId,
    ScopeId, UserId,
};
pub use model::*;
/// A secret (an app's, a subject token): the `oauth2` crate's type, whose `Debug` hides it.
pub use oauth2::ClientSecret;
pub use user::{NewUser, User};

/// The Management API resource of a self-hosted (OSS) Logto, whatever its endpoint.
pub const OSS_MANAGEMENT_RESOURCE: &str = "https://default.logto.app/api";

/// The Management API resource of a Logto Cloud tenant.
pub fn cloud_management_resource(tenant_id: &str) -> String {
    format!("https://{tenant_id}.logto.app/api")
}
