//! The token verifier: key cache, discovery, verified-token cache, and the checks in the order that
//! gives the clearest error.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::future::{BoxFuture, FutureExt, Shared};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Validation};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tracing::Instrument;

use crate::claims::AccessClaims;
use crate::error::AuthError;
use crate::jwks::KeySet;

/// Access tokens longer than this are refused before any parsing.
const MAX_TOKEN_LEN: usize = 8 * 1024;

/// What a [`Verifier`] checks tokens against, and how it fetches and caches keys.
#[derive(Debug, Clone)]
pub struct VerifierConfig {
    /// The issuer, e.g. `http://localhost:3001/oidc` (Logto: `{endpoint}/oidc`).
    pub issuer: String,
    /// The API resource indicator the token must be for (`aud`).
    pub audience: String,
    /// Clock skew allowed on `exp` and `nbf`.
    pub leeway: Duration,
    /// An unknown `kid` refetches the JWKS at most this often; a miss inside this window waits for
    /// the next allowed fetch instead of failing (so a key rotation costs a short wait, not 401s).
    pub min_refetch_interval: Duration,
    /// Keys older than this are refetched in the background (they keep working meanwhile).
    pub refresh_interval: Duration,
    /// Timeout for discovery and JWKS requests.
    pub http_timeout: Duration,
    /// How many verified tokens are remembered (by a hash of the whole token).
    pub cache_capacity: u64,
    /// Applications whose tokens are impersonations even without an `act` claim: those allowed to
    /// exchange tokens, such as a support tool's (Logto adds `act` only when the exchange names an
    /// actor token). Their tokens' [`AccessClaims::actor`] is `application:{id}`.
    pub impersonating_clients: Vec<String>,
}

impl VerifierConfig {
    /// For tokens of `issuer` (Logto: `{endpoint}/oidc`) for the API resource `audience`, with
    /// 30 s of leeway, a 2 s minimum between refetches for unknown keys, keys renewed every
    /// 10 minutes, 5 s HTTP timeouts and 10,000 cached tokens.
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into().trim_end_matches('/').to_string(),
            audience: audience.into(),
            leeway: Duration::from_secs(30),
            min_refetch_interval: Duration::from_secs(2),
            refresh_interval: Duration::from_secs(600),
            http_timeout: Duration::from_secs(5),
            cache_capacity: 10_000,
            impersonating_clients: Vec::new(),
        }
    }
}

type Fetch = Shared<BoxFuture<'static, Result<usize, AuthError>>>;

struct Keys {
    set: Arc<KeySet>,
    fetched: Option<Instant>,
}

struct Inner {
    config: VerifierConfig,
    http: reqwest::Client,
    keys: RwLock<Keys>,
    jwks_uri: Mutex<Option<String>>,
    /// The fetch under way, shared by every caller that needs it. Locked only to read or set it.
    inflight: Mutex<Option<Fetch>>,
    /// Verified tokens by SHA-256 of the whole token; emptied when a key leaves the JWKS.
    verified: moka::sync::Cache<[u8; 32], AccessClaims>,
    counts: Counts,
}

/// Each verified token leaves the cache when it expires (its own `exp`, plus the leeway), and
/// after an hour at most: a cache full of dead tokens would push out live ones.
struct UntilExpiry {
    leeway: Duration,
}

impl moka::Expiry<[u8; 32], AccessClaims> for UntilExpiry {
    fn expire_after_create(&self, _: &[u8; 32], claims: &AccessClaims, _: Instant) -> Option<Duration> {
        let left = claims.exp.saturating_add(self.leeway.as_secs() as i64).saturating_sub(now_secs());
        Some(Duration::from_secs(left.clamp(0, 3600) as u64))
    }
}

/// Running totals since the verifier was made, read with [`Verifier::stats`].
#[derive(Default)]
struct Counts {
    cache_hits: AtomicU64,
    verified: AtomicU64,
    rejected: AtomicU64,
    jwks_fetches: AtomicU64,
    jwks_fetch_errors: AtomicU64,
}

