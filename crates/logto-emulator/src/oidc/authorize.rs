//! `GET /oidc/auth` (authorization code flow) and the emulator's own sign-in page.
//!
//! Errors are handled as oidc-provider does: before `client_id` and `redirect_uri` are known to be
//! good, an error page (400); after, a redirect back to the client with `error`, `error_description`,
//! `state` and `iss`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use crate::model::Interaction;
use crate::oidc::escape;
use crate::oidc::tokens::ORGANIZATIONS_RESOURCE;
use crate::request::Params;
use crate::state::AppState;
use crate::tenant::{SignIn, SignInRefused};

/// OIDC scopes Logto knows; other scope names must belong to a requested resource.
const OIDC_SCOPES: &[&str] = &[
    "openid",
    "offline_access",
    "profile",
    "email",
    "phone",
    "address",
    "custom_data",
    "identities",
    "roles",
    "urn:logto:scope:organizations",
    "urn:logto:scope:organization_roles",
];
/// How long the sign-in page may stay open (Logto's interaction TTL is one hour).
const INTERACTION_TTL: i64 = 3600;
/// oidc-provider's authorization code TTL.
const CODE_TTL: i64 = 60;

pub(super) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Logto emulator</title><style>
body{{font-family:system-ui,sans-serif;background:#f4f4f8;color:#1a1a2e;display:flex;justify-content:center;padding:2rem 1rem;margin:0}}
main{{background:#fff;border-radius:12px;box-shadow:0 2px 12px #0002;padding:2rem;max-width:24rem;width:100%}}
h1{{font-size:1.4rem;margin-top:0}} label{{display:block;margin:.8rem 0 .3rem;font-weight:600}}
input{{width:100%;box-sizing:border-box;padding:.6rem;border:1px solid #888;border-radius:6px;font-size:1rem}}
button{{margin-top:1.2rem;width:100%;padding:.7rem;border:0;border-radius:6px;background:#5d34f2;color:#fff;font-size:1rem;cursor:pointer}}
button:focus-visible,input:focus-visible{{outline:3px solid #f2a900;outline-offset:2px}}
button.pick{{background:#efedf9;color:#1a1a2e;text-align:left;margin-top:.4rem}}
.error{{background:#fde8e8;color:#8a1010;padding:.6rem;border-radius:6px}} .muted{{color:#555;font-size:.9rem}}
</style></head><body><main>{body}</main></body></html>"#
    );
    (status, Html(html)).into_response()
}

pub(crate) fn error_page(status: StatusCode, error: &str, description: &str) -> Response {
    page(
        status,
        "Sign-in error",
        &format!(
            r#"<h1>Sign-in error</h1><p class="error" role="alert"><strong>{}</strong>: {}</p>"#,
            escape(error),
            escape(description)
        ),
    )
}

/// Sends the browser back to the client with an OAuth error.
fn redirect_error(
    state: &AppState,
    redirect_uri: &str,
    client_state: Option<&str>,
    error: &str,
    description: &str,
) -> Response {
    let Ok(mut url) = url::Url::parse(redirect_uri) else {
        return error_page(StatusCode::BAD_REQUEST, error, description);
    };
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("error", error).append_pair("error_description", description);
        if let Some(s) = client_state {
            q.append_pair("state", s);
        }
        q.append_pair("iss", &state.issuer);
    }
    super::redirect(url.as_str())
}

/// The parameters of a pushed request (`request_uri`, RFC 9126), used up; or where to send the
/// browser when there is none (unknown, used or expired: `invalid_request_uri` to the client's
/// redirect URI) or it is another client's (`invalid_request_object`), as oidc-provider does
/// (recorded 563, 570, 575).
fn pushed(state: &AppState, query: &Params, request_uri: &str) -> Result<Params, Box<Response>> {
    let page = |error: &str, description: &str| Box::new(error_page(StatusCode::BAD_REQUEST, error, description));
    let client_id = match query.get("client_id") {
        Ok(Some(id)) => id.to_string(),
        Ok(None) => return Err(page("invalid_request", "missing required parameter 'client_id'")),
        Err(e) => return Err(page(e.error, &e.description)),
    };
    let app = state.tenant.read(|store| store.applications.get(&client_id).cloned());
    let Some(app) = app else { return Err(page("invalid_client", "client is invalid")) };
    let Some(request) = state.tenant.take_authorization_request(request_uri, state.clock.now_secs()) else {
        let description = "request_uri is invalid, expired, or was already used";
        return Err(match app.redirect_uris.first() {
            Some(uri) => Box::new(redirect_error(state, uri, None, "invalid_request_uri", description)),
            None => page("invalid_request_uri", description),
        });
    };
    let params = Params(request.params);
    if request.client_id != client_id {
        let redirect_uri = params.get("redirect_uri").ok().flatten().unwrap_or_default().to_string();
        let client_state = params.get("state").ok().flatten();
        let description = "request client_id must equal the one in request parameters";
        let to_client = redirect_error(state, &redirect_uri, client_state, "invalid_request_object", description);
        return Err(Box::new(to_client));
    }
    Ok(params)
}

/// The scopes a sign-in may grant: OIDC scopes and the scopes of the requested resources
/// (organization scopes count when the organizations resource is requested, as Logto's SDKs do);
/// `offline_access` only with `allow_offline` (oidc-provider's check_scope wants `prompt=consent`,
/// which is why Logto's SDK always sends it). `None` when a resource is unknown (`invalid_target`).
pub(super) fn granted_scopes(
    state: &AppState,
    resources: &[String],
    requested: Vec<String>,
    allow_offline: bool,
) -> Option<Vec<String>> {
    state.tenant.read(|store| {
        for resource in resources {
            if store.resource(resource).is_none() && resource != ORGANIZATIONS_RESOURCE {
                return None;
            }
        }
        let org_resource = resources.iter().any(|r| r == ORGANIZATIONS_RESOURCE);
        Some(
            requested
                .into_iter()
                .filter(|s| {
                    if s == "offline_access" {
                        return allow_offline;
                    }
                    OIDC_SCOPES.contains(&s.as_str())
                        || (org_resource && store.org_scopes.iter().any(|x| &x.name == s))
                        || resources
                            .iter()
                            .any(|r| store.resource(r).is_some_and(|r| r.scopes.iter().any(|x| &x.name == s)))
                })
                .collect(),
        )
    })
}

/// `POST /oidc/auth`: the same request as a form (or, as Logto also takes it, a JSON object of
/// scalar values), answered as the `GET`.
pub async fn authorize_posted(State(state): State<AppState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let query = if json {
        let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(&body) else {
            return error_page(StatusCode::BAD_REQUEST, "invalid_request", "the request body is not a JSON object");
        };
        let mut pairs = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in map {
            match value {
                serde_json::Value::String(s) => pairs.append_pair(&key, &s),
                serde_json::Value::Number(_) | serde_json::Value::Bool(_) => {
                    pairs.append_pair(&key, &value.to_string())
                }
                _ => return error_page(StatusCode::BAD_REQUEST, "invalid_request", "parameters must be scalar values"),
            };
        }
        pairs.finish()
    } else {
        String::from_utf8_lossy(&body).into_owned()
    };
    authorize(State(state), headers, RawQuery(Some(query))).await
}

pub async fn authorize(State(state): State<AppState>, headers: HeaderMap, RawQuery(query): RawQuery) -> Response {
    let mut params = Params::from_query(query.as_deref());
    if let Ok(Some(request_uri)) = params.get("request_uri") {
        let request_uri = request_uri.to_string();
        params = match pushed(&state, &params, &request_uri) {
            Ok(params) => params,
            Err(response) => return *response,
        };
    }
    let single = |name: &str| params.get(name).map(|v| v.map(String::from));
    let (client_id, redirect_uri) = match (single("client_id"), single("redirect_uri")) {
        (Ok(Some(c)), Ok(Some(r))) => (c, r),
        (Ok(None), _) => {
            return error_page(StatusCode::BAD_REQUEST, "invalid_request", "missing required parameter 'client_id'")
        }
        (_, Ok(None)) => {
            return error_page(StatusCode::BAD_REQUEST, "invalid_request", "missing required parameter 'redirect_uri'")
        }
        (Err(e), _) | (_, Err(e)) => return error_page(StatusCode::BAD_REQUEST, e.error, &e.description),
    };
    let app = state.tenant.read(|store| store.applications.get(&client_id).cloned());
    let Some(app) = app else {
        return error_page(StatusCode::BAD_REQUEST, "invalid_client", "client is invalid");
    };
    if !app.redirect_uris.contains(&redirect_uri) {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_redirect_uri",
            "redirect_uri did not match any of the client's registered redirect_uris",
        );
    }
    let client_state = params.get("state").ok().flatten().map(String::from);
    let fail = |error: &str, description: &str| {
        redirect_error(&state, &redirect_uri, client_state.as_deref(), error, description)
    };

    if !app.app_type.allows_code_flow() {
        return fail("unauthorized_client", "requested response_type is not allowed for this client");
    }
    match params.get("response_type") {
        Ok(Some("code")) => {}
        Ok(None) => return fail("invalid_request", "missing required parameter 'response_type'"),
        Ok(Some(_)) => return fail("unsupported_response_type", "unsupported response_type requested"),
        Err(e) => return fail(e.error, &e.description),
    }
    let (challenge, method) = match (params.get("code_challenge"), params.get("code_challenge_method")) {
        (Ok(c), Ok(m)) => (c.map(String::from), m),
        (Err(e), _) | (_, Err(e)) => return fail(e.error, &e.description),
    };
    match (&challenge, method) {
        (None, _) if app.app_type.is_public() => {
            return fail("invalid_request", "Authorization Server policy requires PKCE to be used for this request")
        }
        (Some(_), None) => {
            return fail(
                "invalid_request",
                "plain code_challenge_method fallback disabled, code_challenge_method must be provided",
            )
        }
        (Some(_), Some(m)) if m != "S256" => {
            return fail("invalid_request", "not supported value of code_challenge_method")
        }
        (Some(c), _) if !(43..=128).contains(&c.len()) => {
            return fail("invalid_request", "code_challenge must be a string with a minimum length of 43 characters")
        }
        _ => {}
    }
    let resources = params.resources();
    let requested_scopes = match params.scopes() {
        Ok(s) => s,
        Err(e) => return fail(e.error, &e.description),
    };
    let prompts: Vec<&str> = params.get("prompt").ok().flatten().unwrap_or("").split_whitespace().collect();
    let prompt_consent = prompts.contains(&"consent");
    let scopes = granted_scopes(&state, &resources, requested_scopes, prompt_consent);
    let Some(scopes) = scopes else {
        return fail("invalid_target", "resource indicator is missing, or unknown");
    };
    let now = state.clock.now_secs();
    let pending = Interaction {
        client_id,
        redirect_uri: redirect_uri.clone(),
        state: client_state.clone(),
        nonce: params.get("nonce").ok().flatten().map(String::from),
        scopes,
        resources,
        code_challenge: challenge,
        login_hint: params.get("login_hint").ok().flatten().map(String::from),
        expires_at: now + INTERACTION_TTL,
    };
    // Single sign-on: a live browser session signs the user in again without the sign-in page, unless
    // the client asks for `prompt=login`. (`prompt=consent` needs no password either: first-party
    // apps are consented automatically, as in Logto.)
    if !prompts.contains(&"login") {
        if let Some((session_id, user_id)) = live_session(&state, &headers, now) {
            return complete(&state, &user_id, &pending, &session_id);
        }
    }
    if prompts.contains(&"none") {
        return fail("login_required", "End-User authentication is required");
    }
    let uid = state.tenant.await_sign_in(pending);
    // Logto's SDKs ask for the sign-up screen with `first_screen=register` (older ones with
    // `interaction_mode=signUp`); Logto answers with its `/register` page.
    let register = params.get("first_screen").ok().flatten() == Some("register")
        || params.get("interaction_mode").ok().flatten() == Some("signUp");
    let mut response = if register && state.seed.sign_up.is_some() {
        super::redirect(&format!("/register?interaction={uid}"))
    } else {
        super::redirect(&format!("/sign-in?interaction={uid}"))
    };
    // Logto's interaction cookies: the Experience API (`/api/experience`) finds the interaction by
    // `_interaction`; `_interaction_resume` goes back to `/oidc/auth/{uid}` only.
    for cookie in crate::experience::interaction_cookies(&uid) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// Logto's browser session cookie (oidc-provider's `_session`) and its lifetime (14 days).
const SESSION_COOKIE: &str = "_session";
pub(crate) const SESSION_TTL: i64 = 14 * 24 * 3600;

/// The value of the request's cookie `name`.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_string())
}

/// The value of the request's `_session` cookie; refused when its `_session.sig` (sent by the
/// browsers of sign-ins made after it was introduced) does not match.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    let value = cookie(headers, SESSION_COOKIE)?;
    match cookie(headers, "_session.sig") {
        Some(sig) if !crate::secret::same(&sig, &cookie_signature(SESSION_COOKIE, &value)) => None,
        _ => Some(value),
    }
}

/// The signature of a cookie, as Logto's `koa` cookies carry one in `<name>.sig` (keygrip): an
/// HMAC keyed per process (sessions live in memory, so a restart ends them anyway).
pub(crate) fn cookie_signature(name: &str, value: &str) -> String {
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let key = KEY.get_or_init(crate::ids::opaque_token);
    let mut signature = crate::hooks::deliver::sign(key, format!("{name}={value}").as_bytes());
    signature.truncate(27);
    signature
}

/// The request's browser session and its user, when the session is live and the user may sign in.
fn live_session(state: &AppState, headers: &HeaderMap, now: i64) -> Option<(String, String)> {
    let id = session_cookie(headers)?;
    let user = state.tenant.session_user(&id, now)?;
    Some((id, user))
}

/// Sets the session cookie; `None` clears it.
pub(crate) fn session_cookie_header(session_id: Option<&str>) -> HeaderValue {
    let value = match session_id {
        Some(id) => format!("{SESSION_COOKIE}={id}; path=/; max-age={SESSION_TTL}; samesite=lax; httponly"),
        None => format!("{SESSION_COOKIE}=; path=/; max-age=0; samesite=lax; httponly"),
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("_session=; path=/; max-age=0"))
}

/// The session cookie's signature cookie (`_session.sig`), beside [`session_cookie_header`].
pub(crate) fn session_signature_header(session_id: &str) -> HeaderValue {
    let sig = cookie_signature(SESSION_COOKIE, session_id);
    let value = format!("{SESSION_COOKIE}.sig={sig}; path=/; max-age={SESSION_TTL}; samesite=lax; httponly");
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("_session.sig=; path=/; max-age=0"))
}

/// Finishes an authorization request for a signed-in user: a grant in the browser session, a code,
/// and the redirect back to the client with `code`, `state` and `iss`.
pub(crate) fn complete(state: &AppState, user_id: &str, pending: &Interaction, session_id: &str) -> Response {
    let Ok(mut url) = url::Url::parse(&pending.redirect_uri) else {
        return error_page(StatusCode::BAD_REQUEST, "invalid_redirect_uri", "redirect_uri is not a URL");
    };
    let now = state.clock.now_secs();
    let (code, grant_id) = state.tenant.authorize(user_id, pending, Some(session_id), now, now + CODE_TTL);
    enforce_max_grants(state, user_id, &pending.client_id, &grant_id, now);
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("code", &code);
        if let Some(s) = &pending.state {
            q.append_pair("state", s);
        }
        q.append_pair("iss", &state.issuer);
    }
    super::redirect(url.as_str())
}

/// `customClientMetadata.maxAllowedGrants`: past it, the user's oldest grants for the app are
/// revoked and `Grant.LimitExceeded` fires (`event-listeners/authorization-success.ts`).
fn enforce_max_grants(state: &AppState, user_id: &str, client_id: &str, grant_id: &str, now: i64) {
    let max = state.tenant.read(|store| {
        store.applications.get(client_id).and_then(|a| a.extra_client_metadata.get("maxAllowedGrants")?.as_u64())
    });
    let Some(max) = max.and_then(|m| usize::try_from(m).ok()) else { return };
    if let Some(revoked) = state.tenant.enforce_max_grants(user_id, client_id, grant_id, max, now) {
        crate::hooks::interaction::grant_limit_exceeded(state, user_id, client_id, max, &revoked);
    }
}

#[derive(Deserialize)]
pub struct SignInQuery {
    interaction: Option<String>,
}

fn sign_in_form(state: &AppState, interaction: &str, username: &str, error: Option<&str>) -> Response {
    let client_id = state.tenant.interaction_client(interaction);
    let hint = state.tenant.interaction_login_hint(interaction);
    let username = if username.is_empty() { hint.as_deref().unwrap_or_default() } else { username };
    let create = if state.seed.sign_up.is_some() {
        format!(
            r#"<p class="muted">No account? <a href="/register?interaction={}">Create account</a></p>"#,
            escape(interaction)
        )
    } else {
        String::new()
    };
    let Some(client_id) = client_id else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "session_not_found",
            "This sign-in request has expired or was already used. Go back to the app and sign in again.",
        );
    };
    let (app_name, picker) = state.tenant.read(|store| {
        let app_name = store.applications.get(&client_id).map(|a| a.name.clone()).unwrap_or_default();
        let picker = if state.options.user_picker { user_picker(&store.users, interaction) } else { String::new() };
        (app_name, picker)
    });
    let alert = error.map(|e| format!(r#"<p class="error" role="alert">{}</p>"#, escape(e))).unwrap_or_default();
    page(
        if error.is_some() { StatusCode::UNAUTHORIZED } else { StatusCode::OK },
        "Sign in",
        &format!(
            r#"<h1>Sign in</h1><p class="muted">to continue to <strong>{app}</strong></p>{alert}
<form method="post" action="/sign-in">
<input type="hidden" name="interaction" value="{uid}">
<label for="username">Username or email</label>
<input id="username" name="username" autocomplete="username" required autofocus value="{user}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>{create}{picker}<p class="muted">Logto emulator · issuer {iss}</p>"#,
            app = escape(&app_name),
            uid = escape(interaction),
            user = escape(username),
            iss = escape(&state.issuer),
        ),
    )
}

pub async fn sign_in_page(
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<SignInQuery>,
) -> Response {
    sign_in_form(&state, q.interaction.as_deref().unwrap_or(""), "", None)
}

/// How many users the picker lists (the seed may hold many).
const PICKER_MAX: usize = 50;

/// The development "pick a user" list: one button per user, signing in without a password.
fn user_picker(users: &[crate::model::User], interaction: &str) -> String {
    let buttons: String = users
        .iter()
        .filter(|u| !u.is_suspended)
        .take(PICKER_MAX)
        .filter_map(|u| {
            let username = u.username.as_deref()?;
            let name = u.name.as_deref().unwrap_or(username);
            Some(format!(
                r#"<li><button type="submit" name="pick" value="{}" class="pick">{} <span class="muted">@{}</span></button></li>"#,
                escape(username),
                escape(name),
                escape(username)
            ))
        })
        .collect();
    format!(
        r#"<section aria-labelledby="pick-title"><h2 id="pick-title" style="font-size:1.1rem;margin-top:1.6rem">Or pick a user</h2>
<p class="muted">Development only: signs in without a password (start the emulator with --no-user-picker to hide this).</p>
<form method="post" action="/sign-in"><input type="hidden" name="interaction" value="{}"><ul style="list-style:none;padding:0">{buttons}</ul></form></section>"#,
        escape(interaction)
    )
}

#[derive(Deserialize)]
pub struct SignInForm {
    interaction: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    /// A username chosen in the picker.
    #[serde(default)]
    pick: Option<String>,
}

pub async fn sign_in_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<SignInForm>,
) -> Response {
    let now_ms = state.clock.now_ms();
    if state.tenant.interaction_client(&form.interaction).is_none() {
        return sign_in_form(&state, &form.interaction, "", None);
    }
    let picked = form.pick.as_deref().filter(|_| state.options.user_picker);
    let user = match picked {
        // The development picker signs in without a password.
        Some(name) => state.tenant.read(|store| store.user_by_identifier(name).cloned()),
        None => state.tenant.user_with_password(&form.username, &form.password),
    };
    let Some(user) = user else {
        return sign_in_form(&state, &form.interaction, &form.username, Some("Invalid username or password."));
    };
    if user.is_suspended {
        return sign_in_form(&state, &form.interaction, &form.username, Some("This account is suspended."));
    }
    finish_sign_in(&state, &headers, peer, &form.interaction, &user, "PostSignIn", now_ms)
}

/// Signs `user` in for the request `uid` (the browser session kept when it is theirs), fires
/// `event` (`PostSignIn` or `PostRegister`) and sends the browser back to the client with a code.
pub(super) fn finish_sign_in(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    uid: &str,
    user: &crate::model::User,
    event: &str,
    now_ms: i64,
) -> Response {
    let signed_in = state.tenant.sign_in(uid, user, session_cookie(headers), now_ms, SESSION_TTL);
    let SignIn { interaction: pending, session_id } = match signed_in {
        Ok(signed_in) => signed_in,
        Err(SignInRefused::RequestGone) => {
            return error_page(StatusCode::BAD_REQUEST, "session_not_found", "sign-in request not found")
        }
        Err(SignInRefused::NotSaved(e)) => {
            tracing::error!(error = %e, "could not save the sign-in");
            return error_page(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "the sign-in could not be saved");
        }
    };
    let (signed_in_user, application) = state.tenant.read(|store| {
        (
            store.user(&user.id).cloned().unwrap_or_else(|| user.clone()),
            store.applications.get(&pending.client_id).cloned(),
        )
    });
    let interaction = interaction_of(headers, peer, uid, application);
    crate::hooks::interaction::post_interaction(state, event, &interaction, &signed_in_user);
    let mut response = complete(state, &user.id, &pending, &session_id);
    response.headers_mut().append(header::SET_COOKIE, session_cookie_header(Some(&session_id)));
    response.headers_mut().append(header::SET_COOKIE, session_signature_header(&session_id));
    response
}

/// What the hooks say of the interaction `uid`: the browser's address and agent, the application.
pub(crate) fn interaction_of<'a>(
    headers: &HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    uid: &'a str,
    application: Option<crate::model::Application>,
) -> crate::hooks::interaction::Interaction<'a> {
    crate::hooks::interaction::Interaction {
        id: uid,
        ip: peer.map(|Extension(ConnectInfo(addr))| addr.ip().to_string()).unwrap_or_default(),
        user_agent: headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(String::from),
        application,
    }
}
