//! Invitations to an organization:
//! - `POST /api/organizations/{id}/invitations` (`manage:members`, checked with Logto now): makes a
//!   Logto invitation for `{email, role}` (7 days) and has Logto email its link, the SPA's
//!   `/admin/invitations/{id}`; a member's address or one already invited is 409; rate limited per
//!   organization;
//! - `DELETE /api/organizations/{id}/invitations/{invitation_id}`: revokes a pending one;
//! - `GET /api/invitations/{id}` (no token; rate limited per address): what the invitee's page
//!   needs (the organization's name, the status, the address masked), nothing else;
//! - `POST /api/invitations/{id}/accept` (a token for this API): the signed-in user whose primary
//!   email (verified, in Logto) is the invitee's joins with the invitation's roles; anyone else 403.

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use logto_jwt::{Authenticated, OrgPermission};
use logto_management::{InvitationId, InvitationStatus, ManagementError, NewInvitation, OrganizationId, UserId};
use shared::{ErrorBody, InvitationSummary, InviteRequest, PendingInvitation};

use crate::error::ApiError;
use crate::invalidation::Change;
use crate::org_admin::{is_email, mask_email, INVITATION_LIFETIME, MANAGE_MEMBERS};
use crate::routes::follows::is_logto_id;
use crate::routes::members::{id_for_log, now_ms};
use crate::scopes::ManageMembers;
use crate::state::AppState;

/// An invitation id from a path: Logto's shape, else it is not one (404, nothing echoed).
fn invitation_id(id: &str) -> Result<InvitationId, ApiError> {
    if is_logto_id(id) {
        Ok(InvitationId::new(id))
    } else {
        Err(ApiError::InvitationNotFound)
    }
}

/// The invitation, from Logto: 404 when it has none.
async fn find(state: &AppState, id: &InvitationId) -> Result<logto_management::Invitation, ApiError> {
    state.admin.client().get_invitation(id).await.map_err(|e| match e {
        ManagementError::Api { status: 404, .. } => ApiError::InvitationNotFound,
        other => {
            tracing::warn!(error = %other, "Logto did not give the invitation");
            ApiError::LogtoUnavailable
        }
    })
}

