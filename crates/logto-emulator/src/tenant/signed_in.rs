//! Who is signed in where, as the console lists it: live grants with their refresh tokens, and
//! browser sessions. Token and cookie values are secrets: the listings carry a short hint of a
//! refresh token and a handle (a hash) of a session, never the values.

use sha2::{Digest, Sha256};

use super::Tenant;
use crate::model::Grant;

/// A live grant and what was issued under it.
#[derive(Debug, Clone)]
pub struct GrantSummary {
    /// The grant.
    pub grant: Grant,
    /// Its refresh tokens (rotated ones stay until they expire).
    pub refresh_tokens: Vec<RefreshSummary>,
    /// How many opaque access tokens are live under it.
    pub opaque_tokens: usize,
}

/// A refresh token, without its value.
#[derive(Debug, Clone)]
pub struct RefreshSummary {
    /// The value's first characters, to tell tokens apart.
    pub hint: String,
    /// When it was issued, in seconds since the epoch.
    pub issued_at: i64,
    /// When it expires, in seconds since the epoch.
    pub expires_at: i64,
    /// Whether it was used (rotated) already.
    pub consumed: bool,
}

/// A browser session, without its cookie.
#[derive(Debug, Clone)]
pub struct SessionSummary {
    /// A handle naming it (hash of the cookie value; the value itself stays secret).
    pub handle: String,
    /// The signed-in user.
    pub account_id: String,
    /// When it expires, in seconds since the epoch.
    pub expires_at: i64,
    /// Grants made in it.
    pub grants: usize,
}

/// The handle of a session cookie value.
fn handle(session_id: &str) -> String {
    Sha256::digest(session_id.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

impl Tenant {
    /// Live grants (all, or the user's), newest sessions' first by grant id order of no meaning:
    /// sorted by user then application for a stable listing.
    pub fn grants_overview(&self, user_id: Option<&str>, now_secs: i64) -> Vec<GrantSummary> {
        let artefacts = self.artefacts();
        let mut grants: Vec<GrantSummary> = artefacts
            .grants
            .values()
            .filter(|g| user_id.is_none_or(|u| g.account_id == u))
            .map(|grant| {
                let mut refresh_tokens: Vec<RefreshSummary> = artefacts
                    .refresh_tokens
                    .iter()
                    .filter(|(_, t)| t.grant_id == grant.id && t.expires_at > now_secs)
                    .map(|(value, t)| RefreshSummary {
                        hint: value.chars().take(6).collect(),
                        issued_at: t.issued_at,
                        expires_at: t.expires_at,
                        consumed: t.consumed_at_ms.is_some(),
                    })
                    .collect();
                refresh_tokens.sort_by_key(|t| std::cmp::Reverse(t.issued_at));
                let opaque_tokens = artefacts
                    .opaque_tokens
                    .values()
                    .filter(|t| t.grant_id == grant.id && t.expires_at > now_secs)
                    .count();
                GrantSummary { grant: grant.clone(), refresh_tokens, opaque_tokens }
            })
            .collect();
        grants.sort_by(|a, b| {
            (&a.grant.account_id, &a.grant.client_id, &a.grant.id).cmp(&(
                &b.grant.account_id,
                &b.grant.client_id,
                &b.grant.id,
            ))
        });
        grants
    }

    /// Live browser sessions (all, or the user's).
    pub fn sessions_overview(&self, user_id: Option<&str>, now_secs: i64) -> Vec<SessionSummary> {
        let artefacts = self.artefacts();
        let mut sessions: Vec<SessionSummary> = artefacts
            .sessions
            .iter()
            .filter(|(_, s)| s.expires_at > now_secs && user_id.is_none_or(|u| s.account_id == u))
            .map(|(id, s)| SessionSummary {
                handle: handle(id),
                account_id: s.account_id.clone(),
                expires_at: s.expires_at,
                grants: artefacts.grants.values().filter(|g| g.session_id.as_deref() == Some(id.as_str())).count(),
            })
            .collect();
        sessions.sort_by(|a, b| (&a.account_id, &a.handle).cmp(&(&b.account_id, &b.handle)));
        sessions
    }

    /// Ends the browser session named by `handle` (its grants without `offline_access` end with
    /// it, as at sign-out). `false` when there is none.
    pub fn end_session_by_handle(&self, session_handle: &str) -> bool {
        let mut artefacts = self.artefacts();
        let id = artefacts.sessions.keys().find(|id| handle(id) == session_handle).cloned();
        match id {
            Some(id) => {
                artefacts.end_session(&id);
                true
            }
            None => false,
        }
    }

    /// Revokes one grant; `false` when there is none.
    pub fn revoke_grant_if_live(&self, grant_id: &str) -> bool {
        let mut artefacts = self.artefacts();
        let live = artefacts.grants.contains_key(grant_id);
        artefacts.revoke_grant(grant_id);
        live
    }
}
