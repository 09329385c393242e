//! `GET`/`PATCH /api/sign-in-exp` (`routes/sign-in-experience/index.ts`): the tenant's sign-in
//! experience, as Logto answers it; a patch replaces the top-level fields it names.

use axum::extract::State;
use axum::Json;
use serde_json::Value;

use crate::error::ApiError;
use crate::request::parse_body;
use crate::state::AppState;

pub async fn get(State(state): State<AppState>) -> Json<Value> {
    Json(state.tenant.read(|store| store.sign_in_experience()))
}

pub async fn patch(State(state): State<AppState>, body: axum::body::Bytes) -> Result<Json<Value>, ApiError> {
    let body: Value = parse_body(&body)?;
    let Value::Object(patch) = super::schema::conform(super::schema::SIGN_IN_EXPERIENCE_PATCH, &body)? else {
        return Err(ApiError::invalid_body("the body must be an object"));
    };
    Ok(Json(state.tenant.update_sign_in_experience(&patch)?))
}
