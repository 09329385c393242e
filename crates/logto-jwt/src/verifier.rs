//! The token verifier: key cache, discovery, and the checks in the order that gives the clearest error.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Validation};
use serde::Deserialize;

use crate::claims::AccessClaims;
use crate::error::AuthError;
use crate::jwks::KeySet;

/// Access tokens longer than this are refused before any parsing.
const MAX_TOKEN_LEN: usize = 8 * 1024;

#[derive(Debug, Clone)]
pub struct VerifierConfig {
    /// The issuer, e.g. `http://localhost:3001/oidc` (Logto: `{endpoint}/oidc`).
    pub issuer: String,
    /// The API resource indicator the token must be for (`aud`).
    pub audience: String,
    /// Clock skew allowed on `exp` and `nbf`.
    pub leeway: Duration,
    /// An unknown `kid` refetches the JWKS at most this often.
    pub min_refetch_interval: Duration,
    /// Timeout for discovery and JWKS requests.
    pub http_timeout: Duration,
}

impl VerifierConfig {
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>) -> Self {
        Self {
            issuer: issuer.into().trim_end_matches('/').to_string(),
            audience: audience.into(),
            leeway: Duration::from_secs(30),
            min_refetch_interval: Duration::from_secs(10),
            http_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Default)]
struct FetchState {
    jwks_uri: Option<String>,
    last_fetch: Option<Instant>,
}

pub struct Verifier {
    config: VerifierConfig,
    http: reqwest::Client,
    keys: RwLock<Arc<KeySet>>,
    /// Bumped on every successful JWKS fetch, so waiting callers can tell that someone else fetched.
    generation: AtomicU64,
    /// Serialises fetches only: verifications with a known `kid` never wait on it.
    fetch: tokio::sync::Mutex<FetchState>,
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

impl Verifier {
    pub fn new(config: VerifierConfig) -> Self {
        let http = reqwest::Client::builder().timeout(config.http_timeout).build().unwrap_or_default();
        Self {
            config,
            http,
            keys: RwLock::new(Arc::new(KeySet::empty())),
            generation: AtomicU64::new(0),
            fetch: tokio::sync::Mutex::new(FetchState::default()),
        }
    }

    pub fn config(&self) -> &VerifierConfig {
        &self.config
    }

    fn current_keys(&self) -> Arc<KeySet> {
        self.keys.read().map(|k| k.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, AuthError> {
        let unavailable = |e: reqwest::Error| AuthError::KeysUnavailable(format!("{url}: {e}"));
        self.http.get(url).send().await.and_then(|r| r.error_for_status()).map_err(unavailable)?.json().await.map_err(unavailable)
    }

    /// Fetches the JWKS (discovering its URI first if needed) and swaps it in. Returns the key count.
    pub async fn refresh_keys(&self) -> Result<usize, AuthError> {
        let mut state = self.fetch.lock().await;
        self.fetch_locked(&mut state).await
    }

    async fn fetch_locked(&self, state: &mut FetchState) -> Result<usize, AuthError> {
        let jwks_uri = match &state.jwks_uri {
            Some(uri) => uri.clone(),
            None => {
                let url = format!("{}/.well-known/openid-configuration", self.config.issuer);
                let discovery: Discovery = self.get_json(&url).await?;
                if discovery.issuer != self.config.issuer {
                    return Err(AuthError::KeysUnavailable(format!(
                        "discovery at {url} names issuer {} instead of {}",
                        discovery.issuer, self.config.issuer
                    )));
                }
                state.jwks_uri = Some(discovery.jwks_uri.clone());
                discovery.jwks_uri
            }
        };
        state.last_fetch = Some(Instant::now());
        let set: JwkSet = self.get_json(&jwks_uri).await?;
        let keys = Arc::new(KeySet::from_jwks(&set));
        let count = keys.len();
        match self.keys.write() {
            Ok(mut guard) => *guard = keys,
            Err(poisoned) => *poisoned.into_inner() = keys,
        }
        self.generation.fetch_add(1, Ordering::SeqCst);
        tracing::info!(keys = count, "fetched the issuer's JWKS");
        Ok(count)
    }

    /// Returns the key for `kid`, refetching the JWKS once if it is unknown. Concurrent misses wait
    /// for one fetch instead of each sending their own, and refetches are rate-limited.
    async fn key_for(&self, kid: &str) -> Result<(jsonwebtoken::DecodingKey, jsonwebtoken::Algorithm), AuthError> {
        let seen = self.generation.load(Ordering::SeqCst);
        if let Some(found) = self.current_keys().get(kid) {
            return Ok(found.clone());
        }
        let mut state = self.fetch.lock().await;
        let someone_fetched = self.generation.load(Ordering::SeqCst) != seen;
        let too_soon = state.last_fetch.is_some_and(|t| t.elapsed() < self.config.min_refetch_interval);
        if !someone_fetched && !(too_soon && !self.current_keys().is_empty()) {
            self.fetch_locked(&mut state).await?;
        }
        drop(state);
        self.current_keys()
            .get(kid)
            .cloned()
            .ok_or_else(|| AuthError::InvalidToken(format!("the token is signed with an unknown key (kid {kid})")))
    }

    /// Verifies a bearer token for this API and returns its claims.
    pub async fn verify(&self, token: &str) -> Result<AccessClaims, AuthError> {
        let token = token.trim();
        if token.len() > MAX_TOKEN_LEN {
            return Err(AuthError::InvalidToken("the token is too long".into()));
        }
        if !token.contains('.') {
            // Logto's opaque tokens (43 base64url characters) are what a sign-in without `resource` gives.
            return Err(AuthError::OpaqueToken { resource: self.config.audience.clone() });
        }
        if token.split('.').count() != 3 {
            return Err(AuthError::InvalidToken("the token is not a signed JWT (three dot-separated parts)".into()));
        }
        let header = decode_header(token).map_err(|_| AuthError::InvalidToken("the JWT header is malformed".into()))?;
        let typ = header.typ.as_deref().unwrap_or("").to_ascii_lowercase();
        if typ != "at+jwt" && typ != "application/at+jwt" {
            return Err(AuthError::InvalidToken(format!(
                "the token type is {:?}, not \"at+jwt\": send an access token, not an ID token",
                header.typ.as_deref().unwrap_or("none")
            )));
        }
        let kid = header.kid.as_deref().ok_or_else(|| AuthError::InvalidToken("the JWT header has no kid".into()))?;
        let (key, alg) = self.key_for(kid).await?;
        if header.alg != alg {
            return Err(AuthError::InvalidToken(format!("the token's alg {:?} does not match its key ({alg:?})", header.alg)));
        }
        let mut validation = Validation::new(alg);
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[&self.config.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = self.config.leeway.as_secs();
        validation.validate_nbf = true;
        decode::<AccessClaims>(token, &key, &validation).map(|data| data.claims).map_err(|e| {
            AuthError::InvalidToken(match e.kind() {
                ErrorKind::ExpiredSignature => "the token has expired".into(),
                ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)".into(),
                ErrorKind::InvalidAudience => format!("the token is not for this API (aud must be {})", self.config.audience),
                ErrorKind::InvalidIssuer => format!("the token was not issued by {}", self.config.issuer),
                ErrorKind::InvalidSignature => "the token signature is invalid".into(),
                ErrorKind::MissingRequiredClaim(c) => format!("the token has no {c} claim"),
                _ => "the token is malformed".into(),
            })
        })
    }
}
