//! Where Logto and the API are. Set at build time (`LOGTO_ENDPOINT=… trunk build`), defaulting to
//! the local emulator and its seeded SPA application.

use logto_leptos::LogtoConfig;

macro_rules! setting {
    ($name:literal, $default:literal) => {
        match option_env!($name) {
            Some(value) => value,
            None => $default,
        }
    };
}

/// The Logto endpoint (the issuer is `{endpoint}/oidc`).
pub const LOGTO_ENDPOINT: &str = setting!("LOGTO_ENDPOINT", "http://localhost:3001");
/// The SPA application's id in Logto.
pub const APP_ID: &str = setting!("LOGTO_SPA_APP_ID", "spa4topusers000000001");
/// The API resource indicator the access token is requested for.
pub const API_RESOURCE: &str = setting!("LOGTO_API_RESOURCE", "https://api.example.com");
/// The backend's base URL; empty for the same origin (trunk proxies `/api`).
pub const API_BASE: &str = setting!("API_BASE", "");

/// The permissions of the API this app uses.
pub const READ_TOP_USERS: &str = "read:top-users";
pub const WRITE_FOLLOWS: &str = "write:follows";

pub fn logto() -> LogtoConfig {
    LogtoConfig::new(LOGTO_ENDPOINT, APP_ID)
        // The organization permissions of the Members page ride on the organization token.
        .scopes(["profile", "email", READ_TOP_USERS, WRITE_FOLLOWS, "read:members", "manage:members"])
        .resource(API_RESOURCE)
        .organizations()
}
