//! Organization permissions (`/api/organization-scopes`): listed by name, paged only when asked.

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde_json::Value;

use super::super::guard::{self, Field};
use super::super::pagination::ListRequest;
use crate::error::ApiError;
use crate::model::OrgScope;
use crate::state::AppState;
use crate::tenant::ScopeFields;

const NEW_SCOPE: &[Field] =
    &[Field::required("name", guard::string(1, 128)), Field::nullable("description", guard::string(0, 256))];
const SCOPE_CHANGES: &[Field] =
    &[Field::optional("name", guard::string(1, 128)), Field::nullable("description", guard::string(0, 256))];

fn not_found(id: &str) -> ApiError {
    ApiError::not_exists_with_id("organization_scopes", id)
}

pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Result<Response, ApiError> {
    let list = ListRequest::optionally_paged(uri)?;
    let q = list.params.get("q").ok().flatten();
    let scopes = state.tenant.read(|store| {
        let mut scopes: Vec<&OrgScope> = store
            .org_scopes
            .iter()
            .filter(|s| super::search_matches(q, &[Some(&s.id), Some(&s.name), s.description.as_deref()]))
            .collect();
        scopes.sort_by(|a, b| a.name.cmp(&b.name));
        scopes.into_iter().map(OrgScope::to_api_json).collect()
    });
    Ok(list.answer(&state.endpoint, scopes))
}

pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new: ScopeFields = guard::body(&body, NEW_SCOPE)?;
    let scope = state.tenant.create_org_scope(new)?;
    Ok((StatusCode::CREATED, Json(scope.to_api_json())))
}

pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    state.tenant.read(|store| store.org_scope(&id).map(|s| Json(s.to_api_json()))).ok_or_else(|| not_found(&id))
}

pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let changes: ScopeFields = guard::body(&body, SCOPE_CHANGES)?;
    let scope = state.tenant.update_org_scope(&id, changes)?;
    Ok(Json(scope.to_api_json()))
}

pub async fn delete(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if !state.tenant.delete_org_scope(&id)? {
        return Err(not_found(&id));
    }
    Ok(StatusCode::NO_CONTENT)
}
