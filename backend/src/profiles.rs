//! User profiles from Logto's Management API, cached (unless `keep_for` is zero): fresh for `fresh_for`, then served stale while
//! a background fetch renews them (stale-while-revalidate), dropped after `keep_for`. Misses are
//! fetched in one batch per distinct set of ids, shared by concurrent requests, and awaited only up
//! to a deadline: past it the answer is partial, and the fetch goes on to fill the cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::{BoxFuture, FutureExt, Shared};
use logto_management::{ManagementClient, User, UserId};
use tracing::Instrument;

/// `partial` when Logto's Management API answered with an error or not at all; what it was is logged
/// with the request's id (the `x-request-id` header of the answer).
pub const PARTIAL_LOGTO_FAILED: &str =
    "Logto's Management API failed; the details are in the backend's log under this answer's x-request-id";

#[derive(Debug, Clone)]
pub struct ProfileConfig {
    pub fresh_for: Duration,
    pub keep_for: Duration,
    pub deadline: Duration,
}

impl Default for ProfileConfig {
    fn default() -> Self {
        Self {
            fresh_for: Duration::from_secs(60),
            keep_for: Duration::from_secs(600),
            deadline: Duration::from_millis(1500),
        }
    }
}

#[derive(Clone)]
struct Entry {
    /// `None`: Logto has no such user (cached too, so deleted users are not asked for again and again).
    user: Option<Arc<User>>,
    fetched: Instant,
}

/// What one batch fetch took: the M2M token (and whether its cache answered) and the users request.
#[derive(Debug, Clone, Copy, Default)]
pub struct FetchTiming {
    pub token: Duration,
    pub token_cached: bool,
    pub users: Duration,
}

/// A batch's outcome: timings and each asked id's profile (`None`: Logto has no such user).
type Fetched = (FetchTiming, Arc<HashMap<String, Option<Arc<User>>>>);
type Batch = Shared<BoxFuture<'static, Result<Fetched, String>>>;

/// Why a lookup came back without some profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partial {
    /// Logto's Management API answered with an error, or the fetch failed.
    LogtoFailed,
    /// It did not answer within the deadline.
    Deadline(Duration),
}

impl Partial {
    /// The fixed text clients get in `partial`.
    pub fn text(self) -> String {
        match self {
            Partial::LogtoFailed => PARTIAL_LOGTO_FAILED.to_string(),
            Partial::Deadline(d) => format!("Logto's Management API did not answer within {} ms", d.as_millis()),
        }
    }

    /// The `result` label of `partial_answers_total`.
    pub fn metric_label(self) -> &'static str {
        match self {
            Partial::LogtoFailed => "logto_failed",
            Partial::Deadline(_) => "deadline",
        }
    }
}

/// The outcome of a lookup.
#[derive(Debug, Default)]
pub struct Lookup {
    pub users: HashMap<String, Arc<User>>,
    /// Some profiles could not be had within the deadline (or Logto failed), and why.
    pub partial: Option<Partial>,
    pub cache_hits: usize,
    pub stale_hits: usize,
    /// Set when this lookup waited for a fetch.
    pub fetch: Option<FetchTiming>,
}

/// What [`Profiles::put`] did with a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// The cached profile was replaced (or the first one cached).
    Replaced,
    /// The cache holds a newer profile (`updatedAt`): a late delivery, kept out.
    KeptNewer,
    /// The user was deleted: a late update does not bring them back.
    UserDeleted,
    /// The profile cache is off (`PROFILE_CACHE_SECONDS=0`): nothing to update.
    CacheOff,
    /// The user was suspended or restored (and the profile replaced): the rankings must be read again.
    SuspensionChanged,
}

pub struct Profiles {
    client: Arc<ManagementClient>,
    config: ProfileConfig,
    cache: moka::sync::Cache<String, Entry>,
    inflight: Arc<Mutex<HashMap<String, Batch>>>,
    /// Users a webhook said were deleted (a day; bounded).
    deleted: moka::sync::Cache<String, ()>,
    /// Users Logto says are suspended (from webhooks and fetched profiles): the lists leave them out.
    suspended: Arc<Mutex<std::collections::HashSet<String>>>,
}

