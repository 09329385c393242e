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
use crate::state::AppState;
use crate::tenant::{NewResource, NewScope, ResourcePatch};

/// `GET /api/resources[?includeScopes=true]` (paginated when asked, as Logto's `resource.ts`).
pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Result<Response, ApiError> {
    let list = ListRequest::optionally_paged(uri)?;
    let include = list.params.get("includeScopes").ok().flatten() == Some("true");
    let resources = state.tenant.read(|store| store.resources.iter().map(|r| r.to_api_json(include)).collect());
    Ok(list.answer(&state.endpoint, resources))
}

pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    state
        .tenant
        .read(|store| store.resource_by_id(&id).map(|r| Json(r.to_api_json(false))))
        .ok_or_else(ApiError::not_found)
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
struct WireResource {
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
    let new: WireResource = guard::body(&body, NEW_RESOURCE)?;
    if new.access_token_ttl.is_some_and(|t| t <= 0) {
        return Err(ttl_not_positive());
    }
    let new = NewResource { name: new.name, indicator: new.indicator, access_token_ttl: new.access_token_ttl };
    let resource = state.tenant.create_resource(new)?;
    Ok((StatusCode::CREATED, Json(resource.to_api_json(true))))
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
    let patch = ResourcePatch { name: changes.name, access_token_ttl: changes.access_token_ttl };
    let resource = state.tenant.update_resource(&id, patch)?;
    Ok(Json(resource.to_api_json(false)))
}

/// `GET /api/resources/{id}/scopes` (paginated, as Logto's `resource.scope.ts`).
const IS_DEFAULT: &[Field] = &[Field::required("isDefault", Kind::Bool)];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IsDefault {
    is_default: bool,
}

/// `PATCH /api/resources/{id}/is-default` `{isDefault}` → the resource (`routes/resource.ts`).
pub async fn set_default(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let IsDefault { is_default } = guard::body(&body, IS_DEFAULT)?;
    Ok(Json(state.tenant.set_default_resource(&id, is_default)?.to_api_json(false)))
}

pub async fn scopes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let list = ListRequest::paged(uri)?;
    let search = super::search::Search::of::<crate::model::Scope>(&list.params)?;
    let scopes = state.tenant.read(|store| {
        let r = store.resource_by_id(&id)?;
        Some(r.scopes.iter().rev().filter(|s| search.hits(*s)).map(|s| r.scope_json(s)).collect())
    });
    Ok(list.answer(&state.endpoint, scopes.ok_or_else(ApiError::not_found)?))
}

#[derive(Deserialize)]
struct WireScope {
    name: String,
    #[serde(default)]
    description: Option<String>,
}

pub async fn create_scope(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new: WireScope = guard::body(&body, NEW_SCOPE)?;
    let new = NewScope { name: new.name, description: new.description };
    let (resource, scope) = state.tenant.create_scope(&id, new, state.clock.now_ms())?;
    Ok((StatusCode::CREATED, Json(resource.scope_json(&scope))))
}

/// `DELETE /api/resources/{id}`: 204; its scopes leave every role.
pub async fn delete(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if !state.tenant.delete_resource(&id)? {
        return Err(ApiError::not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `PATCH /api/resources/{id}/scopes/{scope_id}`'s guard (`Scopes.createGuard.pick('name',
/// 'description')`, both optional).
const SCOPE_PATCH: &[Field] =
    &[Field::optional("name", guard::string(1, 256)), Field::nullable("description", guard::ANY_STRING)];

#[derive(Deserialize)]
struct ScopePatch {
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "crate::request::nullable")]
    description: Option<Option<String>>,
}

/// `PATCH /api/resources/{id}/scopes/{scope_id}`: the scope after.
pub async fn update_scope(
    State(state): State<AppState>,
    Path((id, scope_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let patch: ScopePatch = guard::body(&body, SCOPE_PATCH)?;
    let (resource, scope) = state.tenant.update_scope(&id, &scope_id, patch.name, patch.description)?;
    Ok(Json(resource.scope_json(&scope)))
}

/// `DELETE /api/resources/{id}/scopes/{scope_id}`: 204.
pub async fn delete_scope(
    State(state): State<AppState>,
    Path((id, scope_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.tenant.delete_scope(&id, &scope_id)?;
    Ok(StatusCode::NO_CONTENT)
}
