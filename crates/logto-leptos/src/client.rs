//! [`Logto`]: the client the app holds (a `Copy` handle in Leptos context): sign-in, callback,
//! access tokens per API and organization, `/oidc/me`, sign-out, and the auth state signal.

use std::cell::RefCell;
use std::rc::Rc;

use futures::lock::Mutex;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::claims::decode_claims;
use crate::error::organization_refusal;
use crate::oidc::{self, Discovery, SignInOptions};
use crate::storage::{SignInSession, Store};
use crate::tabs::{self, Channel, TabMessage};
use crate::tokens::{AccessToken, Cached, TokenCache, TokenFor, TokenSource};
use crate::{crypto, AuthError, AuthState, IdClaims, LogtoConfig, SignOutReason, UserInfo};

/// What the handle points to; one per app.
struct Inner {
    config: LogtoConfig,
    store: Store,
    discovery: RefCell<Option<Discovery>>,
    tokens: RefCell<TokenCache>,
    /// Proactive-refresh timers by token target (`setTimeout` handles).
    timers: RefCell<Vec<(TokenFor, i32)>>,
    /// One refresh at a time in this tab; the Web Lock does the same across tabs.
    refreshing: Mutex<()>,
    channel: RefCell<Option<Channel>>,
}

/// The Logto client. Create it once with [`Logto::provide`]; read it anywhere with [`Logto::expect`].
#[derive(Clone, Copy)]
pub struct Logto {
    /// Where the user stands; pages render from it.
    pub state: RwSignal<AuthState>,
    inner: StoredValue<Rc<Inner>, LocalStorage>,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn origin() -> String {
    window().location().origin().unwrap_or_default()
}

impl Logto {
    /// Creates the client from this tab's stored session and provides it as context.
    pub fn provide(config: LogtoConfig) -> Self {
        let logto = Self::new(config);
        provide_context(logto);
        logto
    }

    /// The client provided by [`Logto::provide`].
    pub fn expect() -> Self {
        expect_context::<Logto>()
    }

    fn new(config: LogtoConfig) -> Self {
        let store = Store::new(&config.app_id);
        // A session is whole or not at all: without its id, refreshes could not be coordinated.
        let stored = (store.session_id(), store.refresh_token(), store.id_token().as_deref().and_then(decode_claims));
        let state = match stored {
            (Some(_), Some(_), Some(claims)) => AuthState::SignedIn(IdClaims(claims)),
            _ => {
                // Not `clear`: this may be the callback page of a sign-in under way.
                store.clear_session();
                AuthState::SignedOut { reason: None }
            }
        };
        let channel_name = format!("logto:{}", config.app_id);
        let inner = Rc::new(Inner {
            config,
            store,
            discovery: RefCell::new(None),
            tokens: RefCell::new(TokenCache::default()),
            timers: RefCell::new(vec![]),
            refreshing: Mutex::new(()),
            channel: RefCell::new(None),
        });
        let logto = Self { state: RwSignal::new(state), inner: StoredValue::new_local(inner.clone()) };
        *inner.channel.borrow_mut() = Channel::open(&channel_name, move |m| logto.on_tab_message(m));
        logto
    }

    fn inner(&self) -> Rc<Inner> {
        self.inner.get_value()
    }

    /// The configuration it was provided with.
    pub fn config(&self) -> LogtoConfig {
        self.inner().config.clone()
    }

    async fn discovery(&self) -> Result<Discovery, AuthError> {
        let inner = self.inner();
        if let Some(known) = inner.discovery.borrow().clone() {
            return Ok(known);
        }
        // Fetched once per page: it does not change while the page lives.
        let fetched = oidc::discover(&inner.config).await?;
        *inner.discovery.borrow_mut() = Some(fetched.clone());
        Ok(fetched)
    }

    fn redirect_uri(&self) -> String {
        self.inner().config.redirect_uri.clone().unwrap_or_else(|| format!("{}/callback", origin()))
    }

    /// Starts sign-in: redirects the browser to Logto's authorization endpoint.
    pub async fn sign_in(&self) -> Result<(), AuthError> {
        self.sign_in_with(&SignInOptions::default()).await
    }

