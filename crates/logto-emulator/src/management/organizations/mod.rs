//! Logto's organizations (the B2B model), as its Management API serves them and as recorded from real
//! Logto 1.42 (`tests/fidelity/samples-orgs`, steps 100–203):
//! - `scopes`: organization permissions (`/api/organization-scopes`);
//! - `roles`: organization roles with organization scopes and API-resource scopes
//!   (`/api/organization-roles`);
//! - this file: organizations themselves (`/api/organizations`);
//! - `members`: users in organizations and their roles, and `/api/users/{id}/organizations`;
//! - `applications`: machine-to-machine apps in organizations and their roles, and
//!   `/api/applications/{id}/organizations`;
//! - `invitations`: organization invitations (`/api/organization-invitations`);
//! - `jit`: just-in-time provisioning by email domain, and its default roles.
//!
//! Relation writes answer as recorded: JSON echoes for users and user roles, `text/plain` `Created`
//! for applications, application roles and role scopes, 204 for replacements and removals.

mod applications;
mod invitations;
mod jit;
mod members;
mod roles;
mod scopes;

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::guard::{self, Field, Kind};
use super::pagination::ListRequest;
use crate::error::ApiError;
use crate::model::Organization;
use crate::state::AppState;
use crate::tenant::OrganizationFields;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organization-scopes", get(scopes::list).post(scopes::create))
        .route("/organization-scopes/{id}", get(scopes::get_one).patch(scopes::update).delete(scopes::delete))
        .route("/organization-roles", get(roles::list).post(roles::create))
        .route("/organization-roles/{id}", get(roles::get_one).patch(roles::update).delete(roles::delete))
        .route("/organization-roles/{id}/scopes", get(roles::scopes).post(roles::add_scopes).put(roles::set_scopes))
        .route("/organization-roles/{id}/scopes/{scope_id}", delete(roles::remove_scope))
        .route(
            "/organization-roles/{id}/resource-scopes",
            get(roles::resource_scopes).post(roles::add_resource_scopes).put(roles::set_resource_scopes),
        )
        .route("/organization-roles/{id}/resource-scopes/{scope_id}", delete(roles::remove_resource_scope))
        .route("/organizations", get(list).post(create))
        .route("/organizations/{id}", get(get_one).patch(update).delete(remove))
        .route("/organizations/{id}/users", get(members::list).post(members::add).put(members::replace))
        .route("/organizations/{id}/users/{user_id}", delete(members::remove))
        .route(
            "/organizations/{id}/jit/email-domains",
            get(jit::email_domains).post(jit::add_email_domain).put(jit::replace_email_domains),
        )
        .route("/organizations/{id}/jit/email-domains/{email_domain}", delete(jit::remove_email_domain))
        .route("/organizations/{id}/jit/roles", get(jit::roles).post(jit::add_roles).put(jit::replace_roles))
        .route("/organizations/{id}/jit/roles/{role_id}", delete(jit::remove_role))
        .route(
            "/organizations/{id}/jit/sso-connectors",
            get(jit::sso_connectors).post(jit::add_sso_connectors).put(jit::replace_sso_connectors),
        )
        .route("/organizations/{id}/jit/sso-connectors/{connector_id}", delete(jit::remove_sso_connector))
        .route("/organizations/{id}/users/roles", post(members::add_roles_bulk))
        .route("/organizations/{id}/applications/roles", post(members::add_application_roles_bulk))
        .route("/organizations/{id}/users/{user_id}/scopes", get(members::scopes))
        .route("/organization-invitations", get(invitations::list).post(invitations::create))
        .route("/organization-invitations/{id}", get(invitations::get_one).delete(invitations::delete))
        .route("/organization-invitations/{id}/status", put(invitations::set_status))
        .route("/organization-invitations/{id}/message", post(invitations::message))
        .route(
            "/organizations/{id}/users/{user_id}/roles",
            get(members::roles).post(members::add_roles).put(members::set_roles),
        )
        .route("/organizations/{id}/users/{user_id}/roles/{role_id}", delete(members::remove_role))
        .route(
            "/organizations/{id}/applications",
            get(applications::list).post(applications::add).put(applications::replace),
        )
        .route("/organizations/{id}/applications/{app_id}", delete(applications::remove))
        .route(
            "/organizations/{id}/applications/{app_id}/roles",
            get(applications::roles).post(applications::add_roles).put(applications::set_roles),
        )
        .route("/organizations/{id}/applications/{app_id}/roles/{role_id}", delete(applications::remove_role))
        .route("/users/{id}/organizations", get(members::user_organizations))
        .route("/applications/{id}/organizations", get(applications::app_organizations))
}

/// `201 Created` with Logto's `text/plain` body, for the relation writes that answer so.
fn created() -> Response {
    (StatusCode::CREATED, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "Created").into_response()
}

/// A `{ids: [...]}` relation body: non-empty for `POST`, possibly empty for `PUT`.
fn id_list(bytes: &[u8], key: &'static str, replace: bool) -> Result<Vec<String>, ApiError> {
    let schema = [Field::required(key, Kind::Strings { min: if replace { 0 } else { 1 } })];
    let body: Value = guard::body(bytes, &schema)?;
    Ok(guard::strings(&body, key))
}

