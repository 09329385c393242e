//! Logto's OIDC provider: every route under `/oidc`, plus the sign-in page the auth endpoint sends
//! the browser to.

pub(crate) mod authorize;
mod client_auth;
mod cors;
mod device;
mod discovery;
mod exchange;
mod introspection;
mod par;
mod post_processing;
mod register;
mod session;
mod token;
mod tokens;
mod userinfo;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::{get, post};
use axum::Router;
use tower_http::cors::{Any, CorsLayer};

use crate::state::AppState;

pub(crate) use token::first_refresh_token;
pub(crate) use tokens::id_token;
pub use tokens::{
    access_token_jwt, org_access_token_jwt, organization_audience, DEFAULT_TTL, ORGANIZATIONS_RESOURCE,
    ORGANIZATIONS_SCOPE, ORGANIZATION_ROLES_SCOPE,
};

/// Logto's token endpoint body limit (`packages/core/src/oidc/init.ts`).
const BODY_LIMIT: usize = 56 * 1024;

/// The OIDC provider's routes, under `/oidc`, with Logto's CORS.
pub fn router() -> Router<AppState> {
    // Token, revocation and userinfo answer browsers directly, with client-based CORS.
    let cors_routes = Router::new()
        .route("/oidc/token", post(token::token).options(cors::preflight_post))
        .route("/oidc/token/revocation", post(token::revoke).options(cors::preflight_post))
        .route("/oidc/token/introspection", post(introspection::introspect).options(cors::preflight_post))
        .route("/oidc/request", post(par::push).options(cors::preflight_post))
        .route("/oidc/device/auth", post(device::device_authorization).options(cors::preflight_post))
        .route("/oidc/me", get(userinfo::userinfo).post(userinfo::userinfo).options(cors::preflight_get_post))
        .route_layer(axum::middleware::from_fn(cors::passthrough));
    // Discovery and keys are public: any origin may read them (oidc-provider answers with `*`).
    let public_routes = Router::new()
        .route("/oidc/.well-known/openid-configuration", get(discovery::openid_configuration))
        .route("/oidc/.well-known/oauth-authorization-server", get(discovery::openid_configuration))
        .route("/oidc/jwks", get(discovery::jwks))
        .layer(CorsLayer::new().allow_origin(Any).allow_methods([Method::GET]));
    Router::new()
        .merge(public_routes)
        .merge(
            Router::new()
                .route("/oidc/auth", get(authorize::authorize).post(authorize::authorize_posted))
                .route("/sign-in", get(authorize::sign_in_page).post(authorize::sign_in_submit))
                .route("/register", get(register::register_page).post(register::register_submit))
                .route("/register/verify", axum::routing::post(register::verify_submit))
                .route("/device", get(device::device_page).post(device::device_code_submit))
                .route("/device/confirm", post(device::device_confirm))
                .route("/oidc/device", get(device::device_xsrf))
                .route("/oidc/session/end", get(session::end_session))
                .route("/oidc/session/end/confirm", post(session::confirm))
                .merge(cors_routes)
                .layer(axum::middleware::from_fn(no_store)),
        )
        .method_not_allowed_fallback(unrecognized)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(post_processing::post_process))
}

/// A path or method nothing serves: under `/oidc`, oidc-provider's 404 `invalid_request` naming the
/// method and the path below `/oidc` (recorded on Logto 1.42, `tests/fidelity/recorded/569-*`:
/// `GET /oidc/request` answers "unrecognized route or not allowed method (GET on /request)");
/// anywhere else Koa's own 404,
/// `text/plain` "Not Found" (as Logto answers an unknown `/api` route: its router runs no middleware,
/// not even the bearer check, for a path no route matches). Never an empty body.
pub(crate) async fn unrecognized(method: Method, uri: axum::http::Uri) -> Response {
    match uri.path().strip_prefix("/oidc").filter(|rest| rest.is_empty() || rest.starts_with('/')) {
        Some(below) => crate::error::OidcError::new(
            StatusCode::NOT_FOUND,
            "invalid_request",
            format!("unrecognized route or not allowed method ({method} on {below})"),
        )
        .into_response(),
        None => not_found_text(),
    }
}

/// Koa's default 404.
pub(crate) fn not_found_text() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"))],
        "Not Found",
    )
        .into_response()
}

/// oidc-provider marks every answer of its endpoints `Cache-Control: no-store` (errors included).
async fn no_store(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A 303 redirect with the short HTML body Logto sends along.
pub fn redirect(location: &str) -> Response {
    let body = format!("Redirecting to {location}.");
    match HeaderValue::from_str(location) {
        Ok(value) => (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, value), (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))],
            body,
        )
            .into_response(),
        Err(_) => (StatusCode::BAD_REQUEST, "invalid redirect location").into_response(),
    }
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}
