//! An organization's members, for its Members page, with an **organization token** (`aud`
//! `urn:logto:organization:{id}`) holding the organization permission each route names:
//! - `GET …/members` (`read:members`): a page of members with their roles; to those holding
//!   `manage:members` also their emails, the roles one can give and the pending invitations;
//! - `PUT …/members/{user_id}/roles` and `DELETE …/members/{user_id}` (`manage:members`, also
//!   checked with Logto now): replace a member's roles, remove a member (their follows stay theirs).
//!   Neither may leave the organization without someone who can manage its members (409).
//!
//! Every write is decided on Logto's members now (not the cache), under the organization's lock,
//! then changes the members cache and the organization's ranking at once, on every replica.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use logto_jwt::OrgPermission;
use logto_management::{OrganizationId, UserId};
use serde::Deserialize;
use shared::{ErrorBody, Member, MembersResponse, PendingInvitation, RolesRequest};

use crate::error::ApiError;
use crate::invalidation::Change;
use crate::org_admin::MANAGE_MEMBERS;
use crate::routes::follows::is_logto_id;
use crate::scopes::{ManageMembers, ReadMembers};
use crate::state::AppState;

const DEFAULT_PAGE_SIZE: usize = 20;
const MAX_PAGE_SIZE: usize = 100;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The page, from 1.
    page: Option<usize>,
    /// Members per page (1 to 100; 20 when absent).
    page_size: Option<usize>,
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

#[utoipa::path(
    get,
    path = "/api/organizations/{organization_id}/members",
    params(("organization_id" = String, Path, description = "The Logto organization"), PageQuery),
    security(("logto" = ["read:members"])),
    responses(
        (status = 200, description = "A page of the organization's members with their roles; for those holding manage:members also their emails, the roles one can give and the pending invitations", body = MembersResponse),
        (status = 400, description = "`guard.invalid_input`: page or page_size out of range", body = ErrorBody),
        (status = 403, description = "`auth.insufficient_scope`: the organization token lacks read:members (WWW-Authenticate: Bearer error=\"insufficient_scope\")", body = ErrorBody),
        (status = 404, description = "`organization.not_found`: Logto has no such organization", body = ErrorBody),
        (status = 503, description = "`logto.unavailable`: Logto did not give the members in time", body = ErrorBody),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    token: OrgPermission<ReadMembers>,
    Query(query): Query<PageQuery>,
) -> Result<Json<MembersResponse>, ApiError> {
    state.limits.check_subject(&token.claims.sub)?;
    let page = query.page.unwrap_or(1);
    let page_size = query.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    if page == 0 || !(1..=MAX_PAGE_SIZE).contains(&page_size) {
        return Err(ApiError::InvalidQuery("page starts at 1; page_size is 1 to 100.".into()));
    }
    let org = token.organization_id.as_str();
    let lookup = state.members.lookup(org).await;
    state.metrics.cache("members", if lookup.cache.is_some() { "hit" } else { "miss" }, 1);
    let members = lookup.members.map_err(|e| e.refusal(org))?;
    let can_manage = token.claims.has_scope(MANAGE_MEMBERS);
    let shown = members
        .iter()
        .skip((page - 1) * page_size)
        .take(page_size)
        .map(|m| Member {
            id: m.user.id.to_string(),
            username: m.user.username.clone(),
            name: m.user.name.clone(),
            avatar: m.user.avatar.clone(),
            email: if can_manage { m.user.primary_email.clone() } else { None },
            roles: m.organization_roles.iter().map(|r| r.name.clone()).collect(),
        })
        .collect();
    let (roles, invitations) = if can_manage {
        let roles = state.admin.roles().await?;
        let names = roles.iter().filter(|r| r.role_type == logto_management::RoleType::User).map(|r| r.name.clone());
        let pending = state.admin.pending_invitations(org, now_ms()).await?;
        let invitations = pending
            .iter()
            .map(|i| PendingInvitation {
                id: i.id.to_string(),
                email: i.invitee.clone(),
                roles: i.organization_roles.iter().map(|r| r.name.clone()).collect(),
                expires_at: i.expires_at,
            })
            .collect();
        (names.collect(), invitations)
    } else {
        (vec![], vec![])
    };
    Ok(Json(MembersResponse { members: shown, total: members.len(), page, page_size, can_manage, roles, invitations }))
}

/// The `{user_id}` of a member route, checked for Logto's shape.
fn member_id(user_id: &str) -> Result<UserId, ApiError> {
    if is_logto_id(user_id) {
        Ok(UserId::new(user_id))
    } else {
        Err(ApiError::NotAnId)
    }
}

