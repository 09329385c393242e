//! An organization's members (with their profiles and organization roles) from Logto's Management API
//! (`GET /api/organizations/{id}/users`, every page), cached per organization like [`crate::profiles`]:
//! fresh for `fresh_for`, then served stale while a background fetch renews them, dropped after
//! `keep_for`; one fetch per organization shared by concurrent requests, awaited up to the deadline.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::{BoxFuture, FutureExt, Shared};
use logto_management::{ManagementClient, ManagementError, OrganizationId, OrganizationMember, User};
use tracing::Instrument;

use crate::profiles::{FetchTiming, ProfileConfig};

#[derive(Clone)]
struct Entry {
    members: Arc<Vec<OrganizationMember>>,
    fetched: Instant,
}

/// Why the members could not be had.
#[derive(Debug, Clone)]
pub enum MembersError {
    /// Logto has no such organization.
    NotFound,
    /// Logto failed or did not answer within the deadline (the reason is for the log).
    Unavailable(String),
}

impl MembersError {
    /// The answer for `org`'s route: 404 `organization.not_found`, or 503 `logto.unavailable` with
    /// the reason logged (never sent).
    pub fn refusal(self, org: &str) -> crate::error::ApiError {
        match self {
            MembersError::NotFound => crate::error::ApiError::UnknownOrganization,
            MembersError::Unavailable(reason) => {
                tracing::warn!(%reason, organization = org, "organization members unavailable");
                crate::error::ApiError::MembersUnavailable
            }
        }
    }
}

type Fetched = (FetchTiming, Arc<Vec<OrganizationMember>>);
type Fetch = Shared<BoxFuture<'static, Result<Fetched, MembersError>>>;

/// How the cache answered a lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cached {
    Fresh,
    /// Served stale while a fetch renews it.
    Stale,
}

impl Cached {
    /// The `Server-Timing` description of the Management API hop.
    pub fn description(self) -> &'static str {
        match self {
            Cached::Fresh => shared::server_timing::CACHE_HIT,
            Cached::Stale => "stale, renewing",
        }
    }
}

/// The outcome of a lookup.
pub struct MembersLookup {
    pub members: Result<Arc<Vec<OrganizationMember>>, MembersError>,
    /// Set when this lookup waited for a fetch.
    pub fetch: Option<FetchTiming>,
    /// Set when the cache answered.
    pub cache: Option<Cached>,
}

pub struct OrgMembers {
    client: Arc<ManagementClient>,
    config: ProfileConfig,
    cache: moka::sync::Cache<String, Entry>,
    inflight: Arc<Mutex<HashMap<String, Fetch>>>,
    /// Bumped by every change from outside (a webhook, another replica): a fetch that began before
    /// it may have read what the change replaced, and does not fill the cache.
    generation: Arc<AtomicU64>,
}

impl OrgMembers {
    pub fn new(client: Arc<ManagementClient>, config: ProfileConfig) -> Self {
        let ttl = config.keep_for.max(Duration::from_millis(1));
        let cache = moka::sync::Cache::builder().max_capacity(10_000).time_to_live(ttl).build();
        let generation = Arc::new(AtomicU64::new(0));
        Self { client, config, cache, inflight: Arc::new(Mutex::new(HashMap::new())), generation }
    }

    /// A user's profile as Logto holds it now, in every cached organization that lists them (unless
    /// the cached one is newer). Returns how many organizations' lists changed.
    pub fn update_user(&self, user: &User) -> usize {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let mut changed = 0;
        for (org, entry) in self.cache.iter() {
            let Some(i) = entry.members.iter().position(|m| m.user.id == user.id) else { continue };
            if entry.members[i].user.updated_at > user.updated_at {
                continue;
            }
            let mut members = (*entry.members).clone();
            members[i].user = user.clone();
            self.cache.insert((*org).clone(), Entry { members: Arc::new(members), fetched: entry.fetched });
            changed += 1;
        }
        changed
    }

    /// A deleted user, out of every cached organization. Returns those organizations.
    pub fn remove_user(&self, id: &str) -> Vec<String> {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let mut changed = vec![];
        for (org, entry) in self.cache.iter() {
            if entry.members.iter().any(|m| m.user.id == id) {
                let members: Vec<OrganizationMember> =
                    entry.members.iter().filter(|m| m.user.id != id).cloned().collect();
                self.cache.insert((*org).clone(), Entry { members: Arc::new(members), fetched: entry.fetched });
                changed.push((*org).clone());
            }
        }
        changed
    }

