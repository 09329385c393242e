//! The Logto client: sign-in with PKCE, the callback, per-resource access tokens through the
//! refresh-token grant, sign-out; and the auth state the pages read.
//!
//! Storage: the refresh token and ID token live in `sessionStorage` (they survive a reload but not the
//! tab, and are never in `localStorage`); access tokens only in memory.

mod crypto;
mod error;
mod oidc;
mod storage;

use std::cell::RefCell;

use leptos::prelude::*;
use serde::Deserialize;

pub use error::AuthError;

use crate::config::{API_RESOURCE, APP_ID, SCOPES};

/// What the pages know about the user.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthState {
    SignedOut,
    SignedIn(Profile),
    Error(String),
}

/// Claims of the verified ID token that the pages show.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Profile {
    pub sub: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub picture: Option<String>,
}

impl Profile {
    pub fn display_name(&self) -> String {
        self.name.clone().or_else(|| self.username.clone()).unwrap_or_else(|| self.sub.clone())
    }
}

/// An access token for the API resource, kept in memory only.
struct CachedToken {
    token: String,
    expires_at_ms: f64,
}

thread_local! {
    static ACCESS_TOKEN: RefCell<Option<CachedToken>> = const { RefCell::new(None) };
}

/// The auth context, provided once by the app.
#[derive(Clone, Copy)]
pub struct Auth {
    pub state: RwSignal<AuthState>,
}

impl Auth {
    /// The state restored from this tab's session.
    pub fn restore() -> Self {
        let state = match (storage::refresh_token(), storage::id_token_claims::<Profile>()) {
            (Some(_), Some(profile)) => AuthState::SignedIn(profile),
            _ => AuthState::SignedOut,
        };
        Self { state: RwSignal::new(state) }
    }

    /// Starts sign-in: redirects the browser to Logto's authorization endpoint.
    pub async fn sign_in(&self) -> Result<(), AuthError> {
        let discovery = oidc::discover().await?;
        let session = storage::SignInSession {
            code_verifier: crypto::random_token(32)?,
            state: crypto::random_token(16)?,
            nonce: crypto::random_token(16)?,
        };
        let challenge = crypto::sha256_b64url(&session.code_verifier).await?;
        storage::save_sign_in_session(&session)?;
        let url = oidc::authorization_url(&discovery, &session, &challenge, &redirect_uri());
        window().location().set_href(&url).map_err(|_| AuthError::Browser("cannot navigate to Logto".into()))
    }

    /// Finishes sign-in on the callback page: checks `state`, exchanges the code, verifies the ID token.
    pub async fn handle_callback(&self, search: &str) -> Result<(), AuthError> {
        let params = web_sys::UrlSearchParams::new_with_str(search)
            .map_err(|_| AuthError::Browser("bad callback URL".into()))?;
        let session = storage::take_sign_in_session().ok_or(AuthError::NoSignInSession)?;
        if let Some(error) = params.get("error") {
            let description = params.get("error_description").unwrap_or_default();
            return Err(AuthError::Logto { code: error, message: description });
        }
        if params.get("state").as_deref() != Some(session.state.as_str()) {
            return Err(AuthError::StateMismatch);
        }
        let code = params.get("code").ok_or_else(|| AuthError::Logto {
            code: "invalid_request".into(),
            message: "the callback has no code".into(),
        })?;
        let discovery = oidc::discover().await?;
        let tokens = oidc::exchange_code(&discovery, &code, &session.code_verifier, &redirect_uri()).await?;
        let id_token = tokens.id_token.ok_or(AuthError::InvalidIdToken("no ID token in the response".into()))?;
        let refresh_token = tokens.refresh_token.ok_or(AuthError::NoRefreshToken)?;
        let profile: Profile = crypto::verify_id_token(&discovery, &id_token, APP_ID, &session.nonce).await?;
        storage::save_tokens(&id_token, &refresh_token)?;
        self.state.set(AuthState::SignedIn(profile));
        Ok(())
    }

    /// A JWT for the API resource: from memory while valid, else by the refresh-token grant with
    /// `resource` (which rotates the refresh token). An opaque token is never returned.
    pub async fn access_token(&self) -> Result<String, AuthError> {
        let now = js_sys::Date::now();
        let cached = ACCESS_TOKEN
            .with(|c| c.borrow().as_ref().filter(|t| t.expires_at_ms - 30_000.0 > now).map(|t| t.token.clone()));
        if let Some(token) = cached {
            return Ok(token);
        }
        let refresh_token = storage::refresh_token().ok_or(AuthError::NotSignedIn)?;
        let discovery = oidc::discover().await?;
        let tokens = match oidc::refresh(&discovery, &refresh_token, API_RESOURCE).await {
            Ok(tokens) => tokens,
            Err(e @ AuthError::Logto { .. }) if e.is_invalid_grant() => {
                // The grant is gone (revoked, expired, reused): the session is over.
                storage::clear();
                self.state.set(AuthState::Error("Your session has ended. Please sign in again.".into()));
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        if let Some(rotated) = &tokens.refresh_token {
            storage::save_refresh_token(rotated)?;
        }
        if tokens.access_token.split('.').count() != 3 {
            return Err(AuthError::OpaqueAccessToken);
        }
        let expires_at_ms = now + tokens.expires_in.unwrap_or(3600) as f64 * 1000.0;
        ACCESS_TOKEN
            .with(|c| *c.borrow_mut() = Some(CachedToken { token: tokens.access_token.clone(), expires_at_ms }));
        Ok(tokens.access_token)
    }

    /// Signs out: revokes the refresh token, forgets every token, and ends Logto's session.
    pub async fn sign_out(&self) {
        let discovery = oidc::discover().await.ok();
        if let (Some(discovery), Some(rt)) = (&discovery, storage::refresh_token()) {
            // Best effort: the session ends below either way.
            let _ = oidc::revoke(discovery, &rt).await;
        }
        let id_token = storage::id_token();
        storage::clear();
        ACCESS_TOKEN.with(|c| *c.borrow_mut() = None);
        self.state.set(AuthState::SignedOut);
        if let Some(discovery) = discovery {
            let url = oidc::end_session_url(&discovery, &post_logout_uri(), id_token.as_deref());
            let _ = window().location().set_href(&url);
        }
    }
}

fn origin() -> String {
    window().location().origin().unwrap_or_default()
}

fn redirect_uri() -> String {
    format!("{}/callback", origin())
}

fn post_logout_uri() -> String {
    format!("{}/", origin())
}

/// The scopes asked at sign-in.
pub fn scopes() -> &'static str {
    SCOPES
}
