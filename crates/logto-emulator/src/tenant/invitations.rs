//! Organization invitations, as Logto 1.42's `libraries/organization-invitation.ts`: create (and
//! send), delete, accept or revoke, send again. Accepting adds the user with the invitation's
//! roles in the same write.

use serde::Deserialize;
use serde_json::Value;

use super::Tenant;
use crate::error::ApiError;
use crate::ids::standard_id;
use crate::model::{Invitation, InvitationStatus, OrgMember};
use crate::store::Store;

/// `POST /api/organization-invitations`'s body, parsed.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct NewInvitation {
    pub inviter_id: Option<String>,
    pub invitee: String,
    pub organization_id: String,
    pub expires_at: f64,
    #[serde(default)]
    pub organization_role_ids: Vec<String>,
    /// `false` (the default) or the message to send: any other value means "send".
    #[serde(default)]
    pub message_payload: Option<Value>,
}

/// What `PUT /api/organization-invitations/{id}/status` asks.
#[derive(Debug)]
pub enum InvitationStatusChange {
    /// The user accepted it (their primary email must be the invitee's).
    Accepted {
        /// The user.
        user_id: String,
    },
    /// The inviter took it back.
    Revoked,
}

/// What Logto adds to an invitation email's payload before the caller's fields: the organization
/// and, when there is one, the inviter (recorded, 400 and 404).
fn template_context(store: &Store, invitation: &Invitation) -> serde_json::Map<String, Value> {
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
fn invitation_payload(store: &Store, invitation: &Invitation, given: &Value) -> Value {
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

impl Tenant {
    /// Creates an invitation and, with a message, sends it (with no outbox nothing is stored, as
    /// Logto rolls back). A pending invitation of the same invitee to the same organization that
    /// has expired is stored as expired now (`updateExpiredEntities`).
    pub fn create_invitation(&self, new: NewInvitation, now_ms: i64) -> Result<Invitation, ApiError> {
        if new.expires_at <= now_ms as f64 {
            return Err(ApiError::invalid_input("The value of `expiresAt` must be in the future."));
        }
        let mut write = self.write();
        let invitee = new.invitee.to_lowercase();
        let message = new.message_payload.clone().filter(|p| p != &Value::Bool(false));
        let (invitation, expired, email) = {
            let store = write.read();
            if let Some(org) = store.organization(&new.organization_id) {
                let is_member = |m: &OrgMember| {
                    store
                        .user(&m.id)
                        .and_then(|u| u.primary_email.as_deref())
                        .is_some_and(|e| e.to_lowercase() == invitee)
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
            if message.is_some() && !self.outbox {
                return Err(ApiError::no_email_connector());
            }
            let expired: Vec<Invitation> = store
                .invitations
                .iter()
                .filter(|i| i.organization_id == new.organization_id && i.invitee.to_lowercase() == invitee)
                .filter(|i| i.status == InvitationStatus::Pending && i.expires_at <= now_ms)
                .cloned()
                .collect();
            let invitation = Invitation {
                id: standard_id(21),
                inviter_id: new.inviter_id,
                invitee: new.invitee,
                accepted_user_id: None,
                organization_id: new.organization_id,
                status: InvitationStatus::Pending,
                created_at: now_ms,
                updated_at: now_ms,
                expires_at: new.expires_at as i64,
                role_ids: new.organization_role_ids,
            };
            let email = message.map(|given| invitation_payload(&store, &invitation, &given));
            (invitation, expired, email)
        };
        for mut old in expired {
            old.status = InvitationStatus::Expired;
            write.put(old)?;
        }
        write.put(invitation.clone())?;
        if let Some(payload) = email {
            self.send_email(&mut write, &invitation.invitee, "OrganizationInvitation", payload, now_ms)?;
        }
        Ok(invitation)
    }

    /// Deletes an invitation. `false` when there was none.
    pub fn delete_invitation(&self, id: &str) -> Result<bool, ApiError> {
        Ok(self.write().delete::<Invitation>(id)?)
    }

    /// Accepts (the user joins with the invitation's roles, roles held stay) or revokes a pending
    /// invitation; one no longer pending cannot change (422).
    pub fn set_invitation_status(
        &self,
        id: &str,
        change: InvitationStatusChange,
        now_ms: i64,
    ) -> Result<Invitation, ApiError> {
        let mut write = self.write();
        let (invitation, joined) = {
            let store = write.read();
            let mut invitation =
                store.invitations.iter().find(|i| i.id == id).cloned().ok_or_else(ApiError::not_found)?;
            if invitation.status_at(now_ms) != InvitationStatus::Pending {
                return Err(rule("The status of the invitation cannot be changed anymore."));
            }
            let joined = match change {
                InvitationStatusChange::Accepted { user_id } => {
                    let user = store.user(&user_id).ok_or_else(ApiError::not_found)?;
                    if user.primary_email.as_deref().map(str::to_lowercase) != Some(invitation.invitee.to_lowercase()) {
                        return Err(rule("The accepted user must have the same email as the invitee."));
                    }
                    let mut org = store
                        .organization(&invitation.organization_id)
                        .cloned()
                        .ok_or_else(ApiError::foreign_key_not_found)?;
                    match org.members.iter_mut().find(|m| m.id == user_id) {
                        Some(member) => {
                            for role in &invitation.role_ids {
                                if !member.role_ids.contains(role) {
                                    member.role_ids.push(role.clone());
                                }
                            }
                        }
                        None => {
                            org.members.push(OrgMember { id: user_id.clone(), role_ids: invitation.role_ids.clone() })
                        }
                    }
                    invitation.status = InvitationStatus::Accepted;
                    invitation.accepted_user_id = Some(user_id);
                    Some(org)
                }
                InvitationStatusChange::Revoked => {
                    invitation.status = InvitationStatus::Revoked;
                    None
                }
            };
            invitation.updated_at = now_ms;
            (invitation, joined)
        };
        if let Some(org) = joined {
            write.put(org)?;
        }
        write.put(invitation.clone())?;
        Ok(invitation)
    }

    /// Sends an invitation's email again, with the caller's fields over Logto's context.
    pub fn resend_invitation(&self, id: &str, given: Value, now_ms: i64) -> Result<(), ApiError> {
        let mut write = self.write();
        let (to, payload) = {
            let store = write.read();
            let invitation = store.invitations.iter().find(|i| i.id == id).ok_or_else(ApiError::not_found)?;
            (invitation.invitee.clone(), invitation_payload(&store, invitation, &given))
        };
        self.send_email(&mut write, &to, "OrganizationInvitation", payload, now_ms)
    }
}
