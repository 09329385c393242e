//! The top-users ranking, cached in memory for a short time: it changes only when someone follows or
//! unfollows, and reading it from the database on every request would cost more than everything
//! else the request does. This process's own follow writes clear it at once; other instances'
//! writes show within `ttl`, or at once when they come over the PostgreSQL channel
//! ([`crate::invalidation`]). Each organization's ranking of its members is kept the same way.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub type Ranking = Arc<Vec<(String, i64)>>;

pub struct RankingCache {
    ttl: Duration,
    slot: Mutex<Option<(Instant, Ranking)>>,
    /// Per organization (bounded; each entry lives `ttl`).
    organizations: moka::sync::Cache<String, Ranking>,
}

impl RankingCache {
    /// `ttl` zero turns the cache off.
    pub fn new(ttl: Duration) -> Self {
        let organizations =
            moka::sync::Cache::builder().max_capacity(10_000).time_to_live(ttl.max(Duration::from_millis(1))).build();
        Self { ttl, slot: Mutex::new(None), organizations }
    }

    pub fn get(&self) -> Option<Ranking> {
        let slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        slot.as_ref().filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, r)| r.clone())
    }

    pub fn put(&self, ranking: Ranking) {
        if !self.ttl.is_zero() {
            *self.slot.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), ranking));
        }
    }

    pub fn invalidate(&self) {
        *self.slot.lock().unwrap_or_else(|p| p.into_inner()) = None;
        self.organizations.invalidate_all();
    }

    /// Forgets `organization`'s ranking (its members changed).
    pub fn invalidate_organization(&self, organization: &str) {
        self.organizations.invalidate(organization);
    }

    /// The cached ranking of `organization`'s members.
    pub fn get_organization(&self, organization: &str) -> Option<Ranking> {
        self.organizations.get(organization)
    }

    pub fn put_organization(&self, organization: &str, ranking: Ranking) {
        if !self.ttl.is_zero() {
            self.organizations.insert(organization.to_string(), ranking);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_and_invalidates() {
        let cache = RankingCache::new(Duration::from_secs(60));
        assert!(cache.get().is_none());
        cache.put(Arc::new(vec![("u".into(), 1)]));
        assert_eq!(cache.get().unwrap()[0].1, 1);
        cache.put_organization("acme", Arc::new(vec![("v".into(), 2)]));
        assert_eq!(cache.get_organization("acme").unwrap()[0].1, 2);
        cache.invalidate();
        assert!(cache.get().is_none() && cache.get_organization("acme").is_none());
        let off = RankingCache::new(Duration::ZERO);
        off.put(Arc::new(vec![]));
        assert!(off.get().is_none());
    }
}
