//! Requests to Logto's OIDC endpoints (discovery, token, revocation) and the URLs the browser visits.

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use web_sys::UrlSearchParams;

use crate::storage::SignInSession;
use crate::{AuthError, LogtoConfig};

#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    pub end_session_endpoint: String,
    pub revocation_endpoint: String,
}

#[derive(Debug, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub expires_in: Option<u64>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub id_token: Option<String>,
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// Logto's OAuth error body: `{code, message, error, error_description}`.
#[derive(Deserialize)]
struct OauthError {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, AuthError> {
    let response = Request::get(url).send().await.map_err(|e| AuthError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(AuthError::Network(format!("{url} answered {}", response.status())));
    }
    response.json().await.map_err(|e| AuthError::Network(e.to_string()))
}

pub async fn discover(config: &LogtoConfig) -> Result<Discovery, AuthError> {
    get_json(&config.discovery_url()).await
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
    match response.json::<OauthError>().await {
        Ok(body) => AuthError::Logto {
            code: body.error.unwrap_or_else(|| status.to_string()),
            message: body.error_description.or(body.message).unwrap_or_default(),
        },
        Err(_) => AuthError::Network(format!("the token endpoint answered {status}")),
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
    response.json().await.map_err(|e| AuthError::Network(e.to_string()))
}

/// The authorization request: one `resource` per configured API, and `prompt=consent`, without
/// which Logto strips `offline_access` and issues no refresh token.
pub fn authorization_url(
    discovery: &Discovery,
    config: &LogtoConfig,
    session: &SignInSession,
    challenge: &str,
    redirect_uri: &str,
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

/// The refresh-token grant with `resource`: a JWT access token for that API.
pub async fn refresh(
    discovery: &Discovery,
    app_id: &str,
    refresh_token: &str,
    resource: &str,
) -> Result<TokenResponse, AuthError> {
    token_request(
        discovery,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", app_id),
            ("refresh_token", refresh_token),
            ("resource", resource),
        ],
    )
    .await
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
