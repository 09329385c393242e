//! For tests of other crates: drives the emulator over HTTP as a browser and a Logto SDK would
//! (authorization request with PKCE, the sign-in form, code exchange, refresh with `resource`), and
//! fetches client-credentials tokens. Enabled by the `testkit` feature.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::ids::opaque_token;

/// The Management API resource of a self-hosted Logto (and of the emulator).
pub const MANAGEMENT_RESOURCE: &str = "https://default.logto.app/api";

/// What a sign-in yields.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The code exchange's answer (opaque access token, ID token, refresh token).
    pub code_exchange: Value,
    /// The refresh-token grant's answer for the resource, when one was asked.
    pub resource_grant: Option<Value>,
    /// The `nonce` the authorization request sent (the ID token carries it).
    pub nonce: String,
}

impl SignedIn {
    /// The opaque access token of the code exchange (good only at `/oidc/me`).
    pub fn opaque_access_token(&self) -> &str {
        self.code_exchange["access_token"].as_str().unwrap_or_default()
    }
    /// The ID token.
    pub fn id_token(&self) -> &str {
        self.code_exchange["id_token"].as_str().unwrap_or_default()
    }
    /// The JWT for the resource.
    pub fn access_token(&self) -> &str {
        self.resource_grant.as_ref().and_then(|v| v["access_token"].as_str()).unwrap_or_default()
    }
    /// The newest refresh token.
    pub fn refresh_token(&self) -> &str {
        self.resource_grant
            .as_ref()
            .and_then(|v| v["refresh_token"].as_str())
            .or_else(|| self.code_exchange["refresh_token"].as_str())
            .unwrap_or_default()
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap_or_default()
}

fn query_value(url: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(url).or_else(|_| url::Url::parse(&format!("http://x{url}"))).ok()?;
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// Signs `username` in to the public application `client_id` (one of the seed's, with
/// `redirect_uri` among its redirect URIs) through the sign-in page, asking `scope` and `resource`,
/// then (when `resource` is set) gets the resource JWT by the refresh-token grant, as Logto's SDK does.
pub async fn sign_in_to(
    endpoint: &str,
    client_id: &str,
    redirect_uri: &str,
    username: &str,
    password: &str,
    scope: &str,
    resource: Option<&str>,
) -> Result<SignedIn, String> {
    let http = http();
    let verifier = opaque_token();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let (state, nonce) = (opaque_token(), opaque_token());
    let mut auth = url::Url::parse(&format!("{endpoint}/oidc/auth")).map_err(|e| e.to_string())?;
    auth.query_pairs_mut()
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("response_type", "code")
        .append_pair("scope", scope)
        .append_pair("prompt", "consent")
        .append_pair("state", &state)
        .append_pair("nonce", &nonce)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    if let Some(r) = resource {
        auth.query_pairs_mut().append_pair("resource", r);
    }
    let location = |r: &reqwest::Response| r.headers().get("location").and_then(|l| l.to_str().ok()).map(String::from);
    let r = http.get(auth).send().await.map_err(|e| e.to_string())?;
    let sign_in_page = location(&r).ok_or_else(|| format!("/oidc/auth answered {} without a redirect", r.status()))?;
    let interaction = query_value(&sign_in_page, "interaction").ok_or("no interaction in the sign-in redirect")?;
    let r = http
        .post(format!("{endpoint}/sign-in"))
        .form(&[("interaction", interaction.as_str()), ("username", username), ("password", password)])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let callback = location(&r).ok_or_else(|| format!("sign-in answered {}", r.status()))?;
    if query_value(&callback, "state").as_deref() != Some(state.as_str()) {
        return Err(format!("state not returned in {callback}"));
    }
    let code = query_value(&callback, "code").ok_or_else(|| format!("no code in {callback}"))?;
    let code_exchange = token(
        endpoint,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("code", &code),
            ("code_verifier", &verifier),
            ("redirect_uri", redirect_uri),
        ],
    )
    .await?;
    let resource_grant = match resource {
        Some(r) => {
            let rt = code_exchange["refresh_token"].as_str().ok_or("no refresh token (offline_access missing?)")?;
            Some(
                token(
                    endpoint,
                    &[
                        ("grant_type", "refresh_token"),
                        ("client_id", client_id),
                        ("refresh_token", rt),
                        ("resource", r),
                    ],
                )
                .await?,
            )
        }
        None => None,
    };
    Ok(SignedIn { code_exchange, resource_grant, nonce })
}

/// A successful token-endpoint call's JSON, or `Err` with the status and body.
pub async fn token(endpoint: &str, form: &[(&str, &str)]) -> Result<Value, String> {
    let r = http().post(format!("{endpoint}/oidc/token")).form(form).send().await.map_err(|e| e.to_string())?;
    let status = r.status();
    let body: Value = r.json().await.map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(body)
    } else {
        Err(format!("{status} {body}"))
    }
}

