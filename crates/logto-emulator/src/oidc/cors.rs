//! Client-based CORS on token, revocation and userinfo, as oidc-provider does it for Logto
//! (`lib/shared/cors.js` with Logto's `clientBasedCORS`, `packages/core/src/oidc/utils.ts`):
//! - a preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered 204 for **any** origin,
//!   echoing it: the client is not known yet;
//! - an actual request gets `Access-Control-Allow-Origin` (its `Origin`, or `*` without one), and once
//!   the client is known, an origin that is not one of its redirect URIs' origins is refused: 400
//!   `invalid_request` "origin … not allowed for client: …", without `Access-Control-Allow-Origin`.
//!   The refusal comes before the grant is looked at, so it consumes nothing.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{OidcError, OriginRefused};
use crate::model::Application;

/// Refuses a request whose `Origin` is not allowed for `client` (no `Origin`: not a CORS request).
pub fn check_client(headers: &HeaderMap, client: &Application) -> Result<(), OidcError> {
    match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        Some(origin) if !client.allows_origin(origin) => {
            Err(OidcError::invalid_request(format!("origin {origin} not allowed for client: {}", client.id))
                .origin_refused())
        }
        _ => Ok(()),
    }
}

impl OidcError {
    /// This error refuses the request's origin: its response carries no CORS headers.
    pub(crate) fn origin_refused(mut self) -> Self {
        self.origin_refused = true;
        self
    }
}

/// Adds `Access-Control-Allow-Origin` to actual (non-preflight) responses not refused for their origin.
pub async fn passthrough(request: Request, next: Next) -> Response {
    if request.method() == axum::http::Method::OPTIONS {
        return next.run(request).await;
    }
    let origin = request.headers().get(header::ORIGIN).cloned();
    let mut response = next.run(request).await;
    let refused = response.extensions().get::<OriginRefused>().is_some();
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding, Origin"));
    if !refused {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.unwrap_or(HeaderValue::from_static("*")));
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("WWW-Authenticate"));
    }
    response
}

/// Preflight for the POST-only endpoints (token, revocation).
pub async fn preflight_post(headers: HeaderMap) -> Response {
    preflight(headers, "POST")
}

/// Preflight for userinfo (GET and POST).
pub async fn preflight_get_post(headers: HeaderMap) -> Response {
    preflight(headers, "GET,POST")
}

/// Answers `OPTIONS`: a preflight gets 204 with the origin echoed, the allowed methods, the requested
/// headers and a one-hour max age; an `OPTIONS` that is no preflight gets 204 without CORS headers.
fn preflight(headers: HeaderMap, methods: &'static str) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let out = response.headers_mut();
    out.insert(header::VARY, HeaderValue::from_static("Accept-Encoding, Origin"));
    if !headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD) {
        return response;
    }
    let origin = headers.get(header::ORIGIN).cloned().unwrap_or(HeaderValue::from_static("*"));
    out.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    out.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("3600"));
    out.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(methods));
    if let Some(requested) = headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        out.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested.clone());
    }
    response
}
