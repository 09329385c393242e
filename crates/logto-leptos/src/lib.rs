//! # logto-leptos
//!
//! A Logto client for Leptos apps rendered in the browser (CSR/WASM). It knows Logto's OIDC wire
//! rules and nothing about the app that uses it.
//!
//! - **Sign-in**: authorization code + PKCE S256 with `state` and `nonce`; the callback checks
//!   `state`, exchanges the code and verifies the ID token (JWKS by `kid`, `iss`, `aud`, `nonce`,
//!   `exp`, `iat`) with WebCrypto.
//! - **Access tokens per API resource** (RFC 8707): a JWT per `resource`, got with the refresh-token
//!   grant as Logto's SDKs do, kept in memory, refreshed before it expires. Never the opaque token.
//! - **One refresh at a time, across tabs**: Logto rotates an SPA's refresh token on every use and
//!   revokes the whole grant when a spent one is used again (after 3 s), so two tabs refreshing on
//!   their own sign the user out. Refreshes run under a Web Lock named after the session, and the tab
//!   that refreshed tells the others (BroadcastChannel) the new refresh and access tokens.
//! - **Sign-out**: revokes the refresh token, then ends Logto's session; other tabs of the same
//!   session sign out too. An `invalid_grant` on refresh ends in a clean signed-out state with a
//!   message.
//! - **Organizations** ([`LogtoConfig::organizations`]): an organization token
//!   ([`Logto::organization_token`], `aud` = `urn:logto:organization:{id}`) and an organization-level
//!   API token ([`Logto::organization_access_token`]), cached per (resource, organization) under the
//!   same rules; the ID token's `organizations`/`organization_roles` and `/oidc/me`'s
//!   `organization_data` as typed values ([`IdClaims`], [`UserInfo`]); "not a member" and "not
//!   granted" as [`AuthError`] variants.
//! - [`Logto::fetch`]: adds the bearer token, and on a 401 refreshes and retries once.
//! - [`AuthState`] as a signal, and the [`Protected`] route guard that renders nothing protected until
//!   the state is known.
//!
//! Storage: tokens live in memory and `sessionStorage` (the refresh and ID tokens, so a reload keeps
//! the session), never in `localStorage`: nothing outlives the tab, and a page that is closed leaves
//! no token on disk.
//!
//! ```ignore
//! let logto = Logto::provide(LogtoConfig::new("http://localhost:3001", "my-spa-app-id")
//!     .scopes(["openid", "profile", "offline_access", "read:things"])
//!     .resource("https://api.example.com"));
//! let response = logto.fetch("https://api.example.com", ApiRequest::get("/api/things")).await?;
//! // Within an organization (with `.organizations()` in the configuration):
//! let target = TokenFor::organization_api("https://api.example.com", "org-id");
//! let response = logto.fetch(target, ApiRequest::get("/api/organizations/org-id/things")).await?;
//! ```

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
pub use organizations::{OrganizationData, OrganizationRole, UserInfo};
pub use state::{AuthState, IdClaims};
pub use tokens::{AccessToken, TokenFor, TokenSource};
