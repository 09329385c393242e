//! # demo-tenant
//!
//! This app's Logto tenant, as the emulator is seeded with it for development (`scripts/dev.sh`,
//! the Playwright suite: `logto-emulator --seed crates/demo-tenant/demo.json`) and for the tests and
//! benches of every crate: 27 users (password [`DEMO_PASSWORD`]), the SPA and the backend's
//! machine-to-machine app, the API resource [`API_RESOURCE`] with `read:top-users` and
//! `write:follows`, the `User` role, and two organizations. It belongs to the app, not to the
//! emulator, whose built-in seed is a bare Logto.
//!
//! The sign-in helpers are `logto_emulator::testkit`'s with this tenant's SPA and API filled in.

use logto_emulator::testkit::{self, SignedIn};
use logto_emulator::Seed;

/// The seed (JSON), for [`seed`].
pub const SEED_JSON: &str = include_str!("../demo.json");
/// Where the seed file is, for `logto-emulator --seed` in tests and benches that run the binary.
pub const SEED_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/demo.json");

/// The SPA application (public, PKCE).
pub const SPA_APP_ID: &str = "spa4topusers000000001";
/// The SPA's redirect URI on `trunk serve`'s port.
pub const SPA_REDIRECT_URI: &str = "http://localhost:8080/callback";
/// The backend's machine-to-machine application, with the Management API role.
pub const M2M_APP_ID: &str = "m2m4backend0000000001";
pub const M2M_APP_SECRET: &str = "demo-backend-m2m-secret-0123456789";
/// Every user's password.
pub const DEMO_PASSWORD: &str = "demo-password";
/// The backend's API resource indicator.
pub const API_RESOURCE: &str = "https://api.example.com";

/// The tenant as a seed.
pub fn seed() -> Seed {
    // The file is part of this crate: a broken one fails every test at once, with the reason.
    Seed::parse("crates/demo-tenant/demo.json", SEED_JSON).expect("the demo seed is valid")
}

/// Signs `username` in to the SPA through the emulator's sign-in page, asking `scope` and (then, by
/// the refresh grant) the JWT for `resource`.
pub async fn sign_in(
    endpoint: &str,
    username: &str,
    password: &str,
    scope: &str,
    resource: Option<&str>,
) -> Result<SignedIn, String> {
    testkit::sign_in_to(endpoint, SPA_APP_ID, SPA_REDIRECT_URI, username, password, scope, resource).await
}

/// A Management API token for the backend's machine-to-machine app, minted by the emulator.
pub async fn mint_admin_token(endpoint: &str) -> Result<String, String> {
    testkit::mint_admin_token(endpoint, M2M_APP_ID).await
}

/// A finished organization-aware sign-in of `username` to the SPA with `scopes` and the API: its
/// refresh token.
pub async fn organization_session(endpoint: &str, username: &str, scopes: &[&str]) -> Result<String, String> {
    testkit::organization_session(endpoint, SPA_APP_ID, username, scopes, API_RESOURCE).await
}

/// An organization-level API token with `read:top-users` for `username` in `organization`, as the
/// SPA gets it.
pub async fn organization_api_token(endpoint: &str, username: &str, organization: &str) -> Result<String, String> {
    testkit::organization_api_token(endpoint, SPA_APP_ID, username, organization, API_RESOURCE, &["read:top-users"])
        .await
}

/// An organization token for `username` in `organization` with the member permissions their roles
/// there grant (`read:members`, `manage:members`), as the SPA's Members page gets it.
pub async fn organization_token(endpoint: &str, username: &str, organization: &str) -> Result<String, String> {
    let permissions = ["read:members", "manage:members"];
    testkit::organization_token(endpoint, SPA_APP_ID, username, organization, API_RESOURCE, &permissions).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_seed_is_valid_and_has_the_apps_named_here() {
        let seed = super::seed();
        assert!(seed.users.len() >= 25);
        let with_role = seed.users.iter().filter(|u| !u.roles.is_empty()).count();
        assert!(with_role > seed.users.len() / 2 && with_role < seed.users.len());
        for id in [super::SPA_APP_ID, super::M2M_APP_ID] {
            assert!(seed.applications.iter().any(|a| a.id == id), "{id} is not in the seed");
        }
    }
}
