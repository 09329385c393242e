//! Data shapes the SPA and the backend exchange. Serde only, so it compiles for `wasm32-unknown-unknown`
//! (the SPA) and the host (the backend) alike.

use serde::{Deserialize, Serialize};

pub mod error_code;
pub mod server_timing;

pub use error_code::ErrorCode;

/// One entry of `GET /api/top-users`: follower count from the backend's database, profile fields from
/// Logto's Management API (`None` where Logto has no value or the profile could not be fetched).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopUser {
    pub id: String,
    pub followers: i64,
    pub username: Option<String>,
    pub name: Option<String>,
    pub avatar: Option<String>,
}

/// The body of `GET /api/top-users`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopUsersResponse {
    /// At most 10 users, most followers first.
    pub users: Vec<TopUser>,
    /// Set when some profiles could not be loaded from Logto in time: those entries carry their id
    /// and follower count only. Says why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<String>,
}

/// The body of `POST` and `DELETE /api/users/{id}/follow`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowResponse {
    /// The user's follower count after the change.
    pub followers: i64,
    /// Whether the caller now follows the user.
    pub following: bool,
}

/// The body of `GET /api/me/following?ids=…`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowingResponse {
    /// The asked ids that the caller follows.
    pub following: Vec<String>,
}

/// Every error the backend returns has this body, as Logto's own API does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code: code.as_str().to_string(), message: message.into() }
    }

    /// The typed code; `None` for a code this version does not know.
    pub fn error_code(&self) -> Option<ErrorCode> {
        ErrorCode::parse(&self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_users_round_trip_keeps_nulls() {
        let json = r#"{"users":[{"id":"u1","followers":3,"username":"alice","name":null,"avatar":null}]}"#;
        let partial: TopUsersResponse = serde_json::from_str(r#"{"users":[],"partial":"slow"}"#).unwrap();
        assert_eq!(partial.partial.as_deref(), Some("slow"));
        let parsed: TopUsersResponse = serde_json::from_str(json).unwrap();
        assert_eq!(parsed.users[0].name, None);
        assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
    }
}
