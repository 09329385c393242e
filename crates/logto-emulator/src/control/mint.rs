//! `POST /_emulator/tokens`: an access token for any user or application, resource and scopes,
//! signed like a real one, without going through a sign-in. For tests that are not about sign-in.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::management::parse_body;
use crate::oidc::access_token_jwt;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Mint {
    client_id: String,
    resource: String,
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
    let default_ttl = {
        let store = state.store();
        if !store.applications.contains_key(&mint.client_id) {
            return Err(ApiError::invalid_body(format!("no application {}", mint.client_id)));
        }
        if let Some(user) = &mint.user_id {
            if store.user(user).is_none() {
                return Err(ApiError::invalid_body(format!("no user {user}")));
            }
        }
        store
            .resource(&mint.resource)
            .map(|r| r.access_token_ttl)
            .ok_or_else(|| ApiError::invalid_body(format!("no API resource {}", mint.resource)))?
    };
    let ttl = mint.ttl.unwrap_or(default_ttl);
    if ttl <= 0 {
        return Err(ApiError::invalid_body("ttl must be positive"));
    }
    let scope = mint.scopes.join(" ");
    let sub = mint.user_id.as_deref().unwrap_or(&mint.client_id);
    // User tokens always carry `scope` (maybe ""); application tokens omit an empty one, as Logto.
    let scope_claim = (mint.user_id.is_some() || !scope.is_empty()).then_some(scope.as_str());
    let token = access_token_jwt(&state, sub, &mint.client_id, &mint.resource, scope_claim, ttl);
    Ok(Json(json!({"access_token": token, "expires_in": ttl, "token_type": "Bearer", "scope": scope})))
}
