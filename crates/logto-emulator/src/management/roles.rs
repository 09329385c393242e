//! Roles and their scopes (`/api/roles`).

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::guard::{self, Field, Kind};
use super::pagination::ListRequest;
use super::search::Search;
use crate::error::ApiError;
use crate::model::{Role, RoleType};
use crate::state::AppState;
use crate::store::Store;
use crate::tenant::NewRole;

/// A role as `GET /api/roles` lists it: with its users' and applications' counts and first few.
fn listed(store: &Store, role: &Role) -> Value {
    let users: Vec<_> = store.users.iter().filter(|u| u.role_ids.contains(&role.id)).collect();
    let apps: Vec<_> = store.applications.values().filter(|a| a.role_ids.contains(&role.id)).collect();
    let mut v = role.to_api_json();
    v["usersCount"] = json!(users.len());
    v["featuredUsers"] =
        users.iter().take(3).map(|u| json!({"id": u.id, "avatar": u.avatar, "name": u.name})).collect();
    v["applicationsCount"] = json!(apps.len());
    v["featuredApplications"] =
        apps.iter().take(3).map(|a| json!({"id": a.id, "name": a.name, "type": a.app_type})).collect();
    v
}

/// `GET /api/roles?type=…` (paginated, as Logto).
pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Result<Response, ApiError> {
    let list = ListRequest::paged(uri)?;
    let role_type = match list.params.get("type").ok().flatten() {
        None => None,
        Some("User") => Some(RoleType::User),
        Some("MachineToMachine") => Some(RoleType::MachineToMachine),
        Some(other) => {
            let mut e = guard::invalid_input(guard::issues(
                &json!({"type": other}),
                &[Field::optional("type", Kind::Enum(&["User", "MachineToMachine"]))],
            ));
            e.message = "The request query is invalid.".into();
            return Err(e);
        }
    };
    let search = Search::of::<Role>(&list.params)?;
    // `routes/role.ts`: roles the given user or application holds are left out.
    let exclude_user = list.params.get("excludeUserId").ok().flatten();
    let exclude_app = list.params.get("excludeApplicationId").ok().flatten();
    let roles = state.tenant.read(|store| {
        let held_by_user =
            |r: &Role| exclude_user.and_then(|u| store.user(u)).is_some_and(|u| u.role_ids.contains(&r.id));
        let held_by_app =
            |r: &Role| exclude_app.and_then(|a| store.applications.get(a)).is_some_and(|a| a.role_ids.contains(&r.id));
        store
            .roles
            .iter()
            .filter(|r| {
                role_type.is_none_or(|t| t == r.role_type) && search.hits(*r) && !held_by_user(r) && !held_by_app(r)
            })
            .map(|r| listed(store, r))
            .collect()
    });
    Ok(list.answer(&state.endpoint, roles))
}

/// `POST /api/roles`'s guard (`Roles.createGuard`; the `roles` table's `varchar(128)` columns).
const NEW_ROLE: &[Field] = &[
    Field::required("name", guard::string(1, 128)),
    Field::required("description", guard::string(1, 128)),
    Field::optional("type", Kind::Enum(&["User", "MachineToMachine"])),
    Field::optional("isDefault", Kind::Bool),
    Field::optional("scopeIds", Kind::Strings { min: 0 }),
];

const SCOPE_IDS: &[Field] = &[Field::required("scopeIds", Kind::Ids { min: 1 })];
const USER_IDS: &[Field] = &[Field::required("userIds", Kind::Ids { min: 1 })];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireRole {
    name: String,
    description: String,
    #[serde(rename = "type", default)]
    role_type: Option<RoleType>,
    #[serde(default)]
    scope_ids: Vec<String>,
    #[serde(default)]
    is_default: Option<bool>,
}

pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let new: WireRole = guard::body(&body, NEW_ROLE)?;
    let new = NewRole {
        is_default: new.is_default.unwrap_or(false),
        name: new.name,
        description: new.description,
        role_type: new.role_type.unwrap_or(RoleType::User),
        scope_ids: new.scope_ids,
    };
    let role = state.tenant.create_role(new)?;
    Ok(Json(role.to_api_json()))
}

/// The role's scopes, newest first as Logto lists them, each with its resource embedded.
fn role_scopes(store: &Store, role: &Role, keep: impl Fn(&crate::model::Scope) -> bool) -> Value {
    let mut held: Vec<(i64, usize, Value)> = role
        .scopes
        .iter()
        .filter_map(|(indicator, name)| {
            let resource = store.resource(indicator)?;
            let (position, scope) = resource.scopes.iter().enumerate().find(|(_, s)| &s.name == name)?;
            if !keep(scope) {
                return None;
            }
            let mut v = resource.scope_json(scope);
            v["resource"] = resource.to_api_json(false);
            Some((scope.created_at, position, v))
        })
        .collect();
    held.sort_by_key(|h| std::cmp::Reverse((h.0, h.1)));
    held.into_iter().map(|(_, _, v)| v).collect()
}

