//! `orgs …`: organizations, their members and members' organization roles, and the organization
//! template (`orgs roles`, `orgs scopes`): the roles and permissions every organization shares.

use logto_management::{
    Invitation, InvitationFilter, InvitationStatus, ManagementClient, ManagementError, NewInvitation, Organization,
    OrganizationRole, OrganizationScope, OrganizationScopeId, RoleType, UserId,
};

use crate::error::{CliError, Context};

/// A user id as Logto makes them (1 to 21 lowercase letters and digits), checked before anything is
/// sent: `BAD-ID` is a typo, not a question for Logto.
pub fn parse_user_id(text: &str) -> Result<UserId, String> {
    let ok = (1..=21).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if ok {
        Ok(UserId::new(text))
    } else {
        Err("not a Logto user id (1 to 21 lowercase letters and digits; `users search` finds one)".into())
    }
}

/// The organization named or identified by `org` (an id, or an exact name).
pub async fn find(client: &ManagementClient, org: &str, ctx: &Context<'_>) -> Result<Organization, CliError> {
    let all = client.list_organizations(None).await.map_err(|e| CliError::explain(e, ctx))?;
    all.into_iter().find(|o| o.id == org || o.name == org).ok_or_else(|| {
        CliError::Usage(format!("no organization {org:?} (give its id or exact name; `orgs list` lists them)"))
    })
}

/// Adds users to an organization, after checking that each exists (Logto would answer a foreign-key
/// error that names no user).
pub async fn add_members(
    client: &ManagementClient,
    org: &str,
    users: &[UserId],
    ctx: &Context<'_>,
) -> Result<Organization, CliError> {
    let org = find(client, org, ctx).await?;
    for user in users {
        match client.get_user(user).await {
            Ok(_) => {}
            Err(ManagementError::Api { status: 404, .. }) => {
                return Err(CliError::Usage(format!("no user {user} (`users search` finds one); nobody was added")))
            }
            Err(e) => return Err(CliError::explain(e, ctx)),
        }
    }
    client.add_organization_members(&org.id, users).await.map_err(|e| CliError::explain(e, ctx))?;
    Ok(org)
}

/// Gives a member an organization role by name or id; returns the role's id.
pub async fn assign_role(
    client: &ManagementClient,
    org: &str,
    user: &UserId,
    role: &str,
    ctx: &Context<'_>,
) -> Result<(Organization, String), CliError> {
    let explain = |e| CliError::explain(e, ctx);
    let org = find(client, org, ctx).await?;
    let role = find_role(client, role, ctx).await?;
    let members = client.organization_members(&org.id).await.map_err(explain)?;
    if !members.iter().any(|m| &m.user.id == user) {
        return Err(CliError::Usage(format!(
            "{user} is not a member of {}: add them first with `orgs members add {} --user {user}`",
            org.name, org.id
        )));
    }
    client.assign_member_roles(&org.id, user, std::slice::from_ref(&role.id)).await.map_err(explain)?;
    Ok((org, role.id.to_string()))
}

/// The organization role named or identified by `role`.
pub async fn find_role(client: &ManagementClient, role: &str, ctx: &Context<'_>) -> Result<OrganizationRole, CliError> {
    let roles = client.list_organization_roles().await.map_err(|e| CliError::explain(e, ctx))?;
    roles
        .into_iter()
        .find(|r| r.id == role || r.name == role)
        .ok_or_else(|| CliError::Usage(format!("no organization role {role:?} (`orgs roles list` lists them)")))
}

/// The organization permission named or identified by `scope`.
pub async fn find_scope(
    client: &ManagementClient,
    scope: &str,
    ctx: &Context<'_>,
) -> Result<OrganizationScope, CliError> {
    let scopes = client.list_organization_scopes().await.map_err(|e| CliError::explain(e, ctx))?;
    scopes
        .into_iter()
        .find(|s| s.id == scope || s.name == scope)
        .ok_or_else(|| CliError::Usage(format!("no organization permission {scope:?} (`orgs scopes list` lists them)")))
}

