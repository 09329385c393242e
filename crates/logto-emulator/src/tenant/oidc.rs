//! The OIDC provider's operations on its artefacts: sign-in requests, browser sessions, grants,
//! codes, refresh and opaque tokens, sign-outs. Each takes the artefacts' lock once, so what it
//! checks cannot change before it acts (a code redeemed twice at once, a refresh token rotated
//! twice at once); none holds it while taking the store's.

use super::Tenant;
use crate::ids::opaque_token;
use crate::model::{
    AuthCode, BrowserSession, Grant, Interaction, OpaqueToken, PendingLogout, PushedRequest, RefreshToken, User,
};
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

/// What introspection says of a live token.
#[derive(Debug, Clone, PartialEq)]
pub struct Introspection {
    /// The user.
    pub sub: String,
    /// The client it was issued to.
    pub client_id: String,
    /// Expiry, in seconds since the epoch.
    pub exp: i64,
    /// When it was issued.
    pub iat: i64,
    /// Its scopes.
    pub scope: String,
    /// An access token (`token_type: Bearer`), else a refresh token.
    pub access_token: bool,
    /// Who acts for the user (an exchanged token with an actor).
    pub actor: Option<String>,
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
        self.artefacts().experiences.remove(uid);
        let session_id = self.open_session(user, &interaction.client_id, current, now_ms, session_ttl_secs)?;
        Ok(SignIn { interaction, session_id })
    }

    /// Records `user`'s sign-in to `client_id` (`lastSignInAt`, the first application) and opens
    /// their browser session: `current` when it is this user's, else a new one.
    pub(super) fn open_session(
        &self,
        user: &User,
        client_id: &str,
        current: Option<String>,
        now_ms: i64,
        session_ttl_secs: i64,
    ) -> Result<String, PersistError> {
        let mut signed_in = user.clone();
        signed_in.last_sign_in_at = Some(now_ms);
        signed_in.updated_at = now_ms;
        signed_in.application_id.get_or_insert_with(|| client_id.to_string());
        self.write().put(signed_in)?;
        let now = now_ms / 1000;
        let session_id = current.filter(|id| self.session_user(id, now).as_deref() == Some(&user.id));
        let session_id = session_id.unwrap_or_else(opaque_token);
        self.artefacts().sessions.insert(
            session_id.clone(),
            BrowserSession { account_id: user.id.clone(), expires_at: now + session_ttl_secs },
        );
        Ok(session_id)
    }

    /// Grants a signed-in user what `request` asked, in a browser session (`None`: a session made
    /// by the control API), and returns the authorization code and the grant's id.
    pub fn authorize(
        &self,
        user_id: &str,
        request: &Interaction,
        session_id: Option<&str>,
        now: i64,
        code_expires_at: i64,
    ) -> (String, String) {
        let grant = Grant {
            id: opaque_token(),
            account_id: user_id.to_string(),
            client_id: request.client_id.clone(),
            scopes: request.scopes.clone(),
            resources: request.resources.clone(),
            nonce: request.nonce.clone(),
            session_id: session_id.map(String::from),
            actor: None,
            iat: now,
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
        let grant_id = grant.id.clone();
        artefacts.grants.insert(grant.id.clone(), grant);
        (code, grant_id)
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

    /// A new refresh token for a grant, issued at `now_secs`.
    pub fn issue_refresh_token(&self, grant_id: &str, expires_at: i64, now_secs: i64) -> String {
        let token = opaque_token();
        let rt = RefreshToken { grant_id: grant_id.into(), expires_at, consumed_at_ms: None, issued_at: now_secs };
        self.artefacts().refresh_tokens.insert(token.clone(), rt);
        token
    }

    /// A new opaque (`/oidc/me`) access token for a grant, carrying the OIDC scopes `scope`.
    pub fn issue_opaque_token(&self, grant_id: &str, scope: &str, now_secs: i64, expires_at: i64) -> String {
        let token = opaque_token();
        let opaque = OpaqueToken { grant_id: grant_id.into(), expires_at, issued_at: now_secs, scope: scope.into() };
        self.artefacts().opaque_tokens.insert(token.clone(), opaque);
        token
    }

    /// What RFC 7662 may say of `token`: a live opaque access token or refresh token of any client
    /// (Logto lets any authenticated client introspect), else `None` (`{"active": false}`).
    pub fn introspect(&self, token: &str, now_secs: i64) -> Option<Introspection> {
        let artefacts = self.artefacts();
        let (grant_id, exp, iat, scope, access) = if let Some(t) = artefacts.opaque_tokens.get(token) {
            (&t.grant_id, t.expires_at, t.issued_at, Some(t.scope.clone()), true)
        } else {
            let t = artefacts.refresh_tokens.get(token).filter(|t| t.consumed_at_ms.is_none())?;
            (&t.grant_id, t.expires_at, t.issued_at, None, false)
        };
        if exp <= now_secs {
            return None;
        }
        let grant = artefacts.grants.get(grant_id)?;
        Some(Introspection {
            sub: grant.account_id.clone(),
            client_id: grant.client_id.clone(),
            exp,
            iat,
            // A refresh token carries the grant's scopes.
            scope: scope.unwrap_or_else(|| grant.scopes.join(" ")),
            access_token: access,
            actor: grant.actor.clone(),
        })
    }

    /// Keeps a pushed authorization request (RFC 9126) until `expires_at`; returns its `request_uri`.
    pub fn push_authorization_request(
        &self,
        client_id: &str,
        params: Vec<(String, String)>,
        expires_at: i64,
    ) -> String {
        let uri = format!("urn:ietf:params:oauth:request_uri:{}", opaque_token());
        let pushed = PushedRequest { client_id: client_id.into(), params, expires_at };
        self.artefacts().pushed.insert(uri.clone(), pushed);
        uri
    }

    /// The pushed request of `request_uri`, used up (single use); `None` when unknown, used or expired.
    pub fn take_authorization_request(&self, request_uri: &str, now_secs: i64) -> Option<PushedRequest> {
        self.artefacts().pushed.remove(request_uri).filter(|p| p.expires_at > now_secs)
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
        let issued_at = now_ms / 1000;
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
        let next = RefreshToken { grant_id, expires_at, consumed_at_ms: None, issued_at };
        artefacts.refresh_tokens.insert(token.clone(), next);
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
