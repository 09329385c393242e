//! Every change to what the caches hold, as one [`Change`] applied the same way wherever it comes
//! from: a Logto webhook, this instance's own follow writes, or, with PostgreSQL, another replica.
//!
//! Logto delivers each webhook to one address, and replicas keep their caches in memory: without
//! this, the replica that got the webhook would show a rename and the others the old name until their
//! caches turn over. So with PostgreSQL, [`Changes::publish`] applies a change here at once (this
//! replica's next answer has it) and sends it on the channel `backend_cache_changes`
//! (`pg_notify`); every replica's listener, this one's included, applies what arrives. Applying is
//! idempotent (a profile is replaced only by one as new; a forgotten entry is forgotten again), so
//! receiving one's own change costs nothing but a lookup.
//!
//! A listener whose connection drops cannot know what it missed: once it listens again, it flushes
//! every cache (logged, and counted in `cache_channel_events{event="lost"}`). With SQLite (one node)
//! changes stay in this process. Caches change no other way than through [`Changes`].

use std::sync::Arc;
use std::time::Duration;

use logto_management::User;
use serde::{Deserialize, Serialize};

use crate::members::OrgMembers;
use crate::metrics::Metrics;
use crate::profiles::{Profiles, Put};
use crate::ranking::RankingCache;

/// The PostgreSQL channel the replicas share.
pub const CHANNEL: &str = "backend_cache_changes";
/// The listener's `application_name`, so an operator (or a test) can find its connection.
pub const LISTENER_NAME: &str = "backend-cache-listener";
/// PostgreSQL refuses a notification payload of 8000 bytes or more; a profile larger than this is
/// sent as [`Change::ProfileStale`] (the replicas drop it and ask Logto when they need it).
const MAX_PAYLOAD: usize = 7900;

/// A change to what the caches hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// A user's profile as Logto holds it now (created, updated, suspended or restored): in the
    /// profile cache and in every organization's cached members.
    Profile {
        /// The profile, as the webhook carried it.
        user: Box<User>,
    },
    /// A profile changed that is too large to send: dropped wherever it is cached.
    ProfileStale {
        /// The user's id.
        id: String,
    },
    /// A user deleted in Logto (their follows are already gone from the database).
    UserDeleted {
        /// The user's id.
        id: String,
    },
    /// An organization's members changed, or it was deleted: its members and ranking are read again.
    Organization {
        /// The organization's id.
        id: String,
    },
    /// Follows were written: every ranking is read again.
    Follows,
}

impl Change {
    /// The `change` label of `cache_changes_total`.
    pub fn name(&self) -> &'static str {
        match self {
            Change::Profile { .. } => "profile",
            Change::ProfileStale { .. } => "profile_stale",
            Change::UserDeleted { .. } => "user_deleted",
            Change::Organization { .. } => "organization",
            Change::Follows => "follows",
        }
    }

    /// The text sent on the channel: the change itself, or a smaller one saying the same.
    fn payload(&self) -> String {
        let text = serde_json::to_string(self).unwrap_or_default();
        match self {
            Change::Profile { user } if text.len() > MAX_PAYLOAD => {
                serde_json::to_string(&Change::ProfileStale { id: user.id.to_string() }).unwrap_or_default()
            }
            _ => text,
        }
    }
}

/// What a change did here (for the log line of a webhook).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// What the profile cache did, for a profile.
    pub put: Option<Put>,
    /// Organizations whose cached members changed.
    pub organizations: usize,
}

/// The caches, and the channel when the database is PostgreSQL.
pub struct Changes {
    profiles: Arc<Profiles>,
    members: Arc<OrgMembers>,
    ranking: Arc<RankingCache>,
    metrics: Arc<Metrics>,
    channel: Option<crate::db::Pool>,
    /// The listener task, stopped when the last holder of the caches lets go.
    listener: std::sync::Mutex<Option<tokio::task::AbortHandle>>,
}

impl Drop for Changes {
    fn drop(&mut self) {
        if let Some(task) = self.listener.lock().unwrap_or_else(|p| p.into_inner()).take() {
            task.abort();
        }
    }
}

impl Changes {
    /// Changes applied to these caches; published on `channel` (the PostgreSQL pool) when there is one.
    pub fn new(
        profiles: Arc<Profiles>,
        members: Arc<OrgMembers>,
        ranking: Arc<RankingCache>,
        metrics: Arc<Metrics>,
        channel: Option<crate::db::Pool>,
    ) -> Self {
        Self { profiles, members, ranking, metrics, channel, listener: std::sync::Mutex::new(None) }
    }

    /// Applies `change` here now, then sends it to every replica. A failed send is logged and
    /// counted: this replica is right, the others catch up when their caches turn over.
    pub async fn publish(&self, change: Change) -> Applied {
        let applied = self.apply(&change, "local");
        if let Some(pool) = &self.channel {
            let sent = sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(change.payload()).execute(pool).await;
            if let Err(e) = sent {
                tracing::warn!(error = %e, change = change.name(), "a cache change could not be sent to the other replicas");
                self.metrics.cache_channel("publish_failed");
            }
        }
        applied
    }

