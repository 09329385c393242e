//! Building the tokens Logto issues: `at+jwt` access tokens for a resource, ID tokens, opaque tokens.

use serde_json::{json, Value};

use crate::ids::opaque_token;
use crate::model::User;
use crate::state::AppState;

/// ID token and opaque access token lifetime (Logto's defaults).
pub const DEFAULT_TTL: i64 = 3600;

/// An ES384 `at+jwt` access token with exactly Logto's claims:
/// `jti, sub, iat, exp, scope, client_id, iss, aud`. `scope` is omitted when `None` (client
/// credentials with no granted scope) and kept as `""` for user tokens with none.
pub fn access_token_jwt(
    state: &AppState,
    sub: &str,
    client_id: &str,
    aud: &str,
    scope: Option<&str>,
    ttl: i64,
) -> String {
    let iat = state.clock.now_secs();
    let mut claims = json!({
        "jti": opaque_token(),
        "sub": sub,
        "iat": iat,
        "exp": iat + ttl,
        "client_id": client_id,
        "iss": state.issuer,
        "aud": aud,
    });
    if let Some(scope) = scope {
        claims["scope"] = json!(scope);
    }
    state.signing_key().sign(Some("at+jwt"), &claims)
}

/// Claims a user has for the granted OIDC scopes (ID token and userinfo).
pub fn user_claims(user: &User, scopes: &[String]) -> Value {
    let mut claims = json!({"sub": user.id});
    let has = |s: &str| scopes.iter().any(|x| x == s);
    if has("profile") {
        claims["name"] = json!(user.name);
        claims["preferred_username"] = json!(user.username);
        claims["picture"] = json!(user.avatar);
        claims["updated_at"] = json!(user.updated_at);
        claims["username"] = json!(user.username);
        claims["created_at"] = json!(user.created_at);
    }
    if has("email") {
        claims["email"] = json!(user.primary_email);
        claims["email_verified"] = json!(user.primary_email.is_some());
    }
    if has("phone") {
        claims["phone_number"] = json!(user.primary_phone);
        claims["phone_number_verified"] = json!(user.primary_phone.is_some());
    }
    if has("custom_data") {
        claims["custom_data"] = user.custom_data.clone();
    }
    claims
}

/// An ID token: header `{alg, kid}` (no `typ`, as Logto), the user's claims, `nonce` when the
/// authorization request had one.
pub fn id_token(state: &AppState, user: &User, client_id: &str, scopes: &[String], nonce: Option<&str>) -> String {
    let iat = state.clock.now_secs();
    let mut claims = user_claims(user, scopes);
    if let Some(nonce) = nonce {
        claims["nonce"] = json!(nonce);
    }
    claims["aud"] = json!(client_id);
    claims["exp"] = json!(iat + DEFAULT_TTL);
    claims["iat"] = json!(iat);
    claims["iss"] = json!(state.issuer);
    state.signing_key().sign(None, &claims)
}
