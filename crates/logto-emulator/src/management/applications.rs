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
use crate::model::{AppType, Application};
use crate::state::AppState;
use crate::tenant::NewApplication;

/// `GET /api/applications`, newest first (paginated when asked, as Logto's `application.ts`).
pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Result<Response, ApiError> {
    let list = ListRequest::optionally_paged(uri)?;
    let apps = state.tenant.read(|store| {
        let mut apps: Vec<&Application> = store.applications.values().collect();
        apps.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
        apps.into_iter().map(Application::to_api_json).collect()
    });
    Ok(list.answer(&state.endpoint, apps))
}

pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let app = state.tenant.read(|store| store.applications.get(&id).map(Application::to_api_json));
    let mut v = app.ok_or_else(ApiError::not_found)?;
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
struct WireApplication {
    name: String,
    #[serde(rename = "type")]
    app_type: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    oidc_client_metadata: Option<ClientMetadata>,
    #[serde(default)]
    custom_client_metadata: Option<CustomClientMetadata>,
    #[serde(default)]
    is_third_party: bool,
}

/// The part of `customClientMetadata` the emulator acts on.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct CustomClientMetadata {
    #[serde(default)]
    is_device_flow: bool,
    #[serde(default)]
    allow_token_exchange: bool,
}

pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let new: WireApplication = guard::body(&body, NEW_APPLICATION)?;
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
    let new = NewApplication {
        name: new.name,
        description: new.description,
        app_type,
        redirect_uris: meta.redirect_uris,
        post_logout_redirect_uris: meta.post_logout_redirect_uris,
        is_device_flow: new.custom_client_metadata.as_ref().is_some_and(|c| c.is_device_flow),
        allow_token_exchange: new.custom_client_metadata.as_ref().is_some_and(|c| c.allow_token_exchange),
        is_third_party: new.is_third_party,
    };
    let app = state.tenant.create_application(new, state.clock.now_ms())?;
    Ok(Json(app.to_api_json()))
}

pub async fn delete(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if !state.tenant.delete_application(&id)? {
        return Err(ApiError::not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

pub async fn secrets(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let secrets = state.tenant.read(|store| {
        let app = store.applications.get(&id)?;
        Some(
            app.secret
                .iter()
                .map(|value| {
                    json!({"tenantId": "default", "applicationId": app.id, "name": "Default secret", "value": value,
                           "createdAt": app.created_at, "expiresAt": null})
                })
                .collect(),
        )
    });
    Ok(Json(secrets.ok_or_else(ApiError::not_found)?))
}

/// `GET /api/applications/{id}/roles` (paginated, as Logto's `application-role.ts`).
pub async fn roles(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let list = ListRequest::paged(uri)?;
    let roles = state.tenant.read(|store| {
        let app = store.applications.get(&id)?;
        Some(store.roles.iter().filter(|r| app.role_ids.contains(&r.id)).map(|r| r.to_api_json()).collect())
    });
    Ok(list.answer(&state.endpoint, roles.ok_or_else(ApiError::not_found)?))
}

pub async fn assign_roles(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let RoleIds { role_ids } = guard::body(&body, RoleIds::SCHEMA)?;
    let added = state.tenant.assign_application_roles(&id, &role_ids)?;
    Ok((StatusCode::CREATED, Json(json!({"roleIds": role_ids, "addedRoleIds": added}))))
}
