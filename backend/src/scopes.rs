//! The API's permissions (Logto API resource scopes) that routes require, as types for
//! `logto_jwt::Scoped` and `OrgScoped`.

use logto_jwt::RequiredScope;

/// Read the top-users lists (`GET /api/top-users`, an organization's list, `/api/me/following`).
pub struct ReadTopUsers;

impl RequiredScope for ReadTopUsers {
    const NAME: &'static str = "read:top-users";
}

/// Follow and unfollow users.
pub struct WriteFollows;

impl RequiredScope for WriteFollows {
    const NAME: &'static str = "write:follows";
}
