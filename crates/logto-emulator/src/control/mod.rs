//! The control API, under `/_emulator` (a prefix Logto never uses), for tests and tools: mint tokens,
//! reset to the seed, rotate the signing key, revoke grants, move the clock, read the request log,
//! inject faults. It is never itself subject to faults. `GET /_emulator` lists it.

pub mod faults;
mod mint;
mod sessions;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::request::parse_body;
use crate::state::AppState;
use crate::store::Store;
use crate::tenant::NewHook;

/// Where the control API lives.
pub const PREFIX: &str = "/_emulator";

/// The control API's routes, under [`PREFIX`].
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/tokens", post(mint::mint))
        .route("/sessions", post(sessions::start))
        .route("/reset", post(reset))
        .route("/keys/rotate", post(rotate_key))
        .route("/grants/revoke", post(revoke_grants))
        .route("/clock", get(clock).post(set_clock))
        .route("/requests", get(requests).delete(clear_requests))
        .route("/faults", get(faults::list).post(faults::add).delete(faults::clear))
        .route("/hooks", post(put_hook))
        .route("/outbox", get(crate::outbox::list).delete(crate::outbox::clear))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ControlHook {
    name: String,
    events: Vec<String>,
    url: String,
    signing_key: String,
}

/// A webhook with a signing key of the caller's choosing (Logto always makes its own), created or,
/// when one of that name exists, replaced: so a dev loop or a test can point the emulator at a
/// backend configured with that key before either starts.
async fn put_hook(State(state): State<AppState>, body: axum::body::Bytes) -> Result<Json<Value>, ApiError> {
    let new: ControlHook = parse_body(&body)?;
    if new.events.is_empty() || new.events.iter().any(|e| !crate::hooks::EVENTS.contains(&e.as_str())) {
        return Err(ApiError::invalid_body("events must be one or more of Logto's hook events"));
    }
    if url::Url::parse(&new.url).is_err() || new.signing_key.is_empty() {
        return Err(ApiError::invalid_body("url must be an absolute URL and signingKey non-empty"));
    }
    let new = NewHook {
        name: new.name,
        events: new.events,
        url: new.url,
        headers: Default::default(),
        enabled: true,
        signing_key: Some(crate::secret::Secret::new(new.signing_key)),
        event: None,
        retries: None,
    };
    let hook = state.tenant.put_hook_by_name(new, state.clock.now_ms())?;
    Ok(Json(hook.to_api_json()))
}

/// `GET /_emulator`: the list below as JSON; a browser (asking for HTML) goes to the console.
async fn index(headers: axum::http::HeaderMap) -> axum::response::Response {
    use axum::response::IntoResponse;
    let accept = headers.get(axum::http::header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if accept.contains("text/html") {
        return axum::response::Redirect::to(crate::console::PREFIX).into_response();
    }
    Json(json!({
        "GET /_emulator/console": "the console: the tenant in a browser (a browser opening /_emulator/ goes there)",
        "POST /_emulator/tokens": "mint an access token: {clientId, resource, scopes?, userId?, ttl?}",
        "POST /_emulator/sessions": "sign a user in without the sign-in page: {clientId, userId | username, scopes, resources?} → {grantId, idToken, refreshToken}",
        "POST /_emulator/reset": "back to the seed (users, apps, resources, roles; grants and tokens dropped)",
        "POST /_emulator/keys/rotate": "new Current signing key; the old one stays in the JWKS as Previous",
        "POST /_emulator/grants/revoke": "revoke grants and their tokens: {userId?, clientId?}",
        "GET|POST /_emulator/clock": "read, or move: {advanceMs} or {setMs}",
        "GET|DELETE /_emulator/requests": "the request log (method, path, status, atMs, client), or clear it",
        "GET|POST|DELETE /_emulator/faults": "list, add ({path, method?, status?, retryAfter?, delayMs?, drop?, oidcError?, count?}) or clear faults",
        "POST /_emulator/hooks": "create or replace (by name) a webhook with a given signing key: {name, events, url, signingKey}",
        "GET|DELETE /_emulator/outbox": "the emails Logto would have sent (newest first; ?to=address), or clear them",
    }))
    .into_response()
}

pub(crate) async fn reset(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let store = Store::from_seed(&state.seed, &state.endpoint, state.clock.now_ms());
    state.tenant.reset(store)?;
    Ok(Json(json!({"reset": true})))
}

pub(crate) async fn rotate_key(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let kid = state.tenant.rotate_key()?;
    Ok(Json(json!({"kid": kid, "jwks": state.jwks()})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Revoke {
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
}

async fn revoke_grants(State(state): State<AppState>, body: axum::body::Bytes) -> Result<Json<Value>, ApiError> {
    let revoke: Revoke = parse_body(&body)?;
    if revoke.user_id.is_none() && revoke.client_id.is_none() {
        return Err(ApiError::invalid_body("give userId, clientId or both"));
    }
    let revoked = state.tenant.revoke_grants(revoke.user_id.as_deref(), revoke.client_id.as_deref());
    Ok(Json(json!({"revoked": revoked})))
}

fn clock_json(state: &AppState) -> Json<Value> {
    Json(json!({"nowMs": state.clock.now_ms(), "offsetMs": state.clock.offset_ms()}))
}

pub(crate) async fn clock(State(state): State<AppState>) -> Json<Value> {
    clock_json(&state)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SetClock {
    #[serde(default)]
    advance_ms: Option<i64>,
    #[serde(default)]
    set_ms: Option<i64>,
}

pub(crate) async fn set_clock(State(state): State<AppState>, body: axum::body::Bytes) -> Result<Json<Value>, ApiError> {
    let change: SetClock = parse_body(&body)?;
    match (change.advance_ms, change.set_ms) {
        (Some(by), None) => state.clock.advance_ms(by),
        (None, Some(at)) => state.clock.advance_ms(at - state.clock.now_ms()),
        _ => return Err(ApiError::invalid_body("give exactly one of advanceMs and setMs")),
    }
    Ok(clock_json(&state))
}

async fn requests(State(state): State<AppState>) -> Json<Value> {
    Json(
        state
            .request_log()
            .into_iter()
            .map(|r| json!({"method": r.method, "path": r.path, "status": r.status, "atMs": r.at_ms, "client": r.client}))
            .collect(),
    )
}

async fn clear_requests(State(state): State<AppState>) -> StatusCode {
    state.clear_request_log();
    StatusCode::NO_CONTENT
}
