use std::sync::Arc;

use crate::db::Pool;
use axum::extract::FromRef;
use logto_jwt::Verifier;

use crate::profiles::Profiles;
use crate::ranking::RankingCache;

#[derive(Clone)]
pub struct AppState {
    pub verifier: Arc<Verifier>,
    /// Logto user profiles (Management API behind a cache).
    pub profiles: Arc<Profiles>,
    /// Organizations' members with their profiles (Management API behind a cache).
    pub members: Arc<crate::members::OrgMembers>,
    /// The top-users ranking, cached briefly (cleared by follow writes).
    pub ranking: Arc<RankingCache>,
    pub db: Pool,
    pub metrics: Arc<crate::metrics::Metrics>,
    pub limits: Arc<crate::rate_limit::RateLimits>,
    /// Every cache change goes through here, to this replica's caches and (PostgreSQL) the others'.
    pub changes: Arc<crate::invalidation::Changes>,
    /// Organization administration on Logto's Management API (members, roles, invitations).
    pub admin: Arc<crate::org_admin::OrgAdmin>,
    /// Whether impersonation tokens may write (`IMPERSONATION_WRITES`).
    pub impersonation_writes: crate::config::ImpersonationWrites,
    /// The Logto webhook's signing key (`None`: webhooks refused).
    pub webhook_signing_key: Option<secrecy::SecretString>,
}

impl FromRef<AppState> for Arc<Verifier> {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

impl FromRef<AppState> for Arc<crate::metrics::Metrics> {
    fn from_ref(state: &AppState) -> Self {
        state.metrics.clone()
    }
}

impl FromRef<AppState> for Arc<crate::rate_limit::RateLimits> {
    fn from_ref(state: &AppState) -> Self {
        state.limits.clone()
    }
}

impl AppState {
    /// Refuses a write made with an impersonation token unless `IMPERSONATION_WRITES=allow`.
    pub fn check_write(&self, claims: &logto_jwt::AccessClaims) -> Result<(), crate::error::ApiError> {
        if self.impersonation_writes == crate::config::ImpersonationWrites::Allow {
            return Ok(());
        }
        Ok(claims.require_not_impersonated()?)
    }
}
