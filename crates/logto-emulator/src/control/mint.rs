//! `POST /_emulator/tokens`: an access token for any user or application, resource and scopes,
//! signed like a real one, without going through a sign-in. For tests that are not about sign-in.
//! With `organizationId`: an organization token (no `resource`) or an organization-level API token
//! (with `resource`: `organization_id` claim), for a member of that organization.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::oidc::org_access_token_jwt;
use crate::request::parse_body;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Mint {
    client_id: String,
    #[serde(default)]
    resource: Option<String>,
    #[serde(default)]
    organization_id: Option<String>,
    #[serde(default)]
    scopes: Vec<String>,
    /// The user the token is for; an application token (`sub` = client id) when absent.
    #[serde(default)]
    user_id: Option<String>,
    /// Lifetime in seconds (default: the resource's access-token TTL).
    #[serde(default)]
    ttl: Option<i64>,
}

pub async fn mint(State(state): State<AppState>, body: axum::body::Bytes) -> Result<Json<Value>, ApiError> {
    let mint: Mint = parse_body(&body)?;
    let (default_ttl, aud) = state.tenant.read(|store| {
        if !store.applications.contains_key(&mint.client_id) {
            return Err(ApiError::invalid_body(format!("no application {}", mint.client_id)));
        }
        if let Some(user) = &mint.user_id {
            if store.user(user).is_none() {
                return Err(ApiError::invalid_body(format!("no user {user}")));
            }
        }
        if let Some(org_id) = &mint.organization_id {
            let org = store
                .organization(org_id)
                .ok_or_else(|| ApiError::invalid_body(format!("no organization {org_id}")))?;
            let subject = mint.user_id.as_deref().unwrap_or(&mint.client_id);
            if org.member(subject).is_none() && org.application(subject).is_none() {
                return Err(ApiError::invalid_body(format!("{subject} is not in organization {org_id}")));
            }
        }
        match (&mint.resource, &mint.organization_id) {
            (Some(resource), _) => store
                .resource(resource)
                .map(|r| (r.access_token_ttl, resource.clone()))
                .ok_or_else(|| ApiError::invalid_body(format!("no API resource {resource}"))),
            (None, Some(org)) => Ok((crate::oidc::DEFAULT_TTL, crate::oidc::organization_audience(org))),
            (None, None) => Err(ApiError::invalid_body("give resource, organizationId, or both")),
        }
    })?;
    let ttl = mint.ttl.unwrap_or(default_ttl);
    // Bounded above too: `iat + ttl` must not overflow.
    if !(1..=10 * 365 * 24 * 3600).contains(&ttl) {
        return Err(ApiError::invalid_body("ttl must be between 1 second and 10 years"));
    }
    let scope = mint.scopes.join(" ");
    let sub = mint.user_id.as_deref().unwrap_or(&mint.client_id);
    // User tokens always carry `scope` (maybe ""); application tokens omit an empty one, as Logto.
    let scope_claim = (mint.user_id.is_some() || !scope.is_empty()).then_some(scope.as_str());
    let org_claim = mint.resource.as_ref().and(mint.organization_id.as_deref());
    let token = org_access_token_jwt(&state, sub, &mint.client_id, &aud, scope_claim, ttl, org_claim);
    Ok(Json(json!({"access_token": token, "expires_in": ttl, "token_type": "Bearer", "scope": scope})))
}
