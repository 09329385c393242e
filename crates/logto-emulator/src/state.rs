//! Shared state handed to every handler.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::artefacts::Artefacts;
use crate::clock::Clock;
use crate::keys::{KeyRing, TenantKey};
use crate::seed::Seed;
use crate::store::Store;

/// The emulator's state, shared by every route (cheap to clone).
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// Behaviour switches of a running emulator.
#[derive(Debug, Clone)]
pub struct Options {
    /// Show the "pick a user" list on the sign-in page (development convenience; no password).
    pub user_picker: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { user_picker: true }
    }
}

/// What [`AppState`] holds.
pub struct Inner {
    /// e.g. `http://localhost:3001`, no trailing slash.
    pub endpoint: String,
    /// `{endpoint}/oidc`, as Logto builds it.
    pub issuer: String,
    keys: RwLock<KeyRing>,
    /// The seed the store started from, for resets.
    pub seed: Seed,
    /// The emulator's clock (movable by tests through the control API).
    pub clock: Clock,
    /// How it was started.
    pub options: Options,
    /// Faults injected through the control API.
    pub faults: crate::control::faults::FaultRegistry,
    /// The persisted entities: read by many at once, changed by one [`crate::write::Write`] at a time.
    store: RwLock<Store>,
    /// Held by the write in progress.
    writer: Mutex<()>,
    /// The OIDC provider's artefacts, behind a lock of their own.
    artefacts: Mutex<Artefacts>,
    db: Option<crate::persist::Db>,
    requests: Mutex<VecDeque<LoggedRequest>>,
    /// Webhook deliveries: their queue and each hook's recent logs.
    pub deliveries: crate::hooks::Deliveries,
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
    /// The state of a tenant at `endpoint`: its keys, the seed it started from (for resets), its
    /// store, and the database changes are written to (`None`: in memory).
    pub fn new(
        endpoint: &str,
        keys: KeyRing,
        seed: Seed,
        store: Store,
        options: Options,
        db: Option<crate::persist::Db>,
    ) -> Self {
        let endpoint = endpoint.trim_end_matches('/').to_string();
        Self(Arc::new(Inner {
            issuer: format!("{endpoint}/oidc"),
            endpoint,
            keys: RwLock::new(keys),
            seed,
            clock: Clock::default(),
            options,
            faults: Default::default(),
            store: RwLock::new(store),
            writer: Mutex::new(()),
            artefacts: Mutex::new(Artefacts::default()),
            db,
            requests: Mutex::new(VecDeque::with_capacity(REQUEST_LOG_LEN)),
            deliveries: Default::default(),
        }))
    }

    /// The Current signing key.
    pub fn signing_key(&self) -> Arc<TenantKey> {
        self.0.keys.read().unwrap_or_else(|p| p.into_inner()).current()
    }

    /// The key named `kid` (Current or Previous).
    pub fn key_for(&self, kid: &str) -> Option<Arc<TenantKey>> {
        self.0.keys.read().unwrap_or_else(|p| p.into_inner()).find(kid)
    }

    /// The JWKS: the current key, then the previous one after a rotation.
    pub fn jwks(&self) -> serde_json::Value {
        self.0.keys.read().unwrap_or_else(|p| p.into_inner()).jwks()
    }

    /// Replaces the whole store (a reset), on disk first, and ends every session, grant and token.
    pub fn replace_store(&self, store: Store) -> Result<(), crate::error::ApiError> {
        self.write().replace_all(store)?;
        *self.artefacts() = Artefacts::default();
        Ok(())
    }

    /// Rotates the signing key, saved before it is used, and returns the new `kid`.
    pub fn rotate_key_persisted(&self) -> Result<String, crate::error::ApiError> {
        let mut keys = self.0.keys.write().unwrap_or_else(|p| p.into_inner());
        let mut next = KeyRing::with_previous_arc(keys.current(), None);
        next.rotate();
        if let Some(db) = self.db() {
            db.save_keys(&next)?;
        }
        *keys = next;
        Ok(keys.current().kid().to_string())
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

    /// The store, to read. A poisoned lock (a panic mid-update) still yields the data: every update
    /// is one entity inserted or removed, so the store stays usable rather than taking the server down.
    pub fn store(&self) -> RwLockReadGuard<'_, Store> {
        self.0.read_store()
    }

    /// A write: the writer lock, held until it is dropped (see [`crate::write`]).
    pub fn write(&self) -> crate::write::Write<'_> {
        crate::write::Write::new(&self.0, self.0.writer.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// The store in memory, to change without saving: for tests that set up a state directly.
    pub fn store_mut(&self) -> RwLockWriteGuard<'_, Store> {
        self.0.write_store()
    }

    /// The OIDC provider's artefacts, locked. Never held while taking the writer lock or the store.
    pub fn artefacts(&self) -> MutexGuard<'_, Artefacts> {
        self.0.artefacts.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Inner {
    pub(crate) fn read_store(&self) -> RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn write_store(&self) -> RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The database, when the state is kept on disk.
    pub fn db(&self) -> Option<&crate::persist::Db> {
        self.db.as_ref()
    }
}
