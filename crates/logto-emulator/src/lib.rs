#![warn(missing_docs)]
#![doc = include_str!("../README.md")]
//!
//! ## Layout
//!
//! - `oidc/`: discovery, JWKS (EC P-384, `kid` = RFC 7638 thumbprint), `/oidc/auth` with a sign-in
//!   page and single sign-on (the `_session` cookie), `/oidc/token` (authorization code + PKCE,
//!   rotating refresh tokens, client credentials), `/oidc/me`, `/oidc/token/revocation`,
//!   `/oidc/session/end`, with Logto's client-based CORS;
//! - `management/`: the Management API subset (users, resources and scopes, roles, applications,
//!   organizations), behind Logto's bearer rules, its body guard (`guard`) and its paging
//!   (`pagination`); `hooks/`: webhooks and their signed deliveries;
//! - `request`: what every route reads from a request (parameters, JSON bodies);
//! - `seed`: users, applications, API resources and roles from a JSON file;
//! - `persist`: the state in SQLite (keys and Management API entities), written before answering;
//! - `control/`: the emulator's own API under `/_emulator` (tokens, reset, key rotation, clock,
//!   request log, fault injection) for tests; `testkit` (feature): a browser-like sign-in for tests.
//!
//! [`spawn`] starts it inside a test on an ephemeral port; `cargo run -p logto-emulator` on
//! `http://localhost:3001`, Logto's default.

pub mod avatars;
pub mod clock;
pub mod control;
pub mod error;
pub mod hooks;
pub mod ids;
pub mod keys;
pub mod management;
pub mod model;
pub mod oidc;
pub mod persist;
pub mod request;
pub mod seed;
pub mod state;
pub mod store;
#[cfg(feature = "testkit")]
pub mod testkit;

use std::net::SocketAddr;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub use keys::{KeyRing, TenantKey};
pub use seed::Seed;
pub use state::{AppState, Options};
pub use store::Store;

/// The whole emulator: OIDC under `/oidc`, the sign-in page, avatars and the Management API under `/api`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(oidc::router())
        .nest("/api", management::router(state.clone()))
        .route("/avatars/{file}", get(avatars::avatar))
        .nest(control::PREFIX, control::router())
        .fallback(oidc::unrecognized)
        .layer(axum::middleware::from_fn_with_state(state.clone(), control::faults::inject))
        .layer(axum::middleware::from_fn_with_state(state.clone(), log_request))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Records every answered request in the state's request log.
async fn log_request(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let (method, path) = (request.method().to_string(), request.uri().path().to_string());
    let response = next.run(request).await;
    let at_ms = state.clock.now_ms();
    state.log_request(state::LoggedRequest { method, path, status: response.status().as_u16(), at_ms });
    response
}

/// Builds the state for `endpoint` from a seed and a signing key.
pub fn build_state(endpoint: &str, seed: &Seed, keys: KeyRing, options: Options) -> AppState {
    let clock = clock::Clock::default();
    let store = Store::from_seed(seed, endpoint.trim_end_matches('/'), clock.now_ms());
    AppState::new(endpoint, keys, seed.clone(), store, options, None)
}

/// Builds the state kept in the SQLite file `db_path`: what it holds when it has been filled before
/// (the seed is then not applied; `POST /_emulator/reset` applies it), else the seed and a new key,
/// saved. Returns the state and whether it was loaded from the file.
pub fn open_state(
    endpoint: &str,
    seed: &Seed,
    options: Options,
    db_path: &std::path::Path,
) -> Result<(AppState, bool), persist::PersistError> {
    let db = persist::Db::open(db_path)?;
    let keys = match db.load_keys()? {
        Some(keys) => keys,
        None => {
            let keys = KeyRing::new(TenantKey::generate());
            db.save_keys(&keys)?;
            keys
        }
    };
    let clock = clock::Clock::default();
    let (store, loaded) = match db.load_store()? {
        Some(store) => (store, true),
        None => {
            let store = Store::from_seed(seed, endpoint.trim_end_matches('/'), clock.now_ms());
            db.replace_all(&store)?;
            (store, false)
        }
    };
    Ok((AppState::new(endpoint, keys, seed.clone(), store, options, Some(db)), loaded))
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
            sweeper.store().sweep(now);
        }
    });
    // Connection info gives webhook payloads the caller's address (`ip`), as Logto's carry it.
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>()).await
}

/// An emulator running inside the current process (for tests and tools).
pub struct RunningEmulator {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// The Logto endpoint it announces: `http://127.0.0.1:{port}` unless [`spawn_at`] named another.
    pub endpoint: String,
    /// Its state, for tests that read or change it directly (the store, the clock, the keys).
    pub state: AppState,
    task: tokio::task::JoinHandle<()>,
}

impl RunningEmulator {
    /// The issuer: `{endpoint}/oidc`.
    pub fn issuer(&self) -> String {
        format!("{}/oidc", self.endpoint)
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts an emulator with `seed` and a fresh in-memory key on an ephemeral loopback port.
pub async fn spawn(seed: &Seed) -> std::io::Result<RunningEmulator> {
    spawn_at(seed, None).await
}

/// [`spawn`], announcing `endpoint` (e.g. `http://localhost:3001`) in issuers and links instead of the
/// ephemeral address; requests still go to [`RunningEmulator::addr`].
pub async fn spawn_at(seed: &Seed, endpoint: Option<&str>) -> std::io::Result<RunningEmulator> {
    spawn_with(seed, endpoint, Options::default()).await
}

/// [`spawn_at`] with behaviour switches.
pub async fn spawn_with(seed: &Seed, endpoint: Option<&str>, options: Options) -> std::io::Result<RunningEmulator> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let endpoint = endpoint.map(|e| e.trim_end_matches('/').to_string()).unwrap_or_else(|| format!("http://{addr}"));
    let state = build_state(&endpoint, seed, KeyRing::new(TenantKey::generate()), options);
    let served = state.clone();
    let task = tokio::spawn(async move {
        if let Err(e) = serve(listener, served).await {
            tracing::error!("emulator stopped: {e}");
        }
    });
    Ok(RunningEmulator { addr, endpoint, state, task })
}
