#![warn(missing_docs)]
#![doc = include_str!("../README.md")]
//!
//! ## In this crate
//!
//! - [`Logto`] / [`LogtoConfig`]: sign-in, callback, tokens per [`TokenFor`] target, sign-out;
//! - [`Logto::fetch`] with [`ApiRequest`]: authenticated requests, one retry after a 401;
//! - [`AuthState`] (a signal, with [`SignOutReason`]) and [`IdClaims`]; [`Protected`]: the route guard;
//! - organizations: [`LogtoConfig::organizations`], [`Logto::organization_token`],
//!   [`Logto::organization_access_token`], [`UserInfo`] with [`OrganizationData`];
//! - [`AuthError`]: why a token could not be had, typed.

mod claims;
mod client;
mod config;
mod crypto;
mod error;
mod fetch;
mod guard;
mod oidc;
mod organizations;
mod state;
mod storage;
mod tabs;
mod tokens;

pub use claims::decode_claims;
pub use client::Logto;
pub use config::{LogtoConfig, ORGANIZATIONS_RESOURCE, ORGANIZATIONS_SCOPE, ORGANIZATION_ROLES_SCOPE};
pub use error::AuthError;
pub use fetch::{ApiRequest, FetchError, Fetched};
pub use guard::Protected;
pub use oidc::SignInOptions;
pub use organizations::{OrganizationData, OrganizationRole, UserInfo};
pub use state::{AuthState, IdClaims, SignOutReason};
pub use tokens::{AccessToken, TokenFor, TokenSource};
