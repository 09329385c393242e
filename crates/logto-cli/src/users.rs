//! `users list|get|create|delete|search|pat|impersonate` and `roles assign`.

use std::io::Write;

use logto_management::ClientSecret;
use logto_management::{
    ExchangedToken, ManagementClient, NewUser, OrganizationId, RoleType, SubjectTokenType, TokenExchange, User, UserId,
};

use crate::error::{CliError, Context};

/// Every user (or every match of `search`), page by page, with a progress line on stderr.
pub async fn all_users(
    client: &ManagementClient,
    search: Option<&str>,
    page_size: u32,
    ctx: &Context<'_>,
) -> Result<Vec<User>, CliError> {
    let mut users = Vec::new();
    for page in 1.. {
        let got = client.list_users(page, page_size, search).await.map_err(|e| CliError::explain(e, ctx))?;
        let count = got.items.len();
        users.extend(got.items);
        let total = got.total.map(|t| t.to_string()).unwrap_or_else(|| "?".into());
        eprint!("\rfetched {} of {total} users", users.len());
        let _ = std::io::stderr().flush();
        if count < page_size as usize || got.total.is_some_and(|t| users.len() as u64 >= t) {
            break;
        }
    }
    eprintln!();
    Ok(users)
}

pub async fn create(client: &ManagementClient, user: &NewUser, ctx: &Context<'_>) -> Result<User, CliError> {
    client.create_user(user).await.map_err(|e| CliError::explain(e, ctx))
}

/// Gives `user_id` the User role named (or with id) `role`.
pub async fn assign_role(
    client: &ManagementClient,
    user_id: &UserId,
    role: &str,
    ctx: &Context<'_>,
) -> Result<String, CliError> {
    let roles = client.list_roles(RoleType::User).await.map_err(|e| CliError::explain(e, ctx))?;
    let found = roles
        .iter()
        .find(|r| r.id == role || r.name == role)
        .ok_or_else(|| CliError::Usage(format!("no User role is named or has the id {role:?}")))?;
    client.assign_user_roles(user_id, std::slice::from_ref(&found.id)).await.map_err(|e| CliError::explain(e, ctx))?;
    Ok(found.id.to_string())
}

/// What `users impersonate` asks for, and as which application.
pub struct Impersonation<'a> {
    pub user: &'a UserId,
    pub resource: String,
    pub scopes: Vec<String>,
    pub organization: Option<OrganizationId>,
    pub reason: Option<String>,
    pub app_id: &'a str,
    pub app_secret: ClientSecret,
}

/// A subject token for the user (Management API), traded by the exchange app for an access token
/// of that user for the resource: Logto's impersonation.
pub async fn impersonate(
    client: &ManagementClient,
    ask: Impersonation<'_>,
    ctx: &Context<'_>,
) -> Result<ExchangedToken, CliError> {
    let context = ask.reason.map(|reason| serde_json::json!({"reason": reason}));
    let subject =
        client.create_subject_token(ask.user, context.as_ref()).await.map_err(|e| CliError::explain(e, ctx))?;
    let request = TokenExchange {
        subject_token: ClientSecret::new(subject.subject_token),
        subject_token_type: SubjectTokenType::AccessToken,
        resource: Some(ask.resource),
        scopes: ask.scopes,
        organization_id: ask.organization,
    };
    client.exchange_token(ask.app_id, Some(&ask.app_secret), &request).await.map_err(|e| CliError::explain(e, ctx))
}

/// Now, in milliseconds since the epoch (for expiries given as durations).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}