/// Whether `q` (Logto's `q` search: case-insensitive substring) matches any of `fields`.
fn search_matches(q: Option<&str>, fields: &[Option<&str>]) -> bool {
    let Some(q) = q.map(str::to_lowercase) else { return true };
    fields.iter().flatten().any(|f| f.to_lowercase().contains(&q))
}

/// `partialColorGuard` and the branding keys (`Organizations.createGuard`).
const COLOR: Kind = Kind::Nested(&[
    Field::optional(
        "primaryColor",
        Kind::Str { min: 0, max: None, pattern: Some(crate::management::schema::is_hex_colour) },
    ),
    Field::optional("isDarkModeEnabled", Kind::Bool),
    Field::optional(
        "darkPrimaryColor",
        Kind::Str { min: 0, max: None, pattern: Some(crate::management::schema::is_hex_colour) },
    ),
]);
const BRANDING: Kind = Kind::Nested(&[
    Field::optional("logoUrl", guard::ANY_STRING),
    Field::optional("darkLogoUrl", guard::ANY_STRING),
    Field::optional("favicon", guard::ANY_STRING),
    Field::optional("darkFavicon", guard::ANY_STRING),
]);

const NEW_ORG: &[Field] = &[
    Field::required("name", guard::string(1, 128)),
    Field::nullable("description", guard::string(0, 256)),
    Field::optional("customData", Kind::Object),
    Field::optional("isMfaRequired", Kind::Bool),
    Field::optional("color", COLOR),
    Field::optional("branding", BRANDING),
    Field::nullable("customCss", guard::ANY_STRING),
];

const ORG_CHANGES: &[Field] = &[
    Field::optional("name", guard::string(1, 128)),
    Field::nullable("description", guard::string(0, 256)),
    Field::optional("customData", Kind::Object),
    Field::optional("isMfaRequired", Kind::Bool),
    Field::optional("color", COLOR),
    Field::optional("branding", BRANDING),
    Field::nullable("customCss", guard::ANY_STRING),
];

/// Only the keys `fields` names (zod's object drops the others).
fn known_keys(value: Option<Value>, kind: Kind) -> Option<Value> {
    let Kind::Nested(fields) = kind else { return value };
    value.map(|v| {
        let map = v.as_object().cloned().unwrap_or_default();
        Value::Object(map.into_iter().filter(|(k, _)| fields.iter().any(|f| f.name == k)).collect())
    })
}

/// The organization fields of a body checked against `schema`.
fn organization_fields(body: &[u8], schema: &[Field]) -> Result<OrganizationFields, ApiError> {
    let mut fields: OrganizationFields = guard::body(body, schema)?;
    fields.color = known_keys(fields.color, COLOR);
    fields.branding = known_keys(fields.branding, BRANDING);
    Ok(fields)
}

/// `GET /api/organizations[?q=…]`: paged, in creation order.
pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Result<Response, ApiError> {
    let list = ListRequest::paged(uri)?;
    let q = list.params.get("q").ok().flatten();
    // `showFeatured`: each with `usersCount` and its first three members (`featuredUsers`).
    let featured = list.params.get("showFeatured").ok().flatten().is_some_and(|v| v == "1" || v == "true");
    let orgs = state.tenant.read(|store| {
        store
            .organizations
            .iter()
            .filter(|o| search_matches(q, &[Some(&o.id), Some(&o.name), o.description.as_deref()]))
            .map(|o| {
                let mut v = o.to_api_json();
                if featured {
                    v["usersCount"] = json!(o.members.len());
                    v["featuredUsers"] = o
                        .members
                        .iter()
                        .take(3)
                        .filter_map(|m| store.user(&m.id))
                        .map(|u| json!({"id": u.id, "avatar": u.avatar, "name": u.name}))
                        .collect();
                }
                v
            })
            .collect()
    });
    Ok(list.answer(&state.endpoint, orgs))
}

/// `POST /api/organizations` → 201.
pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new = organization_fields(&body, NEW_ORG)?;
    let org = state.tenant.create_organization(new, state.clock.now_ms())?;
    Ok((StatusCode::CREATED, Json(org.to_api_json())))
}

pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let org = state.tenant.read(|store| store.organization(&id).map(Organization::to_api_json));
    Ok(Json(org.ok_or_else(|| ApiError::not_exists_with_id("organizations", &id))?))
}

/// `PATCH /api/organizations/{id}`: the given fields (`customData` replaced whole) → 200 with the org.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let changes = organization_fields(&body, ORG_CHANGES)?;
    let org = state.tenant.update_organization(&id, changes)?;
    Ok(Json(org.to_api_json()))
}

pub async fn remove(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if !state.tenant.delete_organization(&id)? {
        return Err(ApiError::not_exists_with_id("organizations", &id));
    }
    Ok(StatusCode::NO_CONTENT)
}
