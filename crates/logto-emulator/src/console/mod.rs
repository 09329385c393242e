//! The console: the tenant in a browser, at `/_emulator/console` (`/_emulator/` sends browsers
//! there). Server-rendered HTML, one stylesheet and one small script of its own, served with the
//! control API and behind the same switch (`--no-control` removes both).
//!
//! - Pages, one file per area: `overview`, `users`, `organizations`, `applications` (and API
//!   resources), `sessions` (grants, refresh tokens, browser sessions), `tokens` (decode any
//!   token), `webhooks` (deliveries, sent again), `outbox`, `requests` (the request log, live),
//!   `controls` (clock, faults, key rotation, reset).
//! - Every change to an entity is a Management API call made in-process (`api`), so it runs the
//!   same tenant operation, checks, hooks and persistence as the same call from outside. The OIDC
//!   artefacts (grants, sessions) and the controls use the tenant's and the control API's own
//!   operations.
//! - Forms post back with a per-process token and are refused from another origin (`form`); the
//!   pages carry a strict Content-Security-Policy (`headers`); no secret is ever put in a URL.

mod api;
mod applications;
mod controls;
mod form;
mod html;
mod organizations;
mod outbox;
mod overview;
mod requests;
mod sessions;
mod tokens;
mod users;
mod webhooks;

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{from_fn, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};

use crate::state::AppState;

/// Where the console lives.
pub const PREFIX: &str = "/_emulator/console";

/// What every console handler shares: the in-process Management API and the forms' token.
#[derive(Clone)]
pub(crate) struct Console {
    api: Router,
    csrf: Arc<str>,
}

/// The console's routes, under [`PREFIX`].
pub fn router(state: AppState) -> Router<AppState> {
    let console = Console { api: api::router(state), csrf: crate::ids::opaque_token().into() };
    Router::new()
        .route("/", get(overview::index))
        .route("/assets/console.css", get(css))
        .route("/assets/console.js", get(js))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", get(users::show))
        .route("/users/{id}/profile", post(users::update))
        .route("/users/{id}/password", post(users::password))
        .route("/users/{id}/suspension", post(users::suspension))
        .route("/users/{id}/delete", post(users::delete))
        .route("/organizations", get(organizations::list))
        .route("/organizations/{id}", get(organizations::show))
        .route("/organizations/{id}/members", post(organizations::add_member))
        .route("/organizations/{id}/members/{user_id}/roles", post(organizations::set_roles))
        .route("/organizations/{id}/members/{user_id}/remove", post(organizations::remove_member))
        .route("/applications", get(applications::list))
        .route("/applications/{id}", get(applications::show))
        .route("/resources", get(applications::resources))
        .route("/sessions", get(sessions::index))
        .route("/grants/{id}/revoke", post(sessions::revoke_grant))
        .route("/browser-sessions/{handle}/end", post(sessions::end_session))
        .route("/tokens", get(tokens::index).post(tokens::decode))
        .route("/webhooks", get(webhooks::index))
        .route("/webhooks/{hook}/deliveries/{log}/resend", post(webhooks::resend))
        .route("/outbox", get(outbox::index))
        .route("/requests", get(requests::index))
        .route("/requests.json", get(requests::feed))
        .route("/controls", get(controls::index))
        .route("/controls/clock", post(controls::clock))
        .route("/controls/faults", post(controls::add_fault))
        .route("/controls/faults/clear", post(controls::clear_faults))
        .route("/controls/keys/rotate", post(controls::rotate_key))
        .route("/controls/reset", post(controls::reset))
        .layer(Extension(console))
        .layer(from_fn(headers))
}

/// The pages' security headers: scripts and styles from the console only, no framing, no
/// referrer (a page's URL never leaves), nothing cached.
async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; \
               connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}

async fn css() -> Response {
    let cache = (header::CACHE_CONTROL, "no-cache");
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), cache], include_str!("assets/console.css")).into_response()
}

async fn js() -> Response {
    let cache = (header::CACHE_CONTROL, "no-cache");
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), cache], include_str!("assets/console.js"))
        .into_response()
}
