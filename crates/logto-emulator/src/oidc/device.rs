//! The device authorization grant (RFC 8628), as Logto 1.42 serves it (recorded in
//! `tests/fidelity/token-exchange/`, steps 505–550; oidc-provider's `lib/actions/
//! device_authorization.js` and `lib/actions/grants/device_code.js`, enabled in Logto's
//! `packages/core/src/oidc/init.ts` for Native apps created with `isDeviceFlow`):
//! - `POST /oidc/device/auth`: a device app asks; the answer is `{device_code, user_code,
//!   verification_uri, verification_uri_complete, expires_in: 600}` (no `interval`: Logto never
//!   answers `slow_down`);
//! - `/device`: the page the user opens (the emulator's own, in the style of its sign-in page; Logto
//!   serves its Experience app there): the user code, then sign in (or the browser's session) and
//!   approve, or cancel. As Logto's `koa-device-flow-shortcut.ts`, a first visit (no
//!   `_logto_device_flow_xsrf` cookie) goes to `/oidc/device`, which sets the cookie and comes back;
//!   each form carries the cookie's value and a post without the match is refused (CSRF);
//! - the token endpoint's `urn:ietf:params:oauth:grant-type:device_code` grant lives in `token.rs`.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Deserialize;
use serde_json::json;

use super::authorize::{granted_scopes, page, session_cookie};
use super::escape;
use crate::error::OidcError;
use crate::model::AppType;
use crate::oidc::client_auth::authenticate;
use crate::request::Params;
use crate::state::AppState;
use crate::tenant::DEVICE_CODE_TTL;

/// The grant type, as the token endpoint and the refusals name it.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// `POST /oidc/device/auth`.
pub async fn device_authorization(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let result = Params::from_body(&headers, &body, "/device/auth").and_then(|params| {
        // oidc-provider finds the client before authenticating it: an unknown one is named (513).
        let client = authenticate(&state, &headers, &params)?;
        if client.app_type != AppType::Native || !client.is_device_flow {
            return Err(OidcError::invalid_request(format!("{DEVICE_CODE_GRANT} is not allowed for this client")));
        }
        let resources = params.resources();
        let scopes = granted_scopes(&state, &resources, params.scopes()?, true)
            .ok_or_else(|| OidcError::invalid_target("resource indicator is missing, or unknown"))?;
        let now = state.clock.now_secs();
        let (device_code, user_code) = state.tenant.start_device_authorization(&client.id, scopes, resources, now);
        let verification_uri = format!("{}/device", state.endpoint);
        Ok(json!({
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri_complete": format!("{verification_uri}?user_code={user_code}"),
            "verification_uri": verification_uri,
            "expires_in": DEVICE_CODE_TTL,
        }))
    });
    match result {
        Ok(body) => Json(body).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct CodeQuery {
    #[serde(default)]
    user_code: String,
    /// The form's copy of the XSRF cookie (posts only).
    #[serde(default)]
    xsrf: String,
}

/// The device page's XSRF cookie (Logto's `deviceFlowXsrfCookieKey`).
const XSRF_COOKIE: &str = "_logto_device_flow_xsrf";

/// The browser's XSRF token, when it has one.
fn xsrf_cookie(headers: &HeaderMap) -> Option<String> {
    super::authorize::cookie(headers, XSRF_COOKIE).filter(|v| !v.is_empty())
}

/// Whether a posted form carries the browser's XSRF token.
fn xsrf_matches(headers: &HeaderMap, posted: &str) -> bool {
    xsrf_cookie(headers).is_some_and(|cookie| crate::secret::same(&cookie, posted))
}

/// The page a post without the XSRF match gets: start again from `/device`.
fn xsrf_refused() -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "Device sign-in",
        r#"<h1>Sign in on your device</h1><p class="error" role="alert">This page has expired. <a href="/device">Open it again</a>.</p>"#,
    )
}

/// A redirect to `path` with the request's query kept.
fn redirect_keeping_query(path: &str, query: Option<&str>) -> Response {
    let target = match query.filter(|q| !q.is_empty()) {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    };
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(location) = axum::http::HeaderValue::from_str(&target) {
        response.headers_mut().insert(axum::http::header::LOCATION, location);
    }
    response
}

/// `GET /oidc/device`: sets the XSRF cookie and sends the browser back to `/device`.
pub async fn device_xsrf(uri: axum::http::Uri) -> Response {
    let mut response = redirect_keeping_query("/device", uri.query());
    let cookie = format!("{XSRF_COOKIE}={}; path=/; samesite=lax; httponly", crate::ids::standard_id(32));
    if let Ok(cookie) = axum::http::HeaderValue::from_str(&cookie) {
        response.headers_mut().append(axum::http::header::SET_COOKIE, cookie);
    }
    response
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    user_code: String,
    #[serde(default)]
    xsrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    /// `approve` or `cancel`.
    #[serde(default)]
    decision: String,
}

