//! The OIDC provider's operations on its artefacts: sign-in requests, browser sessions, grants,
//! codes, refresh and opaque tokens, sign-outs. Each takes the artefacts' lock once, so what it
//! checks cannot change before it acts (a code redeemed twice at once, a refresh token rotated
//! twice at once); none holds it while taking the store's.

use super::Tenant;
use crate::ids::opaque_token;
use crate::model::{AuthCode, BrowserSession, Grant, Interaction, OpaqueToken, PendingLogout, RefreshToken, User};
use crate::persist::PersistError;

/// What a sign-in on the sign-in page did.
#[derive(Debug)]
pub struct SignIn {
    /// The authorization request it answers.
    pub interaction: Interaction,
    /// The browser session it is in (kept when it was this user's, else new).
    pub session_id: String,
}

/// Why a sign-in was not made.
#[derive(Debug, thiserror::Error)]
pub enum SignInRefused {
    /// The sign-in request has expired or was used already.
    #[error("the sign-in request is gone")]
    RequestGone,
    /// The sign-in could not be saved.
    #[error("the sign-in could not be saved")]
    NotSaved(#[from] PersistError),
}

/// A refresh token that was rotated: the new one.
#[derive(Debug)]
pub enum Rotation {
    /// The token to hand back.
    Rotated(String),
    /// The token is gone or was reused past the reuse interval (its grant is now revoked).
    Refused,
}

impl Tenant {
    /// Keeps an authorization request until the user signs in; returns its interaction id.
    pub fn await_sign_in(&self, interaction: Interaction) -> String {
        let uid = opaque_token();
        self.artefacts().interactions.insert(uid.clone(), interaction);
        uid
    }

    /// The client of a waiting sign-in request.
    pub fn interaction_client(&self, uid: &str) -> Option<String> {
        self.artefacts().interactions.get(uid).map(|i| i.client_id.clone())
    }

    /// The `login_hint` a waiting sign-in request came with.
    pub fn interaction_login_hint(&self, uid: &str) -> Option<String> {
        self.artefacts().interactions.get(uid).and_then(|i| i.login_hint.clone())
    }

    /// The user of a live browser session, when they may still sign in.
    pub fn session_user(&self, session_id: &str, now_secs: i64) -> Option<String> {
        let account = self.artefacts().sessions.get(session_id).filter(|s| s.expires_at > now_secs)?.account_id.clone();
        self.read(|store| store.user(&account).filter(|u| !u.is_suspended).map(|u| u.id.clone()))
    }

    /// Signs `user` in for the request `uid`: the request is used up, the user's sign-in saved
    /// (`lastSignInAt`, the first application), and the browser session kept when it is this
    /// user's (`current`), else a new one.
    pub fn sign_in(
        &self,
        uid: &str,
        user: &User,
        current: Option<String>,
        now_ms: i64,
        session_ttl_secs: i64,
    ) -> Result<SignIn, SignInRefused> {
        let interaction = self.artefacts().interactions.remove(uid).ok_or(SignInRefused::RequestGone)?;
        let mut signed_in = user.clone();
        signed_in.last_sign_in_at = Some(now_ms);
        signed_in.updated_at = now_ms;
        signed_in.application_id.get_or_insert_with(|| interaction.client_id.clone());
        self.write().put(signed_in)?;
        let now = now_ms / 1000;
        let session_id = current.filter(|id| self.session_user(id, now).as_deref() == Some(&user.id));
        let session_id = session_id.unwrap_or_else(opaque_token);
        self.artefacts().sessions.insert(
            session_id.clone(),
            BrowserSession { account_id: user.id.clone(), expires_at: now + session_ttl_secs },
        );
        Ok(SignIn { interaction, session_id })
    }

    /// Grants a signed-in user what `request` asked, in a browser session (`None`: a session made
    /// by the control API), and returns the authorization code.
    pub fn authorize(
        &self,
        user_id: &str,
        request: &Interaction,
        session_id: Option<&str>,
        code_expires_at: i64,
    ) -> String {
        let grant = Grant {
            id: opaque_token(),
            account_id: user_id.to_string(),
            client_id: request.client_id.clone(),
            scopes: request.scopes.clone(),
            resources: request.resources.clone(),
            nonce: request.nonce.clone(),
            session_id: session_id.map(String::from),
        };
        let code = opaque_token();
        let mut artefacts = self.artefacts();
        artefacts.codes.insert(
            code.clone(),
            AuthCode {
                grant_id: grant.id.clone(),
                redirect_uri: request.redirect_uri.clone(),
                code_challenge: request.code_challenge.clone(),
                expires_at: code_expires_at,
                consumed: false,
            },
        );
        artefacts.grants.insert(grant.id.clone(), grant);
        code
    }

    /// Starts a grant with no code (the control API's sessions).
    pub fn start_grant(&self, grant: Grant) {
        self.artefacts().grants.insert(grant.id.clone(), grant);
    }

    /// Redeems an authorization code for `client_id` at `redirect_uri`, whose PKCE challenge must
    /// be `challenge` (the verifier's S256, `None` when none was sent). A wrong verifier does not
    /// consume the code (real Logto: a retry with the right one works); a code used twice may have
    /// been stolen: its grant and everything issued from it is revoked. `None`: `invalid_grant`.
    pub fn redeem_code(
        &self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        challenge: Option<&str>,
        now_secs: i64,
    ) -> Option<Grant> {
        let mut artefacts = self.artefacts();
        let stored = artefacts.codes.get(code).cloned()?;
        let grant = artefacts.grants.get(&stored.grant_id).cloned()?;
        if stored.expires_at <= now_secs || grant.client_id != client_id || stored.redirect_uri != redirect_uri {
            return None;
        }
        if stored.code_challenge.as_deref() != challenge {
            return None;
        }
        if stored.consumed {
            artefacts.revoke_grant(&grant.id);
            return None;
        }
        if let Some(c) = artefacts.codes.get_mut(code) {
            c.consumed = true;
        }
        Some(grant)
    }

