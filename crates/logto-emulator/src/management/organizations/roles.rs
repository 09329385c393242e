//! Organization roles (`/api/organization-roles`), with their organization scopes (`/scopes`) and
//! API-resource scopes (`/resource-scopes`, "organization-level API permissions"). Listed by name;
//! the list carries each role's `scopes` and `resourceScopes` (`{id, name}`, by id).

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::super::guard::{self, Field, Kind};
use super::super::pagination::ListRequest;
use crate::error::ApiError;
use crate::ids::standard_id;
use crate::model::{OrgRole, RoleType};
use crate::seed::MANAGEMENT_API_INDICATOR;
use crate::state::AppState;
use crate::store::Store;

const NEW_ROLE: &[Field] = &[
    Field::required("name", guard::string(1, 128)),
    Field::nullable("description", guard::string(0, 256)),
    Field::optional("type", Kind::Enum(&["User", "MachineToMachine"])),
    Field::optional("organizationScopeIds", Kind::Strings { min: 0 }),
    Field::optional("resourceScopeIds", Kind::Strings { min: 0 }),
];
const ROLE_CHANGES: &[Field] =
    &[Field::optional("name", guard::string(1, 128)), Field::nullable("description", guard::string(0, 256))];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoleBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "super::super::nullable")]
    description: Option<Option<String>>,
    #[serde(rename = "type", default)]
    role_type: Option<RoleType>,
    #[serde(default)]
    organization_scope_ids: Vec<String>,
    #[serde(default)]
    resource_scope_ids: Vec<String>,
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_exists_with_id("organization_roles", id)
}

/// Every id must be an organization scope.
fn check_org_scopes(store: &Store, ids: &[String]) -> Result<(), ApiError> {
    match ids.iter().all(|id| store.org_scope(id).is_some()) {
        true => Ok(()),
        false => Err(ApiError::foreign_key_not_found()),
    }
}

/// Every id must be a scope of an API resource (not the Management API's).
fn check_resource_scopes(store: &Store, ids: &[String]) -> Result<(), ApiError> {
    let ok = ids.iter().all(|id| store.scope_by_id(id).is_some_and(|(r, _)| r.indicator != MANAGEMENT_API_INDICATOR));
    if ok {
        Ok(())
    } else {
        Err(ApiError::foreign_key_not_found())
    }
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
    let store = state.store();
    let mut roles: Vec<&OrgRole> = store
        .org_roles
        .iter()
        .filter(|r| super::search_matches(q, &[Some(&r.id), Some(&r.name), r.description.as_deref()]))
        .collect();
    roles.sort_by(|a, b| a.name.cmp(&b.name));
    let items = roles.into_iter().map(|r| listed(&store, r)).collect();
    Ok(list.answer(&state.endpoint, items))
}

/// `POST /api/organization-roles` → 201 (the answer carries no scopes, as Logto's).
pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new: RoleBody = guard::body(&body, NEW_ROLE)?;
    let name = new.name.unwrap_or_default();
    let mut write = state.write();
    let store = write.read();
    if store.org_roles.iter().any(|r| r.name == name) {
        return Err(ApiError::unique_violation());
    }
    check_org_scopes(&store, &new.organization_scope_ids)?;
    check_resource_scopes(&store, &new.resource_scope_ids)?;
    let role = OrgRole {
        id: standard_id(21),
        name,
        description: new.description.flatten(),
        role_type: new.role_type.unwrap_or(RoleType::User),
        scope_ids: dedup(new.organization_scope_ids),
        resource_scope_ids: dedup(new.resource_scope_ids),
    };
    let answer = role.to_api_json();
    drop(store);
    write.put(role)?;
    Ok((StatusCode::CREATED, Json(answer)))
}

fn dedup(mut ids: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    ids
}

pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    state.store().org_role(&id).map(|r| Json(r.to_api_json())).ok_or_else(|| not_found(&id))
}

pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let changes: RoleBody = guard::body(&body, ROLE_CHANGES)?;
    let mut write = state.write();
    let store = write.read();
    let mut role = store.org_role(&id).cloned().ok_or_else(|| ApiError::not_exists("organization role"))?;
    if let Some(name) = changes.name {
        if store.org_roles.iter().any(|r| r.name == name && r.id != id) {
            return Err(ApiError::unique_violation());
        }
        role.name = name;
    }
    if let Some(description) = changes.description {
        role.description = description;
    }
    let answer = role.to_api_json();
    drop(store);
    write.put(role)?;
    Ok(Json(answer))
}

pub async fn delete(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if !state.write().remove_org_role(&id)? {
        return Err(not_found(&id));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Which of a role's two scope lists a route works on.
#[derive(Clone, Copy)]
enum Which {
    Organization,
    Resource,
}

impl Which {
    fn ids(self, role: &mut OrgRole) -> &mut Vec<String> {
        match self {
            Which::Organization => &mut role.scope_ids,
            Which::Resource => &mut role.resource_scope_ids,
        }
    }

    fn body_key(self) -> &'static str {
        match self {
            Which::Organization => "organizationScopeIds",
            Which::Resource => "scopeIds",
        }
    }

    fn check(self, store: &Store, ids: &[String]) -> Result<(), ApiError> {
        match self {
            Which::Organization => check_org_scopes(store, ids),
            Which::Resource => check_resource_scopes(store, ids),
        }
    }

    /// The full scope objects, ordered by id.
    fn objects(self, store: &Store, role: &OrgRole) -> Vec<Value> {
        let mut out: Vec<(String, Value)> = match self {
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
}

async fn get_scopes(state: AppState, id: String, uri: axum::http::Uri, which: Which) -> Result<Response, ApiError> {
    let list = ListRequest::optionally_paged(uri)?;
    let store = state.store();
    let role = store.org_role(&id).ok_or_else(|| not_found(&id))?;
    let items = which.objects(&store, role);
    Ok(list.answer(&state.endpoint, items))
}

/// Adds (`replace: false`: 201 `Created`, ids already held are kept once) or replaces (204).
async fn write_scopes(
    state: AppState,
    id: String,
    body: Bytes,
    which: Which,
    replace: bool,
) -> Result<Response, ApiError> {
    let ids = super::id_list(&body, which.body_key(), replace)?;
    let mut write = state.write();
    let store = write.read();
    let mut role = store.org_role(&id).cloned().ok_or_else(ApiError::foreign_key_not_found)?;
    which.check(&store, &ids)?;
    let held = which.ids(&mut role);
    if replace {
        *held = dedup(ids);
    } else {
        held.extend(ids);
        *held = dedup(std::mem::take(held));
    }
    drop(store);
    write.put(role)?;
    Ok(if replace { axum::response::IntoResponse::into_response(StatusCode::NO_CONTENT) } else { super::created() })
}

async fn remove_one(state: AppState, id: String, scope_id: String, which: Which) -> Result<StatusCode, ApiError> {
    let mut write = state.write();
    let store = write.read();
    let mut role = store.org_role(&id).cloned().ok_or_else(|| not_found(&id))?;
    let held = which.ids(&mut role);
    if !held.contains(&scope_id) {
        return Err(ApiError::not_found());
    }
    held.retain(|s| s != &scope_id);
    drop(store);
    write.put(role)?;
    Ok(StatusCode::NO_CONTENT)
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
