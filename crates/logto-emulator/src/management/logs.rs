//! `GET /api/logs` (paged, newest first; `logKey`, `userId`, `applicationId`) and
//! `GET /api/logs/{id}` (`routes/log.ts`): the audit log ([`crate::audit_log`]).

use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use axum::Json;
use serde_json::Value;

use super::pagination::ListRequest;
use crate::audit_log::LogFilter;
use crate::error::ApiError;
use crate::state::AppState;

pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Result<Response, ApiError> {
    let list = ListRequest::paged(uri)?;
    let text = |key: &str| list.params.get(key).ok().flatten().map(String::from);
    let filter = LogFilter { key: text("logKey"), user_id: text("userId"), application_id: text("applicationId") };
    let entries = state.audit.list(&filter);
    Ok(list.answer(&state.endpoint, entries))
}

pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    state.audit.get(&id).map(Json).ok_or_else(|| ApiError::not_exists_with_id("logs", &id))
}
