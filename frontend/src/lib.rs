//! # frontend
//!
//! The Leptos single-page app of the demo, as two bundles: the app (`src/main.rs` and its modules,
//! what every page loads first) and the organization administration pages (this library's
//! [`admin`], mounted by `src/bin/frontend-admin.rs` under `/admin/`, loaded only there: trunk cannot
//! split one WASM bundle, trunk-rs/trunk#1022). The library holds what the admin bundle uses; the app
//! declares its own modules (the same files), so each bundle is exactly what it uses. Both share the
//! session (the tab's sessionStorage, logto-leptos). Signing in, tokens and the auth state come from
//! `crates/logto-leptos`; the modules:
//!
//! - [`config`]: the Logto endpoint, app id and API resource (set at build time);
//! - [`api`]: calls to the backend, each remembered as a [`trace::Trace`] for the sequence view;
//! - [`organizations`]: the user's organizations (for the header's switcher) and which list a page shows;
//! - `pages` (the app's): home, top users (with follow buttons), an organization's top members,
//!   profile (token claims), sequence, callback; `app`: its shell;
//! - [`admin`]: the admin bundle's shell, its pages (an organization's members, an invitation) and
//!   their calls;
//! - [`components`]: the header (with the organization switcher) and the SVG sequence diagram.
//!
//! Run with `trunk serve` from the repository root, and `trunk --config Trunk.admin.toml serve` for
//! the admin pages (see README; `scripts/dev.sh` starts both).

pub mod admin;
pub mod api;
pub mod components;
pub mod config;
pub mod organizations;
pub mod trace;
