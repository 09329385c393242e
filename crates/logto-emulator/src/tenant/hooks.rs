//! Webhooks: create, update, a new signing key, delete, and the control API's create-or-replace
//! by name with a signing key of the caller's choosing.

use std::collections::BTreeMap;

use super::Tenant;
use crate::error::ApiError;
use crate::ids::standard_id;
use crate::model::Hook;
use crate::secret::Secret;

/// A new webhook, parsed (its events checked, its URL http(s)).
#[derive(Debug)]
pub struct NewHook {
    /// Its name.
    pub name: String,
    /// The events it is sent.
    pub events: Vec<String>,
    /// Where it is sent.
    pub url: String,
    /// Headers sent with it.
    pub headers: BTreeMap<String, String>,
    /// Whether it is sent.
    pub enabled: bool,
    /// The signing key to use; `None`: a new one, as Logto makes.
    pub signing_key: Option<Secret>,
    /// The legacy single event.
    pub event: Option<String>,
    /// The legacy `config.retries`.
    pub retries: Option<u64>,
}

/// Changes to a webhook, parsed.
#[derive(Debug, Default)]
pub struct HookPatch {
    /// A new name.
    pub name: Option<String>,
    /// New events.
    pub events: Option<Vec<String>>,
    /// A new URL, headers and legacy retries.
    pub config: Option<(String, BTreeMap<String, String>, Option<u64>)>,
    /// Enabled or not.
    pub enabled: Option<bool>,
    /// A new legacy single event.
    pub event: Option<String>,
}

impl NewHook {
    fn into_hook(self, id: String, created_at: i64) -> Hook {
        Hook {
            id,
            name: self.name,
            events: self.events,
            url: self.url,
            headers: self.headers,
            signing_key: self.signing_key.unwrap_or_else(|| Secret::new(standard_id(32))),
            enabled: self.enabled,
            created_at,
            event: self.event,
            retries: self.retries,
        }
    }
}

impl Tenant {
    /// Creates a webhook.
    pub fn create_hook(&self, new: NewHook, now_ms: i64) -> Result<Hook, ApiError> {
        let hook = new.into_hook(standard_id(21), now_ms);
        self.write().put(hook.clone())?;
        Ok(hook)
    }

    /// Creates a webhook or, when one has its name, replaces that one (keeping its id): the
    /// control API's, so a dev loop can point the emulator at a backend before either starts.
    pub fn put_hook_by_name(&self, new: NewHook, now_ms: i64) -> Result<Hook, ApiError> {
        let mut write = self.write();
        let existing = write.read().hooks.iter().find(|h| h.name == new.name).map(|h| (h.id.clone(), h.created_at));
        let (id, created_at) = existing.unwrap_or_else(|| (standard_id(21), now_ms));
        let hook = new.into_hook(id, created_at);
        write.put(hook.clone())?;
        Ok(hook)
    }

    /// Changes the given fields of a webhook.
    pub fn update_hook(&self, id: &str, patch: HookPatch) -> Result<Hook, ApiError> {
        let mut write = self.write();
        // Logto's `updateById` answers `entity.not_exists` (not `…_with_id`) for an unknown id.
        let mut hook = write.read().hook(id).cloned().ok_or_else(|| ApiError::not_exists("hook"))?;
        if let Some(events) = patch.events {
            hook.events = events;
        }
        if let Some(name) = patch.name {
            hook.name = name;
        }
        if let Some((url, headers, retries)) = patch.config {
            hook.url = url;
            hook.headers = headers;
            hook.retries = retries;
        }
        if let Some(event) = patch.event {
            hook.event = Some(event);
        }
        if let Some(enabled) = patch.enabled {
            hook.enabled = enabled;
        }
        write.put(hook.clone())?;
        Ok(hook)
    }

    /// Gives a webhook a new signing key; the old one stops being used.
    pub fn new_hook_signing_key(&self, id: &str) -> Result<Hook, ApiError> {
        let mut write = self.write();
        // An update by id: Logto's `updateById` answers `entity.not_exists`.
        let mut hook = write.read().hook(id).cloned().ok_or_else(|| ApiError::not_exists("hook"))?;
        hook.signing_key = Secret::new(standard_id(32));
        write.put(hook.clone())?;
        Ok(hook)
    }

    /// Deletes a webhook. `false` when there was none.
    pub fn delete_hook(&self, id: &str) -> Result<bool, ApiError> {
        Ok(self.write().remove_hook(id)?)
    }
}
