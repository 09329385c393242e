//! Logto's `koaAuth` for the Management API: Bearer JWT signed by the tenant key, `iss` = the issuer,
//! `aud` = the Management API indicator, a `sub`, and scope `all`. Failures carry jose's error codes
//! in `data`, as real Logto does.

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::seed::MANAGEMENT_API_INDICATOR;
use crate::state::AppState;

pub async fn require_management_token(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match check(&state, &request) {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

fn claim_failed(code: &str, name: &str, claim: &str, payload: &Value) -> ApiError {
    ApiError::unauthorized(code, name)
        .with_data(json!({"code": code, "name": name, "claim": claim, "reason": "check_failed", "payload": payload}))
}

/// The header Logto's integration tests authenticate with (`koaAuth`), honoured only in the
/// integration-test mode (`--integration-test`, `INTEGRATION_TEST=true`), as Logto honours it only
/// with `INTEGRATION_TEST=true`: it stands for a user holding the Management API's `all`.
pub const DEVELOPMENT_USER_HEADER: &str = "development-user-id";

fn check(state: &AppState, request: &Request) -> Result<(), ApiError> {
    if state.options.integration_test {
        let user = request.headers().get(DEVELOPMENT_USER_HEADER).and_then(|v| v.to_str().ok());
        if user.is_some_and(|u| !u.is_empty()) {
            return Ok(());
        }
    }
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "auth.authorization_header_missing",
            "Authorization header is missing.",
        ));
    };
    let Some(token) = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "auth.authorization_token_type_not_supported",
            "Authorization type is not supported.",
        )
        .with_data(json!({"supportedTypes": ["Bearer"]})));
    };
    let jws_invalid = || ApiError::unauthorized("ERR_JWS_INVALID", "JWSInvalid");
    let parts: Vec<&str> = token.trim().split('.').collect();
    let [header_b64, payload_b64, signature_b64] = parts[..] else { return Err(jws_invalid()) };
    let decode_json = |part: &str| -> Option<Value> {
        serde_json::from_slice::<Value>(&URL_SAFE_NO_PAD.decode(part).ok()?).ok().filter(Value::is_object)
    };
    let jose_header = decode_json(header_b64).ok_or_else(jws_invalid)?;
    if jose_header["alg"] != "ES384" {
        return Err(ApiError::unauthorized("ERR_JOSE_NOT_SUPPORTED", "JOSENotSupported"));
    }
    let key = match jose_header["kid"].as_str() {
        Some(kid) => {
            state.key_for(kid).ok_or_else(|| ApiError::unauthorized("ERR_JWKS_NO_MATCHING_KEY", "JWKSNoMatchingKey"))?
        }
        None => state.signing_key(),
    };
    let signature = URL_SAFE_NO_PAD.decode(signature_b64).map_err(|_| jws_invalid())?;
    let signing_input = &token.trim()[..header_b64.len() + 1 + payload_b64.len()];
    if !key.verify(signing_input.as_bytes(), &signature) {
        return Err(ApiError::unauthorized("ERR_JWS_SIGNATURE_VERIFICATION_FAILED", "JWSSignatureVerificationFailed"));
    }
    let payload = decode_json(payload_b64).ok_or_else(|| ApiError::unauthorized("ERR_JWT_INVALID", "JWTInvalid"))?;
    if payload["exp"].as_i64().is_some_and(|exp| exp <= state.clock.now_secs()) {
        return Err(claim_failed("ERR_JWT_EXPIRED", "JWTExpired", "exp", &payload));
    }
    if payload["iss"] != state.issuer.as_str() {
        return Err(claim_failed("ERR_JWT_CLAIM_VALIDATION_FAILED", "JWTClaimValidationFailed", "iss", &payload));
    }
    let aud_ok = match &payload["aud"] {
        Value::String(aud) => aud == MANAGEMENT_API_INDICATOR,
        Value::Array(auds) => auds.iter().any(|a| a == MANAGEMENT_API_INDICATOR),
        _ => false,
    };
    if !aud_ok {
        return Err(claim_failed("ERR_JWT_CLAIM_VALIDATION_FAILED", "JWTClaimValidationFailed", "aud", &payload));
    }
    if !payload["sub"].is_string() {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "auth.jwt_sub_missing", "Missing `sub` in JWT."));
    }
    let has_all = payload["scope"].as_str().is_some_and(|s| s.split(' ').any(|s| s == "all"));
    if !has_all {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "auth.forbidden",
            "Forbidden. Please check your user roles and permissions.",
        ));
    }
    Ok(())
}
