//! The per-resource access-token cache (memory only) and when each token is refreshed.

use std::collections::HashMap;

/// Where [`crate::Logto::access_token`] got its token: the sequence a request took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    /// This tab's memory: no request to Logto.
    Memory,
    /// Another tab refreshed and shared it: no request to Logto from this tab.
    OtherTab,
    /// A refresh-token grant with `resource`, made now.
    Refreshed,
}

/// An access token for one API resource, and how it was had.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessToken {
    pub token: String,
    /// The scopes Logto granted in it (space-separated).
    pub scope: String,
    pub source: TokenSource,
    /// How long getting it took, in ms (0 from memory).
    pub elapsed_ms: f64,
    /// When it expires, in ms since the epoch on this device's clock.
    pub expires_at_ms: f64,
}

impl AccessToken {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scope.split(' ').any(|s| s == scope)
    }
}

/// Refresh this long before expiry at most…
const MAX_MARGIN_MS: f64 = 60_000.0;
/// …or after this share of the lifetime, when that comes later (short-lived tokens).
const MARGIN_SHARE: f64 = 0.2;

#[derive(Debug, Clone)]
pub struct Cached {
    pub token: String,
    pub scope: String,
    pub obtained_ms: f64,
    pub expires_at_ms: f64,
    pub from_other_tab: bool,
}

impl Cached {
    pub fn new(token: String, scope: String, now_ms: f64, lifetime_ms: f64, from_other_tab: bool) -> Self {
        Self { token, scope, obtained_ms: now_ms, expires_at_ms: now_ms + lifetime_ms, from_other_tab }
    }

    /// When to replace it: a minute before expiry, or at 80% of a lifetime shorter than five minutes.
    pub fn refresh_at_ms(&self) -> f64 {
        let lifetime = (self.expires_at_ms - self.obtained_ms).max(0.0);
        self.expires_at_ms - (lifetime * MARGIN_SHARE).min(MAX_MARGIN_MS)
    }

    pub fn is_fresh(&self, now_ms: f64) -> bool {
        now_ms < self.refresh_at_ms()
    }

    pub fn to_access_token(&self, source: TokenSource, elapsed_ms: f64) -> AccessToken {
        AccessToken {
            token: self.token.clone(),
            scope: self.scope.clone(),
            source,
            elapsed_ms,
            expires_at_ms: self.expires_at_ms,
        }
    }
}

/// Tokens by resource indicator.
#[derive(Debug, Default)]
pub struct TokenCache {
    by_resource: HashMap<String, Cached>,
}

impl TokenCache {
    pub fn fresh(&self, resource: &str, now_ms: f64) -> Option<&Cached> {
        self.by_resource.get(resource).filter(|t| t.is_fresh(now_ms))
    }

    pub fn get(&self, resource: &str) -> Option<&Cached> {
        self.by_resource.get(resource)
    }

    pub fn put(&mut self, resource: &str, token: Cached) {
        self.by_resource.insert(resource.to_string(), token);
    }

    /// Drops `token` for `resource` if it is still the cached one (the server refused it).
    pub fn forget(&mut self, resource: &str, token: &str) {
        if self.by_resource.get(resource).is_some_and(|t| t.token == token) {
            self.by_resource.remove(resource);
        }
    }

    pub fn clear(&mut self) {
        self.by_resource.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_hour_token_is_refreshed_a_minute_early_and_a_short_one_at_80_percent() {
        let hour = Cached::new("t".into(), "".into(), 0.0, 3_600_000.0, false);
        assert_eq!(hour.refresh_at_ms(), 3_540_000.0);
        let short = Cached::new("t".into(), "".into(), 1_000.0, 10_000.0, false);
        assert_eq!(short.refresh_at_ms(), 9_000.0);
        assert!(short.is_fresh(8_999.0) && !short.is_fresh(9_000.0));
    }

    #[test]
    fn forgetting_a_refused_token_keeps_a_newer_one() {
        let mut cache = TokenCache::default();
        cache.put("https://api", Cached::new("new".into(), "".into(), 0.0, 60_000.0, false));
        cache.forget("https://api", "old");
        assert!(cache.fresh("https://api", 1.0).is_some());
        cache.forget("https://api", "new");
        assert!(cache.get("https://api").is_none());
    }

    #[test]
    fn scopes_match_whole_words() {
        let t = Cached::new("t".into(), "read:top-users write:follows".into(), 0.0, 1.0, false)
            .to_access_token(TokenSource::Memory, 0.0);
        assert!(t.has_scope("write:follows") && !t.has_scope("write"));
    }
}
