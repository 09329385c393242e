//! # frontend
//!
//! The Leptos single-page app of the demo. It signs the user in with Logto (authorization code +
//! PKCE S256, `state`, `nonce`), verifies the ID token, gets a JWT for the API resource through the
//! refresh-token grant with `resource` (RFC 8707, as Logto's SDKs do), and shows the backend's top
//! users.
//!
//! - [`config`]: the Logto endpoint, app id and API resource (set at build time);
//! - [`auth`]: the Logto client (sign-in, callback, tokens, sign-out) and its auth state;
//! - [`api`]: calls to the backend; [`pages`]: what is shown.
//!
//! Run with `trunk serve` from the repository root (see README).

mod api;
mod app;
mod auth;
mod config;
mod pages;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