/// What a [`Verifier`] has done since it was made: for metrics (each field only grows).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VerifierStats {
    /// Tokens answered by the verified-token cache.
    pub cache_hits: u64,
    /// Tokens verified in full (signature and claims) and accepted.
    pub verified: u64,
    /// Tokens refused (by the cache, an expired entry, or the full check).
    pub rejected: u64,
    /// JWKS fetches (discovery included) that succeeded.
    pub jwks_fetches: u64,
    /// JWKS fetches that failed.
    pub jwks_fetch_errors: u64,
}

/// Cheap to clone: clones share keys, cache and fetches.
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl Inner {
    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, AuthError> {
        // The URL and reqwest's text go to the log (in the caller's span); the answer says neither.
        let unavailable = |e: reqwest::Error| {
            tracing::warn!(url, error = %e, "the issuer's discovery document or JWKS cannot be fetched");
            AuthError::KeysUnavailable
        };
        self.http
            .get(url)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(unavailable)?
            .json()
            .await
            .map_err(unavailable)
    }

    /// Discovers the JWKS URI (once), fetches the JWKS and swaps it in.
    async fn fetch(&self) -> Result<usize, AuthError> {
        let known = self.jwks_uri.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let jwks_uri = match known {
            Some(uri) => uri,
            None => {
                let url = format!("{}/.well-known/openid-configuration", self.config.issuer);
                let discovery: Discovery = self.get_json(&url).await.inspect_err(|_| {
                    self.counts.jwks_fetch_errors.fetch_add(1, Relaxed);
                })?;
                if discovery.issuer != self.config.issuer {
                    tracing::warn!(
                        url,
                        named = %discovery.issuer,
                        expected = %self.config.issuer,
                        "the discovery document names another issuer"
                    );
                    return Err(AuthError::KeysUnavailable);
                }
                *self.jwks_uri.lock().unwrap_or_else(|p| p.into_inner()) = Some(discovery.jwks_uri.clone());
                discovery.jwks_uri
            }
        };
        let fetched = self.get_json::<JwkSet>(&jwks_uri).await.map(|set| Arc::new(KeySet::from_jwks(&set)));
        let counter = if fetched.is_ok() { &self.counts.jwks_fetches } else { &self.counts.jwks_fetch_errors };
        counter.fetch_add(1, Relaxed);
        let mut keys = self.keys.write().unwrap_or_else(|p| p.into_inner());
        // Even a failed fetch counts for the rate limit: a down issuer is not hammered.
        keys.fetched = Some(Instant::now());
        let set = fetched?;
        let removed = keys.set.kids().any(|kid| set.get(kid).is_none());
        if removed {
            // A key left the JWKS: tokens it signed must be checked again (and now fail).
            self.verified.invalidate_all();
        }
        let count = set.len();
        keys.set = set;
        drop(keys);
        tracing::info!(keys = count, "fetched the issuer's JWKS");
        Ok(count)
    }
}

impl Verifier {
    /// A verifier with no keys yet: the first token fetches them (or [`Verifier::refresh_keys`]).
    pub fn new(config: VerifierConfig) -> Self {
        let http = reqwest::Client::builder().timeout(config.http_timeout).build().unwrap_or_default();
        let verified = moka::sync::Cache::builder()
            .max_capacity(config.cache_capacity)
            .expire_after(UntilExpiry { leeway: config.leeway })
            .build();
        Self {
            inner: Arc::new(Inner {
                config,
                http,
                keys: RwLock::new(Keys { set: Arc::new(KeySet::empty()), fetched: None }),
                jwks_uri: Mutex::new(None),
                inflight: Mutex::new(None),
                verified,
                counts: Counts::default(),
            }),
        }
    }

    /// Its configuration.
    pub fn config(&self) -> &VerifierConfig {
        &self.inner.config
    }

    fn keys(&self) -> (Arc<KeySet>, Option<Instant>) {
        let keys = self.inner.keys.read().unwrap_or_else(|p| p.into_inner());
        (keys.set.clone(), keys.fetched)
    }

