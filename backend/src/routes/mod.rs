//! One file per route.

pub(crate) mod follows;
mod health;
mod invitations;
mod members;
mod openapi;
mod organizations;
mod top_users;
mod webhooks;

use axum::routing::{delete, get, post, put};
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/api/openapi.json", get(openapi::openapi))
        .route("/api/users/{id}/follow", post(follows::follow).delete(follows::unfollow))
        .route("/api/top-users", get(top_users::top_users))
        .route("/api/organizations/{organization_id}/top-users", get(organizations::top_users))
        .route("/api/organizations/{organization_id}/members", get(members::list))
        .route("/api/organizations/{organization_id}/members/{user_id}", delete(members::remove))
        .route("/api/organizations/{organization_id}/members/{user_id}/roles", put(members::set_roles))
        .route("/api/organizations/{organization_id}/invitations", post(invitations::invite))
        .route("/api/organizations/{organization_id}/invitations/{invitation_id}", delete(invitations::revoke))
        .route("/api/invitations/{invitation_id}", get(invitations::summary))
        .route("/api/invitations/{invitation_id}/accept", post(invitations::accept))
        .route("/api/webhooks/logto", post(webhooks::logto))
        .route("/api/me/following", get(follows::following))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

/// Unknown routes answer `{code, message}` too (axum's default is an empty body).
async fn not_found() -> (axum::http::StatusCode, axum::Json<shared::ErrorBody>) {
    let body = shared::ErrorBody::new(shared::ErrorCode::RouteNotFound, "There is no such route.");
    (axum::http::StatusCode::NOT_FOUND, axum::Json(body))
}

/// A known route with a method it does not take.
async fn method_not_allowed() -> (axum::http::StatusCode, axum::Json<shared::ErrorBody>) {
    let body = shared::ErrorBody::new(shared::ErrorCode::MethodNotAllowed, "This route does not take that method.");
    (axum::http::StatusCode::METHOD_NOT_ALLOWED, axum::Json(body))
}