impl Profiles {
    pub fn new(client: Arc<ManagementClient>, config: ProfileConfig) -> Self {
        let ttl = config.keep_for.max(Duration::from_millis(1));
        let cache = moka::sync::Cache::builder().max_capacity(100_000).time_to_live(ttl).build();
        let deleted =
            moka::sync::Cache::builder().max_capacity(100_000).time_to_live(Duration::from_secs(86_400)).build();
        let suspended = Arc::new(Mutex::new(std::collections::HashSet::new()));
        Self { client, config, cache, inflight: Arc::new(Mutex::new(HashMap::new())), deleted, suspended }
    }

    /// Records whether `user` is suspended; `true` when that changed.
    fn note_suspension(suspended: &Mutex<std::collections::HashSet<String>>, user: &User) -> bool {
        let mut set = suspended.lock().unwrap_or_else(|p| p.into_inner());
        if user.is_suspended {
            set.insert(user.id.to_string())
        } else {
            set.remove(user.id.as_str())
        }
    }

    /// The users known to be suspended.
    pub fn suspended(&self) -> std::collections::HashSet<String> {
        self.suspended.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Drops what is cached of `id` (a change too large to be sent): the next list asks Logto.
    pub fn drop_entry(&self, id: &str) {
        self.cache.invalidate(id);
    }

    /// Forgets every cached profile (deleted users stay remembered: a deletion is final).
    pub fn flush(&self) {
        self.cache.invalidate_all();
    }

    /// Whether every one of `ids` has a fresh cache entry.
    fn all_fresh(&self, ids: &[String]) -> bool {
        ids.iter().all(|id| self.cache.get(id).is_some_and(|e| e.fetched.elapsed() < self.config.fresh_for))
    }

    /// The batch fetch for `ids` (sorted), shared with every concurrent caller asking for the same set
    /// or a part of one in flight (a caller that read the cache while a batch was filling it misses only
    /// some of the ids: it waits for that batch instead of asking Logto again); `None` when a fetch
    /// finished since the caller read the cache and left them all fresh there.
    fn batch(&self, ids: Vec<String>) -> Option<Batch> {
        let key = ids.join(",");
        let mut inflight = self.inflight.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(batch) = inflight.get(&key) {
            return Some(batch.clone());
        }
        let covering = inflight.iter().find(|(k, _)| ids.iter().all(|id| k.split(',').any(|x| x == id)));
        if let Some((_, batch)) = covering {
            return Some(batch.clone());
        }
        // A batch fills the cache before it leaves the registry (under this lock), so a caller that
        // missed the cache just before a batch ended finds the answers here instead of fetching again.
        if !self.config.keep_for.is_zero() && self.all_fresh(&ids) {
            return None;
        }
        let (client, cache, registry, k) =
            (self.client.clone(), self.cache.clone(), self.inflight.clone(), key.clone());
        let caching = !self.config.keep_for.is_zero();
        let (deleted, suspended) = (self.deleted.clone(), self.suspended.clone());
        let batch = async move {
            let result = async {
                let t = Instant::now();
                let m2m = tracing::info_span!("m2m-token", cached = tracing::field::Empty);
                let (_, token_cached) =
                    client.access_token().instrument(m2m.clone()).await.map_err(|e| e.to_string())?;
                m2m.record("cached", token_cached);
                let token = t.elapsed();
                let t = Instant::now();
                let span = tracing::info_span!("management-api", operation = "users_by_ids", users = ids.len());
                let asked: Vec<UserId> = ids.iter().map(|id| UserId::new(id.as_str())).collect();
                let found = client.users_by_ids(&asked).instrument(span).await.map_err(|e| e.to_string())?;
                let users = t.elapsed();
                let mut by_id: HashMap<String, User> = found.into_iter().map(|u| (u.id.to_string(), u)).collect();
                let now = Instant::now();
                let mut fetched = HashMap::new();
                for id in ids {
                    let user = by_id.remove(&id).map(Arc::new);
                    if let Some(user) = &user {
                        Self::note_suspension(&suspended, user);
                    }
                    // Not over what a webhook put meanwhile: a newer profile, or a deletion.
                    let newer_cached = cache
                        .get(&id)
                        .and_then(|e| e.user)
                        .is_some_and(|c| user.as_ref().is_some_and(|u| u.updated_at < c.updated_at));
                    if caching && !newer_cached && !deleted.contains_key(&id) {
                        cache.insert(id.clone(), Entry { user: user.clone(), fetched: now });
                    }
                    fetched.insert(id, user);
                }
                Ok((FetchTiming { token, token_cached, users }, Arc::new(fetched)))
            }
            .await;
            registry.lock().unwrap_or_else(|p| p.into_inner()).remove(&k);
            result
        }
        // Under the span of the request that started the batch (it is spawned, and shared).
        .in_current_span()
        .boxed()
        .shared();
        inflight.insert(key, batch.clone());
        Some(batch)
    }

    /// A profile Logto just sent (a webhook): replaces the cached one unless that one is newer, and is
    /// ignored for a user already deleted (deliveries can arrive out of order). Says which it did.
    pub fn put(&self, user: User) -> Put {
        if self.deleted.contains_key(user.id.as_str()) {
            return Put::UserDeleted;
        }
        let caching = !self.config.keep_for.is_zero();
        let newer = self
            .cache
            .get(user.id.as_str())
            .and_then(|e| e.user.map(|u| u.updated_at))
            .is_none_or(|cached| user.updated_at >= cached);
        if caching && !newer {
            return Put::KeptNewer;
        }
        let suspension_changed = Self::note_suspension(&self.suspended, &user);
        if caching {
            self.cache.insert(user.id.to_string(), Entry { user: Some(Arc::new(user)), fetched: Instant::now() });
        }
        match (suspension_changed, caching) {
            (true, _) => Put::SuspensionChanged,
            (false, true) => Put::Replaced,
            (false, false) => Put::CacheOff,
        }
    }

    /// A user Logto deleted: cached as absent, and remembered so a late update cannot bring them back.
    pub fn forget(&self, id: &str) {
        self.deleted.insert(id.to_string(), ());
        if !self.config.keep_for.is_zero() {
            self.cache.insert(id.to_string(), Entry { user: None, fetched: Instant::now() });
        }
    }

    /// The profiles of `ids`, within the deadline.
    pub async fn lookup(&self, ids: &[String]) -> Lookup {
        let mut out = Lookup::default();
        let (mut misses, mut stale) = (Vec::new(), Vec::new());
        for id in ids {
            match self.cache.get(id) {
                Some(entry) => {
                    if entry.fetched.elapsed() < self.config.fresh_for {
                        out.cache_hits += 1;
                    } else {
                        out.stale_hits += 1;
                        stale.push(id.clone());
                    }
                    if let Some(user) = entry.user {
                        out.users.insert(id.clone(), user);
                    }
                }
                None => misses.push(id.clone()),
            }
        }
        if !stale.is_empty() {
            stale.sort();
            // Served stale now, renewed in the background.
            if let Some(batch) = self.batch(stale) {
                tokio::spawn(batch);
            }
        }
        if misses.is_empty() {
            return out;
        }
        misses.sort();
        let Some(batch) = self.batch(misses.clone()) else {
            for id in &misses {
                if let Some(entry) = self.cache.get(id) {
                    out.cache_hits += 1;
                    if let Some(user) = entry.user {
                        out.users.insert(id.clone(), user);
                    }
                }
            }
            return out;
        };
        // Spawned, so that a fetch cut off by the deadline still completes and fills the cache.
        let fetch = tokio::spawn(batch);
        match tokio::time::timeout(self.config.deadline, fetch).await {
            Ok(Ok(Ok((timing, fetched)))) => {
                out.fetch = Some(timing);
                out.users.extend(fetched.iter().filter_map(|(id, user)| Some((id.clone(), user.clone()?))));
            }
            // The client gets a fixed reason; the detail (URLs, Logto's error) goes to the log, under
            // the request's span and so its x-request-id.
            Ok(Ok(Err(reason))) => {
                tracing::warn!(%reason, "Logto's Management API failed");
                out.partial = Some(Partial::LogtoFailed);
            }
            Ok(Err(join)) => {
                tracing::error!(error = %join, "the profile fetch task failed");
                out.partial = Some(Partial::LogtoFailed);
            }
            Err(_) => out.partial = Some(Partial::Deadline(self.config.deadline)),
        }
        out
    }
}

/// One entry of a list: the ranking's id and count, with the Logto profile when there is one.
pub fn top_user(id: String, followers: i64, profile: Option<&logto_management::User>) -> shared::TopUser {
    shared::TopUser {
        followers,
        username: profile.and_then(|p| p.username.clone()),
        name: profile.and_then(|p| p.name.clone()),
        avatar: profile.and_then(|p| p.avatar.clone()),
        id,
    }
}