/// `GET /api/roles/{id}/scopes` (paginated when asked, as Logto's `role.scope.ts`).
pub async fn scopes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let list = ListRequest::optionally_paged(uri)?;
    let search = Search::of::<crate::model::Scope>(&list.params)?;
    let scopes = state.tenant.read(|store| store.role(&id).map(|role| role_scopes(store, role, |s| search.hits(s))));
    let scopes = match scopes.ok_or_else(ApiError::not_found)? {
        Value::Array(items) => items,
        _ => vec![],
    };
    Ok(list.answer(&state.endpoint, scopes))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScopeIds {
    scope_ids: Vec<String>,
}

pub async fn assign_scopes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let ScopeIds { scope_ids } = guard::body(&body, SCOPE_IDS)?;
    let role = state.tenant.add_role_scopes(&id, &scope_ids)?;
    let answer = state.tenant.read(|store| role_scopes(store, &role, |_| true));
    Ok((StatusCode::CREATED, Json(answer)))
}

/// `GET /api/roles/{id}/users` (paginated, as Logto's `role.user.ts`).
pub async fn users(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let list = ListRequest::paged(uri)?;
    let search = Search::of::<crate::model::User>(&list.params)?;
    let users = state.tenant.read(|store| {
        store.role(&id)?;
        Some(
            store
                .users
                .iter()
                .filter(|u| u.role_ids.contains(&id) && search.hits(*u))
                .map(|u| u.to_api_json())
                .collect(),
        )
    });
    Ok(list.answer(&state.endpoint, users.ok_or_else(ApiError::not_found)?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserIds {
    user_ids: Vec<String>,
}

/// `POST /api/roles/{id}/users`: 201; 422 `role.user_exists` when a user already holds the role.
pub async fn assign_users(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let UserIds { user_ids } = guard::body(&body, USER_IDS)?;
    state.tenant.add_role_users(&id, &user_ids)?;
    Ok(StatusCode::CREATED)
}

/// `GET /api/roles/{id}`.
pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    state.tenant.read(|store| store.role(&id).map(|r| Json(r.to_api_json()))).ok_or_else(ApiError::not_found)
}

/// `PATCH /api/roles/{id}`'s guard (`Roles.createGuard.pick('name', 'description', 'isDefault')`).
const ROLE_PATCH: &[Field] = &[
    Field::optional("name", guard::string(1, 128)),
    Field::optional("description", guard::string(1, 128)),
    Field::optional("isDefault", Kind::Bool),
];

/// `PATCH /api/roles/{id}` (`routes/role.ts`): the role renamed or re-described.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let patch: crate::tenant::RolePatch = guard::body(&body, ROLE_PATCH)?;
    Ok(Json(state.tenant.update_role(&id, patch)?.to_api_json()))
}

/// `DELETE /api/roles/{id}`: 204; its users and applications lose it.
pub async fn delete(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if !state.tenant.delete_role(&id)? {
        return Err(ApiError::not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/roles/{id}/scopes/{scope_id}`: 204.
pub async fn remove_scope(
    State(state): State<AppState>,
    Path((id, scope_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.tenant.remove_role_scope(&id, &scope_id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/roles/{id}/users/{user_id}` and `…/applications/{app_id}`: 204.
pub async fn remove_holder(
    State(state): State<AppState>,
    Path((id, holder)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.tenant.remove_role_holder(&id, &holder)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/roles/{id}/applications` (paginated, as Logto's `role.application.ts`).
pub async fn applications(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let list = ListRequest::paged(uri)?;
    let search = Search::of::<crate::model::Application>(&list.params)?;
    let apps = state.tenant.read(|store| {
        store.role(&id)?;
        let mut apps: Vec<_> =
            store.applications.values().filter(|a| a.role_ids.contains(&id) && search.hits(*a)).collect();
        apps.sort_by_key(|a| std::cmp::Reverse(a.created_at));
        Some(apps.iter().map(|a| a.to_api_json()).collect())
    });
    Ok(list.answer(&state.endpoint, apps.ok_or_else(ApiError::not_found)?))
}

const APPLICATION_IDS: &[Field] = &[Field::required("applicationIds", Kind::Ids { min: 1 })];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApplicationIds {
    application_ids: Vec<String>,
}

/// `POST /api/roles/{id}/applications`: 201; each application gets the role (machine-to-machine
/// roles and applications only).
pub async fn assign_applications(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let ApplicationIds { application_ids } = guard::body(&body, APPLICATION_IDS)?;
    let known = state
        .tenant
        .read(|store| store.role(&id).is_some() && application_ids.iter().all(|a| store.applications.contains_key(a)));
    if !known {
        return Err(ApiError::not_found());
    }
    for app in &application_ids {
        state.tenant.assign_application_roles(app, std::slice::from_ref(&id))?;
    }
    Ok(StatusCode::CREATED)
}
