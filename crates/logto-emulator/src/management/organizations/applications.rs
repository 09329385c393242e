//! Machine-to-machine applications in organizations, their organization roles, and
//! `/api/applications/{id}/organizations`: the `members` code path on its application side.

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::super::pagination::ListRequest;
use super::members::{self, Side};
use crate::error::ApiError;
use crate::state::AppState;

pub async fn list(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    members::list_side(state, id, uri, Side::Applications).await
}

/// `POST /api/organizations/{id}/applications` → 201 `Created` (machine-to-machine apps only).
pub async fn add(State(state): State<AppState>, Path(id): Path<String>, body: Bytes) -> Result<Response, ApiError> {
    members::write_side(state, id, body, Side::Applications, false).await
}

pub async fn replace(State(state): State<AppState>, Path(id): Path<String>, body: Bytes) -> Result<Response, ApiError> {
    members::write_side(state, id, body, Side::Applications, true).await
}

pub async fn remove(
    State(state): State<AppState>,
    Path((id, app_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    members::remove_side(state, id, app_id, Side::Applications).await
}

pub async fn roles(
    State(state): State<AppState>,
    Path((id, app_id)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    members::roles_side(state, id, app_id, uri, Side::Applications).await
}

pub async fn add_roles(
    State(state): State<AppState>,
    Path((id, app_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    members::write_roles_side(state, id, app_id, body, Side::Applications, false).await
}

pub async fn set_roles(
    State(state): State<AppState>,
    Path((id, app_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    members::write_roles_side(state, id, app_id, body, Side::Applications, true).await
}

pub async fn remove_role(
    State(state): State<AppState>,
    Path((id, app_id, role_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    members::remove_role_side(state, id, app_id, role_id, Side::Applications).await
}

/// `GET /api/applications/{id}/organizations` (paged when asked).
pub async fn app_organizations(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let list = ListRequest::optionally_paged(uri)?;
    let orgs = state
        .tenant
        .read(|store| store.applications.get(&id).map(|_| members::organizations_of(store, &id, Side::Applications)));
    Ok(list.answer(&state.endpoint, orgs.ok_or_else(ApiError::not_found)?))
}
