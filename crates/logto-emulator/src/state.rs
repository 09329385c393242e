//! Shared state handed to every handler.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use crate::clock::Clock;
use crate::keys::TenantKey;
use crate::seed::Seed;
use crate::tenant::Tenant;

/// The emulator's state, shared by every route (cheap to clone).
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// Behaviour switches of a running emulator.
#[derive(Debug, Clone)]
pub struct Options {
    /// Show the "pick a user" list on the sign-in page (development convenience; no password).
    pub user_picker: bool,
    /// Serve the control API and the console under `/_emulator` (development and tests).
    pub control: bool,
    /// Logto's integration-test mode: the `development-user-id` header authenticates Management
    /// API calls (Logto's own test suite relies on it). Never on by default.
    pub integration_test: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { user_picker: true, control: true, integration_test: false }
    }
}

/// What [`AppState`] holds.
pub struct Inner {
    /// e.g. `http://localhost:3001`, no trailing slash.
    pub endpoint: String,
    /// `{endpoint}/oidc`, as Logto builds it.
    pub issuer: String,
    /// The seed the store started from, for resets.
    pub seed: Seed,
    /// The emulator's clock (movable by tests through the control API).
    pub clock: Clock,
    /// How it was started.
    pub options: Options,
    /// Faults injected through the control API.
    pub faults: crate::control::faults::FaultRegistry,
    /// The tenant: its entities and OIDC artefacts, changed only through its operations.
    pub tenant: Tenant,
    requests: Mutex<VecDeque<LoggedRequest>>,
    /// Webhook deliveries: their queue and each hook's recent logs.
    pub deliveries: crate::hooks::Deliveries,
    /// The audit log (`/api/logs`).
    pub audit: crate::audit_log::AuditLog,
}

/// One request the emulator answered. The path only: queries and bodies can hold codes and secrets.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRequest {
    /// The HTTP method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The status it was answered with.
    pub status: u16,
    /// When, in ms since the epoch (the emulator's clock).
    pub at_ms: i64,
    /// The application that made it, when the request names one ([`crate::request_log`]).
    pub client: Option<String>,
}

/// How many requests the log keeps (oldest dropped first).
const REQUEST_LOG_LEN: usize = 1000;

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// The state of `tenant` at `endpoint`, and the seed it started from (for resets).
    pub fn new(endpoint: &str, seed: Seed, tenant: Tenant, options: Options) -> Self {
        let endpoint = endpoint.trim_end_matches('/').to_string();
        Self(Arc::new(Inner {
            issuer: format!("{endpoint}/oidc"),
            endpoint,
            seed,
            clock: Clock::default(),
            options,
            faults: Default::default(),
            tenant,
            requests: Mutex::new(VecDeque::with_capacity(REQUEST_LOG_LEN)),
            deliveries: Default::default(),
            audit: Default::default(),
        }))
    }

    /// The Current signing key.
    pub fn signing_key(&self) -> Arc<TenantKey> {
        self.tenant.signing_key()
    }

    /// The key named `kid` (Current or Previous).
    pub fn key_for(&self, kid: &str) -> Option<Arc<TenantKey>> {
        self.tenant.key_for(kid)
    }

    /// The JWKS: the current key, then the previous one after a rotation.
    pub fn jwks(&self) -> serde_json::Value {
        self.tenant.jwks()
    }

    /// Adds an answered request to the log (the last `REQUEST_LOG_LEN` are kept).
    pub fn log_request(&self, request: LoggedRequest) {
        let mut log = self.0.requests.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() == REQUEST_LOG_LEN {
            log.pop_front();
        }
        log.push_back(request);
    }

    /// Empties the request log.
    pub fn clear_request_log(&self) {
        self.0.requests.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// The most recent requests, oldest first.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.0.requests.lock().unwrap_or_else(|p| p.into_inner()).iter().cloned().collect()
    }
}
