//! `POST /api/subject-tokens` `{userId, context?}` → 201 `{subjectToken, expiresIn: 600}`, as Logto
//! 1.42's `packages/core/src/routes/subject-token.ts` (recorded in
//! `tests/fidelity/token-exchange/`, steps 420–423): a single-use token standing for the user, for the
//! token-exchange grant (impersonation by support staff, through the backend's M2M app).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::guard::{self, Field, Kind};
use crate::error::ApiError;
use crate::state::AppState;
use crate::tenant::SUBJECT_TOKEN_TTL;

const NEW: &[Field] = &[Field::required("userId", guard::string(1, 12)), Field::optional("context", Kind::Object)];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewSubjectToken {
    user_id: String,
}

pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new: NewSubjectToken = guard::body(&body, NEW)?;
    let token = state.tenant.issue_subject_token(&new.user_id, state.clock.now_secs())?;
    Ok((StatusCode::CREATED, Json(json!({"subjectToken": token, "expiresIn": SUBJECT_TOKEN_TTL}))))
}
