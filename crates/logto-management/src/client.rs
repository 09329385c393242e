//! Typed Management API calls.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::error::{ErrorBody, ManagementError};
use crate::ids::*;
use crate::model::*;
use crate::token::TokenSource;
use crate::user::{NewUser, User};
use crate::OSS_MANAGEMENT_RESOURCE;

/// Logto's largest page.
const MAX_PAGE_SIZE: usize = 100;

/// Where the Management API is and how to call it.
#[derive(Debug, Clone)]
pub struct ManagementConfig {
    /// The Logto endpoint, e.g. `http://localhost:3001` or `https://{tenant}.logto.app`.
    pub endpoint: String,
    /// The machine-to-machine application's id.
    pub app_id: String,
    /// Its secret (oauth2's type: its `Debug` prints no secret).
    pub app_secret: oauth2::ClientSecret,
    /// The Management API resource indicator (OSS: `https://default.logto.app/api`).
    pub resource: String,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Retries after a 429, a 5xx or a failed connection (5xx and connection failures only for
    /// idempotent methods: a create is never sent twice).
    pub max_retries: u32,
    /// First backoff; doubled at each retry. A `Retry-After` from Logto wins, up to `max_retry_after`.
    pub retry_base_delay: Duration,
    /// The longest `Retry-After` honoured.
    pub max_retry_after: Duration,
}

impl ManagementConfig {
    /// For the machine-to-machine app `app_id` of a self-hosted Logto at `endpoint` (set
    /// `resource` for Logto Cloud), with a 10 s timeout and 2 retries from 100 ms.
    pub fn new(endpoint: &str, app_id: &str, app_secret: &str) -> Self {
        Self {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            app_id: app_id.to_string(),
            app_secret: oauth2::ClientSecret::new(app_secret.to_string()),
            resource: OSS_MANAGEMENT_RESOURCE.to_string(),
            timeout: Duration::from_secs(10),
            max_retries: 2,
            retry_base_delay: Duration::from_millis(100),
            max_retry_after: Duration::from_secs(10),
        }
    }
}

/// A Management API client: the M2M token, retries, paging and typed calls. Share one (it is
/// `Send + Sync`; put it in an `Arc`).
pub struct ManagementClient {
    endpoint: String,
    http: reqwest::Client,
    tokens: TokenSource,
    retry: RetryPolicy,
    counts: Counts,
}

#[derive(Default)]
struct Counts {
    requests: AtomicU64,
    errors: AtomicU64,
    retries: AtomicU64,
}

/// What a [`ManagementClient`] has done since it was made: for metrics (each field only grows).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientStats {
    /// M2M tokens answered from the cache.
    pub token_cache_hits: u64,
    /// M2M tokens fetched from Logto (client credentials).
    pub token_fetches: u64,
    /// Client-credentials requests that failed (refused, unreachable, malformed answer).
    pub token_errors: u64,
    /// Management API requests sent (each retry and each page counted).
    pub requests: u64,
    /// Management API calls that ended in an error (after retries).
    pub errors: u64,
    /// Requests sent again after a network error, a 429 or a 5xx, or with a fresh token after a 401.
    pub retries: u64,
}

struct RetryPolicy {
    max_retries: u32,
    base: Duration,
    max_retry_after: Duration,
}

impl RetryPolicy {
    /// How long to wait before retry number `attempt` (0-based): Logto's `Retry-After` (seconds)
    /// when it sent one, else exponential backoff.
    fn delay(&self, attempt: u32, retry_after: Option<&reqwest::header::HeaderValue>) -> Duration {
        let asked = retry_after
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        asked.map(|d| d.min(self.max_retry_after)).unwrap_or(self.base * 2u32.saturating_pow(attempt))
    }
}

