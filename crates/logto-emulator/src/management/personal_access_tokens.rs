//! A user's personal access tokens (`/api/users/{userId}/personal-access-tokens`), as Logto 1.42's
//! `packages/core/src/routes/admin-user/personal-access-token.ts` (recorded in
//! `tests/fidelity/token-exchange/`, steps 460–481): create (201, the value shown), list (values
//! included, as Logto), rename by path or by `{currentName, name}`, delete by path or by
//! `POST …/delete {name}`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

use super::guard::{self, Field, Kind};
use crate::error::ApiError;
use crate::model::PersonalAccessToken;
use crate::state::AppState;

const NEW: &[Field] = &[Field::required("name", guard::string(1, 256)), Field::nullable("expiresAt", Kind::Number)];
const NAME: &[Field] = &[Field::required("name", guard::string(1, 256))];
const RENAME: &[Field] =
    &[Field::required("currentName", guard::string(1, 256)), Field::required("name", guard::string(1, 256))];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewToken {
    name: String,
    #[serde(default)]
    expires_at: Option<f64>,
}

#[derive(Deserialize)]
struct Name {
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rename {
    current_name: String,
    name: String,
}

fn render(token: &PersonalAccessToken) -> Value {
    token.to_api_json()
}

pub async fn create(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new: NewToken = guard::body(&body, NEW)?;
    let expires_at = new.expires_at.map(|at| at as i64);
    let token = state.tenant.create_personal_access_token(&user_id, &new.name, expires_at, state.clock.now_ms())?;
    Ok((StatusCode::CREATED, Json(render(&token))))
}

pub async fn list(State(state): State<AppState>, Path(user_id): Path<String>) -> Result<Json<Value>, ApiError> {
    let tokens = state.tenant.personal_access_tokens(&user_id)?;
    Ok(Json(Value::Array(tokens.iter().map(render).collect())))
}

pub async fn rename_by_path(
    State(state): State<AppState>,
    Path((user_id, current)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let Name { name } = guard::body(&body, NAME)?;
    Ok(Json(render(&state.tenant.rename_personal_access_token(&user_id, &current, &name)?)))
}

pub async fn rename(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let Rename { current_name, name } = guard::body(&body, RENAME)?;
    Ok(Json(render(&state.tenant.rename_personal_access_token(&user_id, &current_name, &name)?)))
}

pub async fn delete_by_path(
    State(state): State<AppState>,
    Path((user_id, name)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    delete(&state, &user_id, &name)
}

pub async fn delete_by_body(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let Name { name } = guard::body(&body, NAME)?;
    delete(&state, &user_id, &name)
}

fn delete(state: &AppState, user_id: &str, name: &str) -> Result<StatusCode, ApiError> {
    if state.tenant.delete_personal_access_token(user_id, name)? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found())
    }
}
