//! Requests to Logto's OIDC endpoints (discovery, token, revocation) and the URLs the browser visits.

use gloo_net::http::{Request, Response};
use serde_json::Value;
use web_sys::UrlSearchParams;

use crate::claims::text;
use crate::storage::SignInSession;
use crate::tokens::TokenFor;
use crate::{AuthError, LogtoConfig};

// Discovery, token and error bodies are read from `serde_json::Value` by hand rather than with
// derived deserializers: each of those cost about 1 KB of brotli'd WASM (scripts/bundle-size.sh),
// and `Value`'s deserializer is in the bundle anyway.

#[derive(Debug, Clone)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    pub end_session_endpoint: String,
    pub revocation_endpoint: String,
    pub userinfo_endpoint: String,
}

impl Discovery {
    fn from_json(v: &Value) -> Option<Self> {
        let url = |name: &str| text(v, name);
        Some(Self {
            issuer: url("issuer")?,
            authorization_endpoint: url("authorization_endpoint")?,
            token_endpoint: url("token_endpoint")?,
            jwks_uri: url("jwks_uri")?,
            end_session_endpoint: url("end_session_endpoint")?,
            revocation_endpoint: url("revocation_endpoint")?,
            userinfo_endpoint: url("userinfo_endpoint")?,
        })
    }
}

#[derive(Debug, PartialEq)]
pub struct TokenResponse {
    pub access_token: String,
    pub expires_in: Option<u64>,
    pub scope: Option<String>,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
}

impl TokenResponse {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Self {
            access_token: text(v, "access_token")?,
            expires_in: v.get("expires_in").and_then(Value::as_u64),
            scope: text(v, "scope"),
            id_token: text(v, "id_token"),
            refresh_token: text(v, "refresh_token"),
        })
    }
}

/// Logto's OAuth error body `{code, message, error, error_description}` as an [`AuthError`].
fn oauth_error(status: u16, body: &Value) -> AuthError {
    AuthError::Logto {
        code: text(body, "error").unwrap_or_else(|| status.to_string()),
        message: text(body, "error_description").or_else(|| text(body, "message")).unwrap_or_default(),
    }
}

pub async fn get_json(url: &str) -> Result<Value, AuthError> {
    let response = Request::get(url).send().await.map_err(|e| AuthError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(AuthError::Network(format!("{url} answered {}", response.status())));
    }
    response.json().await.map_err(|e| AuthError::Network(e.to_string()))
}

pub async fn discover(config: &LogtoConfig) -> Result<Discovery, AuthError> {
    let url = config.discovery_url();
    let body = get_json(&url).await?;
    Discovery::from_json(&body).ok_or_else(|| AuthError::Network(format!("{url} is not an OpenID configuration")))
}

fn form(pairs: &[(&str, &str)]) -> String {
    let params = UrlSearchParams::new().expect("URLSearchParams exists in every browser");
    for (k, v) in pairs {
        params.append(k, v);
    }
    params.to_string().into()
}

async fn error_of(response: Response) -> AuthError {
    let status = response.status();
    match response.json::<Value>().await {
        Ok(body) if body.is_object() => oauth_error(status, &body),
        _ => AuthError::Network(format!("Logto answered {status}")),
    }
}

async fn token_request(discovery: &Discovery, pairs: &[(&str, &str)]) -> Result<TokenResponse, AuthError> {
    let response = Request::post(&discovery.token_endpoint)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(pairs))
        .map_err(|e| AuthError::Network(e.to_string()))?
        .send()
        .await
        .map_err(|e| AuthError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(error_of(response).await);
    }
    let body: Value = response.json().await.map_err(|e| AuthError::Network(e.to_string()))?;
    TokenResponse::from_json(&body)
        .ok_or_else(|| AuthError::Network("the token endpoint's answer has no access_token".into()))
}

/// What a sign-in asks of Logto's page besides the configuration: an identifier to fill in
/// (`login_hint`), and whether to open on "create account" (`first_screen=register`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInOptions {
    /// An email or username the page fills in.
    pub login_hint: Option<String>,
    /// Open the sign-up screen first.
    pub sign_up: bool,
}