/// A Management API token (scope `all`) for the seed's machine-to-machine app `m2m_app_id`, minted
/// through the control API (`POST /_emulator/tokens`) without a token request.
pub async fn mint_admin_token(endpoint: &str, m2m_app_id: &str) -> Result<String, String> {
    let r = http()
        .post(format!("{endpoint}/_emulator/tokens"))
        .json(&serde_json::json!({"clientId": m2m_app_id, "resource": MANAGEMENT_RESOURCE, "scopes": ["all"]}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = r.status();
    let body: Value = r.json().await.map_err(|e| e.to_string())?;
    match body["access_token"].as_str() {
        Some(token) if status.is_success() => Ok(token.to_string()),
        _ => Err(format!("{status} {body}")),
    }
}

/// The refresh-token grant of a public client (the SPA) for `resource`.
pub async fn refresh(endpoint: &str, client_id: &str, refresh_token: &str, resource: &str) -> Result<Value, String> {
    token(
        endpoint,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", client_id),
            ("refresh_token", refresh_token),
            ("resource", resource),
        ],
    )
    .await
}

/// A client-credentials access token for `resource` with `scope`, by client_secret_basic.
pub async fn client_credentials(
    endpoint: &str,
    app_id: &str,
    secret: &str,
    resource: &str,
    scope: &str,
) -> Result<String, String> {
    let r = http()
        .post(format!("{endpoint}/oidc/token"))
        .basic_auth(app_id, Some(secret))
        .form(&[("grant_type", "client_credentials"), ("resource", resource), ("scope", scope)])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = r.status();
    let body: Value = r.json().await.map_err(|e| e.to_string())?;
    body["access_token"].as_str().map(String::from).ok_or_else(|| format!("{status} {body}"))
}

/// The scopes and resources an organization-aware SPA signs in with (as Logto's SDKs do).
pub const ORGANIZATION_SCOPES: &[&str] =
    &["openid", "offline_access", "urn:logto:scope:organizations", "urn:logto:scope:organization_roles"];

/// A finished sign-in of `username` to the public application `client_id` that asked for the
/// organization scopes and resource plus `scopes` and the API `resource`, made through the control
/// API (`POST /_emulator/sessions`): its first refresh token.
pub async fn organization_session(
    endpoint: &str,
    client_id: &str,
    username: &str,
    scopes: &[&str],
    resource: &str,
) -> Result<String, String> {
    let all: Vec<&str> = ORGANIZATION_SCOPES.iter().chain(scopes).copied().collect();
    let r = http()
        .post(format!("{endpoint}/_emulator/sessions"))
        .json(&serde_json::json!({"clientId": client_id, "username": username, "scopes": all,
                                  "resources": [resource, "urn:logto:resource:organizations"]}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let body: Value = r.json().await.map_err(|e| e.to_string())?;
    body["refreshToken"].as_str().map(String::from).ok_or_else(|| format!("no refresh token: {body}"))
}

/// An organization-level API token (`aud` = `resource`, `organization_id` claim) for `username` of
/// the public application `client_id` in `organization`, with `scopes`, through a real grant:
/// [`organization_session`], then the refresh grant with `organization_id` and `resource`, as an SPA
/// asks for it.
pub async fn organization_api_token(
    endpoint: &str,
    client_id: &str,
    username: &str,
    organization: &str,
    resource: &str,
    scopes: &[&str],
) -> Result<String, String> {
    organization_grant(endpoint, client_id, username, organization, resource, scopes, true).await
}

/// An organization token (`aud` = `urn:logto:organization:{organization}`) for `username` of the
/// public application `client_id`, holding the organization permissions among `scopes` that the
/// user's roles there grant: [`organization_session`], then the refresh grant with
/// `organization_id` and no `resource`, as an SPA asks for it.
pub async fn organization_token(
    endpoint: &str,
    client_id: &str,
    username: &str,
    organization: &str,
    resource: &str,
    scopes: &[&str],
) -> Result<String, String> {
    organization_grant(endpoint, client_id, username, organization, resource, scopes, false).await
}

/// The refresh grant with `organization_id`, and `resource` when `for_resource`.
async fn organization_grant(
    endpoint: &str,
    client_id: &str,
    username: &str,
    organization: &str,
    resource: &str,
    scopes: &[&str],
    for_resource: bool,
) -> Result<String, String> {
    let refresh = organization_session(endpoint, client_id, username, scopes, resource).await?;
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("client_id", client_id),
        ("refresh_token", refresh.as_str()),
        ("organization_id", organization),
    ];
    if for_resource {
        form.push(("resource", resource));
    }
    let body = token(endpoint, &form).await?;
    body["access_token"].as_str().map(String::from).ok_or_else(|| format!("no access token: {body}"))
}

/// Waits (up to three seconds) until the hook `hook_id` has `n` deliveries in its recent logs (each
/// logged once its receiver answered, or failed); `false` when they did not come.
pub async fn delivered(state: &crate::AppState, hook_id: &str, n: usize) -> bool {
    for _ in 0..300 {
        if state.deliveries.logs(hook_id).len() >= n {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    false
}
