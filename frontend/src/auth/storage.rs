//! `sessionStorage` for the sign-in session, the refresh token and the ID token (keys as Logto's SDK
//! names them). Never `localStorage`: tokens must not outlive the tab.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use super::AuthError;
use crate::config::APP_ID;

#[derive(Serialize, Deserialize)]
pub struct SignInSession {
    pub code_verifier: String,
    pub state: String,
    pub nonce: String,
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn key(name: &str) -> String {
    format!("logto:{APP_ID}:{name}")
}

fn get(name: &str) -> Option<String> {
    session()?.get_item(&key(name)).ok()?
}

fn set(name: &str, value: &str) -> Result<(), AuthError> {
    session()
        .and_then(|s| s.set_item(&key(name), value).ok())
        .ok_or_else(|| AuthError::Browser("sessionStorage is not available".into()))
}

pub fn save_sign_in_session(s: &SignInSession) -> Result<(), AuthError> {
    set("signInSession", &serde_json::to_string(s).unwrap_or_default())
}

/// Reads and removes the pending sign-in (a callback can be used once).
pub fn take_sign_in_session() -> Option<SignInSession> {
    let value = get("signInSession")?;
    let _ = session()?.remove_item(&key("signInSession"));
    serde_json::from_str(&value).ok()
}

pub fn save_tokens(id_token: &str, refresh_token: &str) -> Result<(), AuthError> {
    set("idToken", id_token)?;
    set("refreshToken", refresh_token)
}

pub fn save_refresh_token(refresh_token: &str) -> Result<(), AuthError> {
    set("refreshToken", refresh_token)
}

pub fn refresh_token() -> Option<String> {
    get("refreshToken")
}

pub fn id_token() -> Option<String> {
    get("idToken")
}

/// The stored ID token's claims (it was verified before it was stored).
pub fn id_token_claims<T: DeserializeOwned>() -> Option<T> {
    let token = id_token()?;
    let payload = token.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

pub fn clear() {
    if let Some(s) = session() {
        for name in ["signInSession", "idToken", "refreshToken"] {
            let _ = s.remove_item(&key(name));
        }
    }
}
