//! `sessionStorage` for the sign-in in progress, the refresh token, the ID token and the session id,
//! under keys named as Logto's SDK names them (`logto:{appId}:…`). Never `localStorage`: tokens must
//! not outlive the tab.

use serde::{Deserialize, Serialize};

use crate::AuthError;

/// What the callback needs from the sign-in that started it.
#[derive(Serialize, Deserialize)]
pub struct SignInSession {
    pub code_verifier: String,
    pub state: String,
    pub nonce: String,
    /// The app's path (with query) the user was on when sign-in started, to return there.
    #[serde(default)]
    pub return_to: Option<String>,
}

/// This tab's stored session.
pub struct Store {
    prefix: String,
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// What a finished sign-in leaves; `signInSession` is a sign-in still under way.
const SESSION_NAMES: [&str; 3] = ["idToken", "refreshToken", "sessionId"];

impl Store {
    pub fn new(app_id: &str) -> Self {
        Self { prefix: format!("logto:{app_id}:") }
    }

    fn get(&self, name: &str) -> Option<String> {
        session()?.get_item(&format!("{}{name}", self.prefix)).ok()?
    }

    fn set(&self, name: &str, value: &str) -> Result<(), AuthError> {
        session()
            .and_then(|s| s.set_item(&format!("{}{name}", self.prefix), value).ok())
            .ok_or_else(|| AuthError::Browser("sessionStorage is not available".into()))
    }

    pub fn save_sign_in_session(&self, s: &SignInSession) -> Result<(), AuthError> {
        self.set("signInSession", &serde_json::to_string(s).unwrap_or_default())
    }

    /// Reads and removes the pending sign-in (a callback can be used once).
    pub fn take_sign_in_session(&self) -> Option<SignInSession> {
        let value = self.get("signInSession")?;
        let _ = session()?.remove_item(&format!("{}signInSession", self.prefix));
        serde_json::from_str(&value).ok()
    }

    /// A finished sign-in: its tokens and the id that names the session across this tab's copies.
    pub fn save_session(&self, session_id: &str, id_token: &str, refresh_token: &str) -> Result<(), AuthError> {
        self.set("sessionId", session_id)?;
        self.set("idToken", id_token)?;
        self.set("refreshToken", refresh_token)
    }

    pub fn save_refresh_token(&self, refresh_token: &str) -> Result<(), AuthError> {
        self.set("refreshToken", refresh_token)
    }

    pub fn refresh_token(&self) -> Option<String> {
        self.get("refreshToken")
    }

    pub fn id_token(&self) -> Option<String> {
        self.get("idToken")
    }

    pub fn session_id(&self) -> Option<String> {
        self.get("sessionId")
    }

    /// Forgets the session's tokens; a sign-in under way (its PKCE verifier) is kept.
    pub fn clear_session(&self) {
        if let Some(s) = session() {
            for name in SESSION_NAMES {
                let _ = s.remove_item(&format!("{}{name}", self.prefix));
            }
        }
    }

    /// Forgets everything, a sign-in under way included.
    pub fn clear(&self) {
        self.clear_session();
        if let Some(s) = session() {
            let _ = s.remove_item(&format!("{}signInSession", self.prefix));
        }
    }
}
