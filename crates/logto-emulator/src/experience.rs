//! Logto's Experience API, the JSON sign-in flow Logto's own sign-in app (and sign-in pages teams
//! build) drive, as Logto 1.42 serves it (`packages/core/src/routes/experience/`; recorded,
//! `tests/fidelity/samples/40a`–`40h`): `/oidc/auth` sets the `_interaction` cookie and sends the
//! browser to `/sign-in`; then
//!
//! - `PUT /api/experience` `{interactionEvent: "SignIn" | "Register"}` → 204 (403 `auth.forbidden`
//!   when the sign-in experience's `signInMode` does not allow it);
//! - `POST /api/experience/verification/password` `{identifier: {type, value}, password}` →
//!   `{verificationId}`;
//! - `POST /api/experience/verification/new-password-identity` `{identifier: {type: "username",
//!   value}, password}` → `{verificationId}` (registering: the username free, the password within
//!   the sign-in experience's policy);
//! - `POST /api/experience/profile` `{type: "username" | "password", value}` → 204 (registering);
//! - `POST /api/experience/identification` `{verificationId}` → 204, or 201 with the new account
//!   made (default roles, `User.Created`) when registering, from the record or, without one, from
//!   the profile;
//! - `POST /api/experience/submit` → `{redirectTo: "{endpoint}/oidc/auth/{uid}"}` (`PostSignIn` or
//!   `PostRegister` fires);
//! - `GET /oidc/auth/{uid}` opens the browser session (`_session`) and sends the browser to
//!   `/consent`, which first-party apps pass at once (`koa-auto-consent.ts`), back to
//!   `/oidc/auth/{uid}`, which ends with the code at the app's redirect URI.
//!
//! The interaction's state is the tenant's (`tenant::experience`). Verification codes, the profile
//! routes and `ForgotPassword` are not emulated: that event is refused with 400.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::oidc::authorize::{
    complete, cookie, session_cookie, session_cookie_header, session_signature_header, SESSION_TTL,
};
use crate::request::parse_body;
use crate::state::AppState;
use crate::tenant::{Identified, Resume};
use axum::extract::ConnectInfo;
use axum::Extension;
use std::net::SocketAddr;

const INTERACTION_COOKIE: &str = "_interaction";

/// The Experience API's routes (under `/api/experience`), the consent step and the resume.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/experience", put(start))
        .route("/api/experience/interaction-event", put(set_event))
        .route("/api/experience/verification/password", post(verify_password))
        .route("/api/experience/verification/new-password-identity", post(new_password_identity))
        .route("/api/experience/identification", post(identify))
        .route("/api/experience/profile", post(profile))
        .route("/api/experience/submit", post(submit))
        .route("/consent", get(consent))
        .route("/oidc/auth/{uid}", get(resume))
}

/// The cookies `/oidc/auth` sets for an interaction waiting for a sign-in.
pub fn interaction_cookies(uid: &str) -> Vec<HeaderValue> {
    [
        format!("{INTERACTION_COOKIE}={uid}; path=/; max-age=3600; samesite=lax; httponly"),
        format!("_interaction_resume={uid}; path=/oidc/auth/{uid}; max-age=3600; samesite=lax; httponly"),
    ]
    .iter()
    .filter_map(|c| HeaderValue::from_str(c).ok())
    .collect()
}

/// The interaction the request's cookie names; 400 `session.not_found` without one.
fn interaction(headers: &HeaderMap) -> Result<String, ApiError> {
    cookie(headers, INTERACTION_COOKIE).filter(|uid| !uid.is_empty()).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "session.not_found",
            "Session not found. Please go back and sign in again.",
        )
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Event {
    interaction_event: String,
}

fn event(body: &[u8]) -> Result<String, ApiError> {
    let Event { interaction_event } = parse_body(body)?;
    match interaction_event.as_str() {
        "SignIn" | "Register" => Ok(interaction_event),
        "ForgotPassword" => {
            Err(ApiError::invalid_body("interactionEvent: the emulator's Experience API signs users in and up only"))
        }
        _ => Err(ApiError::invalid_body("interactionEvent: one of SignIn, Register, ForgotPassword")),
    }
}