    /// A new refresh token for a grant.
    pub fn issue_refresh_token(&self, grant_id: &str, expires_at: i64) -> String {
        let token = opaque_token();
        self.artefacts()
            .refresh_tokens
            .insert(token.clone(), RefreshToken { grant_id: grant_id.into(), expires_at, consumed_at_ms: None });
        token
    }

    /// A new opaque (`/oidc/me`) access token for a grant.
    pub fn issue_opaque_token(&self, grant_id: &str, expires_at: i64) -> String {
        let token = opaque_token();
        self.artefacts().opaque_tokens.insert(token.clone(), OpaqueToken { grant_id: grant_id.into(), expires_at });
        token
    }

    /// A refresh token of `client_id` that has not expired, and its grant.
    pub fn find_refresh_token(&self, value: &str, client_id: &str, now_secs: i64) -> Option<(RefreshToken, Grant)> {
        let artefacts = self.artefacts();
        let rt = artefacts.refresh_tokens.get(value).cloned()?;
        let grant = artefacts.grants.get(&rt.grant_id).cloned()?;
        (grant.client_id == client_id && rt.expires_at > now_secs).then_some((rt, grant))
    }

    /// When a refresh token expires (tests and the console look).
    pub fn refresh_token_expires_at(&self, value: &str) -> Option<i64> {
        self.artefacts().refresh_tokens.get(value).map(|t| t.expires_at)
    }

    /// Rotates a public client's refresh token: consumed now (a token consumed within
    /// `reuse_interval_ms` may be used again; past it, reuse revokes the grant), and a new one
    /// with the first one's expiry. Checked and done under one lock.
    pub fn rotate_refresh_token(&self, value: &str, now_ms: i64, reuse_interval_ms: i64) -> Rotation {
        let mut artefacts = self.artefacts();
        let Some(rt) = artefacts.refresh_tokens.get_mut(value) else { return Rotation::Refused };
        if rt.consumed_at_ms.is_some_and(|consumed| now_ms - consumed > reuse_interval_ms) {
            let grant_id = rt.grant_id.clone();
            artefacts.revoke_grant(&grant_id);
            return Rotation::Refused;
        }
        rt.consumed_at_ms.get_or_insert(now_ms);
        let (grant_id, expires_at) = (rt.grant_id.clone(), rt.expires_at);
        let token = opaque_token();
        artefacts.refresh_tokens.insert(token.clone(), RefreshToken { grant_id, expires_at, consumed_at_ms: None });
        Rotation::Rotated(token)
    }

    /// Revokes a grant and every code and token issued under it.
    pub fn revoke_grant(&self, grant_id: &str) {
        self.artefacts().revoke_grant(grant_id);
    }

    /// Revokes the grants of a user, of a client, or of both; returns how many.
    pub fn revoke_grants(&self, user_id: Option<&str>, client_id: Option<&str>) -> usize {
        let mut artefacts = self.artefacts();
        let ids: Vec<String> = artefacts
            .grants
            .values()
            .filter(|g| user_id.is_none_or(|u| g.account_id == u))
            .filter(|g| client_id.is_none_or(|c| g.client_id == c))
            .map(|g| g.id.clone())
            .collect();
        ids.iter().for_each(|id| artefacts.revoke_grant(id));
        ids.len()
    }

    /// RFC 7009 for `client_id`: a refresh token ends its grant, an opaque access token ends
    /// itself; another client's or an unknown token is left alone.
    pub fn revoke_token(&self, token: &str, client_id: &str) {
        let mut artefacts = self.artefacts();
        let grant_id = artefacts
            .refresh_tokens
            .get(token)
            .map(|t| t.grant_id.clone())
            .or_else(|| artefacts.opaque_tokens.get(token).map(|t| t.grant_id.clone()));
        let Some(grant_id) = grant_id else { return };
        if artefacts.grants.get(&grant_id).is_none_or(|g| g.client_id != client_id) {
            return;
        }
        if artefacts.refresh_tokens.contains_key(token) {
            artefacts.revoke_grant(&grant_id);
        } else {
            artefacts.opaque_tokens.remove(token);
        }
    }

    /// The grant of a live opaque access token.
    pub fn opaque_token_grant(&self, token: &str, now_secs: i64) -> Option<Grant> {
        let artefacts = self.artefacts();
        let token = artefacts.opaque_tokens.get(token).filter(|t| t.expires_at > now_secs)?;
        artefacts.grants.get(&token.grant_id).cloned()
    }

    /// Keeps a sign-out until its confirm form comes back; returns the form's `xsrf` value.
    pub fn await_sign_out(&self, pending: PendingLogout) -> String {
        let xsrf = opaque_token();
        self.artefacts().logouts.insert(xsrf.clone(), pending);
        xsrf
    }

    /// Confirms a sign-out: ends the browser session (grants without `offline_access` end with it)
    /// and returns where to go. `None` for an unknown or expired `xsrf`.
    pub fn confirm_sign_out(&self, xsrf: &str, session_id: Option<&str>) -> Option<PendingLogout> {
        let mut artefacts = self.artefacts();
        let pending = artefacts.logouts.remove(xsrf)?;
        if let Some(session_id) = session_id {
            artefacts.end_session(session_id);
        }
        Some(pending)
    }

    /// Drops expired interactions, codes, tokens and sessions (the sweeper, once a minute).
    pub fn sweep(&self, now_secs: i64) {
        self.artefacts().sweep(now_secs);
    }
}
