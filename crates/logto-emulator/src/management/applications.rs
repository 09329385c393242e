//! Applications, their secrets and their roles (`/api/applications`).

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::guard::{self, Field, Kind};
use super::pagination::ListRequest;
use super::RoleIds;
use crate::error::ApiError;
use crate::ids::standard_id;
use crate::model::{AppType, Application, RoleType};
use crate::state::AppState;

/// `GET /api/applications`, newest first (paginated when asked, as Logto's `application.ts`).
pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Result<Response, ApiError> {
    let list = ListRequest::optionally_paged(uri)?;
    let store = state.store();
    let mut apps: Vec<&Application> = store.applications.values().collect();
    apps.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
    Ok(list.answer(&state.endpoint, apps.into_iter().map(Application::to_api_json).collect()))
}

pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let app = store.applications.get(&id).ok_or_else(ApiError::not_found)?;
    let mut v = app.to_api_json();
    v["isAdmin"] = json!(false);
    Ok(Json(v))
}

/// `POST /api/applications`'s guard (`routes/applications/application.ts`, Logto 1.42's OpenAPI document).
const NEW_APPLICATION: &[Field] = &[
    Field::required("name", guard::string(1, 256)),
    Field::nullable("description", guard::ANY_STRING),
    Field::required("type", Kind::Enum(&["Native", "SPA", "Traditional", "MachineToMachine", "Protected", "SAML"])),
    Field::optional(
        "oidcClientMetadata",
        Kind::Nested(&[
            Field::required("redirectUris", Kind::Strings { min: 0 }),
            Field::required("postLogoutRedirectUris", Kind::Strings { min: 0 }),
        ]),
    ),
    Field::optional("customClientMetadata", Kind::Object),
    Field::optional("customData", Kind::Object),
    Field::optional("isThirdParty", Kind::Bool),
    Field::optional("protectedAppMetadata", Kind::Object),
];

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ClientMetadata {
    #[serde(default)]
    redirect_uris: Vec<String>,
    #[serde(default)]
    post_logout_redirect_uris: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewApplication {
    name: String,
    #[serde(rename = "type")]
    app_type: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    oidc_client_metadata: Option<ClientMetadata>,
}

pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let new: NewApplication = guard::body(&body, NEW_APPLICATION)?;
    let meta = new.oidc_client_metadata.unwrap_or_default();
    let Some(app_type) = AppType::parse(&new.app_type) else {
        // Logto's own answer for these two: they are created through their own flows.
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "application.protected_app_metadata_is_required",
            format!("Applications of type {} are not emulated.", new.app_type),
        ));
    };
    let bad_uri =
        meta.redirect_uris.iter().chain(&meta.post_logout_redirect_uris).position(|u| url::Url::parse(u).is_err());
    if let Some(i) = bad_uri {
        let (key, index) = if i < meta.redirect_uris.len() {
            ("redirectUris", i)
        } else {
            ("postLogoutRedirectUris", i - meta.redirect_uris.len())
        };
        return Err(guard::invalid_input(vec![json!({"code": "custom", "message": "Invalid URL",
            "path": ["oidcClientMetadata", key, index]})]));
    }
    let app = Application {
        id: standard_id(21),
        name: new.name,
        description: new.description,
        app_type,
        redirect_uris: meta.redirect_uris,
        post_logout_redirect_uris: meta.post_logout_redirect_uris,
        // Confidential apps get a "Default secret" (32 characters, as Logto's).
        secret: (!app_type.is_public()).then(|| crate::secret::Secret::new(standard_id(32))),
        role_ids: vec![],
        created_at: state.clock.now_ms(),
    };
    let body = app.to_api_json();
    state.write().put(app)?;
    Ok(Json(body))
}

pub async fn delete(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if !state.write().remove_application(&id)? {
        return Err(ApiError::not_found());
    }
    state.artefacts().end_client(&id);
    Ok(StatusCode::NO_CONTENT)
}

pub async fn secrets(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let store = state.store();
    let app = store.applications.get(&id).ok_or_else(ApiError::not_found)?;
    Ok(Json(
        app.secret
            .iter()
            .map(|value| {
                json!({"tenantId": "default", "applicationId": app.id, "name": "Default secret", "value": value,
                       "createdAt": app.created_at, "expiresAt": null})
            })
            .collect(),
    ))
}

/// `GET /api/applications/{id}/roles` (paginated, as Logto's `application-role.ts`).
pub async fn roles(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let list = ListRequest::paged(uri)?;
    let store = state.store();
    let app = store.applications.get(&id).ok_or_else(ApiError::not_found)?;
    let roles = store.roles.iter().filter(|r| app.role_ids.contains(&r.id)).map(|r| r.to_api_json()).collect();
    Ok(list.answer(&state.endpoint, roles))
}

pub async fn assign_roles(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let RoleIds { role_ids } = guard::body(&body, RoleIds::SCHEMA)?;
    let mut write = state.write();
    let store = write.read();
    let app = store.applications.get(&id).ok_or_else(ApiError::not_found)?;
    if app.app_type != AppType::MachineToMachine {
        return Err(ApiError::unprocessable(
            "application.invalid_type",
            "Only machine to machine applications are allowed to have associated roles.",
        ));
    }
    for role_id in &role_ids {
        let role = store.role(role_id).ok_or_else(ApiError::not_found)?;
        if role.role_type != RoleType::MachineToMachine {
            return Err(ApiError::unprocessable(
                "application.invalid_role_type",
                "Can not assign user type role to machine to machine application.",
            ));
        }
    }
    let Some(mut app) = store.applications.get(&id).cloned() else { return Err(ApiError::not_found()) };
    let added: Vec<String> = role_ids.iter().filter(|r| !app.role_ids.contains(r)).cloned().collect();
    app.role_ids.extend(added.iter().cloned());
    drop(store);
    write.put(app)?;
    Ok((StatusCode::CREATED, Json(json!({"roleIds": role_ids, "addedRoleIds": added}))))
}