    /// The fetch under way, or a new one: every concurrent caller awaits the same request.
    fn shared_fetch(&self) -> Fetch {
        let mut inflight = self.inner.inflight.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(fetch) = inflight.as_ref() {
            return fetch.clone();
        }
        let inner = self.inner.clone();
        let fetch = async move {
            let result = inner.fetch().await;
            *inner.inflight.lock().unwrap_or_else(|p| p.into_inner()) = None;
            result
        }
        .boxed()
        .shared();
        *inflight = Some(fetch.clone());
        fetch
    }

    /// Fetches the JWKS now (readiness checks, start-up). Returns the number of usable keys.
    pub async fn refresh_keys(&self) -> Result<usize, AuthError> {
        self.shared_fetch().await
    }

    /// Whether keys have been fetched and none is older than the refresh interval.
    pub fn keys_fresh(&self) -> bool {
        let (set, fetched) = self.keys();
        !set.is_empty() && fetched.is_some_and(|t| t.elapsed() < self.inner.config.refresh_interval)
    }

    /// How many verified tokens are cached (approximate).
    pub fn cached_tokens(&self) -> u64 {
        self.inner.verified.run_pending_tasks();
        self.inner.verified.entry_count()
    }

    /// Totals since this verifier was made (clones share them).
    pub fn stats(&self) -> VerifierStats {
        let c = &self.inner.counts;
        VerifierStats {
            cache_hits: c.cache_hits.load(Relaxed),
            verified: c.verified.load(Relaxed),
            rejected: c.rejected.load(Relaxed),
            jwks_fetches: c.jwks_fetches.load(Relaxed),
            jwks_fetch_errors: c.jwks_fetch_errors.load(Relaxed),
        }
    }

    /// The key for `kid`, refetching the JWKS (shared, rate-limited) when it is unknown.
    async fn key_for(&self, kid: &str) -> Result<(jsonwebtoken::DecodingKey, jsonwebtoken::Algorithm), AuthError> {
        let (set, fetched) = self.keys();
        if let Some(found) = set.get(kid) {
            if fetched.is_some_and(|t| t.elapsed() > self.inner.config.refresh_interval) {
                // Stale keys keep working while a background fetch renews them.
                tokio::spawn(self.shared_fetch());
            }
            return Ok(found.clone());
        }
        let since = fetched.map(|t| t.elapsed());
        let mut fetch = true;
        if let Some(since) = since.filter(|s| *s < self.inner.config.min_refetch_interval && !set.is_empty()) {
            // Rate-limited: wait for the window to pass, unless someone fetches meanwhile.
            tokio::time::sleep(self.inner.config.min_refetch_interval - since).await;
            let (_, now_fetched) = self.keys();
            fetch = now_fetched == fetched;
        }
        if fetch {
            self.shared_fetch().await?;
        }
        self.keys()
            .0
            .get(kid)
            .cloned()
            .ok_or(AuthError::InvalidToken("the token is signed with a key the issuer does not publish (kid)"))
    }

    /// Verifies a bearer token for this API and returns its claims.
    pub async fn verify(&self, token: &str) -> Result<AccessClaims, AuthError> {
        self.verify_traced(token).await.map(|(claims, _)| claims)
    }

    /// [`Verifier::verify`], also telling whether the verified-token cache answered.
    pub async fn verify_traced(&self, token: &str) -> Result<(AccessClaims, bool), AuthError> {
        let audience = self.inner.config.audience.clone();
        self.verify_for(token, &audience).await
    }

    /// Verifies an organization token (`aud` = `urn:logto:organization:{organization_id}`), as Logto
    /// issues for the refresh grant with `organization_id` and no `resource`.
    pub async fn verify_organization_token(
        &self,
        token: &str,
        organization_id: &str,
    ) -> Result<AccessClaims, AuthError> {
        self.verify_organization_token_traced(token, organization_id).await.map(|(claims, _)| claims)
    }

    /// [`Verifier::verify_organization_token`], also telling whether the verified-token cache answered.
    pub async fn verify_organization_token_traced(
        &self,
        token: &str,
        organization_id: &str,
    ) -> Result<(AccessClaims, bool), AuthError> {
        let audience = format!("urn:logto:organization:{organization_id}");
        self.verify_for(token, &audience).await
    }

