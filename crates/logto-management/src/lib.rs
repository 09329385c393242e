//! # logto-management
//!
//! A client for [Logto's Management API](https://docs.logto.io/integrate-logto/interact-with-management-api):
//!
//! - [`token`]: the machine-to-machine token, by client credentials (the `oauth2` crate) with
//!   `resource=https://default.logto.app/api` (or a Cloud tenant's) and `scope=all`; cached until
//!   shortly before it expires, with one request in flight however many callers wait;
//! - [`ManagementClient`]: typed calls (users: get, by ids in batches of 100, list/search with paging,
//!   create, delete, roles; API resources and scopes; roles; applications and their secrets and
//!   roles; organizations, their scopes, roles, members and applications), every list read to its
//!   end, dropping the token and retrying once when the API answers 401;
//! - [`ManagementError`]: Logto's `{code, message}` errors, typed.

mod client;
mod error;
pub mod model;
pub mod token;
mod user;

pub use client::{ClientStats, ManagementClient, ManagementConfig};
pub use error::ManagementError;
pub use model::*;
pub use user::{NewUser, User};

/// The Management API resource of a self-hosted (OSS) Logto, whatever its endpoint.
pub const OSS_MANAGEMENT_RESOURCE: &str = "https://default.logto.app/api";

/// The Management API resource of a Logto Cloud tenant.
pub fn cloud_management_resource(tenant_id: &str) -> String {
    format!("https://{tenant_id}.logto.app/api")
}
