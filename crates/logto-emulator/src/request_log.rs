//! The request log: every answered request's method, path, status, time and client (the
//! application that made it), for `GET /_emulator/requests` and the console. Never the query or
//! the body: they can hold codes and secrets.
//!
//! The client is read where OAuth puts it: HTTP Basic's user, a `client_id` parameter (the query,
//! or the form body of a POST under `/oidc`), or the `client_id` claim of a bearer JWT (read, not
//! verified: it only labels the line).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;

use crate::error::ApiError;
use crate::state::{AppState, LoggedRequest};

/// The largest OIDC form body read for its `client_id` (Logto's own limit is far below it).
const FORM_LIMIT: usize = 1 << 20;

/// Records the request once answered.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (method, path) = (request.method().to_string(), request.uri().path().to_string());
    let mut client = header_client(request.headers()).or_else(|| query_client(request.uri().query()));
    let request = if client.is_none() && is_oidc_form(&request) {
        let (parts, body) = request.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT).await else {
            let refused = ApiError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "request.body_too_large",
                "The request body is too large.",
            );
            return refused.into_response();
        };
        client = query_client(std::str::from_utf8(&bytes).ok());
        Request::from_parts(parts, Body::from(bytes))
    } else {
        request
    };
    let response = next.run(request).await;
    let at_ms = state.clock.now_ms();
    state.log_request(LoggedRequest { method, path, status: response.status().as_u16(), at_ms, client });
    response
}

fn is_oidc_form(request: &Request) -> bool {
    request.method() == Method::POST
        && request.uri().path().starts_with("/oidc/")
        && request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// Basic's user (URL-decoded, as RFC 6749 §2.3.1 encodes it) or a bearer JWT's `client_id`.
fn header_client(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    if let Some(basic) = value.strip_prefix("Basic ") {
        let decoded = STANDARD.decode(basic.trim()).ok()?;
        let user = String::from_utf8(decoded).ok()?.split(':').next()?.to_string();
        return url::form_urlencoded::parse(format!("u={user}").as_bytes()).next().map(|(_, v)| v.into_owned());
    }
    let token = value.strip_prefix("Bearer ")?;
    let payload = token.split('.').nth(1)?;
    let claims: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    claims["client_id"].as_str().map(String::from)
}

/// `client_id` of a query string or form body.
fn query_client(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes()).find(|(k, _)| k == "client_id").map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_read_where_oauth_puts_it() {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, format!("Basic {}", STANDARD.encode("my%20app:secret")).parse().unwrap());
        assert_eq!(header_client(&headers).as_deref(), Some("my app"));
        let jwt = format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(r#"{"client_id":"spa1"}"#));
        headers.insert(header::AUTHORIZATION, format!("Bearer {jwt}").parse().unwrap());
        assert_eq!(header_client(&headers).as_deref(), Some("spa1"));
        headers.insert(header::AUTHORIZATION, "Bearer opaque".parse().unwrap());
        assert_eq!(header_client(&headers), None);
        assert_eq!(query_client(Some("a=1&client_id=x%2By")).as_deref(), Some("x+y"));
        assert_eq!(query_client(Some("a=1")), None);
    }
}