impl ManagementClient {
    /// A client; no request is made until the first call.
    pub fn new(config: ManagementConfig) -> Result<Self, ManagementError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            // The oauth2 crate asks for this: following redirects on token requests is an SSRF risk.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ManagementError::Config(e.to_string()))?;
        let token_url = format!("{}/oidc/token", config.endpoint);
        let tokens = TokenSource::new(&token_url, &config.app_id, &config.app_secret, &config.resource, http.clone())?;
        let retry = RetryPolicy {
            max_retries: config.max_retries,
            base: config.retry_base_delay,
            max_retry_after: config.max_retry_after,
        };
        Ok(Self { endpoint: config.endpoint, http, tokens, retry, counts: Counts::default() })
    }

    /// Logto's endpoint, without a trailing slash.
    pub(crate) fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The HTTP client (timeouts set, redirects never followed).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Totals since this client was made.
    pub fn stats(&self) -> ClientStats {
        let tokens = self.tokens.stats();
        ClientStats {
            token_cache_hits: tokens.cache_hits,
            token_fetches: tokens.fetches,
            token_errors: tokens.errors,
            requests: self.counts.requests.load(Relaxed),
            errors: self.counts.errors.load(Relaxed),
            retries: self.counts.retries.load(Relaxed),
        }
    }

    /// The M2M token (`Ok((token, from_cache))`), for callers that report cache hits.
    pub async fn access_token(&self) -> Result<(String, bool), ManagementError> {
        self.tokens.get().await
    }

    /// Sends `method {endpoint}/api{path_and_query}` with the M2M token and an optional JSON body;
    /// a 401 drops the token and retries once. Non-2xx answers become [`ManagementError::Api`].
    async fn send(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<&Value>,
    ) -> Result<reqwest::Response, ManagementError> {
        let outcome = self.send_counted(method, path_and_query, body).await;
        if outcome.is_err() {
            self.counts.errors.fetch_add(1, Relaxed);
        }
        outcome
    }

    async fn send_counted(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<&Value>,
    ) -> Result<reqwest::Response, ManagementError> {
        let url = format!("{}/api{path_and_query}", self.endpoint);
        let idempotent = matches!(method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE);
        let mut retried_auth = false;
        let mut attempt = 0;
        loop {
            if attempt > 0 || retried_auth {
                self.counts.retries.fetch_add(1, Relaxed);
            }
            let (token, _) = self.tokens.get().await?;
            let mut request = self.http.request(method.clone(), &url).bearer_auth(&token);
            self.counts.requests.fetch_add(1, Relaxed);
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = match request.send().await {
                Ok(r) => r,
                Err(e) if idempotent && attempt < self.retry.max_retries => {
                    tracing::warn!(%url, error = %crate::error::causes(&e), attempt, "Management API request failed; retrying");
                    tokio::time::sleep(self.retry.delay(attempt, None)).await;
                    attempt += 1;
                    continue;
                }
                Err(e) => {
                    return Err(ManagementError::Unreachable { url: url.clone(), reason: crate::error::causes(&e) })
                }
            };
            let status = response.status();
            if status == StatusCode::UNAUTHORIZED && !retried_auth {
                // The token may have been revoked or its key rotated away: one fresh token, once.
                self.tokens.invalidate(&token).await;
                retried_auth = true;
                continue;
            }
            let retryable = status == StatusCode::TOO_MANY_REQUESTS || (idempotent && status.is_server_error());
            if retryable && attempt < self.retry.max_retries {
                let wait = self.retry.delay(attempt, response.headers().get(reqwest::header::RETRY_AFTER));
                tracing::warn!(%url, %status, attempt, wait_ms = wait.as_millis() as u64, "Management API answered with a retryable error");
                tokio::time::sleep(wait).await;
                attempt += 1;
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

    async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<&Value>,
    ) -> Result<T, ManagementError> {
        let response = self.send(method, path_and_query, body).await?;
        let url = response.url().to_string();
        response.json().await.map_err(|e| ManagementError::Decode { url, reason: e.to_string() })
    }

    async fn get_json<T: DeserializeOwned>(&self, path_and_query: &str) -> Result<T, ManagementError> {
        self.json(Method::GET, path_and_query, None).await
    }

    /// Every item of a list, read page by page (100 a page, Logto's largest) until a short page or
    /// `Total-Number` says it was the last: Logto answers 20 items when asked nothing.
    async fn get_all<T: DeserializeOwned>(&self, path_and_query: &str) -> Result<Vec<T>, ManagementError> {
        let separator = if path_and_query.contains('?') { '&' } else { '?' };
        let mut items = Vec::new();
        for page in 1usize.. {
            let url = format!("{path_and_query}{separator}page={page}&page_size={MAX_PAGE_SIZE}");
            let response = self.send(Method::GET, &url, None).await?;
            let total: Option<usize> =
                response.headers().get("total-number").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
            let url = response.url().to_string();
            let batch: Vec<T> =
                response.json().await.map_err(|e| ManagementError::Decode { url, reason: e.to_string() })?;
            let short = batch.len() < MAX_PAGE_SIZE;
            items.extend(batch);
            // No `Total-Number`: the list was not paged, so this answer was all of it.
            if short || total.is_none_or(|t| items.len() >= t) {
                break;
            }
        }
        Ok(items)
    }

    async fn post_json<T: DeserializeOwned>(&self, path: &str, body: Value) -> Result<T, ManagementError> {
        self.json(Method::POST, path, Some(&body)).await
    }

    async fn delete(&self, path: &str) -> Result<(), ManagementError> {
        self.send(Method::DELETE, path, None).await.map(|_| ())
    }

    /// A write whose answer this client does not read (Logto answers some with `text/plain` `Created`,
    /// some with a JSON echo, replacements with 204).
    async fn write(&self, method: Method, path: &str, body: Value) -> Result<(), ManagementError> {
        self.send(method, path, Some(&body)).await.map(|_| ())
    }

    /// `GET /api/users/{id}`.
    pub async fn get_user(&self, id: &UserId) -> Result<User, ManagementError> {
        self.get_json(&format!("/users/{}", segment(id))).await
    }

    /// Users by id with `search.id=…&mode.id=exact`: one request per 100 ids. Unknown ids are skipped;
    /// the order is Logto's (newest first), not the order of `ids`.
    pub async fn users_by_ids(&self, ids: &[UserId]) -> Result<Vec<User>, ManagementError> {
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
    pub async fn list_users(
        &self,
        page: u32,
        page_size: u32,
        search: Option<&str>,
    ) -> Result<Page<User>, ManagementError> {
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
    pub async fn delete_user(&self, id: &UserId) -> Result<(), ManagementError> {
        self.delete(&format!("/users/{}", segment(id))).await
    }

    /// `GET /api/users/{id}/roles`, every page.
    pub async fn user_roles(&self, id: &UserId) -> Result<Vec<Role>, ManagementError> {
        self.get_all(&format!("/users/{}/roles", segment(id))).await
    }

    /// `POST /api/users/{id}/roles`: roles already held are ignored.
    pub async fn assign_user_roles(&self, id: &UserId, role_ids: &[RoleId]) -> Result<(), ManagementError> {
        let _: Value = self.post_json(&format!("/users/{}/roles", segment(id)), json!({"roleIds": role_ids})).await?;
        Ok(())
    }

    /// `GET /api/resources?includeScopes=true`, every page.
    pub async fn list_resources(&self) -> Result<Vec<Resource>, ManagementError> {
        self.get_all("/resources?includeScopes=true").await
    }

    /// `POST /api/resources`.
    pub async fn create_resource(&self, name: &str, indicator: &str) -> Result<Resource, ManagementError> {
        self.post_json("/resources", json!({"name": name, "indicator": indicator})).await
    }

    /// `POST /api/resources/{id}/scopes`.
    pub async fn create_scope(
        &self,
        resource_id: &ResourceId,
        name: &str,
        description: &str,
    ) -> Result<Scope, ManagementError> {
        self.post_json(
            &format!("/resources/{}/scopes", segment(resource_id)),
            json!({"name": name, "description": description}),
        )
        .await
    }

    /// `GET /api/roles?type=…`, every page.
    pub async fn list_roles(&self, role_type: RoleType) -> Result<Vec<Role>, ManagementError> {
        let t = match role_type {
            RoleType::User => "User",
            RoleType::MachineToMachine => "MachineToMachine",
        };
        self.get_all(&format!("/roles?type={t}")).await
    }

    /// `POST /api/roles`.
    pub async fn create_role(
        &self,
        name: &str,
        description: &str,
        role_type: RoleType,
        scope_ids: &[ScopeId],
    ) -> Result<Role, ManagementError> {
        self.post_json(
            "/roles",
            json!({"name": name, "description": description, "type": role_type, "scopeIds": scope_ids}),
        )
        .await
    }

    /// `GET /api/roles/{id}/scopes`, every page.
    pub async fn role_scopes(&self, role_id: &RoleId) -> Result<Vec<Scope>, ManagementError> {
        self.get_all(&format!("/roles/{}/scopes", segment(role_id))).await
    }

    /// `POST /api/roles/{id}/scopes`.
    pub async fn assign_role_scopes(&self, role_id: &RoleId, scope_ids: &[ScopeId]) -> Result<(), ManagementError> {
        let _: Value =
            self.post_json(&format!("/roles/{}/scopes", segment(role_id)), json!({"scopeIds": scope_ids})).await?;
        Ok(())
    }

    /// `GET /api/applications`, every page.
    pub async fn list_applications(&self) -> Result<Vec<Application>, ManagementError> {
        self.get_all("/applications").await
    }

    /// `POST /api/applications`.
    pub async fn create_application(
        &self,
        name: &str,
        app_type: ApplicationType,
        metadata: &OidcClientMetadata,
        custom: &CustomClientMetadata,
    ) -> Result<Application, ManagementError> {
        let body =
            json!({"name": name, "type": app_type, "oidcClientMetadata": metadata, "customClientMetadata": custom});
        self.post_json("/applications", body).await
    }

    /// `GET /api/applications/{id}/secrets`.
    pub async fn application_secrets(&self, id: &ApplicationId) -> Result<Vec<ApplicationSecret>, ManagementError> {
        self.get_json(&format!("/applications/{}/secrets", segment(id))).await
    }

    /// `GET /api/applications/{id}/roles`, every page.
    pub async fn application_roles(&self, id: &ApplicationId) -> Result<Vec<Role>, ManagementError> {
        self.get_all(&format!("/applications/{}/roles", segment(id))).await
    }

    /// `POST /api/applications/{id}/roles` (machine-to-machine apps and roles only).
    pub async fn assign_application_roles(
        &self,
        id: &ApplicationId,
        role_ids: &[RoleId],
    ) -> Result<(), ManagementError> {
        let _: Value =
            self.post_json(&format!("/applications/{}/roles", segment(id)), json!({"roleIds": role_ids})).await?;
        Ok(())
    }
}

impl ManagementClient {
    /// `GET /api/organizations[?q=…]`, every page.
    pub async fn list_organizations(&self, search: Option<&str>) -> Result<Vec<Organization>, ManagementError> {
        match search {
            Some(q) => self.get_all(&format!("/organizations?q={}", segment(q))).await,
            None => self.get_all("/organizations").await,
        }
    }

    /// `GET /api/organizations/{id}`.
    pub async fn get_organization(&self, id: &OrganizationId) -> Result<Organization, ManagementError> {
        self.get_json(&format!("/organizations/{}", segment(id))).await
    }

    /// `POST /api/organizations`.
    pub async fn create_organization(
        &self,
        name: &str,
        description: Option<&str>,
    ) -> Result<Organization, ManagementError> {
        self.post_json("/organizations", json!({"name": name, "description": description})).await
    }

    /// `DELETE /api/organizations/{id}`.
    pub async fn delete_organization(&self, id: &OrganizationId) -> Result<(), ManagementError> {
        self.delete(&format!("/organizations/{}", segment(id))).await
    }

    /// `GET /api/organization-scopes`, every page.
    pub async fn list_organization_scopes(&self) -> Result<Vec<OrganizationScope>, ManagementError> {
        self.get_all("/organization-scopes").await
    }

    /// `POST /api/organization-scopes`.
    pub async fn create_organization_scope(
        &self,
        name: &str,
        description: Option<&str>,
    ) -> Result<OrganizationScope, ManagementError> {
        self.post_json("/organization-scopes", json!({"name": name, "description": description})).await
    }

    /// `DELETE /api/organization-scopes/{id}`.
    pub async fn delete_organization_scope(&self, id: &OrganizationScopeId) -> Result<(), ManagementError> {
        self.delete(&format!("/organization-scopes/{}", segment(id))).await
    }

    /// `GET /api/organization-roles`, every page, each with its scopes and API-resource scopes.
    pub async fn list_organization_roles(&self) -> Result<Vec<OrganizationRole>, ManagementError> {
        self.get_all("/organization-roles").await
    }

    /// `POST /api/organization-roles` with organization scopes and API-resource scopes (by id).
    pub async fn create_organization_role(
        &self,
        name: &str,
        description: Option<&str>,
        role_type: RoleType,
        organization_scope_ids: &[OrganizationScopeId],
        resource_scope_ids: &[ScopeId],
    ) -> Result<OrganizationRole, ManagementError> {
        self.post_json(
            "/organization-roles",
            json!({"name": name, "description": description, "type": role_type,
                   "organizationScopeIds": organization_scope_ids, "resourceScopeIds": resource_scope_ids}),
        )
        .await
    }

    /// `POST /api/organization-roles/{id}/resource-scopes`: adds API-resource scopes to a role.
    pub async fn add_organization_role_resource_scopes(
        &self,
        role_id: &OrganizationRoleId,
        scope_ids: &[ScopeId],
    ) -> Result<(), ManagementError> {
        let path = format!("/organization-roles/{}/resource-scopes", segment(role_id));
        self.write(Method::POST, &path, json!({"scopeIds": scope_ids})).await
    }

    /// `POST /api/organization-roles/{id}/scopes`: adds organization permissions to a role (those it
    /// holds stay).
    pub async fn add_organization_role_scopes(
        &self,
        role_id: &OrganizationRoleId,
        scope_ids: &[OrganizationScopeId],
    ) -> Result<(), ManagementError> {
        let path = format!("/organization-roles/{}/scopes", segment(role_id));
        self.write(Method::POST, &path, json!({"organizationScopeIds": scope_ids})).await
    }

    /// `DELETE /api/organization-roles/{id}`.
    pub async fn delete_organization_role(&self, id: &OrganizationRoleId) -> Result<(), ManagementError> {
        self.delete(&format!("/organization-roles/{}", segment(id))).await
    }

    /// `GET /api/organizations/{id}/users`, every page, each with their organization roles.
    pub async fn organization_members(
        &self,
        org_id: &OrganizationId,
    ) -> Result<Vec<OrganizationMember>, ManagementError> {
        self.get_all(&format!("/organizations/{}/users", segment(org_id))).await
    }

    /// `POST /api/organizations/{id}/users` (members already in stay).
    pub async fn add_organization_members(
        &self,
        org_id: &OrganizationId,
        user_ids: &[UserId],
    ) -> Result<(), ManagementError> {
        let path = format!("/organizations/{}/users", segment(org_id));
        self.write(Method::POST, &path, json!({"userIds": user_ids})).await
    }

    /// `DELETE /api/organizations/{id}/users/{user_id}`.
    pub async fn remove_organization_member(
        &self,
        org_id: &OrganizationId,
        user_id: &UserId,
    ) -> Result<(), ManagementError> {
        self.delete(&format!("/organizations/{}/users/{}", segment(org_id), segment(user_id))).await
    }

    /// `GET /api/organizations/{id}/users/{user_id}/roles`, every page.
    pub async fn member_roles(
        &self,
        org_id: &OrganizationId,
        user_id: &UserId,
    ) -> Result<Vec<OrganizationRole>, ManagementError> {
        self.get_all(&format!("/organizations/{}/users/{}/roles", segment(org_id), segment(user_id))).await
    }

    /// `POST /api/organizations/{id}/users/{user_id}/roles`: adds organization roles (by id).
    pub async fn assign_member_roles(
        &self,
        org_id: &OrganizationId,
        user_id: &UserId,
        role_ids: &[OrganizationRoleId],
    ) -> Result<(), ManagementError> {
        let path = format!("/organizations/{}/users/{}/roles", segment(org_id), segment(user_id));
        self.write(Method::POST, &path, json!({"organizationRoleIds": role_ids})).await
    }

    /// `PUT /api/organizations/{id}/users/{user_id}/roles`: replaces a member's organization roles.
    pub async fn set_member_roles(
        &self,
        org_id: &OrganizationId,
        user_id: &UserId,
        role_ids: &[OrganizationRoleId],
    ) -> Result<(), ManagementError> {
        let path = format!("/organizations/{}/users/{}/roles", segment(org_id), segment(user_id));
        self.write(Method::PUT, &path, json!({"organizationRoleIds": role_ids})).await
    }

    /// `POST /api/organizations/{id}/users/roles`: gives every listed member every listed role.
    pub async fn add_members_roles(
        &self,
        org_id: &OrganizationId,
        user_ids: &[UserId],
        role_ids: &[OrganizationRoleId],
    ) -> Result<(), ManagementError> {
        let path = format!("/organizations/{}/users/roles", segment(org_id));
        self.write(Method::POST, &path, json!({"userIds": user_ids, "organizationRoleIds": role_ids})).await
    }

    /// `GET /api/organizations/{id}/users/{user_id}/scopes`: the organization permissions the member's
    /// roles hold now (none for a non-member): how a backend checks a permission that a still-valid
    /// token may no longer have.
    pub async fn member_scopes(
        &self,
        org_id: &OrganizationId,
        user_id: &UserId,
    ) -> Result<Vec<OrganizationScope>, ManagementError> {
        self.get_json(&format!("/organizations/{}/users/{}/scopes", segment(org_id), segment(user_id))).await
    }

    /// `POST /api/organization-invitations`.
    pub async fn create_invitation(&self, new: &NewInvitation) -> Result<Invitation, ManagementError> {
        let mut body = json!({"inviterId": new.inviter_id, "invitee": new.invitee,
            "organizationId": new.organization_id, "expiresAt": new.expires_at,
            "organizationRoleIds": new.organization_role_ids});
        if let Some(payload) = &new.message_payload {
            body["messagePayload"] = payload.clone();
        }
        self.post_json("/organization-invitations", body).await
    }

    /// `GET /api/organization-invitations`, newest first (Logto pages it not).
    pub async fn list_invitations(&self, filter: &InvitationFilter) -> Result<Vec<Invitation>, ManagementError> {
        let query: Vec<String> = [
            ("organizationId", filter.organization_id.as_deref()),
            ("inviterId", filter.inviter_id.as_deref()),
            ("invitee", filter.invitee.as_deref()),
        ]
        .into_iter()
        .filter_map(|(key, value)| Some(format!("{key}={}", segment(value?))))
        .collect();
        let path = if query.is_empty() {
            "/organization-invitations".to_string()
        } else {
            format!("/organization-invitations?{}", query.join("&"))
        };
        self.get_json(&path).await
    }

    /// `GET /api/organization-invitations/{id}`.
    pub async fn get_invitation(&self, id: &InvitationId) -> Result<Invitation, ManagementError> {
        self.get_json(&format!("/organization-invitations/{}", segment(id))).await
    }

    /// `DELETE /api/organization-invitations/{id}`.
    pub async fn delete_invitation(&self, id: &InvitationId) -> Result<(), ManagementError> {
        self.delete(&format!("/organization-invitations/{}", segment(id))).await
    }

    /// `PUT /api/organization-invitations/{id}/status` `Accepted`: `user_id` (whose primary email is
    /// the invitee's) joins with the invitation's roles.
    pub async fn accept_invitation(&self, id: &InvitationId, user_id: &UserId) -> Result<Invitation, ManagementError> {
        let path = format!("/organization-invitations/{}/status", segment(id));
        self.json(Method::PUT, &path, Some(&json!({"status": "Accepted", "acceptedUserId": user_id}))).await
    }

    /// `PUT /api/organization-invitations/{id}/status` `Revoked`.
    pub async fn revoke_invitation(&self, id: &InvitationId) -> Result<Invitation, ManagementError> {
        let path = format!("/organization-invitations/{}/status", segment(id));
        self.json(Method::PUT, &path, Some(&json!({"status": "Revoked"}))).await
    }

    /// `POST /api/organization-invitations/{id}/message`: has Logto email the invitation (again)
    /// with `payload`'s fields (`link`, `locale`, …) over its own context (the organization, the
    /// inviter). 501 `connector.not_found` when Logto has no email connector.
    pub async fn send_invitation_message(
        &self,
        id: &InvitationId,
        payload: &serde_json::Value,
    ) -> Result<(), ManagementError> {
        let path = format!("/organization-invitations/{}/message", segment(id));
        self.write(Method::POST, &path, payload.clone()).await
    }

    /// `POST /api/subject-tokens`: a single-use token standing for `user_id`, for the token-exchange
    /// grant of an app allowed to exchange (impersonation); `context` is kept by Logto for its logs.
    pub async fn create_subject_token(
        &self,
        user_id: &UserId,
        context: Option<&serde_json::Value>,
    ) -> Result<SubjectToken, ManagementError> {
        let mut body = json!({"userId": user_id});
        if let Some(context) = context {
            body["context"] = context.clone();
        }
        self.post_json("/subject-tokens", body).await
    }

    /// `POST /api/users/{id}/personal-access-tokens`: a new token named `name` (unique per user),
    /// expiring at `expires_at` (ms) or never.
    pub async fn create_personal_access_token(
        &self,
        user_id: &UserId,
        name: &str,
        expires_at: Option<i64>,
    ) -> Result<PersonalAccessToken, ManagementError> {
        let path = format!("/users/{}/personal-access-tokens", segment(user_id));
        self.post_json(&path, json!({"name": name, "expiresAt": expires_at})).await
    }

    /// `GET /api/users/{id}/personal-access-tokens`: the user's tokens (Logto lists the values).
    pub async fn personal_access_tokens(&self, user_id: &UserId) -> Result<Vec<PersonalAccessToken>, ManagementError> {
        self.get_json(&format!("/users/{}/personal-access-tokens", segment(user_id))).await
    }

    /// `PATCH /api/users/{id}/personal-access-tokens` `{currentName, name}`: renames one.
    pub async fn rename_personal_access_token(
        &self,
        user_id: &UserId,
        current: &str,
        name: &str,
    ) -> Result<PersonalAccessToken, ManagementError> {
        let path = format!("/users/{}/personal-access-tokens", segment(user_id));
        self.json(Method::PATCH, &path, Some(&json!({"currentName": current, "name": name}))).await
    }

    /// `POST /api/users/{id}/personal-access-tokens/delete` `{name}`: deletes one (a name needs no
    /// escaping in a body, as it would in a path).
    pub async fn delete_personal_access_token(&self, user_id: &UserId, name: &str) -> Result<(), ManagementError> {
        let path = format!("/users/{}/personal-access-tokens/delete", segment(user_id));
        self.write(Method::POST, &path, json!({"name": name})).await
    }

    /// `GET /api/users/{id}/organizations`: the user's organizations with their roles there.
    pub async fn user_organizations(&self, user_id: &UserId) -> Result<Vec<Organization>, ManagementError> {
        self.get_json(&format!("/users/{}/organizations", segment(user_id))).await
    }

    /// `GET /api/organizations/{id}/applications`, every page.
    pub async fn organization_applications(
        &self,
        org_id: &OrganizationId,
    ) -> Result<Vec<OrganizationApplication>, ManagementError> {
        self.get_all(&format!("/organizations/{}/applications", segment(org_id))).await
    }

    /// `POST /api/organizations/{id}/applications` (machine-to-machine applications only).
    pub async fn add_organization_applications(
        &self,
        org_id: &OrganizationId,
        app_ids: &[ApplicationId],
    ) -> Result<(), ManagementError> {
        let path = format!("/organizations/{}/applications", segment(org_id));
        self.write(Method::POST, &path, json!({"applicationIds": app_ids})).await
    }

    /// `POST /api/organizations/{id}/applications/{app_id}/roles`.
    pub async fn assign_organization_application_roles(
        &self,
        org_id: &OrganizationId,
        app_id: &ApplicationId,
        role_ids: &[OrganizationRoleId],
    ) -> Result<(), ManagementError> {
        let path = format!("/organizations/{}/applications/{}/roles", segment(org_id), segment(app_id));
        self.write(Method::POST, &path, json!({"organizationRoleIds": role_ids})).await
    }

    /// `GET /api/hooks`, every page.
    pub async fn list_hooks(&self) -> Result<Vec<Hook>, ManagementError> {
        self.get_all("/hooks").await
    }

    /// `POST /api/hooks`: a webhook posting `events` to `url`; Logto makes its signing key.
    pub async fn create_hook(&self, name: &str, events: &[&str], url: &str) -> Result<Hook, ManagementError> {
        self.post_json("/hooks", json!({"name": name, "events": events, "config": {"url": url}})).await
    }

    /// `PATCH /api/hooks/{id}`: new events and URL, enabled.
    pub async fn update_hook(&self, id: &HookId, events: &[&str], url: &str) -> Result<Hook, ManagementError> {
        self.json(
            Method::PATCH,
            &format!("/hooks/{}", segment(id)),
            Some(&json!({"events": events, "config": {"url": url}, "enabled": true})),
        )
        .await
    }

    /// `GET /api/applications/{id}/organizations`, every page.
    pub async fn application_organizations(
        &self,
        app_id: &ApplicationId,
    ) -> Result<Vec<Organization>, ManagementError> {
        self.get_all(&format!("/applications/{}/organizations", segment(app_id))).await
    }
}

/// Everything but RFC 3986's unreserved characters is encoded.
const SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes one path segment (or query value): a space is `%20`, never the form encoding's
/// `+`, which a path would keep as a plus sign.
fn segment(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded_as_segments() {
        // Found in review: the form encoding turned a space into `+`, a different id in a path.
        assert_eq!(segment("a b"), "a%20b");
        assert_eq!(segment("a+b/c?d#e%"), "a%2Bb%2Fc%3Fd%23e%25");
        assert_eq!(segment("p861e0zr9ryv-._~"), "p861e0zr9ryv-._~");
    }

    /// Issue 22, item 4: a configuration printed with `{:?}` (a log line, a panic) shows no secret.
    #[test]
    fn the_config_debug_shows_no_secret() {
        let config = ManagementConfig::new("http://localhost:3001", "m2m-app", "s3cr3t-value-0123456789");
        let printed = format!("{config:?}");
        assert!(printed.contains("m2m-app") && !printed.contains("s3cr3t"), "{printed}");
        assert_eq!(config.app_secret.secret(), "s3cr3t-value-0123456789");
    }

    #[test]
    fn retry_after_wins_up_to_a_cap_else_backoff_doubles() {
        let p =
            RetryPolicy { max_retries: 3, base: Duration::from_millis(100), max_retry_after: Duration::from_secs(5) };
        assert_eq!(p.delay(0, None), Duration::from_millis(100));
        assert_eq!(p.delay(2, None), Duration::from_millis(400));
        let v = reqwest::header::HeaderValue::from_static("2");
        assert_eq!(p.delay(0, Some(&v)), Duration::from_secs(2));
        let v = reqwest::header::HeaderValue::from_static("600");
        assert_eq!(p.delay(0, Some(&v)), Duration::from_secs(5));
    }
}
