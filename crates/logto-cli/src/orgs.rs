//! `orgs …`: organizations, their members and members' organization roles.

use logto_management::{ManagementClient, Organization, UserId};

use crate::error::{CliError, Context};

/// The organization named or identified by `org` (an id, or an exact name).
pub async fn find(client: &ManagementClient, org: &str, ctx: &Context<'_>) -> Result<Organization, CliError> {
    let all = client.list_organizations(None).await.map_err(|e| CliError::explain(e, ctx))?;
    all.into_iter().find(|o| o.id == org || o.name == org).ok_or_else(|| {
        CliError::Usage(format!("no organization {org:?} (give its id or exact name; `orgs list` lists them)"))
    })
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
    let roles = client.list_organization_roles().await.map_err(explain)?;
    let role = roles
        .iter()
        .find(|r| r.id == role || r.name == role)
        .ok_or_else(|| CliError::Usage(format!("no organization role {role:?}")))?;
    client.assign_member_roles(&org.id, user, std::slice::from_ref(&role.id)).await.map_err(explain)?;
    Ok((org, role.id.to_string()))
}
