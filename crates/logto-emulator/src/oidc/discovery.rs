//! `/.well-known/openid-configuration` and `/oidc/jwks`, with Logto's fields and values.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

use crate::state::AppState;

pub async fn openid_configuration(State(state): State<AppState>) -> impl IntoResponse {
    let iss = &state.issuer;
    Json(json!({
        "authorization_endpoint": format!("{iss}/auth"),
        "device_authorization_endpoint": format!("{iss}/device/auth"),
        "claims_parameter_supported": false,
        "claims_supported": [
            "sub", "name", "family_name", "given_name", "middle_name", "nickname", "preferred_username",
            "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at",
            "username", "created_at", "email", "email_verified", "phone_number", "phone_number_verified",
            "address", "custom_data", "identities", "sso_identities", "roles", "organizations",
            "organization_data", "organization_roles", "sid", "auth_time", "iss"
        ],
        "code_challenge_methods_supported": ["S256"],
        "end_session_endpoint": format!("{iss}/session/end"),
        "grant_types_supported": [
            "implicit", "authorization_code", "refresh_token", "client_credentials",
            "urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:token-exchange"
        ],
        "issuer": iss,
        "jwks_uri": format!("{iss}/jwks"),
        "authorization_response_iss_parameter_supported": true,
        "response_modes_supported": ["form_post", "fragment", "query"],
        "response_types_supported": ["code id_token", "code", "id_token", "none"],
        "scopes_supported": [
            "openid", "offline_access", "profile", "email", "phone", "address", "custom_data", "identities",
            "roles", "urn:logto:scope:organizations", "urn:logto:scope:organization_roles",
            "urn:logto:scope:sessions", "urn:logto:scope:trusted_devices"
        ],
        "subject_types_supported": ["public"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic", "client_secret_jwt", "client_secret_post", "private_key_jwt", "none"
        ],
        "token_endpoint_auth_signing_alg_values_supported": ["HS256", "RS256", "PS256", "ES256", "Ed25519", "EdDSA"],
        "token_endpoint": format!("{iss}/token"),
        "id_token_signing_alg_values_supported": ["ES384"],
        "pushed_authorization_request_endpoint": format!("{iss}/request"),
        "request_uri_parameter_supported": false,
        "userinfo_endpoint": format!("{iss}/me"),
        "introspection_endpoint": format!("{iss}/token/introspection"),
        "revocation_endpoint": format!("{iss}/token/revocation"),
        "claim_types_supported": ["normal"],
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true
    }))
}

pub async fn jwks(State(state): State<AppState>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/jwk-set+json; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache, max-age=0, must-revalidate"),
        ],
        state.jwks().to_string(),
    )
}
