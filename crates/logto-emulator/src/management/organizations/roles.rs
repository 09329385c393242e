//! Organization roles (`/api/organization-roles`), with their organization scopes (`/scopes`) and
//! API-resource scopes (`/resource-scopes`, "organization-level API permissions"). Listed by name;
//! the list carries each role's `scopes` and `resourceScopes` (`{id, name}`, by id).

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde_json::{json, Value};

use super::super::guard::{self, Field, Kind};
use super::super::pagination::ListRequest;
use crate::error::ApiError;
use crate::model::OrgRole;
use crate::state::AppState;
use crate::store::Store;
use crate::tenant::{OrgRoleFields, RoleScopes as Which};

const NEW_ROLE: &[Field] = &[
    Field::required("name", guard::string(1, 128)),
    Field::nullable("description", guard::string(0, 256)),
    Field::optional("type", Kind::Enum(&["User", "MachineToMachine"])),
    Field::optional("organizationScopeIds", Kind::Strings { min: 0 }),
    Field::optional("resourceScopeIds", Kind::Strings { min: 0 }),
];
const ROLE_CHANGES: &[Field] =
    &[Field::optional("name", guard::string(1, 128)), Field::nullable("description", guard::string(0, 256))];

fn not_found(id: &str) -> ApiError {
    ApiError::not_exists_with_id("organization_roles", id)
}

/// The role as the list shows it: with `scopes` and `resourceScopes`, each ordered by id.
fn listed(store: &Store, role: &OrgRole) -> Value {
    let mut scopes: Vec<_> = role.scope_ids.iter().filter_map(|id| store.org_scope(id)).collect();
    scopes.sort_by(|a, b| a.id.cmp(&b.id));
    let mut resource_scopes: Vec<_> = role.resource_scope_ids.iter().filter_map(|id| store.scope_by_id(id)).collect();
    resource_scopes.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    let mut v = role.to_api_json();
    v["scopes"] = scopes.iter().map(|s| json!({"id": s.id, "name": s.name})).collect();
    v["resourceScopes"] = resource_scopes
        .iter()
        .map(|(r, s)| json!({"id": s.id, "name": s.name, "resource": {"id": r.id, "name": r.name}}))
        .collect();
    v
}

pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Result<Response, ApiError> {
    let list = ListRequest::paged(uri)?;
    let q = list.params.get("q").ok().flatten();
    let items = state.tenant.read(|store| {
        let mut roles: Vec<&OrgRole> = store
            .org_roles
            .iter()
            .filter(|r| super::search_matches(q, &[Some(&r.id), Some(&r.name), r.description.as_deref()]))
            .collect();
        roles.sort_by(|a, b| a.name.cmp(&b.name));
        roles.into_iter().map(|r| listed(store, r)).collect()
    });
    Ok(list.answer(&state.endpoint, items))
}

/// `POST /api/organization-roles` → 201 (the answer carries no scopes, as Logto's).
pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new: OrgRoleFields = guard::body(&body, NEW_ROLE)?;
    let role = state.tenant.create_org_role(new)?;
    Ok((StatusCode::CREATED, Json(role.to_api_json())))
}

pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    state.tenant.read(|store| store.org_role(&id).map(|r| Json(r.to_api_json()))).ok_or_else(|| not_found(&id))
}

pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let changes: OrgRoleFields = guard::body(&body, ROLE_CHANGES)?;
    let role = state.tenant.update_org_role(&id, changes)?;
    Ok(Json(role.to_api_json()))
}

pub async fn delete(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if !state.tenant.delete_org_role(&id)? {
        return Err(not_found(&id));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The body key a route's scope list comes in.
fn body_key(which: Which) -> &'static str {
    match which {
        Which::Organization => "organizationScopeIds",
        Which::Resource => "scopeIds",
    }
}

/// One of a role's scope lists as full scope objects, ordered by id.
fn objects(which: Which, store: &Store, role: &OrgRole) -> Vec<Value> {
    let mut out: Vec<(String, Value)> = match which {
        Which::Organization => role
            .scope_ids
            .iter()
            .filter_map(|id| store.org_scope(id))
            .map(|s| (s.id.clone(), s.to_api_json()))
            .collect(),
        Which::Resource => role
            .resource_scope_ids
            .iter()
            .filter_map(|id| store.scope_by_id(id))
            .map(|(r, s)| (s.id.clone(), r.scope_json(s)))
            .collect(),
    };
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.into_iter().map(|(_, v)| v).collect()
}

async fn get_scopes(state: AppState, id: String, uri: axum::http::Uri, which: Which) -> Result<Response, ApiError> {
    let list = ListRequest::optionally_paged(uri)?;
    let items = state.tenant.read(|store| store.org_role(&id).map(|role| objects(which, store, role)));
    Ok(list.answer(&state.endpoint, items.ok_or_else(|| not_found(&id))?))
}

/// Adds (`replace: false`: 201 `Created`, ids already held are kept once) or replaces (204).
async fn write_scopes(
    state: AppState,
    id: String,
    body: Bytes,
    which: Which,
    replace: bool,
) -> Result<Response, ApiError> {
    let ids = super::id_list(&body, body_key(which), replace)?;
    state.tenant.set_org_role_scopes(&id, which, ids, replace)?;
    Ok(if replace { axum::response::IntoResponse::into_response(StatusCode::NO_CONTENT) } else { super::created() })
}

async fn remove_one(state: AppState, id: String, scope_id: String, which: Which) -> Result<StatusCode, ApiError> {
    match state.tenant.remove_org_role_scope(&id, which, &scope_id)? {
        None => Err(not_found(&id)),
        Some(false) => Err(ApiError::not_found()),
        Some(true) => Ok(StatusCode::NO_CONTENT),
    }
}

pub async fn scopes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    get_scopes(state, id, uri, Which::Organization).await
}

pub async fn add_scopes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    write_scopes(state, id, body, Which::Organization, false).await
}

pub async fn set_scopes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    write_scopes(state, id, body, Which::Organization, true).await
}

pub async fn remove_scope(
    State(state): State<AppState>,
    Path((id, scope_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    remove_one(state, id, scope_id, Which::Organization).await
}

pub async fn resource_scopes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    get_scopes(state, id, uri, Which::Resource).await
}

pub async fn add_resource_scopes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    write_scopes(state, id, body, Which::Resource, false).await
}

pub async fn set_resource_scopes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    write_scopes(state, id, body, Which::Resource, true).await
}

pub async fn remove_resource_scope(
    State(state): State<AppState>,
    Path((id, scope_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    remove_one(state, id, scope_id, Which::Resource).await
}
