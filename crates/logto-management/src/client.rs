//! Typed Management API calls.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::error::{ErrorBody, ManagementError};
use crate::model::*;
use crate::token::TokenSource;
use crate::user::{NewUser, User};
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

    /// Sends `method {endpoint}/api{path_and_query}` with the M2M token and an optional JSON body;
    /// a 401 drops the token and retries once. Non-2xx answers become [`ManagementError::Api`].
    async fn send(&self, method: Method, path_and_query: &str, body: Option<&Value>) -> Result<reqwest::Response, ManagementError> {
        let url = format!("{}/api{path_and_query}", self.endpoint);
        let mut retried = false;
        loop {
            let (token, _) = self.tokens.get().await?;
            let mut request = self.http.request(method.clone(), &url).bearer_auth(&token);
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request
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
            return Ok(response);
        }
    }

    async fn json<T: DeserializeOwned>(&self, method: Method, path_and_query: &str, body: Option<&Value>) -> Result<T, ManagementError> {
        let response = self.send(method, path_and_query, body).await?;
        let url = response.url().to_string();
        response.json().await.map_err(|e| ManagementError::Decode { url, reason: e.to_string() })
    }

    async fn get_json<T: DeserializeOwned>(&self, path_and_query: &str) -> Result<T, ManagementError> {
        self.json(Method::GET, path_and_query, None).await
    }

    async fn post_json<T: DeserializeOwned>(&self, path: &str, body: Value) -> Result<T, ManagementError> {
        self.json(Method::POST, path, Some(&body)).await
    }

    async fn delete(&self, path: &str) -> Result<(), ManagementError> {
        self.send(Method::DELETE, path, None).await.map(|_| ())
    }

    /// `GET /api/users/{id}`.
    pub async fn get_user(&self, id: &str) -> Result<User, ManagementError> {
        self.get_json(&format!("/users/{}", segment(id))).await
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

    /// One page of `GET /api/users` (newest first), optionally searching every field for `search`
    /// (a `like` pattern: `%` wildcards are added around it).
    pub async fn list_users(&self, page: u32, page_size: u32, search: Option<&str>) -> Result<Page<User>, ManagementError> {
        let query = {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            q.append_pair("page", &page.to_string()).append_pair("page_size", &page_size.to_string());
            if let Some(s) = search {
                q.append_pair("search", &format!("%{s}%"));
            }
            q.finish()
        };
        let response = self.send(Method::GET, &format!("/users?{query}"), None).await?;
        let total = response.headers().get("total-number").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
        let url = response.url().to_string();
        let items = response.json().await.map_err(|e| ManagementError::Decode { url, reason: e.to_string() })?;
        Ok(Page { items, total })
    }

    /// `POST /api/users`.
    pub async fn create_user(&self, user: &NewUser) -> Result<User, ManagementError> {
        self.post_json("/users", serde_json::to_value(user).unwrap_or_default()).await
    }

    /// `DELETE /api/users/{id}`.
    pub async fn delete_user(&self, id: &str) -> Result<(), ManagementError> {
        self.delete(&format!("/users/{}", segment(id))).await
    }

    /// `GET /api/users/{id}/roles`.
    pub async fn user_roles(&self, id: &str) -> Result<Vec<Role>, ManagementError> {
        self.get_json(&format!("/users/{}/roles", segment(id))).await
    }

    /// `POST /api/users/{id}/roles`: roles already held are ignored.
    pub async fn assign_user_roles(&self, id: &str, role_ids: &[String]) -> Result<(), ManagementError> {
        let _: Value = self.post_json(&format!("/users/{}/roles", segment(id)), json!({"roleIds": role_ids})).await?;
        Ok(())
    }

    /// `GET /api/resources?includeScopes=true`.
    pub async fn list_resources(&self) -> Result<Vec<Resource>, ManagementError> {
        self.get_json("/resources?includeScopes=true").await
    }

    /// `POST /api/resources`.
    pub async fn create_resource(&self, name: &str, indicator: &str) -> Result<Resource, ManagementError> {
        self.post_json("/resources", json!({"name": name, "indicator": indicator})).await
    }

    /// `POST /api/resources/{id}/scopes`.
    pub async fn create_scope(&self, resource_id: &str, name: &str, description: &str) -> Result<Scope, ManagementError> {
        self.post_json(&format!("/resources/{}/scopes", segment(resource_id)), json!({"name": name, "description": description})).await
    }

    /// `GET /api/roles?type=…`.
    pub async fn list_roles(&self, role_type: RoleType) -> Result<Vec<Role>, ManagementError> {
        let t = match role_type {
            RoleType::User => "User",
            RoleType::MachineToMachine => "MachineToMachine",
        };
        self.get_json(&format!("/roles?type={t}")).await
    }

    /// `POST /api/roles`.
    pub async fn create_role(&self, name: &str, description: &str, role_type: RoleType, scope_ids: &[String]) -> Result<Role, ManagementError> {
        self.post_json("/roles", json!({"name": name, "description": description, "type": role_type, "scopeIds": scope_ids})).await
    }

    /// `GET /api/roles/{id}/scopes`.
    pub async fn role_scopes(&self, role_id: &str) -> Result<Vec<Scope>, ManagementError> {
        self.get_json(&format!("/roles/{}/scopes", segment(role_id))).await
    }

    /// `POST /api/roles/{id}/scopes`.
    pub async fn assign_role_scopes(&self, role_id: &str, scope_ids: &[String]) -> Result<(), ManagementError> {
        let _: Value = self.post_json(&format!("/roles/{}/scopes", segment(role_id)), json!({"scopeIds": scope_ids})).await?;
        Ok(())
    }

    /// `GET /api/applications`.
    pub async fn list_applications(&self) -> Result<Vec<Application>, ManagementError> {
        self.get_json("/applications").await
    }

    /// `POST /api/applications`.
    pub async fn create_application(&self, name: &str, app_type: ApplicationType, metadata: &OidcClientMetadata) -> Result<Application, ManagementError> {
        self.post_json("/applications", json!({"name": name, "type": app_type, "oidcClientMetadata": metadata})).await
    }

    /// `GET /api/applications/{id}/secrets`.
    pub async fn application_secrets(&self, id: &str) -> Result<Vec<ApplicationSecret>, ManagementError> {
        self.get_json(&format!("/applications/{}/secrets", segment(id))).await
    }

    /// `GET /api/applications/{id}/roles`.
    pub async fn application_roles(&self, id: &str) -> Result<Vec<Role>, ManagementError> {
        self.get_json(&format!("/applications/{}/roles", segment(id))).await
    }

    /// `POST /api/applications/{id}/roles` (machine-to-machine apps and roles only).
    pub async fn assign_application_roles(&self, id: &str, role_ids: &[String]) -> Result<(), ManagementError> {
        let _: Value = self.post_json(&format!("/applications/{}/roles", segment(id)), json!({"roleIds": role_ids})).await?;
        Ok(())
    }
}

/// Percent-encodes one path segment.
fn segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
