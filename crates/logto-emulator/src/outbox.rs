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
use crate::ids::standard_id;
use crate::model::OutboxMessage;
use crate::state::AppState;
use crate::write::Write;

/// The 501 Logto answers when an email must go out and no email connector is configured.
pub fn no_email_connector() -> ApiError {
    ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        "connector.not_found",
        "Cannot find any available connector for type: Email.",
    )
}

/// Whether emails can be sent (the seed gave the tenant an outbox).
pub fn available(state: &AppState) -> bool {
    state.seed.outbox
}

/// Sends an email of Logto's template `message_type` to `to`: into the outbox, saved with the write.
pub fn send(
    state: &AppState,
    write: &mut Write<'_>,
    to: &str,
    message_type: &str,
    payload: Value,
) -> Result<(), ApiError> {
    if !available(state) {
        return Err(no_email_connector());
    }
    let message = OutboxMessage {
        id: standard_id(21),
        to: to.to_string(),
        message_type: message_type.to_string(),
        payload,
        created_at: state.clock.now_ms(),
    };
    write.put(message)?;
    Ok(())
}

/// `GET /_emulator/outbox[?to=address]`: newest first (the address matched case-insensitively).
pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Json<Value> {
    let query = crate::request::Params::from_query(uri.query());
    let to = query.get("to").ok().flatten().map(str::to_lowercase);
    let store = state.store();
    let messages = store
        .outbox
        .iter()
        .rev()
        .filter(|m| to.as_deref().is_none_or(|to| m.to.to_lowercase() == to))
        .map(OutboxMessage::to_api_json)
        .collect();
    Json(Value::Array(messages))
}

/// `DELETE /_emulator/outbox`: empties it → 204.
pub async fn clear(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    let mut write = state.write();
    let ids: Vec<String> = write.read().outbox.iter().map(|m| m.id.clone()).collect();
    for id in ids {
        write.delete::<OutboxMessage>(&id)?;
    }
    Ok(StatusCode::NO_CONTENT)
}
