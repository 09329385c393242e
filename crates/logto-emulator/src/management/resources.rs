//! API resources and their scopes (`/api/resources`).

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

use super::guard::{self, Field, Kind};
use super::pagination::ListRequest;
use crate::error::ApiError;
use crate::ids::standard_id;
use crate::model::{Resource, Scope};
use crate::seed::MANAGEMENT_API_INDICATOR;
use crate::state::AppState;

/// `GET /api/resources[?includeScopes=true]` (paginated when asked, as Logto's `resource.ts`).
pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Result<Response, ApiError> {
    let list = ListRequest::optionally_paged(uri)?;
    let include = list.params.get("includeScopes").ok().flatten() == Some("true");
    let resources = state.store().resources.iter().map(|r| r.to_api_json(include)).collect();
    Ok(list.answer(&state.endpoint, resources))
}

pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    state.store().resource_by_id(&id).map(|r| Json(r.to_api_json(false))).ok_or_else(ApiError::not_found)
}

/// `POST /api/resources`'s guard (`Resources.createGuard`).
const NEW_RESOURCE: &[Field] = &[
    Field::required("name", Kind::Str { min: 1, max: None, pattern: None }),
    Field::required("indicator", Kind::Str { min: 1, max: None, pattern: Some(is_absolute_uri) }),
    Field::optional("accessTokenTtl", Kind::Number),
];

/// `PATCH /api/resources/{id}`'s guard.
const RESOURCE_CHANGES: &[Field] = &[
    Field::optional("name", Kind::Str { min: 1, max: None, pattern: None }),
    Field::optional("accessTokenTtl", Kind::Number),
];

/// `POST /api/resources/{id}/scopes`'s guard and the `scopes` table's `name varchar(256)`.
const NEW_SCOPE: &[Field] =
    &[Field::required("name", guard::string(1, 256)), Field::nullable("description", guard::ANY_STRING)];

fn is_absolute_uri(s: &str) -> bool {
    url::Url::parse(s).is_ok()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewResource {
    name: String,
    indicator: String,
    #[serde(default, deserialize_with = "whole_seconds")]
    access_token_ttl: Option<i64>,
}

/// `accessTokenTtl` in whole seconds (the column is a bigint; a fraction is refused by the guard below).
fn whole_seconds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let n = <Option<f64> as Deserialize>::deserialize(d)?;
    Ok(n.map(|n| if n.fract() == 0.0 && n.abs() < 9.0e15 { n as i64 } else { 0 }))
}

fn ttl_not_positive() -> ApiError {
    guard::invalid_input(vec![serde_json::json!({"code": "too_small", "minimum": 1, "type": "number",
        "inclusive": true, "exact": false, "message": "Number must be a positive whole number of seconds",
        "path": ["accessTokenTtl"]})])
}

pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new: NewResource = guard::body(&body, NEW_RESOURCE)?;
    if new.access_token_ttl.is_some_and(|t| t <= 0) {
        return Err(ttl_not_positive());
    }
    let mut write = state.write();
    let store = write.read();
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
    drop(store);
    write.put(resource)?;
    Ok((StatusCode::CREATED, Json(body)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceChanges {
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "whole_seconds")]
    access_token_ttl: Option<i64>,
}

/// `PATCH /api/resources/{id}` `{name?, accessTokenTtl?}` → 200 with the resource, as Logto's
/// `routes/resource.ts` (the Management API resource cannot be modified).
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let changes: ResourceChanges = guard::body(&body, RESOURCE_CHANGES)?;
    if changes.access_token_ttl.is_some_and(|t| t <= 0) {
        return Err(ttl_not_positive());
    }
    let mut write = state.write();
    let store = write.read();
    let mut resource = store.resource_by_id(&id).cloned().ok_or_else(ApiError::not_found)?;
    if resource.indicator == MANAGEMENT_API_INDICATOR {
        return Err(cannot_modify_management_api());
    }
    if let Some(name) = changes.name {
        resource.name = name;
    }
    if let Some(ttl) = changes.access_token_ttl {
        resource.access_token_ttl = ttl;
    }
    let body = resource.to_api_json(false);
    drop(store);
    write.put(resource)?;
    Ok(Json(body))
}

fn cannot_modify_management_api() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "resource.cannot_modify_management_api",
        "You cannot modify the Management API.",
    )
}

/// `GET /api/resources/{id}/scopes` (paginated, as Logto's `resource.scope.ts`).
pub async fn scopes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let list = ListRequest::paged(uri)?;
    let store = state.store();
    let r = store.resource_by_id(&id).ok_or_else(ApiError::not_found)?;
    let scopes = r.scopes.iter().rev().map(|s| r.scope_json(s)).collect();
    Ok(list.answer(&state.endpoint, scopes))
}

#[derive(Deserialize)]
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
    let new: NewScope = guard::body(&body, NEW_SCOPE)?;
    let now = state.clock.now_ms();
    let mut write = state.write();
    let store = write.read();
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
    drop(store);
    write.put(resource)?;
    Ok((StatusCode::CREATED, Json(body)))
}