    /// Verifies a token for `audience`; the verified-token cache remembers the audience checked.
    async fn verify_for(&self, token: &str, audience: &str) -> Result<(AccessClaims, bool), AuthError> {
        // One span per check (a hop of the caller's trace), saying whether the cache answered.
        let span = tracing::info_span!("verify", cached = tracing::field::Empty);
        let outcome = self.verify_counted(token, audience).instrument(span.clone()).await;
        if let Ok((_, cached)) = &outcome {
            span.record("cached", cached);
        }
        let c = &self.inner.counts;
        let counter = match &outcome {
            Ok((_, true)) => &c.cache_hits,
            Ok((_, false)) => &c.verified,
            Err(_) => &c.rejected,
        };
        counter.fetch_add(1, Relaxed);
        outcome
    }

    async fn verify_counted(&self, token: &str, audience: &str) -> Result<(AccessClaims, bool), AuthError> {
        let token = token.trim();
        if token.len() > MAX_TOKEN_LEN {
            return Err(AuthError::InvalidToken("the token is too long"));
        }
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some(claims) = self.inner.verified.get(&digest).filter(|c| c.aud == audience) {
            let leeway = self.inner.config.leeway.as_secs() as i64;
            if claims.exp + leeway >= now_secs() {
                return Ok((claims, true));
            }
            self.inner.verified.invalidate(&digest);
            return Err(AuthError::InvalidToken("the token has expired"));
        }
        let claims = self.verify_uncached(token, audience).await?;
        self.inner.verified.insert(digest, claims.clone());
        Ok((claims, false))
    }

    async fn verify_uncached(&self, token: &str, audience: &str) -> Result<AccessClaims, AuthError> {
        let config = &self.inner.config;
        if !token.contains('.') {
            // Logto's opaque tokens (43 base64url characters) are what a sign-in without `resource` gives.
            return Err(AuthError::OpaqueToken);
        }
        if token.split('.').count() != 3 {
            return Err(AuthError::InvalidToken("the token is not a signed JWT (three dot-separated parts)"));
        }
        let header = decode_header(token).map_err(|_| AuthError::InvalidToken("the JWT header is malformed"))?;
        let typ = header.typ.as_deref().unwrap_or("").to_ascii_lowercase();
        if typ != "at+jwt" && typ != "application/at+jwt" {
            return Err(AuthError::InvalidToken(
                "the token type (typ) is not at+jwt: send an access token, not an ID token",
            ));
        }
        let kid = header.kid.as_deref().ok_or(AuthError::InvalidToken("the JWT header has no kid"))?;
        let (key, alg) = self.key_for(kid).await?;
        if header.alg != alg {
            return Err(AuthError::InvalidToken("the token's alg does not match its key's"));
        }
        let mut validation = Validation::new(alg);
        validation.set_issuer(&[&config.issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = config.leeway.as_secs();
        validation.validate_nbf = true;
        let mut claims = decode::<AccessClaims>(token, &key, &validation).map(|data| data.claims).map_err(|e| {
            AuthError::InvalidToken(match e.kind() {
                ErrorKind::ExpiredSignature => "the token has expired",
                ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)",
                ErrorKind::InvalidAudience => "the token is not for this API (aud)",
                ErrorKind::InvalidIssuer => "the token was not issued by this API's issuer (iss)",
                ErrorKind::InvalidSignature => "the token signature is invalid",
                ErrorKind::MissingRequiredClaim(c) => match c.as_str() {
                    "exp" => "the token has no exp claim",
                    "iss" => "the token has no iss claim",
                    "aud" => "the token has no aud claim",
                    "sub" => "the token has no sub claim",
                    _ => "the token lacks a required claim",
                },
                _ => "the token is malformed",
            })
        })?;
        if claims.act.is_none() {
            let client = claims.client_id.as_ref().filter(|id| config.impersonating_clients.contains(id));
            claims.impersonating_client = client.cloned();
        }
        Ok(claims)
    }
}
