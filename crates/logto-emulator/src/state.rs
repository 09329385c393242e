//! Shared state handed to every handler.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::clock::Clock;
use crate::keys::TenantKey;
use crate::store::Store;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    /// e.g. `http://localhost:3001`, no trailing slash.
    pub endpoint: String,
    /// `{endpoint}/oidc`, as Logto builds it.
    pub issuer: String,
    pub key: TenantKey,
    pub clock: Clock,
    store: Mutex<Store>,
    requests: Mutex<VecDeque<LoggedRequest>>,
}

/// One request the emulator answered. The path only: queries and bodies can hold codes and secrets.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRequest {
    pub method: String,
    pub path: String,
    pub status: u16,
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
    pub fn new(endpoint: &str, key: TenantKey, store: Store) -> Self {
        let endpoint = endpoint.trim_end_matches('/').to_string();
        Self(Arc::new(Inner {
            issuer: format!("{endpoint}/oidc"),
            endpoint,
            key,
            clock: Clock::default(),
            store: Mutex::new(store),
            requests: Mutex::new(VecDeque::with_capacity(REQUEST_LOG_LEN)),
        }))
    }

    /// Locks the store. A poisoned lock (a handler panicked mid-update) still yields the data: every
    /// update is a few field assignments, so the store stays usable rather than taking the server down.
    pub fn log_request(&self, request: LoggedRequest) {
        let mut log = self.0.requests.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() == REQUEST_LOG_LEN {
            log.pop_front();
        }
        log.push_back(request);
    }

    /// The most recent requests, oldest first.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.0.requests.lock().unwrap_or_else(|p| p.into_inner()).iter().cloned().collect()
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.0.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
