//! `/api/sso-connectors` and `/api/sso-connector-providers` (`routes/sso-connector/index.ts`):
//! enterprise SSO connectors kept, listed (paged when asked), changed and deleted as Logto does,
//! with the provider's details in each answer (`name`, `providerType`, `providerLogo`,
//! `providerLogoDark`; no `providerConfig`: the emulator does not fetch the IdP's metadata).

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde_json::{json, Value};

use super::guard::{self, Field, Kind};
use super::pagination::ListRequest;
use crate::error::ApiError;
use crate::model::SsoConnector;
use crate::state::AppState;
use crate::tenant::{connector_not_found, SsoConnectorFields};

const BRANDING: Kind = Kind::Nested(&[
    Field::optional("displayName", guard::ANY_STRING),
    Field::optional("logo", guard::ANY_STRING),
    Field::optional("darkLogo", guard::ANY_STRING),
]);

/// `ssoConnectorCreateGuard` (the table's `varchar(128)` names).
const NEW: &[Field] = &[
    Field::required("providerName", guard::string(1, 128)),
    Field::required("connectorName", guard::string(1, 128)),
    Field::optional("config", Kind::Object),
    Field::optional("domains", Kind::Strings { min: 0 }),
    Field::optional("branding", BRANDING),
    Field::optional("syncProfile", Kind::Bool),
    Field::optional("enableTokenStorage", Kind::Bool),
];

/// `ssoConnectorPatchGuard`.
const CHANGES: &[Field] = &[
    Field::optional("connectorName", guard::string(1, 128)),
    Field::optional("config", Kind::Object),
    Field::optional("domains", Kind::Strings { min: 0 }),
    Field::optional("branding", BRANDING),
    Field::optional("syncProfile", Kind::Bool),
    Field::optional("enableTokenStorage", Kind::Bool),
];

/// The body's fields (branding keys beyond Logto's three dropped, as zod does).
fn fields(body: &[u8], schema: &[Field]) -> Result<SsoConnectorFields, ApiError> {
    let body: Value = guard::body(body, schema)?;
    let branding = body.get("branding").map(|b| {
        let keep = ["displayName", "logo", "darkLogo"];
        Value::Object(
            b.as_object()
                .into_iter()
                .flatten()
                .filter(|(k, _)| keep.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    });
    Ok(SsoConnectorFields {
        provider_name: body["providerName"].as_str().map(String::from),
        connector_name: body["connectorName"].as_str().map(String::from),
        config: body.get("config").cloned(),
        domains: body.get("domains").map(|_| guard::strings(&body, "domains")),
        branding,
        sync_profile: body["syncProfile"].as_bool(),
        enable_token_storage: body["enableTokenStorage"].as_bool(),
    })
}

/// A connector with its provider's details (`fetchConnectorProviderDetails`).
fn with_provider(connector: &SsoConnector) -> Value {
    let mut v = connector.to_api_json();
    if let Some(p) = crate::sso::provider(&connector.provider_name) {
        v["name"] = json!(p.2);
        v["providerType"] = json!(p.1);
        v["providerLogo"] = json!(crate::sso::PROVIDER_LOGO);
        v["providerLogoDark"] = json!(crate::sso::PROVIDER_LOGO);
    }
    v
}

/// `GET /api/sso-connector-providers`.
pub async fn providers() -> Json<Value> {
    Json(crate::sso::PROVIDERS.iter().map(crate::sso::provider_json).collect())
}

/// `GET /api/sso-connectors` (paged when asked), in creation order.
pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Result<Response, ApiError> {
    let list = ListRequest::optionally_paged(uri)?;
    let connectors = state.tenant.read(|store| store.sso_connectors.iter().map(with_provider).collect());
    Ok(list.answer(&state.endpoint, connectors))
}

/// `POST /api/sso-connectors` → 200 with the connector (Logto answers 200, not 201).
pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let new = fields(&body, NEW)?;
    Ok(Json(state.tenant.create_sso_connector(new, state.clock.now_ms())?.to_api_json()))
}

/// `GET /api/sso-connectors/{id}`.
pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let found = state.tenant.read(|store| store.sso_connectors.iter().find(|c| c.id == id).map(with_provider));
    Ok(Json(found.ok_or_else(connector_not_found)?))
}

/// `PATCH /api/sso-connectors/{id}`.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let changes = fields(&body, CHANGES)?;
    Ok(Json(with_provider(&state.tenant.update_sso_connector(&id, changes)?)))
}

/// `DELETE /api/sso-connectors/{id}` → 204.
pub async fn delete(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    state.tenant.delete_sso_connector(&id)?;
    Ok(StatusCode::NO_CONTENT)
}
