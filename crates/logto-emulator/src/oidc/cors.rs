//! Client-based CORS on token, revocation and userinfo, as Logto does it: an origin is allowed when it
//! is the origin of a registered redirect URI of some application. Requests without `Origin` get `*`.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

fn origin_allowed(state: &AppState, origin: &str) -> bool {
    state.store().applications.values().any(|app| app.allows_origin(origin))
}

/// Adds `Access-Control-Allow-Origin` to actual (non-preflight) responses.
pub async fn passthrough(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() == axum::http::Method::OPTIONS {
        return next.run(request).await;
    }
    let origin = request.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()).map(String::from);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding, Origin"));
    let allow = match origin {
        None => Some(HeaderValue::from_static("*")),
        Some(origin) if origin_allowed(&state, &origin) => HeaderValue::from_str(&origin).ok(),
        Some(_) => None,
    };
    if let Some(allow) = allow {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, allow);
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("WWW-Authenticate"));
    }
    response
}

/// Preflight for the POST-only endpoints (token, revocation).
pub async fn preflight_post(state: State<AppState>, headers: HeaderMap) -> Response {
    preflight(state, headers, "POST")
}

/// Preflight for userinfo (GET and POST).
pub async fn preflight_get_post(state: State<AppState>, headers: HeaderMap) -> Response {
    preflight(state, headers, "GET,POST")
}

/// Answers `OPTIONS` preflights: 204 with the allowed methods, the echoed request headers and a
/// one-hour max age for a registered origin; 204 without CORS headers otherwise.
fn preflight(State(state): State<AppState>, headers: HeaderMap, methods: &'static str) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let out = response.headers_mut();
    out.insert(header::VARY, HeaderValue::from_static("Accept-Encoding, Origin"));
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return response;
    };
    if !origin_allowed(&state, origin) {
        return response;
    }
    if let Ok(origin) = HeaderValue::from_str(origin) {
        out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    out.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(methods));
    if let Some(requested) = headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        out.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested.clone());
    }
    out.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("3600"));
    response
}
