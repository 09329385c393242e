//! Fault injection: make chosen routes misbehave as a real Logto or its network can: an error status
//! with a Logto-shaped body (429 with `Retry-After`), added latency, a connection cut mid-response,
//! an OAuth error at the token endpoint. For a number of requests, or until cleared.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::{ApiError, OidcError};
use crate::request::parse_body;
use crate::state::AppState;

/// OAuth errors a fault may answer the token endpoint with.
const OIDC_ERRORS: &[&str] = &[
    "invalid_grant",
    "invalid_client",
    "invalid_request",
    "invalid_target",
    "server_error",
    "temporarily_unavailable",
];

/// A fault: requests matching `path` (and `method`) get `status`, or are delayed, or cut, `count` times.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fault {
    #[serde(default)]
    /// Its id (given by the registry).
    pub id: u64,
    /// Path pattern; `*` matches any run of characters (`/api/users/*`).
    pub path: String,
    /// Only this method (any when absent).
    #[serde(default)]
    pub method: Option<String>,
    /// Answer with this status and a Logto-shaped error body instead of the real answer.
    #[serde(default)]
    pub status: Option<u16>,
    /// `Retry-After` seconds (429 and 503 answers).
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// Wait this long before answering (real answer, or the injected one).
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Cut the connection: headers, then the body breaks off.
    #[serde(default)]
    pub drop: bool,
    /// Answer an OAuth error (`invalid_grant`, …) as the OIDC endpoints do (status 400 unless given).
    #[serde(default)]
    pub oidc_error: Option<String>,
    /// How many matching requests it applies to; until cleared when absent.
    #[serde(default)]
    pub count: Option<u32>,
}

/// The faults in force, matched against every request.
#[derive(Default)]
pub struct FaultRegistry {
    faults: Mutex<Vec<Fault>>,
    next_id: AtomicU64,
}

/// `*` globbing.
fn matches(pattern: &[u8], path: &[u8]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((b'*', rest)) => (0..=path.len()).any(|i| matches(rest, &path[i..])),
        Some((c, rest)) => path.first() == Some(c) && matches(rest, &path[1..]),
    }
}

impl FaultRegistry {
    fn list(&self) -> Vec<Fault> {
        self.faults.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn add(&self, mut fault: Fault) -> Fault {
        fault.id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        self.faults.lock().unwrap_or_else(|p| p.into_inner()).push(fault.clone());
        fault
    }

    fn clear(&self) {
        self.faults.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// The first fault matching the request, counted down (and dropped when used up).
    fn take(&self, method: &str, path: &str) -> Option<Fault> {
        let mut faults = self.faults.lock().unwrap_or_else(|p| p.into_inner());
        let i = faults.iter().position(|f| {
            f.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
                && matches(f.path.as_bytes(), path.as_bytes())
        })?;
        let fault = faults[i].clone();
        if let Some(count) = faults[i].count.as_mut() {
            *count -= 1;
            if *count == 0 {
                faults.remove(i);
            }
        }
        Some(fault)
    }
}

/// `GET /_emulator/faults`: the faults in force.
pub async fn list(State(state): State<AppState>) -> Json<Value> {
    Json(json!(state.faults.list()))
}

/// `POST /_emulator/faults`: adds a fault (201 with it).
pub async fn add(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let fault: Fault = parse_body(&body)?;
    if !fault.path.starts_with('/') || fault.path.starts_with(super::PREFIX) {
        return Err(ApiError::invalid_body("path must start with / and not be the control API's"));
    }
    if fault.count == Some(0) {
        return Err(ApiError::invalid_body("count must be at least 1 (leave it out for 'until cleared')"));
    }
    if let Some(e) = &fault.oidc_error {
        if !OIDC_ERRORS.contains(&e.as_str()) {
            return Err(ApiError::invalid_body(format!("oidcError must be one of {OIDC_ERRORS:?}")));
        }
    }
    if let Some(s) = fault.status {
        if StatusCode::from_u16(s).is_err() || s < 400 {
            return Err(ApiError::invalid_body("status must be an error status (400-599)"));
        }
    }
    if fault.status.is_none() && fault.oidc_error.is_none() && fault.delay_ms.is_none() && !fault.drop {
        return Err(ApiError::invalid_body("give at least one of status, oidcError, delayMs, drop"));
    }
    Ok((StatusCode::CREATED, Json(json!(state.faults.add(fault)))))
}

/// `DELETE /_emulator/faults`: removes every fault.
pub async fn clear(State(state): State<AppState>) -> StatusCode {
    state.faults.clear();
    StatusCode::NO_CONTENT
}

/// The injected answer for a fault with a status or an OAuth error.
fn injected(fault: &Fault, path: &str) -> Response {
    let status = fault.status.and_then(|s| StatusCode::from_u16(s).ok());
    let mut response = if let Some(error) = &fault.oidc_error {
        let error = OIDC_ERRORS.iter().find(|e| *e == error).copied().unwrap_or("server_error");
        let status = status.unwrap_or(StatusCode::BAD_REQUEST);
        let description = if error == "invalid_grant" { "grant request is invalid" } else { "injected fault" };
        OidcError::new(status, error, description).into_response()
    } else {
        let status = status.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if path.starts_with("/oidc") {
            let error = if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
                "temporarily_unavailable"
            } else {
                "server_error"
            };
            OidcError::new(status, error, "injected fault").into_response()
        } else {
            ApiError::new(status, "emulator.fault_injected", format!("Injected fault: {status}.")).into_response()
        }
    };
    if matches!(response.status().as_u16(), 429 | 503) {
        let after = fault.retry_after.unwrap_or(1).to_string();
        if let Ok(v) = HeaderValue::from_str(&after) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    response
}

/// Applies the matching fault, if any, to a request outside the control API.
pub async fn inject(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if path.starts_with(super::PREFIX) {
        return next.run(request).await;
    }
    let Some(fault) = state.faults.take(request.method().as_str(), &path) else {
        return next.run(request).await;
    };
    if let Some(ms) = fault.delay_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if fault.drop {
        // Headers go out, then the body stream fails: hyper aborts the connection mid-response.
        let broken = futures_util::stream::once(async {
            Err::<Bytes, std::io::Error>(std::io::Error::other("fault: connection dropped"))
        });
        return Response::new(Body::from_stream(broken));
    }
    if fault.status.is_some() || fault.oidc_error.is_some() {
        return injected(&fault, &path);
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_counts() {
        assert!(matches(b"/api/users/*", b"/api/users/abc"));
        assert!(!matches(b"/api/users/*", b"/api/roles"));
        let registry = FaultRegistry::default();
        registry.add(Fault {
            id: 0,
            path: "/oidc/token".into(),
            method: Some("POST".into()),
            status: Some(503),
            retry_after: None,
            delay_ms: None,
            drop: false,
            oidc_error: None,
            count: Some(2),
        });
        assert!(registry.take("GET", "/oidc/token").is_none());
        assert!(registry.take("POST", "/oidc/token").is_some());
        assert!(registry.take("POST", "/oidc/token").is_some());
        assert!(registry.take("POST", "/oidc/token").is_none(), "used up");
    }
}
