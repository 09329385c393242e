//! One file per route.

mod follows;
mod health;
mod openapi;
mod organizations;
pub(crate) mod top_users;
mod webhooks;

use axum::routing::{get, post};
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
        .route("/api/webhooks/logto", post(webhooks::logto))
        .route("/api/me/following", get(follows::following))
}
