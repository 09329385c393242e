//! What an access token is for ([`TokenFor`]), the token cache (memory only) and when each token
//! is refreshed.

use serde::{Deserialize, Serialize};

/// What an access token is asked for: the refresh-token grant's `resource` and `organization_id`.
///
/// Between tabs it travels as its [`TokenFor::key`] (a plain string is far smaller in WASM than a
/// derived enum); the key is unambiguous because resource indicators have no fragment (RFC 8707).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum TokenFor {
    /// An API resource (RFC 8707 indicator): a JWT with `aud` = the indicator.
    Api {
        /// The API resource indicator.
        resource: String,
    },
    /// An organization: a JWT with `aud` = `urn:logto:organization:{id}`, whose scopes are the
    /// organization permissions of the user's organization roles.
    Organization {
        /// The organization's id.
        organization_id: String,
    },
    /// An API resource within an organization: a JWT with `aud` = the indicator and an
    /// `organization_id` claim, whose scopes are the API permissions of the organization roles.
    OrganizationApi {
        /// The API resource indicator.
        resource: String,
        /// The organization's id.
        organization_id: String,
    },
    /// No resource: the opaque token Logto issues for its own `/oidc/me` and nothing else. Never
    /// sent to an API ([`crate::Logto::fetch`] refuses it).
    UserInfo,
}

impl TokenFor {
    /// A token for the API `resource`.
    pub fn api(resource: impl Into<String>) -> Self {
        TokenFor::Api { resource: resource.into() }
    }

    /// An organization token for `organization_id`.
    pub fn organization(organization_id: impl Into<String>) -> Self {
        TokenFor::Organization { organization_id: organization_id.into() }
    }

    /// A token for the API `resource` within `organization_id`.
    pub fn organization_api(resource: impl Into<String>, organization_id: impl Into<String>) -> Self {
        TokenFor::OrganizationApi { resource: resource.into(), organization_id: organization_id.into() }
    }

    /// The `resource` parameter of the grant, if any.
    pub fn resource(&self) -> Option<&str> {
        match self {
            TokenFor::Api { resource } | TokenFor::OrganizationApi { resource, .. } => Some(resource),
            TokenFor::Organization { .. } | TokenFor::UserInfo => None,
        }
    }

    /// The `organization_id` parameter of the grant, if any.
    pub fn organization_id(&self) -> Option<&str> {
        match self {
            TokenFor::Organization { organization_id } | TokenFor::OrganizationApi { organization_id, .. } => {
                Some(organization_id)
            }
            TokenFor::Api { .. } | TokenFor::UserInfo => None,
        }
    }

    /// The cache key, as Logto's SDKs build it: `@{resource}` or `@{resource}#{organizationId}`.
    pub fn key(&self) -> String {
        let resource = self.resource().unwrap_or_default();
        match self.organization_id() {
            Some(org) => format!("@{resource}#{org}"),
            None => format!("@{resource}"),
        }
    }
}

impl From<TokenFor> for String {
    fn from(target: TokenFor) -> String {
        target.key()
    }
}

impl TryFrom<String> for TokenFor {
    type Error = String;

    /// The inverse of [`TokenFor::key`].
    fn try_from(key: String) -> Result<Self, String> {
        let rest = key.strip_prefix('@').ok_or_else(|| format!("not a token key: {key}"))?;
        let (resource, organization) = match rest.split_once('#') {
            Some((r, o)) if !o.is_empty() => (r, Some(o)),
            Some(_) => return Err(format!("not a token key: {key}")),
            None => (rest, None),
        };
        Ok(match (resource, organization) {
            ("", None) => TokenFor::UserInfo,
            ("", Some(o)) => TokenFor::organization(o),
            (r, None) => TokenFor::api(r),
            (r, Some(o)) => TokenFor::organization_api(r, o),
        })
    }
}

impl From<&str> for TokenFor {
    fn from(resource: &str) -> Self {
        TokenFor::api(resource)
    }
}