#[utoipa::path(
    put,
    path = "/api/organizations/{organization_id}/members/{user_id}/roles",
    params(
        ("organization_id" = String, Path, description = "The Logto organization"),
        ("user_id" = String, Path, description = "The member"),
    ),
    request_body = RolesRequest,
    security(("logto" = ["manage:members"])),
    responses(
        (status = 204, description = "The member holds exactly these roles now"),
        (status = 400, description = "`guard.invalid_input`: not {\"roles\": [names]}; `user.invalid_id`: not a Logto id; `organization.unknown_role`: a role the organization template lacks", body = ErrorBody),
        (status = 403, description = "`auth.insufficient_scope`: the token lacks manage:members; `auth.permission_revoked`: Logto no longer grants it (WWW-Authenticate: Bearer error=\"insufficient_scope\")", body = ErrorBody),
        (status = 404, description = "`organization.not_member`: not a member; `organization.not_found`", body = ErrorBody),
        (status = 409, description = "`organization.last_admin`: the organization would keep no one who can manage members", body = ErrorBody),
        (status = 503, description = "`logto.unavailable`: Logto did not answer", body = ErrorBody),
    )
)]
pub async fn set_roles(
    State(state): State<AppState>,
    token: OrgPermission<ManageMembers>,
    Path((_, user_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let org = token.organization_id.clone();
    let actor = token.claims.sub.clone();
    let result = async {
        state.limits.check_subject(&actor)?;
        state.check_write(&token.claims)?;
        let target = member_id(&user_id)?;
        let request: RolesRequest = serde_json::from_slice(&body)
            .map_err(|_| ApiError::InvalidBody("The body must be JSON: {\"roles\": [role names]}."))?;
        state.admin.require_now(&org, &actor, MANAGE_MEMBERS).await?;
        let role_ids = state.admin.role_ids(&request.roles).await?;
        change_member(&state, &org, &target, MemberChange::Roles(role_ids)).await
    }
    .await;
    state.admin.audit(&actor, "set_roles", &org, &id_for_log(&user_id), result.as_ref().err());
    result.map(|()| StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/api/organizations/{organization_id}/members/{user_id}",
    params(
        ("organization_id" = String, Path, description = "The Logto organization"),
        ("user_id" = String, Path, description = "The member"),
    ),
    security(("logto" = ["manage:members"])),
    responses(
        (status = 204, description = "The member is out of the organization (their follows stay theirs)"),
        (status = 400, description = "`user.invalid_id`: not a Logto id", body = ErrorBody),
        (status = 403, description = "`auth.insufficient_scope`: the token lacks manage:members; `auth.permission_revoked`: Logto no longer grants it", body = ErrorBody),
        (status = 404, description = "`organization.not_member`: not a member; `organization.not_found`", body = ErrorBody),
        (status = 409, description = "`organization.last_admin`: the last member who can manage members cannot be removed", body = ErrorBody),
        (status = 503, description = "`logto.unavailable`: Logto did not answer", body = ErrorBody),
    )
)]
pub async fn remove(
    State(state): State<AppState>,
    token: OrgPermission<ManageMembers>,
    Path((_, user_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let org = token.organization_id.clone();
    let actor = token.claims.sub.clone();
    let result = async {
        state.limits.check_subject(&actor)?;
        state.check_write(&token.claims)?;
        let target = member_id(&user_id)?;
        state.admin.require_now(&org, &actor, MANAGE_MEMBERS).await?;
        change_member(&state, &org, &target, MemberChange::Remove).await
    }
    .await;
    state.admin.audit(&actor, "remove_member", &org, &id_for_log(&user_id), result.as_ref().err());
    result.map(|()| StatusCode::NO_CONTENT)
}

/// What an admin does to a member.
enum MemberChange {
    /// Exactly these roles from now on.
    Roles(Vec<logto_management::OrganizationRoleId>),
    /// Out of the organization.
    Remove,
}

/// Changes a member of `org` under the organization's lock, decided on Logto's members now: they
/// must be a member, and someone must be left who can manage members. Then every replica's members
/// cache and the organization's ranking change at once.
async fn change_member(state: &AppState, org: &str, target: &UserId, change: MemberChange) -> Result<(), ApiError> {
    let lock = state.admin.lock(org);
    let _held = lock.lock().await;
    let members = state.admin.members_now(org).await?;
    if !members.iter().any(|m| &m.user.id == target) {
        return Err(ApiError::NotMember);
    }
    let after = match &change {
        MemberChange::Roles(ids) => ids.as_slice(),
        MemberChange::Remove => &[],
    };
    state.admin.keep_an_admin(&members, target.as_str(), after).await?;
    let (org_id, client) = (OrganizationId::new(org), state.admin.client());
    let done = match &change {
        MemberChange::Roles(ids) => client.set_member_roles(&org_id, target, ids).await,
        MemberChange::Remove => client.remove_organization_member(&org_id, target).await,
    };
    done.map_err(|e| {
        tracing::warn!(error = %e, "Logto refused the membership change");
        ApiError::LogtoUnavailable
    })?;
    state.changes.publish(Change::Organization { id: org.to_string() }).await;
    Ok(())
}

/// A path's id (a user's, an invitation's) as the log may show it: Logto's shape, else a
/// placeholder (a hostile path must not write what it likes into the log).
pub fn id_for_log(id: &str) -> String {
    if is_logto_id(id) {
        id.to_string()
    } else {
        "(not an id)".into()
    }
}