    /// [`Logto::sign_in`] with a `login_hint` to fill in, or opening on the sign-up screen (an
    /// invitation's page does both for a new address).
    pub async fn sign_in_with(&self, options: &SignInOptions) -> Result<(), AuthError> {
        let discovery = self.discovery().await?;
        let inner = self.inner();
        let session = SignInSession {
            code_verifier: crypto::random_token(32)?,
            state: crypto::random_token(16)?,
            nonce: crypto::random_token(16)?,
            return_to: return_path(&self.redirect_uri()),
        };
        let challenge = crypto::sha256_b64url(&session.code_verifier).await?;
        inner.store.save_sign_in_session(&session)?;
        let url =
            oidc::authorization_url(&discovery, &inner.config, &session, &challenge, &self.redirect_uri(), options);
        window().location().set_href(&url).map_err(|_| AuthError::Browser("cannot navigate to Logto".into()))
    }

    /// [`Logto::sign_in`] for an event handler: a failure becomes the `Error` state.
    pub fn start_sign_in(&self) {
        self.start_sign_in_with(SignInOptions::default());
    }

    /// [`Logto::sign_in_with`] for an event handler.
    pub fn start_sign_in_with(&self, options: SignInOptions) {
        let this = *self;
        leptos::task::spawn_local(async move {
            if let Err(e) = this.sign_in_with(&options).await {
                this.state.set(AuthState::Error(e.to_string()));
            }
        });
    }

    /// Finishes sign-in on the callback page (`search` is its query string): checks `state`,
    /// exchanges the code, verifies the ID token. The state is `Loading` meanwhile, then `SignedIn`
    /// or `Error`. `Ok` holds the path the user was on when sign-in started (`None` from the start
    /// page), for the app to return there.
    pub async fn handle_callback(&self, search: &str) -> Result<Option<String>, AuthError> {
        self.state.set(AuthState::Loading);
        let result = self.finish_sign_in(search).await;
        match result {
            Ok((claims, return_to)) => {
                self.state.set(AuthState::SignedIn(claims));
                Ok(return_to)
            }
            Err(e) => {
                self.state.set(AuthState::Error(e.to_string()));
                Err(e)
            }
        }
    }

    async fn finish_sign_in(&self, search: &str) -> Result<(IdClaims, Option<String>), AuthError> {
        let inner = self.inner();
        let params = web_sys::UrlSearchParams::new_with_str(search)
            .map_err(|_| AuthError::Browser("bad callback URL".into()))?;
        let session = inner.store.take_sign_in_session().ok_or(AuthError::NoSignInSession)?;
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
        let discovery = self.discovery().await?;
        let tokens =
            oidc::exchange_code(&discovery, &inner.config.app_id, &code, &session.code_verifier, &self.redirect_uri())
                .await?;
        let id_token = tokens.id_token.ok_or(AuthError::InvalidIdToken("no ID token in the response".into()))?;
        let refresh_token = tokens.refresh_token.ok_or(AuthError::NoRefreshToken)?;
        let claims = crypto::verify_id_token(&discovery, &id_token, &inner.config.app_id, &session.nonce).await?;
        // A new session: tabs copied from this one share it, earlier ones do not.
        inner.store.save_session(&crypto::random_token(12)?, &id_token, &refresh_token)?;
        self.forget_tokens();
        Ok((IdClaims(claims), session.return_to))
    }

    /// The claims of the stored ID token (verified when it was stored).
    pub fn id_token_claims(&self) -> Option<serde_json::Value> {
        self.inner().store.id_token().as_deref().and_then(decode_claims)
    }

    /// The claims of the access token this tab holds for `target`, if any (for display).
    pub fn access_token_claims(&self, target: impl Into<TokenFor>) -> Option<serde_json::Value> {
        self.inner().tokens.borrow().get(&target.into()).and_then(|t| decode_claims(&t.token))
    }

    /// An access token for `target` (an API resource indicator, or any [`TokenFor`]): from memory
    /// while fresh, else through one refresh-token grant (rotating the refresh token), made by one
    /// tab at a time. A JWT, except for [`TokenFor::UserInfo`].
    pub async fn access_token(&self, target: impl Into<TokenFor>) -> Result<AccessToken, AuthError> {
        // One body for every caller's argument type: the future is large, and WASM size counts.
        self.token_for(target.into()).await
    }

