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

/// A member of an organization, as its Members page shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub id: String,
    pub username: Option<String>,
    pub name: Option<String>,
    pub avatar: Option<String>,
    /// Their primary email: shown to those who may manage members only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Their organization roles, by name.
    pub roles: Vec<String>,
}

/// An invitation waiting for its invitee (shown to those who may manage members).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingInvitation {
    pub id: String,
    pub email: String,
    /// The organization roles the invitee gets, by name.
    pub roles: Vec<String>,
    /// When it expires, in ms since the epoch.
    pub expires_at: i64,
}

/// The body of `GET /api/organizations/{id}/members`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MembersResponse {
    /// This page of members, in Logto's order.
    pub members: Vec<Member>,
    /// How many members in all.
    pub total: usize,
    /// The page (1-based) and its size.
    pub page: usize,
    pub page_size: usize,
    /// Whether the caller may invite, change roles and remove (`manage:members`).
    pub can_manage: bool,
    /// The roles one can give (names), when the caller may manage.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Pending invitations, when the caller may manage.
    #[serde(default)]
    pub invitations: Vec<PendingInvitation>,
}

/// The body of `POST /api/organizations/{id}/invitations`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteRequest {
    pub email: String,
    /// The organization role to give, by name.
    pub role: String,
}

/// The body of `PUT /api/organizations/{id}/members/{userId}/roles`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RolesRequest {
    /// Every organization role the member keeps, by name (may be empty).
    pub roles: Vec<String>,
}

/// What the invitee's page is told by `GET /api/invitations/{id}`: nothing more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationSummary {
    pub organization_id: String,
    pub organization_name: String,
    /// `Pending`, `Accepted`, `Revoked` or `Expired`.
    pub status: String,
    /// The invitee's email with most of it hidden (`n**@o**.example.com`).
    pub email_masked: String,
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
