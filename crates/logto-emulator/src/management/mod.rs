//! The Management API subset, under `/api`, behind Logto's bearer rules (`auth`): a JWT for
//! `https://default.logto.app/api` with scope `all`.

mod auth;
mod users;

use axum::middleware::from_fn_with_state;
use axum::routing::get;
use axum::Router;

use crate::state::AppState;

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/users", get(users::list))
        .route("/users/{id}", get(users::get_one))
        .route_layer(from_fn_with_state(state, auth::require_management_token))
}