    async fn token_for(&self, target: TokenFor) -> Result<AccessToken, AuthError> {
        let inner = self.inner();
        if let Some(resource) = target.resource() {
            if !inner.config.resources.iter().any(|r| r == resource) {
                return Err(AuthError::UnknownResource(resource.to_string()));
            }
        }
        if target.organization_id().is_some() && !inner.config.asks_for_organizations() {
            return Err(AuthError::OrganizationsNotConfigured);
        }
        if let Some(t) = inner.tokens.borrow().fresh(&target, now_ms()) {
            return Ok(t.to_access_token(source_of(t), 0.0));
        }
        let started = now_ms();
        let _in_tab = inner.refreshing.lock().await;
        // Another task of this tab, or another tab, may have refreshed while this one waited.
        if let Some(t) = inner.tokens.borrow().fresh(&target, now_ms()) {
            return Ok(t.to_access_token(source_of(t), now_ms() - started));
        }
        let session = inner.store.session_id().ok_or(AuthError::NotSignedIn)?;
        let this = *self;
        let refreshed = tabs::with_lock(&format!("logto:{}:{session}:refresh", inner.config.app_id), async move {
            this.refresh_under_lock(&target).await
        })
        .await??;
        Ok(AccessToken { elapsed_ms: now_ms() - started, ..refreshed })
    }

    /// An organization token for `organization_id` (`aud` = `urn:logto:organization:{id}`); its
    /// scopes are the organization permissions of the user's roles there.
    pub async fn organization_token(&self, organization_id: &str) -> Result<AccessToken, AuthError> {
        self.token_for(TokenFor::organization(organization_id)).await
    }

    /// A token for the API `resource` within `organization_id` (`organization_id` claim); its
    /// scopes are the API permissions the user's organization roles grant.
    pub async fn organization_access_token(
        &self,
        resource: &str,
        organization_id: &str,
    ) -> Result<AccessToken, AuthError> {
        self.token_for(TokenFor::organization_api(resource, organization_id)).await
    }

    /// `/oidc/me`: the user's current claims, organizations with their names
    /// ([`UserInfo::organization_data`]). Uses the opaque token, which goes nowhere else.
    pub async fn user_info(&self) -> Result<UserInfo, AuthError> {
        let token = self.token_for(TokenFor::UserInfo).await?;
        let discovery = self.discovery().await?;
        match oidc::userinfo(&discovery, &token.token).await {
            Ok(claims) => Ok(UserInfo(claims)),
            Err(e) => {
                // Revoked or expired early: the next call gets a new one.
                self.forget_access_token(&TokenFor::UserInfo, &token.token);
                Err(e)
            }
        }
    }

    async fn refresh_under_lock(&self, target: &TokenFor) -> Result<AccessToken, AuthError> {
        let inner = self.inner();
        if let Some(t) = inner.tokens.borrow().fresh(target, now_ms()) {
            return Ok(t.to_access_token(source_of(t), 0.0));
        }
        // Read now, not before the lock: another tab may have rotated it meanwhile.
        let refresh_token = inner.store.refresh_token().ok_or(AuthError::NotSignedIn)?;
        let discovery = self.discovery().await?;
        let sent_at = now_ms();
        let tokens = match oidc::refresh(&discovery, &inner.config.app_id, &refresh_token, target).await {
            Ok(tokens) => tokens,
            Err(e) if e.is_invalid_grant() => {
                // The grant is gone (revoked, expired, reused): the session is over, in every tab.
                self.end_session_locally(Some(SignOutReason::SessionEnded), true);
                return Err(e);
            }
            // Not a member, or organizations not granted: this token only; the session goes on.
            Err(e) => return Err(organization_refusal(e, target.organization_id())),
        };
        if let Some(rotated) = &tokens.refresh_token {
            inner.store.save_refresh_token(rotated)?;
        }
        if *target != TokenFor::UserInfo && decode_claims(&tokens.access_token).is_none() {
            return Err(AuthError::OpaqueAccessToken);
        }
        let lifetime_ms = tokens.expires_in.unwrap_or(3600) as f64 * 1000.0;
        let scope = tokens.scope.clone().unwrap_or_default();
        let cached = Cached::new(tokens.access_token.clone(), scope.clone(), sent_at, lifetime_ms, false);
        let token = cached.to_access_token(TokenSource::Refreshed, 0.0);
        self.store_token(target, cached);
        if let (Some(session), Some(channel)) = (inner.store.session_id(), inner.channel.borrow().as_ref()) {
            channel.post(&TabMessage::Tokens {
                session,
                refresh_token: tokens.refresh_token.unwrap_or(refresh_token),
                target: target.clone(),
                access_token: tokens.access_token,
                scope,
                lifetime_ms,
            });
        }
        Ok(token)
    }

