//! # frontend
//!
//! The Leptos single-page app of the demo. Signing in, tokens and the auth state come from
//! `crates/logto-leptos`; this crate is the app:
//!
//! - [`config`]: the Logto endpoint, app id and API resource (set at build time);
//! - [`api`]: calls to the backend, each remembered as a [`trace::Trace`] for the sequence view;
//! - [`organizations`]: the user's organizations (for the header's switcher) and which list a page shows;
//! - [`pages`]: home, top users (with follow buttons), an organization's top members, profile (token
//!   claims), sequence, callback;
//! - [`components`]: the header (with the organization switcher) and the SVG sequence diagram.
//!
//! The organization administration pages are a bundle of their own (the library's `admin`, see
//! `src/lib.rs`); this one links to them with full page loads.
//!
//! Run with `trunk serve` from the repository root (see README).

mod api;
mod app;
mod components;
mod config;
mod organizations;
mod pages;
mod trace;

fn main() {
    // Panic messages in the console while developing (`trunk serve`); the size-tuned release build
    // aborts on panic anyway and goes without the hook's formatting code (about 0.9 KB brotli).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
