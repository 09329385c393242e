use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A Logto user as the Management API returns it (`GET /api/users/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The user's id (12 characters).
    pub id: crate::UserId,
    /// Their username, when set.
    #[serde(default)]
    pub username: Option<String>,
    /// Their primary email, when set.
    #[serde(default)]
    pub primary_email: Option<String>,
    /// Their primary phone number, when set.
    #[serde(default)]
    pub primary_phone: Option<String>,
    /// Their display name, when set.
    #[serde(default)]
    pub name: Option<String>,
    /// Their avatar's URL, when set.
    #[serde(default)]
    pub avatar: Option<String>,
    /// Data of your own, as a JSON object.
    #[serde(default)]
    pub custom_data: Value,
    /// Their last sign-in (ms since the epoch).
    #[serde(default)]
    pub last_sign_in_at: Option<i64>,
    /// When they were created (ms since the epoch).
    pub created_at: i64,
    /// When their profile last changed (ms since the epoch).
    pub updated_at: i64,
    /// Whether they are suspended (cannot sign in).
    #[serde(default)]
    pub is_suspended: bool,
}

/// The body of `POST /api/users` (every field optional, as in Logto).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    /// The username.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The password (Logto stores a hash).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// The display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The primary email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_email: Option<String>,
}