#[utoipa::path(
    post,
    path = "/api/organizations/{organization_id}/invitations",
    params(("organization_id" = String, Path, description = "The Logto organization")),
    request_body = InviteRequest,
    security(("logto" = ["manage:members"])),
    responses(
        (status = 201, description = "The invitation, sent by Logto's email connector with a link to the SPA's /admin/invitations/{id}", body = PendingInvitation),
        (status = 400, description = "`guard.invalid_input`: not {\"email\", \"role\"} or not an email address; `organization.unknown_role`", body = ErrorBody),
        (status = 403, description = "`auth.insufficient_scope`: the token lacks manage:members; `auth.permission_revoked`: Logto no longer grants it", body = ErrorBody),
        (status = 409, description = "`invitation.already_member`: the address is a member's; `invitation.already_invited`: it has a pending invitation", body = ErrorBody),
        (status = 503, description = "`invitation.cannot_send`: Logto has no email connector (nothing is kept); `logto.unavailable`", body = ErrorBody),
    )
)]
pub async fn invite(
    State(state): State<AppState>,
    token: OrgPermission<ManageMembers>,
    body: Bytes,
) -> Result<(StatusCode, Json<PendingInvitation>), ApiError> {
    let org = token.organization_id.clone();
    let actor = token.claims.sub.clone();
    let mut target = String::from("(none)");
    let result = async {
        state.limits.check_subject(&actor)?;
        state.check_write(&token.claims)?;
        let request: InviteRequest = serde_json::from_slice(&body)
            .map_err(|_| ApiError::InvalidBody("The body must be JSON: {\"email\": …, \"role\": …}."))?;
        let email = request.email.trim().to_string();
        if !is_email(&email) {
            return Err(ApiError::InvalidBody("That is not an email address."));
        }
        state.admin.require_now(&org, &actor, MANAGE_MEMBERS).await?;
        let role_ids = state.admin.role_ids(std::slice::from_ref(&request.role)).await?;
        let lock = state.admin.lock(&org);
        let _held = lock.lock().await;
        let members = state.admin.members_now(&org).await?;
        let same = |e: &Option<String>| e.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(&email));
        if members.iter().any(|m| same(&m.user.primary_email)) {
            return Err(ApiError::AlreadyMember);
        }
        state.admin.forget_invitations(&org);
        let pending = state.admin.pending_invitations(&org, now_ms()).await?;
        if pending.iter().any(|i| i.invitee.eq_ignore_ascii_case(&email)) {
            return Err(ApiError::AlreadyInvited);
        }
        state.limits.check_invitation(&org)?;
        let new = NewInvitation {
            inviter_id: Some(UserId::new(actor.as_str())),
            invitee: email.clone(),
            organization_id: OrganizationId::new(org.as_str()),
            expires_at: now_ms() + INVITATION_LIFETIME.as_millis() as i64,
            organization_role_ids: role_ids,
            message_payload: None,
        };
        let client = state.admin.client();
        let invitation = client.create_invitation(&new).await.map_err(|e| {
            tracing::warn!(error = %e, "Logto refused the invitation");
            ApiError::LogtoUnavailable
        })?;
        target = invitation.id.to_string();
        // The link names the invitation, so the message goes once it exists (Logto's own flow).
        let link = serde_json::json!({"link": state.admin.invitation_link(invitation.id.as_str(), &email)});
        if let Err(e) = client.send_invitation_message(&invitation.id, &link).await {
            // Nothing is kept that was not sent: the admin can invite again once email works.
            if let Err(cleanup) = client.delete_invitation(&invitation.id).await {
                tracing::error!(error = %cleanup, "an unsent invitation could not be deleted");
            }
            state.admin.forget_invitations(&org);
            return Err(match e {
                ManagementError::Api { status: 501, .. } => ApiError::CannotSendEmail,
                other => {
                    tracing::warn!(error = %other, "Logto did not send the invitation");
                    ApiError::LogtoUnavailable
                }
            });
        }
        state.admin.forget_invitations(&org);
        Ok(PendingInvitation {
            id: invitation.id.to_string(),
            email: invitation.invitee,
            roles: invitation.organization_roles.iter().map(|r| r.name.clone()).collect(),
            expires_at: invitation.expires_at,
        })
    }
    .await;
    state.admin.audit(&actor, "invite", &org, &target, result.as_ref().err());
    result.map(|invitation| (StatusCode::CREATED, Json(invitation)))
}

