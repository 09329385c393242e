#![warn(missing_docs)]
#![doc = include_str!("../README.md")]
//!
//! ## Layout
//!
//! The state, and how it changes:
//! - `tenant`: [`tenant::Tenant`], the emulator's whole state behind private fields, changed only
//!   through its operations (one file per area: users, applications, resources, roles,
//!   organizations, members, invitations, hooks, outbox, OIDC artefacts). Each validates, changes,
//!   saves and cascades as one unit under one writer at a time; reads are closures over a
//!   consistent view ([`tenant::Tenant::read`]), so no lock outlives them. The OIDC artefacts
//!   (grants, codes, tokens, sessions) have a lock of their own, apart from the fsync of writes;
//! - `store`: the persisted entities in memory and the queries routes ask of them (a user's scopes
//!   for a resource, a member's roles, …);
//! - `persist`: SQLite, one generic table and write path for every kind of entity;
//! - `events`: what an operation changed, typed (who joined and left an organization, a user
//!   deleted as stored), collected per request for the hooks;
//! - `outbox`: the emails Logto would have handed its email connector (`/_emulator/outbox`);
//! - `state`: [`AppState`], what every handler gets: the tenant, the clock, the options, the
//!   request log, the webhook deliveries and the audit log (`audit_log`: token requests, for
//!   `/api/logs`);
//! - `secret`: passwords, application secrets and signing keys behind a redacted `Debug`;
//! - `password_digest`: passwords imported as MD5, SHA1, SHA256 or Logto's legacy digests;
//! - `sso`: enterprise SSO providers (names, settings, forbidden domains);
//! - `phone`: phone numbers as Logto parses and compares them (country code, trunk `0`).
//!
//! The faces over it (each handler parses, calls one tenant operation or read, and renders):
//! - `oidc/`: discovery, JWKS (EC P-384, `kid` = RFC 7638 thumbprint), `/oidc/auth` with a sign-in
//!   page and single sign-on (the `_session` cookie), `/oidc/token` (authorization code + PKCE,
//!   rotating refresh tokens, client credentials, device code, token exchange), `/oidc/me`,
//!   `/oidc/token/revocation`,
//!   `/oidc/token/introspection` (RFC 7662), `/oidc/request` (pushed authorization requests, RFC
//!   9126), `/oidc/device/auth` and the `/device` page (the device authorization grant, RFC 8628),
//!   `/oidc/session/end`, the sign-up page (`/register`), with Logto's client-based CORS;
//! - `management/`: the Management API subset (users, resources and scopes, roles, applications,
//!   organizations), behind Logto's bearer rules, its body guard (`guard`) and its paging
//!   (`pagination`); `hooks/`: webhooks and their signed deliveries;
//! - `control/`: the emulator's own API under `/_emulator` (tokens, reset, key rotation, clock,
//!   request log, fault injection) for tests; `testkit` (feature): a browser-like sign-in for tests;
//! - `console/`: the same tenant in a browser at `/_emulator/console` (server-rendered pages; its
//!   changes are Management API calls made in-process); `request_log`: what every answered request
//!   leaves in the log (method, path, status, time, client);
//! - `experience`: Logto's Experience API (`/api/experience`), the consent step and the resume at
//!   `/oidc/auth/{uid}`; `sign_in_experience`: the tenant's sign-in experience object and its
//!   default; `well_known`: the public `/api/.well-known/*` a sign-in page reads;
//! - `request`: what every route reads from a request (parameters, JSON bodies); `error`: Logto's
//!   two error shapes.
//!
//! Starting it:
//! - `seed`: users, applications, API resources and roles from a JSON file;
//! - `config`: the binary's settings ([`config::Config`], flags and environment) and its log set-up;
//! - `start`: [`Emulator`], the one way to start it (seed, data file or memory, endpoint, switches),
//!   used by the binary and the tests alike.
//!
//! `Emulator::new(&seed).spawn()` starts it inside a test on an ephemeral port; `cargo run -p
//! logto-emulator` on `http://localhost:3001`, Logto's default.

pub mod audit_log;
pub mod avatars;
pub mod clock;
pub mod config;
pub mod console;
pub mod control;
pub mod error;
pub mod events;
pub mod experience;
pub mod hooks;
pub mod ids;
pub mod keys;
pub mod management;
pub mod model;
pub mod oidc;
pub mod outbox;
pub mod password_digest;
pub mod persist;
pub mod phone;
pub mod request;
pub mod request_log;
pub mod secret;
pub mod seed;
pub mod sign_in_experience;
pub mod sso;
mod start;
pub mod state;
pub mod store;
pub mod tenant;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod well_known;

use std::net::SocketAddr;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub use keys::{KeyRing, TenantKey};
pub use seed::Seed;
pub use start::{Emulator, RunningEmulator, StartError, StateFrom};
pub use state::{AppState, Options};
pub use store::Store;

/// The whole emulator: OIDC under `/oidc`, the sign-in page, avatars and the Management API under `/api`.
pub fn router(state: AppState) -> Router {
    let router = Router::new()
        .merge(oidc::router())
        .merge(experience::router())
        .merge(well_known::router())
        .nest("/api", management::router(state.clone()))
        .route("/avatars/{file}", get(avatars::avatar));
    let router = if state.options.control {
        router
            .nest(control::PREFIX, control::router())
            .nest(console::PREFIX, console::router(state.clone()))
            // Nested routers match their prefix without the slash; people type it with one.
            .route("/_emulator/", get(|| async { axum::response::Redirect::to(console::PREFIX) }))
            .route("/_emulator/console/", get(|| async { axum::response::Redirect::to(console::PREFIX) }))
    } else {
        router
    };
    router
        .fallback(oidc::unrecognized)
        .layer(axum::middleware::from_fn_with_state(state.clone(), control::faults::inject))
        .layer(axum::middleware::from_fn_with_state(state.clone(), request_log::record))
        // gzip when the client accepts it, as Logto's koa-compress (bodies over 32 bytes).
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves the emulator on `listener` until the future is dropped. Expired artefacts are swept
/// once a minute.
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    let sweeper = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            let now = sweeper.clock.now_secs();
            sweeper.tenant.sweep(now);
        }
    });
    // Connection info gives webhook payloads the caller's address (`ip`), as Logto's carry it.
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>()).await
}