/// The authorization request: one `resource` per configured API, and `prompt=consent`, without
/// which Logto strips `offline_access` and issues no refresh token.
pub fn authorization_url(
    discovery: &Discovery,
    config: &LogtoConfig,
    session: &SignInSession,
    challenge: &str,
    redirect_uri: &str,
    options: &SignInOptions,
) -> String {
    let scope = config.sign_in_scopes();
    let mut pairs = vec![
        ("client_id", config.app_id.as_str()),
        ("redirect_uri", redirect_uri),
        ("response_type", "code"),
        ("scope", &scope),
        ("prompt", "consent"),
        ("state", &session.state),
        ("nonce", &session.nonce),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ];
    pairs.extend(config.resources.iter().map(|r| ("resource", r.as_str())));
    if let Some(hint) = &options.login_hint {
        pairs.push(("login_hint", hint));
    }
    if options.sign_up {
        // Logto's SDKs ask for the sign-up screen so.
        pairs.push(("first_screen", "register"));
    }
    format!("{}?{}", discovery.authorization_endpoint, form(&pairs))
}

/// The code exchange, without `resource` (as Logto's SDK): it yields the ID and refresh tokens.
pub async fn exchange_code(
    discovery: &Discovery,
    app_id: &str,
    code: &str,
    verifier: &str,
    redirect_uri: &str,
) -> Result<TokenResponse, AuthError> {
    token_request(
        discovery,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", app_id),
            ("code", code),
            ("code_verifier", verifier),
            ("redirect_uri", redirect_uri),
        ],
    )
    .await
}

/// The refresh-token grant for `target`: with `resource` and/or `organization_id` a JWT for it;
/// with neither the opaque token for `/oidc/me`.
pub async fn refresh(
    discovery: &Discovery,
    app_id: &str,
    refresh_token: &str,
    target: &TokenFor,
) -> Result<TokenResponse, AuthError> {
    let mut pairs = vec![("grant_type", "refresh_token"), ("client_id", app_id), ("refresh_token", refresh_token)];
    pairs.extend(target.resource().map(|r| ("resource", r)));
    pairs.extend(target.organization_id().map(|o| ("organization_id", o)));
    token_request(discovery, &pairs).await
}

/// `/oidc/me` with the opaque token: the user's current claims.
pub async fn userinfo(discovery: &Discovery, opaque_token: &str) -> Result<serde_json::Value, AuthError> {
    let response = Request::get(&discovery.userinfo_endpoint)
        .header("Authorization", &format!("Bearer {opaque_token}"))
        .send()
        .await
        .map_err(|e| AuthError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(error_of(response).await);
    }
    response.json().await.map_err(|e| AuthError::Network(e.to_string()))
}

pub async fn revoke(discovery: &Discovery, app_id: &str, token: &str) -> Result<(), AuthError> {
    Request::post(&discovery.revocation_endpoint)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form(&[("client_id", app_id), ("token", token)]))
        .map_err(|e| AuthError::Network(e.to_string()))?
        .send()
        .await
        .map(|_| ())
        .map_err(|e| AuthError::Network(e.to_string()))
}

pub fn end_session_url(
    discovery: &Discovery,
    app_id: &str,
    post_logout_redirect_uri: &str,
    id_token: Option<&str>,
) -> String {
    let mut pairs = vec![("client_id", app_id), ("post_logout_redirect_uri", post_logout_redirect_uri)];
    if let Some(t) = id_token {
        pairs.push(("id_token_hint", t));
    }
    format!("{}?{}", discovery.end_session_endpoint, form(&pairs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn token_answers_and_errors_are_read_from_logto_bodies() {
        let t = TokenResponse::from_json(&json!({"access_token": "a", "expires_in": 3600, "scope": "s",
            "refresh_token": "r", "token_type": "Bearer"}))
        .unwrap();
        assert_eq!((t.expires_in, t.scope.as_deref(), t.id_token), (Some(3600), Some("s"), None));
        assert_eq!(TokenResponse::from_json(&json!({"expires_in": 3600})), None);
        let e = oauth_error(
            400,
            &json!({"code": "oidc.invalid_grant", "message": "m", "error": "invalid_grant",
            "error_description": "grant request is invalid"}),
        );
        assert_eq!(e, AuthError::Logto { code: "invalid_grant".into(), message: "grant request is invalid".into() });
        assert_eq!(
            oauth_error(429, &json!({"message": "slow down"})),
            AuthError::Logto { code: "429".into(), message: "slow down".into() }
        );
    }

    #[test]
    fn discovery_needs_every_endpoint_the_client_uses() {
        let mut d = json!({"issuer": "i", "authorization_endpoint": "a", "token_endpoint": "t", "jwks_uri": "j",
            "end_session_endpoint": "e", "revocation_endpoint": "r", "userinfo_endpoint": "u"});
        assert_eq!(Discovery::from_json(&d).unwrap().userinfo_endpoint, "u");
        d.as_object_mut().unwrap().remove("jwks_uri");
        assert!(Discovery::from_json(&d).is_none());
    }
}
