//! Organization invitations (`/api/organization-invitations`), as Logto 1.42 serves them
//! (`packages/core/src/routes/organization-invitation/index.ts`,
//! `packages/core/src/libraries/organization-invitation.ts`; recorded in
//! `tests/fidelity/org-admin/`, steps 313–360):
//! - create: the body guard (the invitee an email, `expiresAt` required), `expiresAt` in the future
//!   (400 `request.invalid_input`), the invitee not a member already (by primary email, 422), the
//!   organization, the inviter and the roles existing (422 `entity.relation_foreign_key_not_found`);
//!   with a `messagePayload`, the email goes to the outbox ([`crate::outbox`]) with Logto's context
//!   (the organization, the inviter) under the given fields; with no outbox (a Logto with no email
//!   connector) the call fails 501 `connector.not_found` and nothing is stored, as Logto rolls back;
//! - list (newest first; `organizationId`, `inviterId` exact, `invitee` case-insensitive), get, delete;
//! - `PUT /{id}/status`: `Accepted` (with `acceptedUserId`, whose primary email must be the
//!   invitee's; the user joins with the invitation's roles) or `Revoked`; an accepted, revoked or
//!   expired invitation cannot change any more (422);
//! - `POST /{id}/message`: sends the email again (501 without an outbox).
//!
//! A pending invitation past `expiresAt` reads `Expired`, as Logto's `findEntities` computes it.

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::ids::standard_id;
use crate::management::guard::{self, Field, Kind};
use crate::model::{Invitation, InvitationStatus, OrgMember};
use crate::state::AppState;

const CREATE: &[Field] = &[
    Field::nullable("inviterId", guard::string(1, 21)),
    Field::required("invitee", Kind::Email),
    Field::required("organizationId", guard::string(1, 21)),
    Field::required("expiresAt", Kind::Number),
    Field::optional("organizationRoleIds", Kind::Strings { min: 0 }),
];

const STATUS: &[Field] = &[
    Field::nullable("acceptedUserId", guard::string(1, 12)),
    Field::required("status", Kind::Enum(&["Accepted", "Revoked"])),
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewInvitation {
    inviter_id: Option<String>,
    invitee: String,
    organization_id: String,
    expires_at: f64,
    #[serde(default)]
    organization_role_ids: Vec<String>,
    /// `false` (the default) or the message to send: any other value means "send".
    #[serde(default)]
    message_payload: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewStatus {
    accepted_user_id: Option<String>,
    status: String,
}

/// What Logto adds to an invitation email's payload before the caller's fields: the organization
/// and, when there is one, the inviter (recorded, 400 and 404).
fn template_context(store: &crate::store::Store, invitation: &Invitation) -> serde_json::Map<String, Value> {
    let mut context = serde_json::Map::new();
    if let Some(org) = store.organization(&invitation.organization_id) {
        context.insert("organization".into(), serde_json::json!({"id": org.id, "name": org.name, "branding": {}}));
    }
    if let Some(inviter) = invitation.inviter_id.as_deref().and_then(|id| store.user(id)) {
        context.insert(
            "inviter".into(),
            serde_json::json!({"id": inviter.id, "avatar": inviter.avatar, "name": inviter.name,
                "primaryEmail": inviter.primary_email, "primaryPhone": inviter.primary_phone,
                "username": inviter.username, "profile": {}}),
        );
    }
    context
}

/// The invitation email's payload: Logto's context, then the caller's fields over it.
fn invitation_payload(store: &crate::store::Store, invitation: &Invitation, given: &Value) -> Value {
    let mut payload = template_context(store, invitation);
    if let Value::Object(fields) = given {
        payload.extend(fields.clone());
    }
    Value::Object(payload)
}

/// 422 `request.invalid_input` with Logto's reason appended.
fn rule(reason: &str) -> ApiError {
    ApiError::unprocessable("request.invalid_input", format!("Input is invalid. {reason}"))
}

/// `POST /api/organization-invitations` → 201 with the invitation.
pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new: NewInvitation = guard::body(&body, CREATE)?;
    let now = state.clock.now_ms();
    if new.expires_at <= now as f64 {
        return Err(ApiError::invalid_input("The value of `expiresAt` must be in the future."));
    }
    let mut write = state.write();
    let store = write.read();
    let invitee = new.invitee.to_lowercase();
    if let Some(org) = store.organization(&new.organization_id) {
        let is_member = |m: &OrgMember| {
            store.user(&m.id).and_then(|u| u.primary_email.as_deref()).is_some_and(|e| e.to_lowercase() == invitee)
        };
        if org.members.iter().any(is_member) {
            return Err(rule("The invitee is already a member of the organization."));
        }
    }
    let inviter_known = new.inviter_id.as_deref().is_none_or(|id| store.user(id).is_some());
    let roles_known = new.organization_role_ids.iter().all(|id| store.org_role(id).is_some());
    if store.organization(&new.organization_id).is_none() || !inviter_known || !roles_known {
        return Err(ApiError::foreign_key_not_found());
    }
    let message = new.message_payload.filter(|p| p != &Value::Bool(false));
    // Logto sends in the invitation's transaction: with no email connector nothing is stored.
    if message.is_some() && !crate::outbox::available(&state) {
        return Err(crate::outbox::no_email_connector());
    }
    // A pending invitation of the same invitee to the same organization that has expired is stored
    // as expired now (`updateExpiredEntities`).
    let expired: Vec<Invitation> = store
        .invitations
        .iter()
        .filter(|i| i.organization_id == new.organization_id && i.invitee.to_lowercase() == invitee)
        .filter(|i| i.status == InvitationStatus::Pending && i.expires_at <= now)
        .cloned()
        .collect();
    let invitation = Invitation {
        id: standard_id(21),
        inviter_id: new.inviter_id,
        invitee: new.invitee,
        accepted_user_id: None,
        organization_id: new.organization_id,
        status: InvitationStatus::Pending,
        created_at: now,
        updated_at: now,
        expires_at: new.expires_at as i64,
        role_ids: new.organization_role_ids,
    };
    let answer = invitation.to_api_json(&store.org_roles, now);
    let email = message.map(|given| invitation_payload(&store, &invitation, &given));
    let invitee = invitation.invitee.clone();
    drop(store);
    for mut old in expired {
        old.status = InvitationStatus::Expired;
        write.put(old)?;
    }
    write.put(invitation)?;
    if let Some(payload) = email {
        crate::outbox::send(&state, &mut write, &invitee, "OrganizationInvitation", payload)?;
    }
    Ok((StatusCode::CREATED, Json(answer)))
}

/// `GET /api/organization-invitations[?organizationId=&inviterId=&invitee=]`: newest first, not paged.
pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Result<Json<Value>, ApiError> {
    let query = crate::request::Params::from_query(uri.query());
    let organization = query.get("organizationId").ok().flatten();
    let inviter = query.get("inviterId").ok().flatten();
    let invitee = query.get("invitee").ok().flatten().map(str::to_lowercase);
    let now = state.clock.now_ms();
    let store = state.store();
    let found: Vec<Value> = store
        .invitations
        .iter()
        .rev()
        .filter(|i| organization.is_none_or(|o| i.organization_id == o))
        .filter(|i| inviter.is_none_or(|u| i.inviter_id.as_deref() == Some(u)))
        .filter(|i| invitee.as_deref().is_none_or(|e| i.invitee.to_lowercase() == e))
        .map(|i| i.to_api_json(&store.org_roles, now))
        .collect();
    Ok(Json(Value::Array(found)))
}

/// `GET /api/organization-invitations/{id}`.
pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let invitation = store.invitations.iter().find(|i| i.id == id).ok_or_else(ApiError::not_found)?;
    Ok(Json(invitation.to_api_json(&store.org_roles, state.clock.now_ms())))
}

