//! Organizations' just-in-time provisioning (`routes/organization/jit/`): email domains
//! (`email-domains.ts`: no default paging, 201 with the row, 204 for a replacement or a removal),
//! default roles (`jit/roles`) and SSO connectors (`jit/sso-connectors`), Logto's relation routes.
//! Domains and roles are applied when a user signs up with a verified email (`tenant::jit`); SSO
//! sign-in is not emulated, so the connectors are kept and listed only.

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::management::guard::{self, Field, Kind};
use crate::management::pagination::ListRequest;
use crate::state::AppState;

const EMAIL_DOMAIN: &[Field] = &[Field::required("emailDomain", guard::string(1, 128))];
const EMAIL_DOMAINS: &[Field] = &[Field::required("emailDomains", Kind::Strings { min: 0 })];
const ROLE_IDS: &[Field] = &[Field::required("organizationRoleIds", Kind::Strings { min: 0 })];
const SSO_CONNECTOR_IDS: &[Field] = &[Field::required("ssoConnectorIds", Kind::Ids { min: 0 })];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SsoConnectorIds {
    sso_connector_ids: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EmailDomain {
    email_domain: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EmailDomains {
    email_domains: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoleIds {
    organization_role_ids: Vec<String>,
}

fn row(org: &str, domain: &str) -> Value {
    json!({"tenantId": "default", "organizationId": org, "emailDomain": domain})
}

pub async fn email_domains(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let list = ListRequest::optionally_paged(uri)?;
    let rows = state.tenant.read(|store| {
        store.organization(&id).map(|o| o.jit_email_domains.iter().map(|d| row(&o.id, d)).collect::<Vec<_>>())
    });
    Ok(list.answer(&state.endpoint, rows.ok_or_else(ApiError::not_found)?))
}

pub async fn add_email_domain(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let EmailDomain { email_domain } = guard::body(&body, EMAIL_DOMAIN)?;
    let added = state.tenant.add_jit_email_domain(&id, &email_domain)?;
    Ok((StatusCode::CREATED, Json(row(&id, &added))))
}

pub async fn replace_email_domains(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let EmailDomains { email_domains } = guard::body(&body, EMAIL_DOMAINS)?;
    state.tenant.replace_jit_email_domains(&id, &email_domains)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_email_domain(
    State(state): State<AppState>,
    Path((id, email_domain)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.tenant.remove_jit_email_domain(&id, &email_domain)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn roles(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let list = ListRequest::optionally_paged(uri)?;
    let roles = state.tenant.read(|store| {
        let org = store.organization(&id)?;
        Some(org.jit_role_ids.iter().filter_map(|r| store.org_role(r)).map(|r| r.to_api_json()).collect::<Vec<_>>())
    });
    Ok(list.answer(&state.endpoint, roles.ok_or_else(ApiError::not_found)?))
}

pub async fn add_roles(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let RoleIds { organization_role_ids } = guard::body(&body, ROLE_IDS)?;
    state.tenant.add_jit_roles(&id, &organization_role_ids, false)?;
    Ok(StatusCode::CREATED)
}

pub async fn replace_roles(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let RoleIds { organization_role_ids } = guard::body(&body, ROLE_IDS)?;
    state.tenant.add_jit_roles(&id, &organization_role_ids, true)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_role(
    State(state): State<AppState>,
    Path((id, role_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.tenant.remove_jit_role(&id, &role_id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET …/jit/sso-connectors`: the linked connectors, never paged (Logto's relation route with
/// pagination off).
pub async fn sso_connectors(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let connectors = state.tenant.read(|store| {
        let org = store.organization(&id)?;
        Some(
            org.jit_sso_connector_ids
                .iter()
                .filter_map(|c| store.sso_connectors.iter().find(|x| &x.id == c))
                .map(|c| c.to_api_json())
                .collect::<Vec<_>>(),
        )
    });
    Ok(Json(Value::Array(connectors.ok_or_else(ApiError::not_found)?)))
}

pub async fn add_sso_connectors(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let SsoConnectorIds { sso_connector_ids } = guard::body(&body, SSO_CONNECTOR_IDS)?;
    state.tenant.add_jit_sso_connectors(&id, &sso_connector_ids, false)?;
    Ok(StatusCode::CREATED)
}

pub async fn replace_sso_connectors(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let SsoConnectorIds { sso_connector_ids } = guard::body(&body, SSO_CONNECTOR_IDS)?;
    state.tenant.add_jit_sso_connectors(&id, &sso_connector_ids, true)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_sso_connector(
    State(state): State<AppState>,
    Path((id, connector_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.tenant.remove_jit_sso_connector(&id, &connector_id)?;
    Ok(StatusCode::NO_CONTENT)
}
