//! `orgs …`: organizations, their members and members' organization roles, and the organization
//! template (`orgs roles`, `orgs scopes`): the roles and permissions every organization shares.

use logto_management::{
    ManagementClient, ManagementError, Organization, OrganizationRole, OrganizationScope, OrganizationScopeId,
    RoleType, UserId,
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
