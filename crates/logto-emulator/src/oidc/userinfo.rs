//! `GET|POST /oidc/me`: userinfo for an opaque access token. JWT access tokens (issued for a resource)
//! are refused, as in Logto: they are for that resource, not for Logto.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::error::OidcError;
use crate::oidc::cors::check_client;
use crate::oidc::tokens::user_claims;
use crate::state::AppState;

pub async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(token) = token else {
        return OidcError::invalid_token(&state.issuer).into_response();
    };
    let now = state.clock.now_secs();
    let grant = state.tenant.opaque_token_grant(token, now);
    let Some(grant) = grant else {
        return OidcError::invalid_token(&state.issuer).into_response();
    };
    // The token's client decides which origins may read the answer.
    let client = state.tenant.read(|store| store.applications.get(&grant.client_id).cloned());
    if let Some(client) = client {
        if let Err(e) = check_client(&headers, &client) {
            return e.into_response();
        }
    }
    let claims = state.tenant.read(|store| {
        Some(&grant)
            .filter(|g| g.scopes.iter().any(|s| s == "openid"))
            .and_then(|g| store.user(&g.account_id).map(|u| user_claims(store, u, &g.scopes, true)))
    });
    match claims {
        Some(claims) => Json(claims).into_response(),
        None => OidcError::invalid_token(&state.issuer).into_response(),
    }
}