/// `DELETE /api/organization-invitations/{id}` → 204.
pub async fn delete(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if !state.write().delete::<Invitation>(&id)? {
        return Err(ApiError::not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/organization-invitations/{id}/status` → 200 with the invitation.
pub async fn set_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let new: NewStatus = guard::body(&body, STATUS)?;
    // The route asks for `acceptedUserId` before the invitation is looked up.
    if new.status == "Accepted" && new.accepted_user_id.is_none() {
        return Err(rule("The `acceptedUserId` is required when accepting an invitation."));
    }
    let now = state.clock.now_ms();
    let mut write = state.write();
    let store = write.read();
    let mut invitation = store.invitations.iter().find(|i| i.id == id).cloned().ok_or_else(ApiError::not_found)?;
    if invitation.status_at(now) != InvitationStatus::Pending {
        return Err(rule("The status of the invitation cannot be changed anymore."));
    }
    let joined = if new.status == "Accepted" {
        let user_id = new.accepted_user_id.unwrap_or_default();
        let user = store.user(&user_id).ok_or_else(ApiError::not_found)?;
        if user.primary_email.as_deref().map(str::to_lowercase) != Some(invitation.invitee.to_lowercase()) {
            return Err(rule("The accepted user must have the same email as the invitee."));
        }
        let mut org =
            store.organization(&invitation.organization_id).cloned().ok_or_else(ApiError::foreign_key_not_found)?;
        match org.members.iter_mut().find(|m| m.id == user_id) {
            Some(member) => {
                for role in &invitation.role_ids {
                    if !member.role_ids.contains(role) {
                        member.role_ids.push(role.clone());
                    }
                }
            }
            None => org.members.push(OrgMember { id: user_id.clone(), role_ids: invitation.role_ids.clone() }),
        }
        invitation.status = InvitationStatus::Accepted;
        invitation.accepted_user_id = Some(user_id);
        Some(org)
    } else {
        invitation.status = InvitationStatus::Revoked;
        None
    };
    invitation.updated_at = now;
    let answer = invitation.to_api_json(&store.org_roles, now);
    drop(store);
    if let Some(org) = joined {
        write.put(org)?;
    }
    write.put(invitation)?;
    Ok(Json(answer))
}

/// `POST /api/organization-invitations/{id}/message`: sends the invitation again.
pub async fn message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let given: serde_json::Map<String, Value> = guard::body(&body, &[])?;
    let mut write = state.write();
    let store = write.read();
    let invitation = store.invitations.iter().find(|i| i.id == id).cloned().ok_or_else(ApiError::not_found)?;
    let payload = invitation_payload(&store, &invitation, &Value::Object(given));
    drop(store);
    crate::outbox::send(&state, &mut write, &invitation.invitee, "OrganizationInvitation", payload)?;
    Ok(StatusCode::NO_CONTENT)
}
