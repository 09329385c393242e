//! The OIDC provider's artefacts: sign-in requests waiting for a sign-in, grants, codes, refresh and
//! opaque tokens, browser sessions and pending sign-outs. In memory only (a restart signs users
//! out, as Logto's provider would after losing its adapter), and behind a lock of their own
//! (the tenant's own lock), apart from the persisted entities, so a Management API write
//! waiting on its fsync never holds up `/oidc/token`.

use std::collections::HashMap;

use crate::model::{
    AuthCode, BrowserSession, DeviceRequest, Grant, Interaction, OpaqueToken, PendingLogout, PushedRequest,
    RefreshToken, SubjectToken,
};

/// Every artefact, by its key.
#[derive(Debug, Default)]
pub struct Artefacts {
    /// Authorization requests waiting for a sign-in, by interaction id.
    pub interactions: HashMap<String, Interaction>,
    /// Grants by id.
    pub grants: HashMap<String, Grant>,
    /// Authorization codes by code.
    pub codes: HashMap<String, AuthCode>,
    /// Refresh tokens by token.
    pub refresh_tokens: HashMap<String, RefreshToken>,
    /// Opaque (`/oidc/me`) access tokens by token.
    pub opaque_tokens: HashMap<String, OpaqueToken>,
    /// Pending sign-outs by the `xsrf` value of their confirm form: where to go afterwards.
    pub logouts: HashMap<String, PendingLogout>,
    /// Browser sessions by the value of their `_session` cookie.
    pub sessions: HashMap<String, BrowserSession>,
    /// Subject tokens (`sub_…`) by value.
    pub subject_tokens: HashMap<String, SubjectToken>,
    /// Device authorizations by device code.
    pub devices: HashMap<String, DeviceRequest>,
    /// Pushed authorization requests by their `request_uri`.
    pub pushed: HashMap<String, PushedRequest>,
    /// Sign-ups waiting for their email code, by interaction id.
    pub(super) registrations: HashMap<String, super::signup::PendingRegistration>,
    /// Interactions driven through the Experience API, by interaction id.
    pub(super) experiences: HashMap<String, super::experience::ExperienceProgress>,
}

impl Artefacts {
    /// Revokes a grant and every code and token issued under it (what Logto does on refresh-token reuse).
    pub fn revoke_grant(&mut self, grant_id: &str) {
        self.grants.remove(grant_id);
        self.codes.retain(|_, c| c.grant_id != grant_id);
        self.refresh_tokens.retain(|_, t| t.grant_id != grant_id);
        self.opaque_tokens.retain(|_, t| t.grant_id != grant_id);
    }

    /// Ends everything a deleted user had: their browser sessions and grants.
    pub fn end_account(&mut self, user_id: &str) {
        self.sessions.retain(|_, s| s.account_id != user_id);
        let grants: Vec<String> =
            self.grants.values().filter(|g| g.account_id == user_id).map(|g| g.id.clone()).collect();
        grants.iter().for_each(|g| self.revoke_grant(g));
    }

    /// Ends every grant of a deleted application.
    pub fn end_client(&mut self, client_id: &str) {
        let grants: Vec<String> =
            self.grants.values().filter(|g| g.client_id == client_id).map(|g| g.id.clone()).collect();
        grants.iter().for_each(|g| self.revoke_grant(g));
    }

    /// Drops expired interactions, codes and tokens so a long-running emulator does not grow.
    pub fn sweep(&mut self, now_secs: i64) {
        self.interactions.retain(|_, i| i.expires_at > now_secs);
        self.registrations.retain(|uid, _| self.interactions.contains_key(uid));
        self.experiences.retain(|uid, _| self.interactions.contains_key(uid));
        self.codes.retain(|_, c| c.expires_at > now_secs);
        self.refresh_tokens.retain(|_, t| t.expires_at > now_secs);
        self.opaque_tokens.retain(|_, t| t.expires_at > now_secs);
        self.logouts.retain(|_, l| l.expires_at > now_secs);
        self.pushed.retain(|_, p| p.expires_at > now_secs);
        self.subject_tokens.retain(|_, t| t.expires_at > now_secs);
        // Kept a minute past their time, so a device polling late hears `expired_token`.
        self.devices.retain(|_, d| d.expires_at + 60 > now_secs);
        self.sessions.retain(|_, s| s.expires_at > now_secs);
    }

    /// Ends a browser session: it signs nobody in any more, and the grants made in it end too, except
    /// those holding `offline_access`, whose refresh tokens outlive the session (as in Logto).
    pub fn end_session(&mut self, session_id: &str) {
        self.sessions.remove(session_id);
        let ended: Vec<String> = self
            .grants
            .values()
            .filter(|g| g.session_id.as_deref() == Some(session_id))
            .filter(|g| !g.scopes.iter().any(|s| s == "offline_access"))
            .map(|g| g.id.clone())
            .collect();
        ended.iter().for_each(|g| self.revoke_grant(g));
    }
}
