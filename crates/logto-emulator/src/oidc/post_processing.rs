//! What Logto does to every answer of its mounted OIDC app (`/oidc`): helmet's basic security
//! headers (`basicSecurityHeaderSettings`, `packages/core/src/middleware/koa-security-headers.ts`:
//! no CSP, no COOP on `/oidc`), and koa's conditional GET (`koa-etag` + `koa-conditional-get`):
//! an `ETag` on a successful GET, and 304 with no body when the browser's `If-None-Match` still
//! matches it. (Logto also gzips them; the emulator does not.)

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The largest body given an `ETag` (bigger ones go out as they are).
const ETAG_LIMIT: usize = 1 << 20;

pub async fn post_process(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/oidc") {
        return next.run(request).await;
    }
    let conditional = request.method() == Method::GET;
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "SAMEORIGIN"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        ("cross-origin-resource-policy", "same-origin"),
        ("strict-transport-security", "max-age=15552000; includeSubDomains"),
        ("x-dns-prefetch-control", "off"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Only whole bodies of a known, bounded size are read for their tag.
    let sized = axum::body::HttpBody::size_hint(response.body()).exact().is_some_and(|n| n as usize <= ETAG_LIMIT);
    if !conditional || response.status() != StatusCode::OK || !sized {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ETAG_LIMIT).await else {
        // Cannot happen for a body of known size under the limit; answer plainly if it does.
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    let digest: String = Sha256::digest(&bytes).iter().take(16).map(|b| format!("{b:02x}")).collect();
    let etag = format!("W/\"{:x}-{digest}\"", bytes.len());
    if let Ok(value) = HeaderValue::from_str(&etag) {
        parts.headers.insert(header::ETAG, value);
    }
    if if_none_match.as_ref().and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(',').any(|t| t.trim() == etag)) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}
