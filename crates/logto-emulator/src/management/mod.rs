//! The Management API subset, under `/api`, behind Logto's bearer rules (`auth`): a JWT for
//! `https://default.logto.app/api` with scope `all`. One file per entity.

mod applications;
mod auth;
pub mod guard;
mod logs;
mod organizations;
pub(crate) mod pagination;
mod personal_access_tokens;
mod resources;
mod roles;
pub(crate) mod schema;
mod search;
mod sign_in_experience;
mod sso_connectors;
mod subject_tokens;
mod users;

use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::routing::{delete, get, patch, post};

use crate::hooks;
use axum::Router;

use crate::state::AppState;

/// The Management API's routes, under `/api`, behind its bearer check.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", get(users::get_one).patch(users::update).delete(users::delete))
        .route("/users/{id}/roles", get(users::roles).post(users::assign_roles).put(users::set_roles))
        .route("/users/{id}/roles/{role_id}", delete(users::remove_role))
        .route("/users/{id}/password", patch(users::set_password))
        .route("/users/{id}/password/verify", post(users::verify_password))
        .route("/users/{id}/password/expiration", patch(users::set_password_expiration))
        .route("/users/{id}/grants", get(users::grants))
        .route("/users/{id}/grants/{grant_id}", delete(users::revoke_grant))
        .route("/users/{id}/has-password", get(users::has_password))
        .route("/users/{id}/profile", patch(users::update_profile))
        .route("/users/{id}/custom-data", get(users::custom_data).patch(users::update_custom_data))
        .route("/users/{id}/is-suspended", patch(users::set_suspended))
        .route("/resources", get(resources::list).post(resources::create))
        .route("/resources/{id}", get(resources::get_one).patch(resources::update).delete(resources::delete))
        .route("/resources/{id}/is-default", patch(resources::set_default))
        .route("/resources/{id}/scopes", get(resources::scopes).post(resources::create_scope))
        .route("/resources/{id}/scopes/{scope_id}", patch(resources::update_scope).delete(resources::delete_scope))
        .route("/roles", get(roles::list).post(roles::create))
        .route("/roles/{id}", get(roles::get_one).patch(roles::update).delete(roles::delete))
        .route("/roles/{id}/scopes", get(roles::scopes).post(roles::assign_scopes))
        .route("/roles/{id}/scopes/{scope_id}", delete(roles::remove_scope))
        .route("/roles/{id}/users", get(roles::users).post(roles::assign_users))
        .route("/roles/{id}/users/{user_id}", delete(roles::remove_holder))
        .route("/roles/{id}/applications", get(roles::applications).post(roles::assign_applications))
        .route("/roles/{id}/applications/{app_id}", delete(roles::remove_holder))
        .route("/connectors", get(connectors))
        .route("/applications", get(applications::list).post(applications::create))
        .route(
            "/applications/{id}",
            get(applications::get_one).patch(applications::update).delete(applications::delete),
        )
        .route("/applications/{id}/custom-data", patch(applications::update_custom_data))
        .route(
            "/applications/{id}/user-consent-scopes",
            get(applications::consent_scopes).post(applications::add_consent_scopes),
        )
        .route("/applications/{id}/user-consent-scopes/{kind}/{scope_id}", delete(applications::remove_consent_scope))
        .route(
            "/applications/{id}/users/{user_id}/consent-organizations",
            get(applications::consent_organizations)
                .put(applications::set_consent_organizations)
                .post(applications::add_consent_organizations),
        )
        .route(
            "/applications/{id}/users/{user_id}/consent-organizations/{org_id}",
            delete(applications::remove_consent_organization),
        )
        .route(
            "/applications/{id}/sign-in-experience",
            get(applications::sign_in_experience).put(applications::set_sign_in_experience),
        )
        .route("/applications/{id}/secrets", get(applications::secrets).post(applications::create_secret))
        .route(
            "/applications/{id}/secrets/{name}",
            patch(applications::rename_secret).delete(applications::delete_secret),
        )
        .route(
            "/applications/{id}/roles",
            get(applications::roles).post(applications::assign_roles).put(applications::set_roles),
        )
        .route("/applications/{id}/roles/{role_id}", delete(applications::remove_role))
        .route("/subject-tokens", post(subject_tokens::create))
        .route("/sign-in-exp", get(sign_in_experience::get).patch(sign_in_experience::patch))
        .route("/logs", get(logs::list))
        .route("/logs/{id}", get(logs::get_one))
        .route("/sso-connector-providers", get(sso_connectors::providers))
        .route("/sso-connectors", get(sso_connectors::list).post(sso_connectors::create))
        .route(
            "/sso-connectors/{id}",
            get(sso_connectors::get_one).patch(sso_connectors::update).delete(sso_connectors::delete),
        )
        .route(
            "/users/{id}/personal-access-tokens",
            get(personal_access_tokens::list)
                .post(personal_access_tokens::create)
                .patch(personal_access_tokens::rename),
        )
        .route("/users/{id}/personal-access-tokens/delete", post(personal_access_tokens::delete_by_body))
        .route(
            "/users/{id}/personal-access-tokens/{name}",
            patch(personal_access_tokens::rename_by_path).delete(personal_access_tokens::delete_by_path),
        )
        .merge(organizations::router())
        .route("/hooks", get(hooks::api::list).post(hooks::api::create))
        .route("/hooks/{id}", get(hooks::api::get_one).patch(hooks::api::update).delete(hooks::api::delete))
        .route("/hooks/{id}/signing-key", patch(hooks::api::new_signing_key))
        .route("/hooks/{id}/test", post(hooks::api::test))
        .route("/hooks/{id}/recent-logs", get(hooks::api::recent_logs))
        // Inside the bearer check: only calls that passed it (and succeeded) fire hooks.
        .route_layer(from_fn_with_state(state.clone(), hooks::trigger::fire))
        .route_layer(from_fn_with_state(state, auth::require_management_token))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(answer_options))
        .fallback(not_found)
}

/// A method a Management API path does not serve: koa-router's `allowedMethods()` answer, 405
/// `text/plain` "Method Not Allowed" (axum adds the `Allow` header), never an empty body.
async fn method_not_allowed() -> axum::response::Response {
    (
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        [(axum::http::header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Method Not Allowed",
    )
        .into_response()
}

/// `OPTIONS` on the Management API: 200 with no CORS headers, as Logto (Koa) answers: it is not
/// meant to be called from browsers of other origins.
async fn answer_options(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    if request.method() == axum::http::Method::OPTIONS {
        return axum::http::StatusCode::OK.into_response();
    }
    next.run(request).await
}

/// A path no Management API route serves: Koa's `text/plain` 404, whatever the method and with or
/// without a token (Logto keeps `entity.not_found` for a record that does not exist).
async fn not_found() -> axum::response::Response {
    crate::oidc::not_found_text()
}

/// The body of `POST /api/users/{id}/roles` and `POST /api/applications/{id}/roles`.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RoleIds {
    pub role_ids: Vec<String>,
}

impl RoleIds {
    pub const SCHEMA: &[guard::Field] = &[guard::Field::required("roleIds", guard::Kind::Strings { min: 1 })];
}

/// `GET /api/connectors`: the emulator has no connectors (its outbox stands in for an email
/// connector, and social and SMS sign-in are not emulated), so the list is empty.
async fn connectors() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!([]))
}
