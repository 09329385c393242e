//! The Management API, called in-process: a console change is the same request an admin tool
//! would send (the same guard, tenant operation, persistence and hooks), with a short-lived
//! token the emulator signs for itself and the browser's address and agent for the hooks.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request};
use axum::Router;
use serde_json::Value;
use tower::ServiceExt;

use super::form::Caller;
use super::Console;
use crate::seed::MANAGEMENT_API_INDICATOR;
use crate::state::AppState;

/// The Management API's router, on its own, under `/api`.
pub(super) fn router(state: AppState) -> Router {
    Router::new().nest("/api", crate::management::router(state.clone())).with_state(state)
}

/// What Logto answered to a refused call: its error code.
#[derive(Debug)]
pub(super) struct Refused {
    pub code: String,
}

/// Calls `method path` (under `/api`) with `body`; the answer's JSON (`Null` for 204).
pub(super) async fn call(
    console: &Console,
    state: &AppState,
    caller: &Caller,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Result<Value, Refused> {
    let token =
        crate::oidc::org_access_token_jwt(state, "console", "console", MANAGEMENT_API_INDICATOR, Some("all"), 60, None);
    let mut request = Request::builder()
        .method(method)
        .uri(format!("/api{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(agent) = &caller.user_agent {
        request = request.header(header::USER_AGENT, agent);
    }
    let body = body.map(|b| Body::from(b.to_string())).unwrap_or_else(Body::empty);
    let mut request = request.body(body).map_err(|_| Refused { code: "console.bad_request".into() })?;
    if let Some(ip) = caller.ip {
        request.extensions_mut().insert(ConnectInfo(ip));
    }
    let response = console.api.clone().oneshot(request).await.unwrap_or_else(|never| match never {});
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 16 << 20).await.unwrap_or_default();
    let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if status.is_success() {
        Ok(answer)
    } else {
        let code = answer["code"].as_str().unwrap_or("console.refused").to_string();
        tracing::info!(%status, code, "the console's change was refused");
        Err(Refused { code })
    }
}

/// A change made from a form: the call, then back to `page` with `notice` when it was taken, or to
/// `back` with Logto's code when it was refused.
#[allow(clippy::too_many_arguments)]
pub(super) async fn change(
    console: &Console,
    state: &AppState,
    caller: &Caller,
    method: Method,
    path: &str,
    body: Option<Value>,
    (page, notice): (&str, &str),
    back: &str,
) -> axum::response::Response {
    match call(console, state, caller, method, path, body).await {
        Ok(_) => super::form::done(page, notice),
        Err(refused) => super::form::failed(back, &refused.code),
    }
}
