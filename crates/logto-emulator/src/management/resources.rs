//! API resources and their scopes (`/api/resources`).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

use super::parse_body;
use crate::error::ApiError;
use crate::ids::standard_id;
use crate::model::{Resource, Scope};
use crate::seed::MANAGEMENT_API_INDICATOR;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    #[serde(default)]
    include_scopes: Option<String>,
}

pub async fn list(State(state): State<AppState>, Query(q): Query<ListQuery>) -> Json<Value> {
    let include = q.include_scopes.as_deref() == Some("true");
    Json(state.store().resources.iter().map(|r| r.to_api_json(include)).collect())
}

pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    state.store().resource_by_id(&id).map(|r| Json(r.to_api_json(false))).ok_or_else(ApiError::not_found)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewResource {
    name: String,
    indicator: String,
    #[serde(default)]
    access_token_ttl: Option<i64>,
}

pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new: NewResource = parse_body(&body)?;
    if new.name.is_empty() || url::Url::parse(&new.indicator).is_err() {
        return Err(ApiError::invalid_body("name must be non-empty and indicator an absolute URI"));
    }
    let mut store = state.store();
    if store.resource(&new.indicator).is_some() {
        return Err(ApiError::unprocessable(
            "resource.resource_identifier_in_use",
            format!("The API identifier {} is already in use.", new.indicator),
        ));
    }
    let resource = Resource {
        id: standard_id(21),
        name: new.name,
        indicator: new.indicator,
        access_token_ttl: new.access_token_ttl.unwrap_or(3600),
        scopes: vec![],
    };
    let body = resource.to_api_json(true);
    store.put_resource(state.db(), resource)?;
    Ok((StatusCode::CREATED, Json(body)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResourceChanges {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    access_token_ttl: Option<i64>,
}

/// `PATCH /api/resources/{id}` `{name?, accessTokenTtl?}` → 200 with the resource, as Logto's
/// `routes/resource.ts` (the Management API resource cannot be modified).
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let changes: ResourceChanges = parse_body(&body)?;
    let mut store = state.store();
    let mut resource = store.resource_by_id(&id).cloned().ok_or_else(ApiError::not_found)?;
    if resource.indicator == MANAGEMENT_API_INDICATOR {
        return Err(cannot_modify_management_api());
    }
    if changes.name.as_deref().is_some_and(str::is_empty) || changes.access_token_ttl.is_some_and(|t| t <= 0) {
        return Err(ApiError::invalid_body("name must be non-empty and accessTokenTtl positive"));
    }
    if let Some(name) = changes.name {
        resource.name = name;
    }
    if let Some(ttl) = changes.access_token_ttl {
        resource.access_token_ttl = ttl;
    }
    let body = resource.to_api_json(false);
    store.put_resource(state.db(), resource)?;
    Ok(Json(body))
}

fn cannot_modify_management_api() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "resource.cannot_modify_management_api",
        "You cannot modify the Management API.",
    )
}

pub async fn scopes(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let r = store.resource_by_id(&id).ok_or_else(ApiError::not_found)?;
    Ok(Json(r.scopes_json()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewScope {
    name: String,
    #[serde(default)]
    description: Option<String>,
}

pub async fn create_scope(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new: NewScope = parse_body(&body)?;
    let now = state.clock.now_ms();
    let mut store = state.store();
    let mut resource = store.resource_by_id(&id).cloned().ok_or_else(ApiError::not_found)?;
    if resource.indicator == MANAGEMENT_API_INDICATOR {
        return Err(cannot_modify_management_api());
    }
    if new.name.is_empty() || new.name.contains(char::is_whitespace) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "scope.name_with_space",
            "The name of the scope cannot contain any spaces.",
        ));
    }
    if resource.scopes.iter().any(|s| s.name == new.name) {
        return Err(ApiError::unprocessable(
            "scope.name_exists",
            format!("The scope name {} is already in use.", new.name),
        ));
    }
    let scope = Scope { id: standard_id(21), name: new.name, description: new.description, created_at: now };
    let body = resource.scope_json(&scope);
    resource.scopes.push(scope);
    store.put_resource(state.db(), resource)?;
    Ok((StatusCode::CREATED, Json(body)))
}