/// Creates an organization role holding the organization permissions named (or with the ids) in
/// `scopes` (a name already taken is refused by Logto), and returns it with its permissions.
pub async fn create_role(
    client: &ManagementClient,
    name: &str,
    description: Option<&str>,
    scopes: &[String],
    ctx: &Context<'_>,
) -> Result<OrganizationRole, CliError> {
    let mut scope_ids: Vec<OrganizationScopeId> = Vec::new();
    for scope in scopes {
        scope_ids.push(find_scope(client, scope, ctx).await?.id);
    }
    let created = client
        .create_organization_role(name, description, RoleType::User, &scope_ids, &[])
        .await
        .map_err(|e| CliError::explain(e, ctx))?;
    // Logto's answer to the create names no permissions: read the role back as the list has it.
    find_role(client, &created.id, ctx).await
}

/// `7d`, `12h`, `30m` or `90s` in milliseconds.
pub fn parse_duration_ms(text: &str) -> Result<i64, String> {
    let wrong = || "a duration such as 7d, 12h, 30m or 90s".to_string();
    let (number, unit) = text.trim().split_at(text.trim().len().saturating_sub(1));
    let n: i64 = number.parse().map_err(|_| wrong())?;
    let unit_ms = match unit {
        "d" => 86_400_000,
        "h" => 3_600_000,
        "m" => 60_000,
        "s" => 1_000,
        _ => return Err(wrong()),
    };
    if n <= 0 {
        return Err(wrong());
    }
    n.checked_mul(unit_ms).ok_or_else(wrong)
}

/// An invitation's status, as `--status` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Status {
    /// Waiting for the invitee.
    Pending,
    /// The invitee joined.
    Accepted,
    /// Past its expiry.
    Expired,
    /// Withdrawn.
    Revoked,
}

impl Status {
    fn is(self, status: InvitationStatus) -> bool {
        matches!(
            (self, status),
            (Status::Pending, InvitationStatus::Pending)
                | (Status::Accepted, InvitationStatus::Accepted)
                | (Status::Expired, InvitationStatus::Expired)
                | (Status::Revoked, InvitationStatus::Revoked)
        )
    }
}

/// What `orgs invite` asks for.
pub struct Invite<'a> {
    /// The organization (id or exact name).
    pub org: &'a str,
    /// The invitee's email.
    pub email: &'a str,
    /// Organization roles (names or ids).
    pub roles: &'a [String],
    /// How long it stays valid.
    pub expires_in_ms: i64,
    /// Have Logto email it.
    pub send: bool,
    /// The link the email carries.
    pub link: Option<String>,
}

/// Makes an invitation, its roles named or identified, expiring `expires_in_ms` from now.
pub async fn invite(client: &ManagementClient, invite: Invite<'_>, ctx: &Context<'_>) -> Result<Invitation, CliError> {
    let org = find(client, invite.org, ctx).await?;
    let mut role_ids = Vec::new();
    for role in invite.roles {
        role_ids.push(find_role(client, role, ctx).await?.id);
    }
    let now_ms = crate::users::now_ms();
    let message_payload = invite.send.then(|| match &invite.link {
        Some(link) => serde_json::json!({"link": link}),
        None => serde_json::json!({}),
    });
    let new = NewInvitation {
        inviter_id: None,
        invitee: invite.email.to_string(),
        organization_id: org.id,
        expires_at: now_ms + invite.expires_in_ms,
        organization_role_ids: role_ids,
        message_payload,
    };
    client.create_invitation(&new).await.map_err(|e| CliError::explain(e, ctx))
}

/// Invitations, newest first: of one organization (id or exact name) and in one status when given.
pub async fn invitations(
    client: &ManagementClient,
    org: Option<&str>,
    status: Option<Status>,
    ctx: &Context<'_>,
) -> Result<Vec<Invitation>, CliError> {
    let mut filter = InvitationFilter::default();
    if let Some(org) = org {
        filter.organization_id = Some(find(client, org, ctx).await?.id);
    }
    let all = client.list_invitations(&filter).await.map_err(|e| CliError::explain(e, ctx))?;
    Ok(all.into_iter().filter(|i| status.is_none_or(|s| s.is(i.status))).collect())
}