#[utoipa::path(
    delete,
    path = "/api/organizations/{organization_id}/invitations/{invitation_id}",
    params(
        ("organization_id" = String, Path, description = "The Logto organization"),
        ("invitation_id" = String, Path, description = "The invitation"),
    ),
    security(("logto" = ["manage:members"])),
    responses(
        (status = 204, description = "Revoked: its link no longer works"),
        (status = 403, description = "`auth.insufficient_scope`: the token lacks manage:members; `auth.permission_revoked`", body = ErrorBody),
        (status = 404, description = "`invitation.not_found`: no such invitation in this organization", body = ErrorBody),
        (status = 409, description = "`invitation.not_pending`: accepted, revoked or expired already", body = ErrorBody),
        (status = 503, description = "`logto.unavailable`", body = ErrorBody),
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    token: OrgPermission<ManageMembers>,
    Path((_, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let org = token.organization_id.clone();
    let actor = token.claims.sub.clone();
    let result = async {
        state.limits.check_subject(&actor)?;
        state.check_write(&token.claims)?;
        let id = invitation_id(&id)?;
        state.admin.require_now(&org, &actor, MANAGE_MEMBERS).await?;
        let invitation = find(&state, &id).await?;
        if invitation.organization_id.as_str() != org {
            return Err(ApiError::InvitationNotFound);
        }
        if invitation.status != InvitationStatus::Pending {
            return Err(ApiError::InvitationNotPending);
        }
        state.admin.client().revoke_invitation(&id).await.map_err(|e| match e {
            ManagementError::Api { status: 422, .. } => ApiError::InvitationNotPending,
            other => {
                tracing::warn!(error = %other, "Logto did not revoke the invitation");
                ApiError::LogtoUnavailable
            }
        })?;
        state.admin.forget_invitations(&org);
        Ok(())
    }
    .await;
    let target = id_for_log(&id);
    state.admin.audit(&actor, "revoke_invitation", &org, &target, result.as_ref().err());
    result.map(|()| StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/api/invitations/{invitation_id}",
    params(("invitation_id" = String, Path, description = "The invitation, from the email's link")),
    responses(
        (status = 200, description = "What the invitee's page shows: the organization, the status, the address masked", body = InvitationSummary),
        (status = 404, description = "`invitation.not_found`", body = ErrorBody),
        (status = 503, description = "`logto.unavailable`", body = ErrorBody),
    )
)]
pub async fn summary(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    Path(id): Path<String>,
) -> Result<Json<InvitationSummary>, ApiError> {
    state.limits.check_invitation_lookup(&headers, peer.map(|Extension(ConnectInfo(p))| p))?;
    let id = invitation_id(&id)?;
    let invitation = find(&state, &id).await?;
    let organization = state.admin.client().get_organization(&invitation.organization_id).await.map_err(|e| {
        tracing::warn!(error = %e, "Logto did not give the invitation's organization");
        ApiError::LogtoUnavailable
    })?;
    Ok(Json(InvitationSummary {
        organization_id: organization.id.to_string(),
        organization_name: organization.name,
        status: invitation.status.as_str().into(),
        email_masked: mask_email(&invitation.invitee),
    }))
}

#[utoipa::path(
    post,
    path = "/api/invitations/{invitation_id}/accept",
    params(("invitation_id" = String, Path, description = "The invitation")),
    security(("logto" = [])),
    responses(
        (status = 200, description = "Accepted: the signed-in user is a member with the invitation's roles", body = InvitationSummary),
        (status = 403, description = "`invitation.wrong_user`: the signed-in user's email is not the invitee's", body = ErrorBody),
        (status = 404, description = "`invitation.not_found`", body = ErrorBody),
        (status = 409, description = "`invitation.not_pending`: accepted, revoked or expired", body = ErrorBody),
        (status = 503, description = "`logto.unavailable`", body = ErrorBody),
    )
)]
pub async fn accept(
    State(state): State<AppState>,
    token: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<InvitationSummary>, ApiError> {
    let actor = token.claims.sub.clone();
    let mut org = String::from("(unknown)");
    let result = async {
        state.limits.check_subject(&actor)?;
        state.check_write(&token.claims)?;
        token.claims.require_no_organization()?;
        let id = invitation_id(&id)?;
        let invitation = find(&state, &id).await?;
        org = invitation.organization_id.to_string();
        let user = state.admin.client().get_user(&UserId::new(actor.as_str())).await.map_err(|e| {
            tracing::warn!(error = %e, "Logto did not give the signed-in user");
            ApiError::LogtoUnavailable
        })?;
        let invitee = |e: &str| e.eq_ignore_ascii_case(&invitation.invitee);
        if !user.primary_email.as_deref().is_some_and(invitee) {
            return Err(ApiError::WrongInvitee);
        }
        if invitation.status != InvitationStatus::Pending {
            return Err(ApiError::InvitationNotPending);
        }
        let accepted = state.admin.client().accept_invitation(&id, &user.id).await.map_err(|e| match e {
            ManagementError::Api { status: 422, .. } => ApiError::InvitationNotPending,
            other => {
                tracing::warn!(error = %other, "Logto did not accept the invitation");
                ApiError::LogtoUnavailable
            }
        })?;
        state.admin.forget_invitations(&org);
        state.changes.publish(Change::Organization { id: org.clone() }).await;
        let organization = state.admin.client().get_organization(&accepted.organization_id).await.ok();
        Ok(InvitationSummary {
            organization_id: accepted.organization_id.to_string(),
            organization_name: organization.map(|o| o.name).unwrap_or_default(),
            status: accepted.status.as_str().into(),
            email_masked: mask_email(&accepted.invitee),
        })
    }
    .await;
    let target = id_for_log(&id);
    state.admin.audit(&actor, "accept_invitation", &org, &target, result.as_ref().err());
    result.map(Json)
}
