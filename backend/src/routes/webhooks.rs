//! `POST /api/webhooks/logto`: Logto's webhook deliveries. The signature (`logto-signature-sha-256`,
//! lowercase hex HMAC-SHA256 of the raw body keyed by the hook's signing key) is checked in constant
//! time before anything is read; a missing or wrong one is 401 and changes nothing.
//! - `User.Data.Updated` (and `User.Created`): the cached profile is replaced from the payload, so
//!   the next list shows it, unless the cache holds a newer one or the user was deleted;
//! - `User.Deleted`: the user's follows, both ways, go in one transaction (counts fixed), and the
//!   profile and ranking caches drop them;
//! - any other event: 204, ignored.
//!
//! Every effect is idempotent, and a late or repeated delivery changes nothing more.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use logto_management::User;
use serde::Deserialize;
use sha2::Sha256;
use shared::ErrorBody;

use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
struct Delivery {
    event: String,
    #[serde(default)]
    data: Option<serde_json::Value>,
}

/// Whether `signature` (hex) is the HMAC-SHA256 of `body` under `key`, compared in constant time.
pub fn signature_matches(key: &str, body: &[u8], signature: &str) -> bool {
    let Some(expected) = decode_hex(signature) else { return false };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else { return false };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() != 64 {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

#[utoipa::path(
    post,
    path = "/api/webhooks/logto",
    request_body(content = String, description = "A Logto webhook payload (JSON), signed in logto-signature-sha-256"),
    responses(
        (status = 204, description = "Taken (or an event this API ignores)"),
        (status = 400, description = "`guard.invalid_input`: the body is not a webhook payload", body = ErrorBody),
        (status = 401, description = "`webhook.invalid_signature`: the signature is missing or wrong", body = ErrorBody),
        (status = 503, description = "`webhook.not_configured`: no webhook signing key is configured (LOGTO_WEBHOOK_SIGNING_KEY)", body = ErrorBody),
    )
)]
pub async fn logto(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<StatusCode, ApiError> {
    let Some(key) = state.webhook_signing_key.as_deref() else { return Err(ApiError::WebhooksOff) };
    let signature = headers.get("logto-signature-sha-256").and_then(|v| v.to_str().ok()).unwrap_or("");
    if !signature_matches(key, &body, signature) {
        return Err(ApiError::BadSignature);
    }
    let delivery: Delivery = serde_json::from_slice(&body)
        .map_err(|_| ApiError::InvalidQuery("The body is not a Logto webhook payload.".into()))?;
    let user = || delivery.data.clone().and_then(|d| serde_json::from_value::<User>(d).ok());
    match delivery.event.as_str() {
        "User.Created" | "User.Data.Updated" => {
            if let Some(user) = user() {
                state.profiles.put(user);
            }
        }
        "User.Deleted" => {
            if let Some(user) = user() {
                let removed = db::forget_user(&state.db, &user.id).await?;
                state.profiles.forget(&user.id);
                state.ranking.invalidate();
                tracing::info!(user = %user.id, follows = removed, "a user deleted in Logto left the rankings");
            }
        }
        _ => {}
    }
    Ok(StatusCode::NO_CONTENT)
}