fn alert(error: Option<&str>) -> String {
    error.map(|e| format!(r#"<p class="error" role="alert">{}</p>"#, escape(e))).unwrap_or_default()
}

/// The user-code form (`xsrf`: the browser's token, echoed in the form).
fn code_page(xsrf: &str, user_code: &str, error: Option<&str>) -> Response {
    page(
        if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK },
        "Device sign-in",
        &format!(
            r#"<h1>Sign in on your device</h1><p class="muted">Enter the code your device shows.</p>{alert}
<form method="post" action="/device">
<input type="hidden" name="xsrf" value="{xsrf}">
<label for="user_code">Code</label>
<input id="user_code" name="user_code" autocomplete="off" autocapitalize="characters" required autofocus value="{code}">
<button type="submit">Continue</button>
</form>"#,
            alert = alert(error),
            code = escape(user_code),
            xsrf = escape(xsrf),
        ),
    )
}

/// The confirm form: who signs the device in, approve or cancel.
fn confirm_page(state: &AppState, headers: &HeaderMap, user_code: &str, error: Option<&str>) -> Response {
    let xsrf = xsrf_cookie(headers).unwrap_or_default();
    let Some(request) = state.tenant.device_request(user_code, state.clock.now_secs()) else {
        return code_page(&xsrf, user_code, Some("That code is not valid, or it has expired. Check your device."));
    };
    let app = state.tenant.read(|store| store.applications.get(&request.client_id).map(|a| a.name.clone()));
    let signed_in = session_user(state, headers);
    let who = match signed_in
        .and_then(|id| state.tenant.read(|s| s.user(&id).map(|u| u.username.clone().unwrap_or(u.id.clone()))))
    {
        Some(name) => format!(r#"<p>Signed in as <strong>{}</strong>.</p>"#, escape(&name)),
        None => r#"<label for="username">Username or email</label>
<input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>"#
            .to_string(),
    };
    page(
        if error.is_some() { StatusCode::UNAUTHORIZED } else { StatusCode::OK },
        "Device sign-in",
        &format!(
            r#"<h1>Sign in on your device</h1><p class="muted"><strong>{app}</strong> asks to sign in with code <strong>{code}</strong>.</p>{alert}
<form method="post" action="/device/confirm">
<input type="hidden" name="xsrf" value="{xsrf}">
<input type="hidden" name="user_code" value="{code}">
{who}
<button type="submit" name="decision" value="approve">Approve</button>
</form>
<form method="post" action="/device/confirm">
<input type="hidden" name="xsrf" value="{xsrf}">
<input type="hidden" name="user_code" value="{code}">
<button type="submit" class="pick" name="decision" value="cancel">Cancel</button>
</form>"#,
            app = escape(&app.unwrap_or_default()),
            code = escape(&request.user_code),
            alert = alert(error),
            xsrf = escape(&xsrf),
        ),
    )
}

/// The browser session's user, when it is live and may sign in.
fn session_user(state: &AppState, headers: &HeaderMap) -> Option<String> {
    state.tenant.session_user(&session_cookie(headers)?, state.clock.now_secs())
}

/// `GET /device[?user_code=…]`: the code form, or (with a code) the confirm form.
pub async fn device_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Query(q): Query<CodeQuery>,
) -> Response {
    let Some(xsrf) = xsrf_cookie(&headers) else { return redirect_keeping_query("/oidc/device", uri.query()) };
    if q.user_code.is_empty() {
        return code_page(&xsrf, "", None);
    }
    confirm_page(&state, &headers, &q.user_code, None)
}

/// `POST /device`: the typed code.
pub async fn device_code_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CodeQuery>,
) -> Response {
    if !xsrf_matches(&headers, &form.xsrf) {
        return xsrf_refused();
    }
    confirm_page(&state, &headers, &form.user_code, None)
}

/// `POST /device/confirm`: approve (signed in, or with a password) or cancel.
pub async fn device_confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<ConfirmForm>,
) -> Response {
    if !xsrf_matches(&headers, &form.xsrf) {
        return xsrf_refused();
    }
    let xsrf = form.xsrf.clone();
    let now = state.clock.now_secs();
    if form.decision == "cancel" {
        if !state.tenant.decide_device(&form.user_code, None, now) {
            return code_page(
                &xsrf,
                &form.user_code,
                Some("That code is not valid, or it has expired. Check your device."),
            );
        }
        return done("Cancelled", "The device was told you did not approve it.");
    }
    let user = match session_user(&state, &headers) {
        Some(id) => state.tenant.read(|s| s.user(&id).cloned()),
        None => state.tenant.user_with_password(&form.username, &form.password),
    };
    let Some(user) = user.filter(|u| !u.is_suspended) else {
        return confirm_page(&state, &headers, &form.user_code, Some("Invalid username or password."));
    };
    if !state.tenant.decide_device(&form.user_code, Some(&user.id), now) {
        return code_page(
            &xsrf,
            &form.user_code,
            Some("That code is not valid, or it has expired. Check your device."),
        );
    }
    done("Device signed in", "You are signed in on your device. You can close this page.")
}

fn done(title: &str, text: &str) -> Response {
    page(StatusCode::OK, title, &format!(r#"<h1>{}</h1><p role="status">{}</p>"#, escape(title), escape(text)))
}
