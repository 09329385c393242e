//! `POST /oidc/token/introspection` (RFC 7662) as Logto 1.42 configures oidc-provider's
//! introspection (`packages/core/src/oidc/init.ts`, `features.introspection`; recorded in
//! `tests/fidelity/token-exchange/`, steps 490–502): client authentication as at the token endpoint
//! (a public client names itself), any client may introspect any token, a live opaque access token
//! answers `{active, sub, client_id, exp, iat, iss, scope, token_type: "Bearer"}`, a refresh token the
//! same without `token_type`, anything else (unknown, expired, revoked) exactly `{"active": false}`.
//! A JWT is refused: 400 `unsupported_token_type` (oidc-provider's
//! `lib/actions/introspection.js`: structured tokens are not introspected).

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

pub async fn introspect(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let result = Params::from_body(&headers, &body, "/token/introspection").and_then(|params| {
        let client = authenticate(&state, &headers, &params)?;
        check_client(&headers, &client)?;
        let token = params.require("token")?;
        if token.split('.').count() == 3 {
            return Err(OidcError::new(
                StatusCode::BAD_REQUEST,
                "unsupported_token_type",
                "Structured JWT Tokens cannot be introspected via the introspection_endpoint",
            ));
        }
        let Some(found) = state.tenant.introspect(token, state.clock.now_secs()) else {
            return Ok(json!({"active": false}));
        };
        let mut answer = json!({
            "active": true,
            "sub": found.sub,
            "client_id": found.client_id,
            "exp": found.exp,
            "iat": found.iat,
            "iss": state.issuer,
            "scope": found.scope,
        });
        if found.access_token {
            answer["token_type"] = json!("Bearer");
        }
        // An exchanged token with an actor names them (recorded 499).
        if let Some(actor) = &found.actor {
            answer["act"] = json!({"sub": actor});
        }
        Ok(answer)
    });
    match result {
        Ok(body) => Json(body).into_response(),
        Err(e) => e.into_response(),
    }
}
