//! One file per route.

mod health;
mod top_users;

use axum::routing::get;
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/api/top-users", get(top_users::top_users))
}
