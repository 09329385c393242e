//! The machine-to-machine access token: client credentials through the `oauth2` crate, cached.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use oauth2::basic::BasicClient;
use oauth2::{ClientId, ClientSecret, EndpointNotSet, EndpointSet, RequestTokenError, Scope, TokenResponse, TokenUrl};

use crate::error::ManagementError;

type Oauth2Client = BasicClient<EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// Renew this long before the token expires, so a request never leaves with a token about to die.
const RENEW_MARGIN: Duration = Duration::from_secs(60);

#[derive(Clone)]
struct Cached {
    token: String,
    renew_at: Instant,
}

/// The machine-to-machine token of one application for one resource, by client credentials, cached
/// until shortly before it expires, one request in flight however many callers wait.
pub struct TokenSource {
    client: Oauth2Client,
    http: reqwest::Client,
    token_url: String,
    resource: String,
    /// Held while a token is fetched: other callers wait for that one request.
    cached: tokio::sync::Mutex<Option<Cached>>,
    cache_hits: AtomicU64,
    fetches: AtomicU64,
    errors: AtomicU64,
}

/// Totals of a [`TokenSource`], for [`crate::ClientStats`].
pub struct TokenStats {
    /// Tokens answered from the cache.
    pub cache_hits: u64,
    /// Tokens fetched from Logto.
    pub fetches: u64,
    /// Fetches that failed.
    pub errors: u64,
}

impl TokenSource {
    /// For the app `app_id` at the token endpoint `token_url`, for `resource` with scope `all`.
    pub fn new(
        token_url: &str,
        app_id: &str,
        app_secret: &ClientSecret,
        resource: &str,
        http: reqwest::Client,
    ) -> Result<Self, ManagementError> {
        let url = TokenUrl::new(token_url.to_string())
            .map_err(|e| ManagementError::Config(format!("token URL {token_url}: {e}")))?;
        let client = BasicClient::new(ClientId::new(app_id.to_string()))
            .set_client_secret(app_secret.clone())
            .set_token_uri(url);
        Ok(Self {
            client,
            http,
            token_url: token_url.to_string(),
            resource: resource.to_string(),
            cached: tokio::sync::Mutex::new(None),
            cache_hits: AtomicU64::new(0),
            fetches: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        })
    }

    /// A valid token, from the cache or fresh. `Ok((token, from_cache))`.
    pub async fn get(&self) -> Result<(String, bool), ManagementError> {
        let mut cached = self.cached.lock().await;
        if let Some(c) = cached.as_ref().filter(|c| Instant::now() < c.renew_at) {
            self.cache_hits.fetch_add(1, Relaxed);
            return Ok((c.token.clone(), true));
        }
        let fresh = self.fetch().await;
        let counter = if fresh.is_ok() { &self.fetches } else { &self.errors };
        counter.fetch_add(1, Relaxed);
        let fresh = fresh?;
        let token = fresh.token.clone();
        *cached = Some(fresh);
        Ok((token, false))
    }

    /// Totals since it was made.
    pub fn stats(&self) -> TokenStats {
        TokenStats {
            cache_hits: self.cache_hits.load(Relaxed),
            fetches: self.fetches.load(Relaxed),
            errors: self.errors.load(Relaxed),
        }
    }

    /// Forgets `token` if it is the cached one (the API refused it), so the next `get` fetches anew.
    pub async fn invalidate(&self, token: &str) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|c| c.token == token) {
            *cached = None;
        }
    }

    async fn fetch(&self) -> Result<Cached, ManagementError> {
        let requested = Instant::now();
        let response = self
            .client
            .exchange_client_credentials()
            .add_scope(Scope::new("all".into()))
            .add_extra_param("resource", self.resource.clone())
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(r) => ManagementError::TokenRefused {
                    error: r.error().clone(),
                    description: r.error_description().cloned(),
                },
                RequestTokenError::Request(e) => {
                    ManagementError::Unreachable { url: self.token_url.clone(), reason: crate::error::causes(&e) }
                }
                RequestTokenError::Parse(e, _) => {
                    ManagementError::Decode { url: self.token_url.clone(), reason: e.to_string() }
                }
                RequestTokenError::Other(e) => ManagementError::Decode { url: self.token_url.clone(), reason: e },
            })?;
        let granted_all = response.scopes().is_some_and(|s| s.iter().any(|s| s.as_str() == "all"));
        if !granted_all {
            return Err(ManagementError::NoAllScope);
        }
        let lifetime = response.expires_in().unwrap_or(Duration::from_secs(3600));
        Ok(Cached {
            token: response.access_token().secret().clone(),
            renew_at: requested + lifetime.saturating_sub(RENEW_MARGIN.min(lifetime / 2)),
        })
    }
}
