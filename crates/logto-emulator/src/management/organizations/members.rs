//! Users in organizations and their organization roles, and the same relations for
//! machine-to-machine applications (`applications.rs` routes them): one code path, two sides,
//! differing where Logto's answers differ (see [`Side`]).

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::super::pagination::ListRequest;
use crate::error::ApiError;
use crate::management::guard;
use crate::model::{AppType, OrgMember, Organization, RoleType};
use crate::state::AppState;
use crate::store::Store;

/// Users or applications.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Side {
    Users,
    Applications,
}

impl Side {
    fn ids_key(self) -> &'static str {
        match self {
            Side::Users => "userIds",
            Side::Applications => "applicationIds",
        }
    }

    fn role_type(self) -> RoleType {
        match self {
            Side::Users => RoleType::User,
            Side::Applications => RoleType::MachineToMachine,
        }
    }

    fn of(self, org: &Organization) -> &Vec<OrgMember> {
        match self {
            Side::Users => &org.members,
            Side::Applications => &org.applications,
        }
    }

    fn of_mut(self, org: &mut Organization) -> &mut Vec<OrgMember> {
        match self {
            Side::Users => &mut org.members,
            Side::Applications => &mut org.applications,
        }
    }

    /// Whether `id` may join: an existing user, or an existing machine-to-machine application.
    fn check_joiner(self, store: &Store, id: &str) -> Result<(), ApiError> {
        match self {
            Side::Users if store.user(id).is_some() => Ok(()),
            Side::Applications => match store.applications.get(id) {
                Some(app) if app.app_type == AppType::MachineToMachine => Ok(()),
                Some(_) => Err(ApiError::db_constraint()),
                None => Err(ApiError::foreign_key_not_found()),
            },
            Side::Users => Err(ApiError::foreign_key_not_found()),
        }
    }

    /// The entity's Management API object.
    fn object(self, store: &Store, id: &str) -> Option<Value> {
        match self {
            // Logto's organization user list leaves `hasPassword` out (recorded, step 133).
            Side::Users => store.user(id).map(|u| {
                let mut v = u.to_api_json();
                v.as_object_mut().map(|o| o.remove("hasPassword"));
                v
            }),
            Side::Applications => store.applications.get(id).map(|a| a.to_api_json()),
        }
    }

    /// A role write on someone outside the organization.
    fn not_in(self) -> ApiError {
        match self {
            Side::Users => ApiError::unprocessable(
                "organization.require_membership",
                "The user must be a member of the organization to proceed.",
            ),
            Side::Applications => ApiError::foreign_key_not_found(),
        }
    }

    /// What a successful `POST` answers: users echo their body, applications say `Created`.
    fn created(self, key: &str, ids: &[String]) -> Response {
        match self {
            Side::Users => {
                let mut echo = serde_json::Map::new();
                echo.insert(key.to_string(), json!(ids));
                (StatusCode::CREATED, Json(Value::Object(echo))).into_response()
            }
            Side::Applications => super::created(),
        }
    }
}

fn roles_of(store: &Store, member: &OrgMember) -> Value {
    store.org_roles_of(member).map(|r| r.brief()).collect()
}

fn org_mut(store: &Store, id: &str) -> Result<Organization, ApiError> {
    store.organization(id).cloned().ok_or_else(ApiError::foreign_key_not_found)
}

/// `GET /api/organizations/{id}/users|applications`: paged, each with its `organizationRoles`.
pub(super) async fn list_side(state: AppState, id: String, uri: Uri, side: Side) -> Result<Response, ApiError> {
    let list = ListRequest::paged(uri)?;
    let q = list.params.get("q").ok().flatten().map(str::to_lowercase);
    let store = state.store();
    let org = store.organization(&id).ok_or_else(|| ApiError::not_exists_with_id("organizations", &id))?;
    let items = side
        .of(org)
        .iter()
        .filter_map(|m| {
            let mut v = side.object(&store, &m.id)?;
            let text = v.to_string().to_lowercase();
            if q.as_ref().is_some_and(|q| !text.contains(q)) {
                return None;
            }
            v["organizationRoles"] = roles_of(&store, m);
            Some(v)
        })
        .collect();
    Ok(list.answer(&state.endpoint, items))
}