async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let uid = interaction(&headers)?;
    state.tenant.experience_event(&uid, &event(&body)?, true)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_event(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let uid = interaction(&headers)?;
    state.tenant.experience_event(&uid, &event(&body)?, false)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct Identifier {
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

#[derive(Deserialize)]
struct PasswordVerification {
    identifier: Identifier,
    password: String,
}

async fn verify_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let uid = interaction(&headers)?;
    let PasswordVerification { identifier, password } = parse_body(&body)?;
    if !matches!(identifier.kind.as_str(), "username" | "email" | "phone") {
        return Err(ApiError::invalid_body("identifier.type: one of username, email, phone"));
    }
    let id = state.tenant.experience_password(&uid, &identifier.value, &password)?;
    Ok(Json(json!({"verificationId": id})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Identification {
    #[serde(default)]
    verification_id: Option<String>,
}

#[derive(Deserialize)]
struct ProfileField {
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

/// `POST /api/experience/profile` `{type: "username" | "password", value}` → 204.
async fn profile(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let uid = interaction(&headers)?;
    let ProfileField { kind, value } = parse_body(&body)?;
    if kind == "username" && !crate::management::guard::is_username(&value) {
        return Err(ApiError::invalid_body("value: a username"));
    }
    state.tenant.experience_profile(&uid, &kind, &value)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/experience/verification/new-password-identity` `{identifier: {type: "username",
/// value}, password}` → `{verificationId}` (Logto 1.42 takes usernames only here).
async fn new_password_identity(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let uid = interaction(&headers)?;
    let PasswordVerification { identifier, password } = parse_body(&body)?;
    if identifier.kind != "username" || !crate::management::guard::is_username(&identifier.value) {
        return Err(ApiError::invalid_body("identifier: a username"));
    }
    let id = state.tenant.experience_new_password(&uid, &identifier.value, &password)?;
    Ok(Json(json!({"verificationId": id})))
}

/// What the hooks say of the interaction `uid` (the browser, the application signing in).
fn hook_interaction<'a>(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    uid: &'a str,
) -> crate::hooks::interaction::Interaction<'a> {
    let application = state
        .tenant
        .interaction_client(uid)
        .and_then(|client| state.tenant.read(|store| store.applications.get(&client).cloned()));
    crate::oidc::authorize::interaction_of(headers, peer, uid, application)
}

/// 204; 201 when the interaction registers (the account is made now, `User.Created` fires).
async fn identify(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let uid = interaction(&headers)?;
    // An empty body is an identification without a verification (registering from the profile).
    let Identification { verification_id } =
        if body.is_empty() { Identification { verification_id: None } } else { parse_body(&body)? };
    match state.tenant.experience_identify(&uid, verification_id.as_deref(), state.clock.now_ms())? {
        Identified::Existing => Ok(StatusCode::NO_CONTENT),
        Identified::Created(user) => {
            crate::hooks::interaction::user_created(&state, &hook_interaction(&state, &headers, peer, &uid), &user);
            Ok(StatusCode::CREATED)
        }
    }
}

/// `{redirectTo}`; `PostRegister` or `PostSignIn` fires (Logto's interaction hooks run on submit).
async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
) -> Result<Json<Value>, ApiError> {
    let uid = interaction(&headers)?;
    let (user, registered) = state.tenant.experience_submit(&uid)?;
    let event = if registered { "PostRegister" } else { "PostSignIn" };
    crate::hooks::interaction::post_interaction(&state, event, &hook_interaction(&state, &headers, peer, &uid), &user);
    Ok(Json(json!({"redirectTo": format!("{}/oidc/auth/{uid}", state.endpoint)})))
}

/// `/consent`: a first-party app is consented at once, back to the resume; a third-party app's
/// consent page is not emulated.
async fn consent(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Ok(uid) = interaction(&headers) else {
        return crate::oidc::authorize::error_page(
            StatusCode::BAD_REQUEST,
            "session_not_found",
            "no sign-in is waiting",
        );
    };
    let third_party = state.tenant.read(|store| {
        let client = state.tenant.interaction_client(&uid)?;
        store.applications.get(&client).map(|a| a.is_third_party)
    });
    if third_party == Some(true) {
        return crate::oidc::authorize::error_page(
            StatusCode::NOT_IMPLEMENTED,
            "consent_required",
            "the emulator consents for first-party apps only",
        );
    }
    match state.tenant.experience_consent(&uid) {
        Some(_) => crate::oidc::redirect(&format!("{}/oidc/auth/{uid}", state.endpoint)),
        None => {
            crate::oidc::authorize::error_page(StatusCode::BAD_REQUEST, "session_not_found", "no sign-in is waiting")
        }
    }
}

/// `GET /oidc/auth/{uid}`: where the interaction goes next.
async fn resume(State(state): State<AppState>, headers: HeaderMap, Path(uid): Path<String>) -> Response {
    let resumed = state.tenant.experience_resume(&uid, session_cookie(&headers), state.clock.now_ms(), SESSION_TTL);
    match resumed {
        Err(e) => e.into_response(),
        Ok(Resume::NotReady) => crate::oidc::redirect(&format!("/sign-in?interaction={uid}")),
        Ok(Resume::Consent { client_id, session_id }) => {
            let app_id: String = url::form_urlencoded::byte_serialize(client_id.as_bytes()).collect();
            let mut response = crate::oidc::redirect(&format!("/consent?app_id={app_id}"));
            // As Logto's resume does, the interaction's cookies again (a client keeping only this
            // answer's cookies still reaches the consent), and the session's.
            for cookie in interaction_cookies(&uid) {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response.headers_mut().append(header::SET_COOKIE, session_cookie_header(Some(&session_id)));
            response.headers_mut().append(header::SET_COOKIE, session_signature_header(&session_id));
            response
        }
        Ok(Resume::Finish { interaction, user_id, session_id }) => {
            let mut response = complete(&state, &user_id, &interaction, &session_id);
            let done = format!("_interaction_resume=; path=/oidc/auth/{uid}; max-age=0; samesite=lax; httponly");
            if let Ok(done) = HeaderValue::from_str(&done) {
                response.headers_mut().append(header::SET_COOKIE, done);
            }
            response
        }
    }
}
