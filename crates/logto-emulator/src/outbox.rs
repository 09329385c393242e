//! The outbox: the emulator's stand-in for Logto's email connector. What Logto would hand its
//! connector (`{to, type, payload}`: an invitation's organization, inviter and link, a sign-in
//! code, …) is kept, saved like the rest, and listed at `GET /_emulator/outbox` (newest first,
//! `?to=` for one address) and cleared by `DELETE /_emulator/outbox`, so tests and developers can
//! read the codes and links a user would have got by email.
//!
//! Whether there is one is the seed's (`"outbox": true`): without it the emulator is a Logto with
//! no email connector, and sending fails as Logto fails (501 `connector.not_found`).

use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::Value;

use crate::error::ApiError;
use crate::model::OutboxMessage;
use crate::state::AppState;

/// `GET /_emulator/outbox[?to=address]`: newest first (the address matched case-insensitively).
pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Json<Value> {
    let query = crate::request::Params::from_query(uri.query());
    let to = query.get("to").ok().flatten().map(str::to_lowercase);
    let messages = state.tenant.read(|store| {
        store
            .outbox
            .iter()
            .rev()
            .filter(|m| to.as_deref().is_none_or(|to| m.to.to_lowercase() == to))
            .map(OutboxMessage::to_api_json)
            .collect()
    });
    Json(Value::Array(messages))
}

/// `DELETE /_emulator/outbox`: empties it → 204.
pub async fn clear(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    state.tenant.clear_outbox()?;
    Ok(StatusCode::NO_CONTENT)
}
