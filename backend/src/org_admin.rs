//! Organization administration: what an organization's admins do through this backend, acted on
//! Logto's Management API with the backend's machine-to-machine token (Logto's guide for
//! multi-tenant products: the SPA proves who acts and with which organization permission, the
//! backend acts).
//!
//! - [`OrgAdmin::require_now`]: the actor's organization permissions as Logto holds them now
//!   (`GET /api/organizations/{id}/users/{userId}/scopes`), so a member demoted after their token
//!   was issued cannot act with it;
//! - the organization template's roles, cached for a minute (they change in Logto's Console);
//! - pending invitations per organization, cached for 30 s and dropped at once after our own
//!   writes;
//! - one lock per organization around membership writes, so two admins demoting each other at
//!   once cannot leave the organization without one (within this replica: across replicas Logto
//!   has no conditional write to lean on);
//! - [`OrgAdmin::audit`]: one structured log line and one count per action.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use logto_management::{
    Invitation, InvitationFilter, InvitationStatus, ManagementClient, ManagementError, OrganizationId,
    OrganizationMember, OrganizationRole, OrganizationRoleId, RoleType, UserId,
};

use crate::error::ApiError;
use crate::metrics::Metrics;

/// The organization permission that lets a member see who is in the organization.
pub const READ_MEMBERS: &str = "read:members";
/// The organization permission that lets a member invite, change roles and remove.
pub const MANAGE_MEMBERS: &str = "manage:members";

/// How long an invitation stays open (Logto's Console offers 7 days too).
pub const INVITATION_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);

pub struct OrgAdmin {
    client: Arc<ManagementClient>,
    metrics: Arc<Metrics>,
    /// Where the invitation's link points: `{spa_url}/admin/invitations/{id}`.
    spa_url: String,
    roles: moka::sync::Cache<(), Arc<Vec<OrganizationRole>>>,
    invitations: moka::sync::Cache<String, Arc<Vec<Invitation>>>,
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// Logto's failure, for the log; the client gets fixed words.
fn unavailable(what: &'static str) -> impl Fn(ManagementError) -> ApiError {
    move |e| {
        tracing::warn!(error = %e, what, "Logto's Management API failed");
        ApiError::LogtoUnavailable
    }
}

impl OrgAdmin {
    pub fn new(client: Arc<ManagementClient>, metrics: Arc<Metrics>, spa_url: &str) -> Self {
        Self {
            client,
            metrics,
            spa_url: spa_url.trim_end_matches('/').to_string(),
            roles: moka::sync::Cache::builder().time_to_live(Duration::from_secs(60)).build(),
            invitations: moka::sync::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(Duration::from_secs(30))
                .build(),
            locks: Mutex::new(HashMap::new()),
        }
    }

    pub fn client(&self) -> &ManagementClient {
        &self.client
    }

    /// The invitation page's address for `invitation` to `email` (the SPA's admin bundle, under
    /// `/admin/`): the address rides along so the page can fill it in on Logto's sign-in (it is the
    /// recipient's own, in their own mailbox).
    pub fn invitation_link(&self, invitation: &str, email: &str) -> String {
        let email: String = url::form_urlencoded::byte_serialize(email.as_bytes()).collect();
        format!("{}/admin/invitations/{invitation}?email={email}", self.spa_url)
    }

    /// Refuses unless `user` holds `permission` in `org` now, as Logto says.
    pub async fn require_now(&self, org: &str, user: &str, permission: &'static str) -> Result<(), ApiError> {
        let scopes = self
            .client
            .member_scopes(&OrganizationId::new(org), &UserId::new(user))
            .await
            .map_err(unavailable("member scopes"))?;
        if scopes.iter().any(|s| s.name == permission) {
            Ok(())
        } else {
            Err(ApiError::PermissionRevoked { permission })
        }
    }

    /// The organization template's roles (with their permissions).
    pub async fn roles(&self) -> Result<Arc<Vec<OrganizationRole>>, ApiError> {
        if let Some(roles) = self.roles.get(&()) {
            return Ok(roles);
        }
        let roles = Arc::new(self.client.list_organization_roles().await.map_err(unavailable("organization roles"))?);
        self.roles.insert((), roles.clone());
        Ok(roles)
    }

    /// Refuses unless `user` is among `members` with a role granting the API scope `scope` (an
    /// organization-level API permission). The token said so when it was issued; the member list
    /// (changed at once by our own writes, by Logto's membership webhooks and by the cache's
    /// renewal) says what holds now, so a member demoted or removed here is refused at once.
    pub async fn require_api_permission(
        &self,
        members: &[OrganizationMember],
        user: &str,
        scope: &'static str,
    ) -> Result<(), ApiError> {
        let Some(member) = members.iter().find(|m| m.user.id.as_str() == user) else {
            return Err(ApiError::PermissionRevoked { permission: scope });
        };
        // Without the roles (Logto down, none cached) the token's word stands: a list served from
        // the members cache must not fail on this check alone.
        let Ok(roles) = self.roles().await else { return Ok(()) };
        let held = roles
            .iter()
            .filter(|r| member.organization_roles.iter().any(|held| held.id == r.id))
            .any(|r| r.resource_scopes.iter().any(|s| s.name == scope));
        if held {
            Ok(())
        } else {
            Err(ApiError::PermissionRevoked { permission: scope })
        }
    }