/// Adds (idempotently) or, with `replace`, sets the organization's users or applications.
pub(super) async fn write_side(
    state: AppState,
    id: String,
    body: Bytes,
    side: Side,
    replace: bool,
) -> Result<Response, ApiError> {
    let ids = super::id_list(&body, side.ids_key(), replace)?;
    let mut write = state.write();
    let store = write.read();
    let mut org = org_mut(&store, &id)?;
    for joiner in &ids {
        side.check_joiner(&store, joiner)?;
    }
    let members = side.of_mut(&mut org);
    if replace {
        members.retain(|m| ids.contains(&m.id));
    }
    for joiner in &ids {
        if !members.iter().any(|m| &m.id == joiner) {
            members.push(OrgMember { id: joiner.clone(), role_ids: vec![] });
        }
    }
    drop(store);
    write.put(org)?;
    Ok(if replace { StatusCode::NO_CONTENT.into_response() } else { side.created(side.ids_key(), &ids) })
}

pub(super) async fn remove_side(state: AppState, id: String, who: String, side: Side) -> Result<StatusCode, ApiError> {
    let mut write = state.write();
    let store = write.read();
    let mut org = store.organization(&id).cloned().ok_or_else(ApiError::not_found)?;
    let members = side.of_mut(&mut org);
    if !members.iter().any(|m| m.id == who) {
        return Err(ApiError::not_found());
    }
    members.retain(|m| m.id != who);
    drop(store);
    write.put(org)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET …/{user or app}/roles`: the member's organization roles (paged when asked).
pub(super) async fn roles_side(
    state: AppState,
    id: String,
    who: String,
    uri: Uri,
    side: Side,
) -> Result<Response, ApiError> {
    let list = ListRequest::optionally_paged(uri)?;
    let store = state.store();
    let org = store.organization(&id).ok_or_else(ApiError::foreign_key_not_found)?;
    let member = side.of(org).iter().find(|m| m.id == who).ok_or_else(|| side.not_in())?;
    let roles = store.org_roles_of(member).map(|r| r.to_api_json()).collect();
    Ok(list.answer(&state.endpoint, roles))
}

/// Adds or, with `replace`, sets a member's organization roles.
pub(super) async fn write_roles_side(
    state: AppState,
    id: String,
    who: String,
    body: Bytes,
    side: Side,
    replace: bool,
) -> Result<Response, ApiError> {
    let role_ids = super::id_list(&body, "organizationRoleIds", replace)?;
    let mut write = state.write();
    let store = write.read();
    let mut org = org_mut(&store, &id)?;
    if !side.of(&org).iter().any(|m| m.id == who) {
        return Err(side.not_in());
    }
    for role_id in &role_ids {
        match store.org_role(role_id) {
            None => return Err(ApiError::foreign_key_not_found()),
            Some(role) if role.role_type != side.role_type() => return Err(ApiError::db_constraint()),
            Some(_) => {}
        }
    }
    if let Some(member) = side.of_mut(&mut org).iter_mut().find(|m| m.id == who) {
        if replace {
            member.role_ids.clear();
        }
        for role_id in &role_ids {
            if !member.role_ids.contains(role_id) {
                member.role_ids.push(role_id.clone());
            }
        }
    }
    drop(store);
    write.put(org)?;
    Ok(if replace { StatusCode::NO_CONTENT.into_response() } else { side.created("organizationRoleIds", &role_ids) })
}

pub(super) async fn remove_role_side(
    state: AppState,
    id: String,
    who: String,
    role_id: String,
    side: Side,
) -> Result<StatusCode, ApiError> {
    let mut write = state.write();
    let store = write.read();
    let mut org = store.organization(&id).cloned().ok_or_else(ApiError::not_found)?;
    let member = side.of_mut(&mut org).iter_mut().find(|m| m.id == who).ok_or_else(|| side.not_in())?;
    if !member.role_ids.contains(&role_id) {
        return Err(ApiError::not_found());
    }
    member.role_ids.retain(|r| r != &role_id);
    drop(store);
    write.put(org)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The organizations `who` is in, each with `organizationRoles` (`/api/users|applications/{id}/organizations`).
pub(super) fn organizations_of(store: &Store, who: &str, side: Side) -> Vec<Value> {
    store
        .organizations
        .iter()
        .filter_map(|org| {
            let member = side.of(org).iter().find(|m| m.id == who)?;
            let mut v = org.to_api_json();
            v["organizationRoles"] = roles_of(store, member);
            Some(v)
        })
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    list_side(state, id, uri, Side::Users).await
}

/// `POST /api/organizations/{id}/users` → 201 `{"userIds": […]}`; members already in stay.
pub async fn add(State(state): State<AppState>, Path(id): Path<String>, body: Bytes) -> Result<Response, ApiError> {
    write_side(state, id, body, Side::Users, false).await
}

pub async fn replace(State(state): State<AppState>, Path(id): Path<String>, body: Bytes) -> Result<Response, ApiError> {
    write_side(state, id, body, Side::Users, true).await
}

pub async fn remove(
    State(state): State<AppState>,
    Path((id, user_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    remove_side(state, id, user_id, Side::Users).await
}

pub async fn roles(
    State(state): State<AppState>,
    Path((id, user_id)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    roles_side(state, id, user_id, uri, Side::Users).await
}

pub async fn add_roles(
    State(state): State<AppState>,
    Path((id, user_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    write_roles_side(state, id, user_id, body, Side::Users, false).await
}

pub async fn set_roles(
    State(state): State<AppState>,
    Path((id, user_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    write_roles_side(state, id, user_id, body, Side::Users, true).await
}

pub async fn remove_role(
    State(state): State<AppState>,
    Path((id, user_id, role_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    remove_role_side(state, id, user_id, role_id, Side::Users).await
}

/// `GET /api/users/{id}/organizations` (not paged).
pub async fn user_organizations(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    store.user(&id).ok_or_else(ApiError::not_found)?;
    Ok(Json(Value::Array(organizations_of(&store, &id, Side::Users))))
}

/// `GET /api/organizations/{id}/users/{user_id}/scopes`: the organization permissions the member's
/// roles hold now. Never 404: a non-member, or an unknown organization, has none (recorded, 361–364).
pub async fn scopes(
    State(state): State<AppState>,
    Path((id, user_id)): Path<(String, String)>,
) -> Json<serde_json::Value> {
    let store = state.store();
    let Some(member) = store.organization(&id).and_then(|o| o.member(&user_id)) else {
        return Json(serde_json::json!([]));
    };
    let held: std::collections::BTreeSet<&str> =
        store.org_roles_of(member).flat_map(|r| r.scope_ids.iter().map(String::as_str)).collect();
    let scopes = store.org_scopes.iter().filter(|s| held.contains(s.id.as_str())).map(|s| s.to_api_json()).collect();
    Json(serde_json::Value::Array(scopes))
}

const BULK_ROLES: &[guard::Field] = &[
    guard::Field::required("userIds", guard::Kind::Strings { min: 1 }),
    guard::Field::required("organizationRoleIds", guard::Kind::Strings { min: 1 }),
];

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct BulkRoles {
    user_ids: Vec<String>,
    organization_role_ids: Vec<String>,
}

/// `POST /api/organizations/{id}/users/roles`: gives every listed member every listed role (roles
/// held stay) → 201 `text/plain` `Created`; a non-member or an unknown role is 422
/// `entity.relation_foreign_key_not_found` (recorded, 365–369). No webhook (380).
pub async fn add_roles_bulk(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let bulk: BulkRoles = guard::body(&body, BULK_ROLES)?;
    let mut write = state.write();
    let store = write.read();
    let mut org = store.organization(&id).cloned().ok_or_else(ApiError::foreign_key_not_found)?;
    let roles_known = bulk.organization_role_ids.iter().all(|r| store.org_role(r).is_some());
    let members_known = bulk.user_ids.iter().all(|u| org.member(u).is_some());
    if !roles_known || !members_known {
        return Err(ApiError::foreign_key_not_found());
    }
    for member in org.members.iter_mut().filter(|m| bulk.user_ids.contains(&m.id)) {
        for role in &bulk.organization_role_ids {
            if !member.role_ids.contains(role) {
                member.role_ids.push(role.clone());
            }
        }
    }
    drop(store);
    write.put(org)?;
    Ok(super::created())
}