    /// Caches `token` and schedules its refresh before it expires.
    fn store_token(&self, target: &TokenFor, token: Cached) {
        let inner = self.inner();
        let delay = (token.refresh_at_ms() - now_ms()).max(0.0);
        inner.tokens.borrow_mut().put(target, token);
        let this = *self;
        let target_owned = target.clone();
        let callback = Closure::once_into_js(move || {
            leptos::task::spawn_local(async move {
                // Failures surface where they matter: `invalid_grant` ends the session; others wait
                // for the next use.
                let _ = this.token_for(target_owned).await;
            })
        });
        let mut timers = inner.timers.borrow_mut();
        if let Some(i) = timers.iter().position(|(t, _)| t == target) {
            window().clear_timeout_with_handle(timers.remove(i).1);
        }
        // Browsers clamp timeouts to 2^31-1 ms; tokens live far shorter than that.
        let delay = delay.min(i32::MAX as f64) as i32;
        if let Ok(handle) =
            window().set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), delay)
        {
            timers.push((target.clone(), handle));
        }
    }

    /// The server refused `token` (401): forget it so the next call refreshes.
    pub fn forget_access_token(&self, target: &TokenFor, token: &str) {
        self.inner().tokens.borrow_mut().forget(target, token);
    }

    fn forget_tokens(&self) {
        let inner = self.inner();
        inner.tokens.borrow_mut().clear();
        for (_, handle) in inner.timers.borrow_mut().drain(..) {
            window().clear_timeout_with_handle(handle);
        }
    }

    /// Forgets this tab's session; tells the other tabs when `tell_others`.
    fn end_session_locally(&self, reason: Option<SignOutReason>, tell_others: bool) {
        let inner = self.inner();
        if tell_others {
            if let (Some(session), Some(channel)) = (inner.store.session_id(), inner.channel.borrow().as_ref()) {
                // Signed out here by choice: for the other tabs, it happened elsewhere.
                let reason = reason.unwrap_or(SignOutReason::SignedOutElsewhere);
                channel.post(&TabMessage::SignedOut { session, reason });
            }
        }
        inner.store.clear();
        self.forget_tokens();
        self.state.set(AuthState::SignedOut { reason });
    }

    fn on_tab_message(&self, message: TabMessage) {
        let inner = self.inner();
        if inner.store.session_id().as_deref() != Some(message.session()) {
            return; // another sign-in (another user, or signed in again): not this tab's session
        }
        match message {
            TabMessage::Tokens { refresh_token, target, access_token, scope, lifetime_ms, .. } => {
                let _ = inner.store.save_refresh_token(&refresh_token);
                self.store_token(&target, Cached::new(access_token, scope, now_ms(), lifetime_ms, true));
            }
            TabMessage::SignedOut { reason, .. } => self.end_session_locally(Some(reason), false),
        }
    }

    /// Signs out: revokes the refresh token, forgets every token (here and in this session's other
    /// tabs), then sends the browser to Logto's end-session endpoint.
    pub async fn sign_out(&self) {
        let inner = self.inner();
        let discovery = self.discovery().await.ok();
        if let (Some(discovery), Some(rt)) = (&discovery, inner.store.refresh_token()) {
            // Best effort: the session ends below either way.
            let _ = oidc::revoke(discovery, &inner.config.app_id, &rt).await;
        }
        let id_token = inner.store.id_token();
        self.end_session_locally(None, true);
        if let Some(discovery) = discovery {
            let after = inner.config.post_logout_redirect_uri.clone().unwrap_or_else(|| format!("{}/", origin()));
            let url = oidc::end_session_url(&discovery, &inner.config.app_id, &after, id_token.as_deref());
            let _ = window().location().set_href(&url);
        }
    }
}

/// Where to come back after sign-in: this page, unless it is the start page or the callback.
fn return_path(redirect_uri: &str) -> Option<String> {
    let location = window().location();
    let path = location.pathname().ok()?;
    let callback = web_sys::Url::new(redirect_uri).ok().map(|u| u.pathname());
    if path == "/" || Some(&path) == callback.as_ref() {
        return None;
    }
    Some(path + &location.search().unwrap_or_default())
}

fn source_of(t: &Cached) -> TokenSource {
    if t.from_other_tab {
        TokenSource::OtherTab
    } else {
        TokenSource::Memory
    }
}
