//! A user's grants as the Management API shows and ends them (`routes/admin-user/grants.ts`), and
//! applications' `customClientMetadata.maxAllowedGrants` (`event-listeners/authorization-success.ts`):
//! past the limit, a user's oldest grants for the app are revoked when a sign-in adds one.

use super::Tenant;
use crate::model::Grant;

/// What enforcing `maxAllowedGrants` did: the grants revoked and how many were active before.
#[derive(Debug)]
pub struct GrantsRevoked {
    /// The revoked grants' ids, oldest first.
    pub grant_ids: Vec<String>,
    /// The user's active grants for the app before the revocation.
    pub active_before: usize,
}

impl Tenant {
    /// The user's live grants (`appType`: first-party or third-party apps only), oldest first.
    pub fn user_grants(&self, user_id: &str, third_party: Option<bool>, now: i64) -> Vec<Grant> {
        let grants: Vec<Grant> = self
            .artefacts()
            .grants
            .values()
            .filter(|g| g.account_id == user_id && g.iat + Grant::TTL > now)
            .cloned()
            .collect();
        let mut grants: Vec<Grant> = match third_party {
            None => grants,
            Some(wanted) => self.read(|store| {
                grants
                    .into_iter()
                    .filter(|g| store.applications.get(&g.client_id).is_some_and(|a| a.is_third_party == wanted))
                    .collect()
            }),
        };
        grants.sort_by(|a, b| a.iat.cmp(&b.iat).then(a.id.cmp(&b.id)));
        grants
    }

    /// Revokes one of the user's grants (and its codes and tokens); `false` when the user has no
    /// such grant.
    pub fn revoke_user_grant(&self, user_id: &str, grant_id: &str) -> bool {
        let mut artefacts = self.artefacts();
        if artefacts.grants.get(grant_id).is_none_or(|g| g.account_id != user_id) {
            return false;
        }
        artefacts.revoke_grant(grant_id);
        true
    }

    /// Keeps at most `max` live grants of the user for the app, revoking the oldest (by `iat`;
    /// `newest`, the grant just made, goes last on a tie); `None` when nothing was over the limit.
    pub fn enforce_max_grants(
        &self,
        user_id: &str,
        client_id: &str,
        newest: &str,
        max: usize,
        now: i64,
    ) -> Option<GrantsRevoked> {
        let mut artefacts = self.artefacts();
        let mut active: Vec<(i64, bool, String)> = artefacts
            .grants
            .values()
            .filter(|g| g.account_id == user_id && g.client_id == client_id && g.iat + Grant::TTL > now)
            .map(|g| (g.iat, g.id == newest, g.id.clone()))
            .collect();
        let over = active.len().checked_sub(max).filter(|n| *n > 0)?;
        let active_before = active.len();
        active.sort();
        let grant_ids: Vec<String> = active.into_iter().take(over).map(|(_, _, id)| id).collect();
        grant_ids.iter().for_each(|id| artefacts.revoke_grant(id));
        Some(GrantsRevoked { grant_ids, active_before })
    }
}
