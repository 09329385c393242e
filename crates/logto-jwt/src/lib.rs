#![warn(missing_docs)]
#![doc = include_str!("../README.md")]
//!
//! ## In this crate
//!
//! - [`Verifier`] / [`VerifierConfig`]: discovery, the JWKS by `kid`, the verified-token cache, the
//!   checks in the order that gives the clearest error; [`VerifierStats`] for metrics;
//! - [`Authenticated`], [`Scoped`], [`OrgScoped`] and [`OrgPermission`] (an organization token
//!   holding an organization permission): the axum extractors ([`RequiredScope`] names a
//!   route's permission; [`ORGANIZATION_PARAM`] is the path parameter `OrgScoped` reads);
//! - [`AccessClaims`]: the token's claims; [`AuthError`]: refusals as RFC 6750 responses.

mod claims;
mod error;
mod extract;
mod jwks;
mod verifier;

pub use claims::{AccessClaims, Actor};
pub use error::AuthError;
pub use extract::{Authenticated, OrgPermission, OrgScoped, RequiredScope, Scoped, Verification, ORGANIZATION_PARAM};
pub use verifier::{Verifier, VerifierConfig, VerifierStats};