    /// Applies `change` to this replica's caches (idempotent).
    pub fn apply(&self, change: &Change, origin: &'static str) -> Applied {
        self.metrics.cache_change(change.name(), origin);
        match change {
            Change::Profile { user } => {
                let put = self.profiles.put((**user).clone());
                let organizations = self.members.update_user(user);
                // A suspended (or restored) user leaves (or rejoins) the rankings.
                if put == Put::SuspensionChanged {
                    self.ranking.invalidate();
                }
                Applied { put: Some(put), organizations }
            }
            Change::ProfileStale { id } => {
                self.profiles.drop_entry(id);
                let organizations = self.members.remove_user(id);
                for org in &organizations {
                    self.members.forget(org);
                }
                Applied { put: None, organizations: organizations.len() }
            }
            Change::UserDeleted { id } => {
                self.profiles.forget(id);
                let organizations = self.members.remove_user(id);
                self.ranking.invalidate();
                Applied { put: None, organizations: organizations.len() }
            }
            Change::Organization { id } => {
                self.members.forget(id);
                self.ranking.invalidate_organization(id);
                Applied { put: None, organizations: 1 }
            }
            Change::Follows => {
                self.ranking.invalidate();
                Applied { put: None, organizations: 0 }
            }
        }
    }

    /// Forgets everything cached (a replica that may have missed changes).
    pub fn flush(&self) {
        self.metrics.cache_change("flush", "channel");
        self.profiles.flush();
        self.members.flush();
        self.ranking.invalidate();
    }

    /// Listens on the channel until these caches are dropped: applies every change that arrives;
    /// when the connection is lost, connects again (1 s apart while it fails), listens, and only then
    /// flushes every cache, so that nothing sent after the flush is missed.
    pub fn listen(self: &Arc<Self>, url: String) {
        // Weak: the task must not keep the caches (and itself) alive after the service is gone.
        let weak = Arc::downgrade(self);
        let task = tokio::spawn(async move {
            let mut lost = false;
            loop {
                let connected = connect(&url).await;
                let Some(changes) = weak.upgrade() else { return };
                let mut listener = match connected {
                    Ok(listener) => listener,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot listen for the other replicas' cache changes; retrying in 1 s");
                        changes.metrics.cache_channel("failed");
                        drop(changes);
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                };
                changes.metrics.cache_channel("connected");
                if lost {
                    tracing::warn!(
                        "listening again for cache changes: every cache flushed, changes may have been missed"
                    );
                    changes.flush();
                }
                lost = true;
                drop(changes);
                loop {
                    let received = listener.try_recv().await;
                    let Some(changes) = weak.upgrade() else { return };
                    match received {
                        Ok(Some(notification)) => match serde_json::from_str::<Change>(notification.payload()) {
                            Ok(change) => {
                                changes.apply(&change, "channel");
                            }
                            Err(e) => tracing::warn!(error = %e, "an unreadable cache change on the channel"),
                        },
                        Ok(None) => {
                            tracing::warn!("the cache channel's connection was lost");
                            changes.metrics.cache_channel("lost");
                            break;
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "the cache channel failed");
                            changes.metrics.cache_channel("lost");
                            break;
                        }
                    }
                }
            }
        });
        *self.listener.lock().unwrap_or_else(|p| p.into_inner()) = Some(task.abort_handle());
    }
}

/// A listening connection to `url`, named [`LISTENER_NAME`], on [`CHANNEL`].
async fn connect(url: &str) -> Result<sqlx::postgres::PgListener, sqlx::Error> {
    use std::str::FromStr;
    let options = sqlx::postgres::PgConnectOptions::from_str(url)?.application_name(LISTENER_NAME);
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(1).connect_lazy_with(options);
    // A lost connection ends this listener (`try_recv` answers `None`): the caller connects anew,
    // so that it flushes once it listens again.
    let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str) -> User {
        serde_json::from_value(serde_json::json!({
            "id": "u1abc", "username": name, "name": name, "primaryEmail": null, "primaryPhone": null,
            "avatar": null, "customData": {}, "lastSignInAt": null, "createdAt": 1, "updatedAt": 2,
            "isSuspended": false
        }))
        .unwrap()
    }

    #[test]
    fn changes_travel_as_json_and_large_profiles_as_ids() {
        let change = Change::Profile { user: Box::new(user("kim")) };
        let back: Change = serde_json::from_str(&change.payload()).unwrap();
        assert_eq!(back, change);
        let mut big = user("kim");
        big.custom_data = serde_json::json!({"blob": "x".repeat(10_000)});
        let back: Change = serde_json::from_str(&Change::Profile { user: Box::new(big) }.payload()).unwrap();
        assert_eq!(back, Change::ProfileStale { id: "u1abc".into() });
        for change in [Change::Follows, Change::Organization { id: "o".into() }, Change::UserDeleted { id: "u".into() }]
        {
            assert_eq!(serde_json::from_str::<Change>(&change.payload()).unwrap(), change);
        }
    }
}
