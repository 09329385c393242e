//! Users in organizations and their organization roles, and the same relations for
//! machine-to-machine applications (`applications.rs` routes them): one code path, two sides,
//! differing where Logto's answers differ (the wire side of `Side`).

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::super::pagination::ListRequest;
use crate::error::ApiError;
use crate::management::guard;
use crate::model::OrgMember;
use crate::state::AppState;
use crate::store::Store;
pub(super) use crate::tenant::Side;

/// The wire side of [`Side`]: body keys, objects and answers, which differ where Logto's differ.
impl Side {
    fn ids_key(self) -> &'static str {
        match self {
            Side::Users => "userIds",
            Side::Applications => "applicationIds",
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

/// `GET /api/organizations/{id}/users|applications`: paged, each with its `organizationRoles`.
pub(super) async fn list_side(state: AppState, id: String, uri: Uri, side: Side) -> Result<Response, ApiError> {
    let list = ListRequest::paged(uri)?;
    let q = list.params.get("q").ok().flatten().map(str::to_lowercase);
    let items = state.tenant.read(|store| {
        let org = store.organization(&id)?;
        let items = side
            .of(org)
            .iter()
            .filter_map(|m| {
                let mut v = side.object(store, &m.id)?;
                let text = v.to_string().to_lowercase();
                if q.as_ref().is_some_and(|q| !text.contains(q)) {
                    return None;
                }
                // `queries/organization/relations.ts`: each member's roles ordered by name.
                let mut roles: Vec<_> = store.org_roles_of(m).collect();
                roles.sort_by(|a, b| a.name.cmp(&b.name));
                v["organizationRoles"] = roles.iter().map(|r| r.brief()).collect();
                Some(v)
            })
            .collect();
        Some(items)
    });
    Ok(list.answer(&state.endpoint, items.ok_or_else(|| ApiError::not_exists_with_id("organizations", &id))?))
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
    state.tenant.add_members(&id, side, &ids, replace)?;
    Ok(if replace { StatusCode::NO_CONTENT.into_response() } else { side.created(side.ids_key(), &ids) })
}

pub(super) async fn remove_side(state: AppState, id: String, who: String, side: Side) -> Result<StatusCode, ApiError> {
    state.tenant.remove_member(&id, side, &who)?;
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
    let roles = state.tenant.read(|store| {
        let org = store.organization(&id).ok_or_else(|| side.not_in())?;
        let member = side.of(org).iter().find(|m| m.id == who).ok_or_else(|| side.not_in())?;
        Ok::<_, ApiError>(store.org_roles_of(member).map(|r| r.to_api_json()).collect())
    })?;
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
    let role_ids = match side {
        Side::Users => user_role_ids(&state, &body)?,
        Side::Applications => super::id_list(&body, "organizationRoleIds", replace)?,
    };
    state.tenant.set_member_roles(&id, side, &who, &role_ids, replace)?;
    Ok(if replace { StatusCode::NO_CONTENT.into_response() } else { side.created("organizationRoleIds", &role_ids) })
}

/// A user's organization roles by `organizationRoleIds` and `organizationRoleNames` (both optional,
/// ids first, each once; `routes/organization/user/role-relations.ts`): 422
/// `organization.role_names_not_found` when a name is no role's.
fn user_role_ids(state: &AppState, body: &[u8]) -> Result<Vec<String>, ApiError> {
    const IDS_OR_NAMES: &[guard::Field] = &[
        guard::Field::optional("organizationRoleIds", guard::Kind::Ids { min: 0 }),
        guard::Field::optional("organizationRoleNames", guard::Kind::Ids { min: 0 }),
    ];
    let body: Value = guard::body(body, IDS_OR_NAMES)?;
    let mut ids = guard::strings(&body, "organizationRoleIds");
    let names = guard::strings(&body, "organizationRoleNames");
    let named = state.tenant.read(|store| {
        names
            .iter()
            .map(|n| store.org_roles.iter().find(|r| &r.name == n).map(|r| r.id.clone()))
            .collect::<Option<Vec<_>>>()
    });
    let Some(named) = named else {
        return Err(ApiError::unprocessable(
            "organization.role_names_not_found",
            "Invalid role names detected. Please create these roles first before proceeding.",
        ));
    };
    for id in named {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

pub(super) async fn remove_role_side(
    state: AppState,
    id: String,
    who: String,
    role_id: String,
    side: Side,
) -> Result<StatusCode, ApiError> {
    state.tenant.remove_member_role(&id, side, &who, &role_id)?;
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
    let orgs = state.tenant.read(|store| store.user(&id).map(|_| organizations_of(store, &id, Side::Users)));
    Ok(Json(Value::Array(orgs.ok_or_else(ApiError::not_found)?)))
}

/// `GET /api/organizations/{id}/users/{user_id}/scopes`: the organization permissions the member's
/// roles hold now. Never 404: a non-member, or an unknown organization, has none (recorded, 361–364).
pub async fn scopes(
    State(state): State<AppState>,
    Path((id, user_id)): Path<(String, String)>,
) -> Json<serde_json::Value> {
    let scopes = state.tenant.read(|store| {
        let Some(member) = store.organization(&id).and_then(|o| o.member(&user_id)) else { return vec![] };
        let held: std::collections::BTreeSet<&str> =
            store.org_roles_of(member).flat_map(|r| r.scope_ids.iter().map(String::as_str)).collect();
        store.org_scopes.iter().filter(|s| held.contains(s.id.as_str())).map(|s| s.to_api_json()).collect()
    });
    Json(serde_json::Value::Array(scopes))
}

/// `{userIds | applicationIds, organizationRoleIds}`, both non-empty lists of ids.
fn bulk_roles(body: &[u8], side: Side) -> Result<(Vec<String>, Vec<String>), ApiError> {
    let key = match side {
        Side::Users => "userIds",
        Side::Applications => "applicationIds",
    };
    let fields = [
        guard::Field::required(key, guard::Kind::Ids { min: 1 }),
        guard::Field::required("organizationRoleIds", guard::Kind::Ids { min: 1 }),
    ];
    let body: Value = guard::body(body, &fields)?;
    Ok((guard::strings(&body, key), guard::strings(&body, "organizationRoleIds")))
}

/// `POST /api/organizations/{id}/users/roles`: gives every listed member every listed role (roles
/// held stay) → 201 `text/plain` `Created`; a non-member or an unknown role is 422
/// `entity.relation_foreign_key_not_found` (recorded, 365–369). No webhook (380).
pub async fn add_roles_bulk(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (members, roles) = bulk_roles(&body, Side::Users)?;
    state.tenant.add_members_roles(&id, Side::Users, &members, &roles)?;
    Ok(super::created())
}

/// `POST /api/organizations/{id}/applications/roles` (`routes/organization/application/index.ts`):
/// as [`add_roles_bulk`], for applications.
pub async fn add_application_roles_bulk(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (members, roles) = bulk_roles(&body, Side::Applications)?;
    state.tenant.add_members_roles(&id, Side::Applications, &members, &roles)?;
    Ok(super::created())
}
