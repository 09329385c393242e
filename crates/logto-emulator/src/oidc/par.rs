//! Pushed authorization requests (RFC 9126), as Logto 1.42 enables them in oidc-provider
//! (`features.pushedAuthorizationRequests`; recorded in `tests/fidelity/token-exchange/`, steps
//! 560–575): `POST /oidc/request` takes an authorization request from an authenticated client
//! (`client_id` in the body even with Basic auth), checks it as `/oidc/auth` would (a registered
//! `redirect_uri`, PKCE for a public client, no `request_uri` of its own) and answers 201
//! `{expires_in: 60, request_uri}`; `/oidc/auth?client_id&request_uri` then runs it, once.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::error::OidcError;
use crate::oidc::client_auth::authenticate;
use crate::oidc::cors::check_client;
use crate::request::Params;
use crate::state::AppState;

/// How long a pushed request waits for its `request_uri` (oidc-provider's default, as Logto).
pub const PUSHED_TTL: i64 = 60;

pub async fn push(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let result = Params::from_body(&headers, &body, "/request").and_then(|params| {
        // oidc-provider reads the client from the body's client_id before authenticating it.
        params.require("client_id")?;
        let client = authenticate(&state, &headers, &params)?;
        check_client(&headers, &client)?;
        if params.get("request_uri")?.is_some() {
            return Err(OidcError::new(StatusCode::BAD_REQUEST, "request_uri_not_supported", ""));
        }
        let redirect_uri = params.require("redirect_uri")?;
        if !client.redirect_uris.iter().any(|u| u == redirect_uri) {
            return Err(OidcError::invalid_request(
                "redirect_uri did not match any of the client's registered redirect_uris",
            ));
        }
        if client.app_type.is_public() && params.get("code_challenge")?.is_none() {
            return Err(OidcError::invalid_request(
                "Authorization Server policy requires PKCE to be used for this request",
            ));
        }
        let expires_at = state.clock.now_secs() + PUSHED_TTL;
        let uri = state.tenant.push_authorization_request(&client.id, params.0.clone(), expires_at);
        Ok(json!({"expires_in": PUSHED_TTL, "request_uri": uri}))
    });
    match result {
        Ok(body) => (StatusCode::CREATED, Json(body)).into_response(),
        Err(e) => e.into_response(),
    }
}
