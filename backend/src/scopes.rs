//! The permissions routes require, as types: the API's (Logto API resource scopes) for
//! `logto_jwt::Scoped` and `OrgScoped`, and the organization permissions (organization scopes) for
//! `OrgPermission`.

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

/// See an organization's members (an organization permission).
pub struct ReadMembers;

impl RequiredScope for ReadMembers {
    const NAME: &'static str = crate::org_admin::READ_MEMBERS;
}

/// Invite, change roles and remove in an organization (an organization permission).
pub struct ManageMembers;

impl RequiredScope for ManageMembers {
    const NAME: &'static str = crate::org_admin::MANAGE_MEMBERS;
}
