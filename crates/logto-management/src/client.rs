//! Typed Management API calls.

use std::time::Duration;

use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::{ErrorBody, ManagementError};
use crate::token::TokenSource;
use crate::user::User;
use crate::OSS_MANAGEMENT_RESOURCE;

/// Logto's largest page.
const MAX_PAGE_SIZE: usize = 100;

#[derive(Debug, Clone)]
pub struct ManagementConfig {
    /// The Logto endpoint, e.g. `http://localhost:3001` or `https://{tenant}.logto.app`.
    pub endpoint: String,
    pub app_id: String,
    pub app_secret: String,
    /// The Management API resource indicator (OSS: `https://default.logto.app/api`).
    pub resource: String,
    pub timeout: Duration,
}

impl ManagementConfig {
    pub fn new(endpoint: &str, app_id: &str, app_secret: &str) -> Self {
        Self {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            app_id: app_id.to_string(),
            app_secret: app_secret.to_string(),
            resource: OSS_MANAGEMENT_RESOURCE.to_string(),
            timeout: Duration::from_secs(10),
        }
    }
}

pub struct ManagementClient {
    endpoint: String,
    http: reqwest::Client,
    tokens: TokenSource,
}

impl ManagementClient {
    pub fn new(config: ManagementConfig) -> Result<Self, ManagementError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            // The oauth2 crate asks for this: following redirects on token requests is an SSRF risk.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ManagementError::Config(e.to_string()))?;
        let token_url = format!("{}/oidc/token", config.endpoint);
        let tokens = TokenSource::new(&token_url, &config.app_id, &config.app_secret, &config.resource, http.clone())?;
        Ok(Self { endpoint: config.endpoint, http, tokens })
    }

    /// The M2M token (`Ok((token, from_cache))`), for callers that report cache hits.
    pub async fn access_token(&self) -> Result<(String, bool), ManagementError> {
        self.tokens.get().await
    }

    /// `GET {endpoint}/api{path}` with the M2M token; a 401 drops the token and retries once.
    async fn get_json<T: DeserializeOwned>(&self, path_and_query: &str) -> Result<T, ManagementError> {
        let url = format!("{}/api{path_and_query}", self.endpoint);
        let mut retried = false;
        loop {
            let (token, _) = self.tokens.get().await?;
            let response = self
                .http
                .get(&url)
                .bearer_auth(&token)
                .send()
                .await
                .map_err(|e| ManagementError::Unreachable { url: url.clone(), reason: e.to_string() })?;
            let status = response.status();
            if status == StatusCode::UNAUTHORIZED && !retried {
                self.tokens.invalidate(&token).await;
                retried = true;
                continue;
            }
            if !status.is_success() {
                let body: Option<ErrorBody> = response.json().await.ok();
                let (code, message) = body.map(|b| (b.code, b.message)).unwrap_or_default();
                return Err(ManagementError::Api {
                    status: status.as_u16(),
                    code: code.unwrap_or_else(|| "unknown".into()),
                    message: message.unwrap_or_else(|| status.to_string()),
                });
            }
            return response.json().await.map_err(|e| ManagementError::Decode { url, reason: e.to_string() });
        }
    }

    /// `GET /api/users/{id}`.
    pub async fn get_user(&self, id: &str) -> Result<User, ManagementError> {
        let id: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
        self.get_json(&format!("/users/{id}")).await
    }

    /// Users by id with `search.id=…&mode.id=exact`: one request per 100 ids. Unknown ids are skipped;
    /// the order is Logto's (newest first), not the order of `ids`.
    pub async fn users_by_ids(&self, ids: &[String]) -> Result<Vec<User>, ManagementError> {
        let mut users = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MAX_PAGE_SIZE) {
            // Built before the await: the serializer is not `Send`.
            let query = {
                let mut query = url::form_urlencoded::Serializer::new(String::new());
                for id in chunk {
                    query.append_pair("search.id", id);
                }
                query.append_pair("mode.id", "exact").append_pair("page_size", &MAX_PAGE_SIZE.to_string());
                query.finish()
            };
            let page: Vec<User> = self.get_json(&format!("/users?{query}")).await?;
            users.extend(page);
        }
        Ok(users)
    }
}