impl From<&String> for TokenFor {
    fn from(resource: &String) -> Self {
        TokenFor::api(resource.as_str())
    }
}

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
    /// The JWT, for an `Authorization: Bearer` header.
    pub token: String,
    /// The scopes Logto granted in it (space-separated).
    pub scope: String,
    /// Where it came from (memory, another tab, a refresh now).
    pub source: TokenSource,
    /// How long getting it took, in ms (0 from memory).
    pub elapsed_ms: f64,
    /// When it expires, in ms since the epoch on this device's clock.
    pub expires_at_ms: f64,
}

impl AccessToken {
    /// Whether Logto granted `scope` in it.
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

/// Tokens by what they are for: one per API, per organization, per (API, organization) pair.
/// A list, not a map: a tab holds a handful, and a `HashMap` costs WASM size for nothing.
#[derive(Debug, Default)]
pub struct TokenCache {
    by_target: Vec<(TokenFor, Cached)>,
}

impl TokenCache {
    pub fn fresh(&self, target: &TokenFor, now_ms: f64) -> Option<&Cached> {
        self.get(target).filter(|t| t.is_fresh(now_ms))
    }

    pub fn get(&self, target: &TokenFor) -> Option<&Cached> {
        self.by_target.iter().find(|(t, _)| t == target).map(|(_, token)| token)
    }

    pub fn put(&mut self, target: &TokenFor, token: Cached) {
        self.by_target.retain(|(t, _)| t != target);
        self.by_target.push((target.clone(), token));
    }

    /// Drops `token` for `target` if it is still the cached one (the server refused it).
    pub fn forget(&mut self, target: &TokenFor, token: &str) {
        self.by_target.retain(|(t, cached)| !(t == target && cached.token == token));
    }

    pub fn clear(&mut self) {
        self.by_target.clear();
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
        let api = TokenFor::api("https://api");
        cache.put(&api, Cached::new("new".into(), "".into(), 0.0, 60_000.0, false));
        cache.forget(&api, "old");
        assert!(cache.fresh(&api, 1.0).is_some());
        cache.forget(&api, "new");
        assert!(cache.get(&api).is_none());
    }

    #[test]
    fn each_api_organization_pair_has_its_own_token_and_key() {
        let mut cache = TokenCache::default();
        let plain = TokenFor::api("https://api");
        let in_a = TokenFor::organization_api("https://api", "org-a");
        let in_b = TokenFor::organization_api("https://api", "org-b");
        let org_a = TokenFor::organization("org-a");
        cache.put(&in_a, Cached::new("a".into(), "".into(), 0.0, 60_000.0, false));
        assert!(cache.get(&plain).is_none() && cache.get(&in_b).is_none() && cache.get(&org_a).is_none());
        assert_eq!(cache.get(&in_a).unwrap().token, "a");
        assert_eq!(
            [plain.key(), in_a.key(), org_a.key()],
            ["@https://api", "@https://api#org-a", "@#org-a"].map(String::from)
        );
        assert_eq!(TokenFor::UserInfo.key(), "@");
        assert_eq!((org_a.resource(), org_a.organization_id()), (None, Some("org-a")));
        for target in [plain, in_a, org_a, TokenFor::UserInfo] {
            let json = serde_json::to_string(&target).unwrap();
            assert_eq!(serde_json::from_str::<TokenFor>(&json).unwrap(), target, "{json}");
        }
        assert!(serde_json::from_str::<TokenFor>(r#""no-at""#).is_err());
        assert!(serde_json::from_str::<TokenFor>(r#""@api#""#).is_err());
        assert_eq!(
            serde_json::to_string(&TokenFor::organization_api("https://api", "o")).unwrap(),
            r#""@https://api#o""#
        );
    }

    #[test]
    fn scopes_match_whole_words() {
        let t = Cached::new("t".into(), "read:top-users write:follows".into(), 0.0, 1.0, false)
            .to_access_token(TokenSource::Memory, 0.0);
        assert!(t.has_scope("write:follows") && !t.has_scope("write"));
    }
}
