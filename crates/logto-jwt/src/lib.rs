//! # logto-jwt
//!
//! Verifies OAuth 2.0 JWT access tokens (RFC 9068, `typ: at+jwt`) issued by Logto, or any OIDC issuer
//! that signs them the same way, for one API resource (`aud`):
//!
//! - [`Verifier`]: OIDC discovery → JWKS; the key is chosen by `kid` and its algorithm comes from the
//!   key (ES256, ES384, RS256), never from the token; `iss`, `aud`, `exp`, `nbf` (small leeway), `typ`.
//!   An unknown `kid` triggers one rate-limited JWKS refetch shared by concurrent callers.
//! - [`AuthError`]: RFC 6750 responses (`WWW-Authenticate: Bearer error=…`) with a JSON
//!   `{code, message}` body; an opaque token gets a message that says how to get a JWT instead.
//! - [`Authenticated`] / [`Scoped`]: axum extractors; `Scoped<S>` also requires the scope `S::NAME`
//!   (403 `insufficient_scope` otherwise) and a token of no organization.
//! - Organizations: [`OrgScoped`] takes the organization from the route (`{organization_id}`) and
//!   requires an organization-level API token (`organization_id` claim) for it with `S::NAME`;
//!   [`Verifier::verify_organization_token`] checks an organization token
//!   (`aud` = `urn:logto:organization:{id}`).
//!
//! It knows nothing of the application using it.

mod claims;
mod error;
mod extract;
mod jwks;
mod verifier;

pub use claims::AccessClaims;
pub use error::AuthError;
pub use extract::{Authenticated, OrgScoped, RequiredScope, Scoped, Verification, ORGANIZATION_PARAM};
pub use verifier::{Verifier, VerifierConfig, VerifierStats};
