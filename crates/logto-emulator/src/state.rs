//! Shared state handed to every handler.

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
}

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
        }))
    }

    /// Locks the store. A poisoned lock (a handler panicked mid-update) still yields the data: every
    /// update is a few field assignments, so the store stays usable rather than taking the server down.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.0.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
