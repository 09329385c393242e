//! What more than one test module needs: the Management API resource, tokens, JWT claims, the token
//! endpoint.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::Value;

/// Logto's Management API resource (OSS).
pub const MGMT: &str = "https://default.logto.app/api";

/// A Management API token (scope `all`) from the demo tenant's machine-to-machine app.
pub async fn admin_token(endpoint: &str) -> String {
    demo_tenant::mint_admin_token(endpoint).await.unwrap()
}

fn decode(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// A JWT's header and claims (not verified).
pub fn jwt_parts(token: &str) -> (Value, Value) {
    let mut it = token.split('.');
    (decode(it.next().unwrap()), decode(it.next().unwrap()))
}

/// A JWT's claims (not verified).
pub fn claims(token: &str) -> Value {
    jwt_parts(token).1
}

/// `POST /oidc/token` with `form`: status, headers, JSON body.
pub async fn post_token(endpoint: &str, form: &[(&str, &str)]) -> (u16, reqwest::header::HeaderMap, Value) {
    let r = reqwest::Client::new().post(format!("{endpoint}/oidc/token")).form(form).send().await.unwrap();
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    (status, headers, r.json().await.unwrap())
}

/// The refresh grant for the demo SPA with `refresh_token` and `extra` parameters: status and body.
pub async fn refresh(endpoint: &str, refresh_token: &str, extra: &[(&str, &str)]) -> (u16, Value) {
    let mut form =
        vec![("grant_type", "refresh_token"), ("client_id", demo_tenant::SPA_APP_ID), ("refresh_token", refresh_token)];
    form.extend_from_slice(extra);
    let (status, _, body) = post_token(endpoint, &form).await;
    (status, body)
}

/// The Management API as the demo tenant's machine-to-machine app calls it.
pub struct Api<'a> {
    pub emu: &'a logto_emulator::RunningEmulator,
    pub token: String,
}

impl<'a> Api<'a> {
    pub async fn new(emu: &'a logto_emulator::RunningEmulator) -> Self {
        Api { emu, token: crate::helpers::admin_token(&emu.endpoint).await }
    }
    /// Status and JSON body (`null` when none).
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut r =
            reqwest::Client::new().request(method, format!("{}/api{path}", self.emu.endpoint)).bearer_auth(&self.token);
        if let Some(body) = body {
            r = r.json(&body);
        }
        let r = r.send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }
    /// A hook's recent logs at `path_and_query` (`/hooks/{id}/recent-logs…`), once there is one:
    /// deliveries are logged when sent, and the queue is asynchronous (waits up to two seconds).
    pub async fn hook_logs(&self, path_and_query: &str) -> Value {
        let mut logs = Value::Array(vec![]);
        for _ in 0..100 {
            logs = self.ok(reqwest::Method::GET, path_and_query, None).await;
            if logs.as_array().is_some_and(|l| !l.is_empty()) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        logs
    }
    /// The JSON body of a 2xx answer.
    pub async fn ok(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let (status, body) = self.call(method.clone(), path, body).await;
        assert!((200..300).contains(&status), "{method} {path}: {status} {body}");
        body
    }
}
