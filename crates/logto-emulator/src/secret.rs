//! [`Secret`]: a password, an application secret or a webhook signing key. Its `Debug` prints
//! `[redacted]`, so a store or a model printed with `{:?}` (a log line, a panic, a failed test's
//! assertion) shows no secret; on disk and on the wire it is the text itself.

use serde::{Deserialize, Serialize};

/// A secret's text, behind a redacted `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// A secret of this text.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The text, for where it is checked or must be sent (a signature, a secrets listing).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Secret {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for Secret {
    fn from(text: String) -> Self {
        Self(text)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Compares secrets in time independent of where they differ (no early exit at the first
/// differing byte).
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_text_and_serde_keeps_it() {
        let secret = Secret::new("demo-password");
        assert_eq!(format!("{secret:?}"), "Secret([redacted])");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"demo-password\"");
        assert_eq!(serde_json::from_str::<Secret>("\"x\"").unwrap().expose(), "x");
    }

    /// Issue 23: a whole store printed with `{:?}` holds no password, app secret or signing key.
    #[test]
    fn a_store_printed_holds_no_secret() {
        let seed = crate::Seed::parse(
            "secrets.json",
            r#"{
              "applications": [{ "id": "m2mapp000000000000001", "name": "M2M", "type": "MachineToMachine",
                                 "secret": "app-secret-0123456789" }],
              "users": [{ "id": "u0000000000a", "username": "ada", "password": "user-password-42" }],
              "hooks": [{ "name": "h", "events": ["User.Created"], "url": "http://127.0.0.1:9/h",
                          "signingKey": "hook-signing-key-42" }]
            }"#,
        )
        .unwrap();
        let store = crate::Store::from_seed(&seed, "http://localhost:3001", 0);
        let printed = format!("{store:?}");
        for secret in ["app-secret-0123456789", "user-password-42", "hook-signing-key-42"] {
            assert!(!printed.contains(secret), "{secret} printed");
        }
        assert!(printed.contains("ada"), "the rest is printed");
    }
}
