//! Logto's OIDC provider: every route under `/oidc`, plus the sign-in page the auth endpoint sends
//! the browser to.

mod authorize;
mod client_auth;
mod cors;
mod discovery;
mod params;
mod session;
mod token;
mod tokens;
mod userinfo;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::http::Method;
use axum::Router;
use tower_http::cors::{Any, CorsLayer};

use crate::state::AppState;

pub use params::Params;

/// Logto's token endpoint body limit (`packages/core/src/oidc/init.ts`).
const BODY_LIMIT: usize = 56 * 1024;

pub fn router(state: AppState) -> Router<AppState> {
    // Token, revocation and userinfo answer browsers directly, with client-based CORS.
    let cors_routes = Router::new()
        .route("/oidc/token", post(token::token).options(cors::preflight))
        .route("/oidc/token/revocation", post(token::revoke).options(cors::preflight))
        .route("/oidc/me", get(userinfo::userinfo).post(userinfo::userinfo).options(cors::preflight))
        .route_layer(axum::middleware::from_fn_with_state(state, cors::passthrough));
    // Discovery and keys are public: any origin may read them (oidc-provider answers with `*`).
    let public_routes = Router::new()
        .route("/oidc/.well-known/openid-configuration", get(discovery::openid_configuration))
        .route("/oidc/.well-known/oauth-authorization-server", get(discovery::openid_configuration))
        .route("/oidc/jwks", get(discovery::jwks))
        .layer(CorsLayer::new().allow_origin(Any).allow_methods([Method::GET]));
    Router::new()
        .merge(public_routes)
        .route("/oidc/auth", get(authorize::authorize))
        .route("/sign-in", get(authorize::sign_in_page).post(authorize::sign_in_submit))
        .route("/oidc/session/end", get(session::end_session))
        .route("/oidc/session/end/confirm", post(session::confirm))
        .merge(cors_routes)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}