    /// The user roles named `names` (each must exist).
    pub async fn role_ids(&self, names: &[String]) -> Result<Vec<OrganizationRoleId>, ApiError> {
        let roles = self.roles().await?;
        names
            .iter()
            .map(|name| {
                roles
                    .iter()
                    .find(|r| &r.name == name && r.role_type == RoleType::User)
                    .map(|r| r.id.clone())
                    .ok_or(ApiError::UnknownRole)
            })
            .collect()
    }

    /// Whether a role set lets its holder manage members.
    pub fn manages(roles: &[OrganizationRole], held: &[OrganizationRoleId]) -> bool {
        roles.iter().filter(|r| held.contains(&r.id)).any(|r| r.scopes.iter().any(|s| s.name == MANAGE_MEMBERS))
    }

    /// The members of `org` as Logto has them now (writes decide on these, not on a cache).
    pub async fn members_now(&self, org: &str) -> Result<Vec<OrganizationMember>, ApiError> {
        self.client.organization_members(&OrganizationId::new(org)).await.map_err(|e| match e {
            ManagementError::Api { status: 404, .. } => ApiError::UnknownOrganization,
            other => unavailable("organization members")(other),
        })
    }

    /// Refuses a change that leaves `org` with no one who can manage its members: `target` would
    /// hold `after` instead of their roles now.
    pub async fn keep_an_admin(
        &self,
        members: &[OrganizationMember],
        target: &str,
        after: &[OrganizationRoleId],
    ) -> Result<(), ApiError> {
        let roles = self.roles().await?;
        let held = |m: &OrganizationMember| m.organization_roles.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
        let admins_after = members
            .iter()
            .filter(|m| {
                if m.user.id.as_str() == target {
                    Self::manages(&roles, after)
                } else {
                    Self::manages(&roles, &held(m))
                }
            })
            .count();
        let admins_now = members.iter().filter(|m| Self::manages(&roles, &held(m))).count();
        // Only a change that takes the last one away is refused (an organization that has none
        // already can still be given one).
        if admins_now > 0 && admins_after == 0 {
            return Err(ApiError::LastAdmin);
        }
        Ok(())
    }

    /// The lock of `org`'s membership writes.
    pub fn lock(&self, org: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        if locks.len() > 10_000 {
            // Idle locks (held by no one) go; a busy organization keeps its own.
            locks.retain(|_, lock| Arc::strong_count(lock) > 1);
        }
        locks.entry(org.to_string()).or_default().clone()
    }

    /// `org`'s pending invitations (newest first), cached for 30 s.
    pub async fn pending_invitations(&self, org: &str, now_ms: i64) -> Result<Arc<Vec<Invitation>>, ApiError> {
        if let Some(found) = self.invitations.get(org) {
            return Ok(found);
        }
        let filter = InvitationFilter { organization_id: Some(OrganizationId::new(org)), ..Default::default() };
        let all = self.client.list_invitations(&filter).await.map_err(unavailable("invitations"))?;
        let pending: Vec<Invitation> =
            all.into_iter().filter(|i| i.status == InvitationStatus::Pending && i.expires_at > now_ms).collect();
        let pending = Arc::new(pending);
        self.invitations.insert(org.to_string(), pending.clone());
        Ok(pending)
    }

    /// Forgets `org`'s cached invitations (after a write of ours).
    pub fn forget_invitations(&self, org: &str) {
        self.invitations.invalidate(org);
    }

    /// One admin action: a structured log line (who, what, where, on whom, how it ended) and a count
    /// in `/metrics`.
    /// `refusal`: `None` when it was done.
    pub fn audit(&self, actor: &str, action: &'static str, org: &str, target: &str, refusal: Option<&ApiError>) {
        let outcome = refusal.map_or("ok", ApiError::code);
        tracing::info!(actor, action, organization = org, target, result = outcome, "organization admin action");
        self.metrics.admin_action(action, if refusal.is_none() { "ok" } else { "refused" });
    }
}

/// `nia@example.com` → `n**@e******.com`: enough for the invitee to recognise, too little to
/// harvest addresses from invitation ids.
pub fn mask_email(email: &str) -> String {
    let Some((local, domain)) = email.split_once('@') else { return "***".into() };
    let hide = |part: &str| {
        let mut chars = part.chars();
        match chars.next() {
            Some(first) => format!("{first}{}", "*".repeat(chars.count().clamp(1, 8))),
            None => "*".into(),
        }
    };
    let (host, tld) = domain.rsplit_once('.').unwrap_or((domain, ""));
    let tld = if tld.is_empty() { String::new() } else { format!(".{tld}") };
    format!("{}@{}{tld}", hide(local), hide(host))
}

/// A plausible email address: one `@`, something on each side, a dot in the domain, no spaces or
/// controls, at most 254 characters (RFC 5321's path limit). Logto checks it again.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    s.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_masked_and_checked() {
        assert_eq!(mask_email("nia@oa.example.com"), "n**@o********.com", "at most 8 stars a part");
        assert_eq!(mask_email("a@b.io"), "a*@b*.io");
        assert_eq!(mask_email("nonsense"), "***");
        for ok in ["nia@oa.example.com", "a.b+c@x.io"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in ["", "nia", "@x.io", "nia@", "nia@x", "nia@.x", "n ia@x.io", "a@b@c.io", "a@x.io\n"] {
            assert!(!is_email(bad), "{bad:?}");
        }
        assert!(!is_email(&format!("{}@x.io", "a".repeat(65))));
    }
}