    /// Forgets what is cached of `org` (its members changed, or it was deleted): the next request
    /// asks Logto.
    pub fn forget(&self, org: &str) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.cache.invalidate(org);
    }

    /// Forgets every organization.
    pub fn flush(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.cache.invalidate_all();
    }

    /// The fetch for `org`, shared with every concurrent caller; `None` when one finished since the
    /// caller read the cache and left a fresh entry there.
    fn fetch(&self, org: &str) -> Option<Fetch> {
        let mut inflight = self.inflight.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(f) = inflight.get(org) {
            return Some(f.clone());
        }
        if self.cache.get(org).is_some_and(|e| e.fetched.elapsed() < self.config.fresh_for) {
            return None;
        }
        let (client, cache, registry, key) =
            (self.client.clone(), self.cache.clone(), self.inflight.clone(), org.to_string());
        let caching = !self.config.keep_for.is_zero();
        let (generation, started) = (self.generation.clone(), self.generation.load(Ordering::SeqCst));
        let fetch = async move {
            let result = async {
                let t = Instant::now();
                let m2m = tracing::info_span!("m2m-token", cached = tracing::field::Empty);
                let (_, token_cached) = client.access_token().instrument(m2m.clone()).await.map_err(unavailable)?;
                m2m.record("cached", token_cached);
                let token = t.elapsed();
                let t = Instant::now();
                let span = tracing::info_span!("management-api", operation = "organization_members");
                let members =
                    client.organization_members(&OrganizationId::new(key.as_str())).instrument(span).await.map_err(
                        |e| match e {
                            ManagementError::Api { status: 404, .. } => MembersError::NotFound,
                            other => unavailable(other),
                        },
                    )?;
                let members = Arc::new(members);
                if caching && generation.load(Ordering::SeqCst) == started {
                    cache.insert(key.clone(), Entry { members: members.clone(), fetched: Instant::now() });
                }
                Ok((FetchTiming { token, token_cached, users: t.elapsed() }, members))
            }
            .await;
            registry.lock().unwrap_or_else(|p| p.into_inner()).remove(&key);
            result
        }
        // Under the span of the request that started the fetch (it is spawned, and shared).
        .in_current_span()
        .boxed()
        .shared();
        inflight.insert(org.to_string(), fetch.clone());
        Some(fetch)
    }

    /// The members of `org`, within the deadline.
    pub async fn lookup(&self, org: &str) -> MembersLookup {
        if let Some(entry) = self.cache.get(org) {
            let fresh = entry.fetched.elapsed() < self.config.fresh_for;
            if !fresh {
                // Served stale now, renewed in the background.
                if let Some(f) = self.fetch(org) {
                    tokio::spawn(f);
                }
            }
            let cache = Some(if fresh { Cached::Fresh } else { Cached::Stale });
            return MembersLookup { members: Ok(entry.members), fetch: None, cache };
        }
        let Some(fetch) = self.fetch(org) else {
            let members =
                self.cache.get(org).map(|e| e.members).ok_or_else(|| MembersError::Unavailable("cache".into()));
            return MembersLookup { members, fetch: None, cache: Some(Cached::Fresh) };
        };
        // Spawned, so that a fetch cut off by the deadline still completes and fills the cache.
        match tokio::time::timeout(self.config.deadline, tokio::spawn(fetch)).await {
            Ok(Ok(Ok((timing, members)))) => MembersLookup { members: Ok(members), fetch: Some(timing), cache: None },
            Ok(Ok(Err(e))) => MembersLookup { members: Err(e), fetch: None, cache: None },
            Ok(Err(join)) => {
                MembersLookup { members: Err(MembersError::Unavailable(join.to_string())), fetch: None, cache: None }
            }
            Err(_) => MembersLookup {
                members: Err(MembersError::Unavailable(format!(
                    "no answer within {} ms",
                    self.config.deadline.as_millis()
                ))),
                fetch: None,
                cache: None,
            },
        }
    }
}

fn unavailable(e: ManagementError) -> MembersError {
    MembersError::Unavailable(e.to_string())
}
