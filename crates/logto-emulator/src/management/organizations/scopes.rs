//! Organization permissions (`/api/organization-scopes`): listed by name, paged only when asked.

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

use super::super::guard::{self, Field};
use super::super::pagination::ListRequest;
use crate::error::ApiError;
use crate::ids::standard_id;
use crate::model::OrgScope;
use crate::state::AppState;

const NEW_SCOPE: &[Field] =
    &[Field::required("name", guard::string(1, 128)), Field::nullable("description", guard::string(0, 256))];
const SCOPE_CHANGES: &[Field] =
    &[Field::optional("name", guard::string(1, 128)), Field::nullable("description", guard::string(0, 256))];

#[derive(Deserialize)]
struct ScopeBody {
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "super::super::nullable")]
    description: Option<Option<String>>,
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_exists_with_id("organization_scopes", id)
}

pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Result<Response, ApiError> {
    let list = ListRequest::optionally_paged(uri)?;
    let q = list.params.get("q").ok().flatten();
    let store = state.store();
    let mut scopes: Vec<&OrgScope> = store
        .org_scopes
        .iter()
        .filter(|s| super::search_matches(q, &[Some(&s.id), Some(&s.name), s.description.as_deref()]))
        .collect();
    scopes.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(list.answer(&state.endpoint, scopes.into_iter().map(OrgScope::to_api_json).collect()))
}

pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new: ScopeBody = guard::body(&body, NEW_SCOPE)?;
    let name = new.name.unwrap_or_default();
    let mut write = state.write();
    let store = write.read();
    if store.org_scopes.iter().any(|s| s.name == name) {
        return Err(ApiError::unique_violation());
    }
    let scope = OrgScope { id: standard_id(21), name, description: new.description.flatten() };
    let answer = scope.to_api_json();
    drop(store);
    write.put(scope)?;
    Ok((StatusCode::CREATED, Json(answer)))
}

pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    state.store().org_scope(&id).map(|s| Json(s.to_api_json())).ok_or_else(|| not_found(&id))
}

pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let changes: ScopeBody = guard::body(&body, SCOPE_CHANGES)?;
    let mut write = state.write();
    let store = write.read();
    let mut scope = store.org_scope(&id).cloned().ok_or_else(|| ApiError::not_exists("organization scope"))?;
    if let Some(name) = changes.name {
        if store.org_scopes.iter().any(|s| s.name == name && s.id != id) {
            return Err(ApiError::unique_violation());
        }
        scope.name = name;
    }
    if let Some(description) = changes.description {
        scope.description = description;
    }
    let answer = scope.to_api_json();
    drop(store);
    write.put(scope)?;
    Ok(Json(answer))
}

pub async fn delete(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if !state.write().remove_org_scope(&id)? {
        return Err(not_found(&id));
    }
    Ok(StatusCode::NO_CONTENT)
}
