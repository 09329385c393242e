//! Organization invitations (`/api/organization-invitations`), as Logto 1.42 serves them
//! (`packages/core/src/routes/organization-invitation/index.ts`,
//! `packages/core/src/libraries/organization-invitation.ts`; recorded in
//! `tests/fidelity/org-admin/`, steps 313–360):
//! - create: the body guard (the invitee an email, `expiresAt` required), `expiresAt` in the future
//!   (400 `request.invalid_input`), the invitee not a member already (by primary email, 422), the
//!   organization, the inviter and the roles existing (422 `entity.relation_foreign_key_not_found`);
//!   with a `messagePayload`, the email goes to the outbox (`crate::outbox`) with Logto's context
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
use crate::management::guard::{self, Field, Kind};
use crate::model::Invitation;
use crate::state::AppState;
use crate::tenant::{InvitationStatusChange, NewInvitation};

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
struct NewStatus {
    accepted_user_id: Option<String>,
    status: String,
}

/// 422 `request.invalid_input` with Logto's reason appended.
fn rule(reason: &str) -> ApiError {
    ApiError::unprocessable("request.invalid_input", format!("Input is invalid. {reason}"))
}

/// An invitation as the Management API shows it (its roles by name, its status as of now).
fn render(state: &AppState, invitation: &Invitation, now_ms: i64) -> Value {
    state.tenant.read(|store| invitation.to_api_json(&store.org_roles, now_ms))
}

/// `POST /api/organization-invitations` → 201 with the invitation.
pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new: NewInvitation = guard::body(&body, CREATE)?;
    let now = state.clock.now_ms();
    let invitation = state.tenant.create_invitation(new, now)?;
    Ok((StatusCode::CREATED, Json(render(&state, &invitation, now))))
}

/// `GET /api/organization-invitations[?organizationId=&inviterId=&invitee=]`: newest first, not paged.
pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Result<Json<Value>, ApiError> {
    let query = crate::request::Params::from_query(uri.query());
    let organization = query.get("organizationId").ok().flatten();
    let inviter = query.get("inviterId").ok().flatten();
    let invitee = query.get("invitee").ok().flatten().map(str::to_lowercase);
    let now = state.clock.now_ms();
    let found: Vec<Value> = state.tenant.read(|store| {
        store
            .invitations
            .iter()
            .rev()
            .filter(|i| organization.is_none_or(|o| i.organization_id == o))
            .filter(|i| inviter.is_none_or(|u| i.inviter_id.as_deref() == Some(u)))
            .filter(|i| invitee.as_deref().is_none_or(|e| i.invitee.to_lowercase() == e))
            .map(|i| i.to_api_json(&store.org_roles, now))
            .collect()
    });
    Ok(Json(Value::Array(found)))
}

/// `GET /api/organization-invitations/{id}`.
pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let now = state.clock.now_ms();
    let found = state
        .tenant
        .read(|store| store.invitations.iter().find(|i| i.id == id).map(|i| i.to_api_json(&store.org_roles, now)));
    Ok(Json(found.ok_or_else(ApiError::not_found)?))
}

/// `DELETE /api/organization-invitations/{id}` → 204.
pub async fn delete(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if !state.tenant.delete_invitation(&id)? {
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
    let change = match new.accepted_user_id {
        Some(user_id) if new.status == "Accepted" => InvitationStatusChange::Accepted { user_id },
        _ => InvitationStatusChange::Revoked,
    };
    let now = state.clock.now_ms();
    let invitation = state.tenant.set_invitation_status(&id, change, now)?;
    Ok(Json(render(&state, &invitation, now)))
}

/// `POST /api/organization-invitations/{id}/message`: sends the invitation again.
pub async fn message(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let given: serde_json::Map<String, Value> = guard::body(&body, &[])?;
    state.tenant.resend_invitation(&id, Value::Object(given), state.clock.now_ms())?;
    Ok(StatusCode::NO_CONTENT)
}
