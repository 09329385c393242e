//! Domain events: what a tenant operation changed, typed, for the hooks to describe. A write
//! records them as it applies each change (under the writer lock, so they are exact even with other
//! writes around); the hooks' middleware collects those of its request ([`collect`]) and builds
//! Logto's payloads from them, instead of reading the store before and after the call.

use std::sync::{Arc, Mutex};

use crate::model::User;

/// A change a write made.
#[derive(Debug, Clone)]
pub enum Event {
    /// Who joined and left an organization (users and machine-to-machine applications).
    OrganizationMembershipUpdated {
        /// The organization.
        organization_id: String,
        /// Users added.
        added_user_ids: Vec<String>,
        /// Users removed.
        removed_user_ids: Vec<String>,
        /// Applications added.
        added_application_ids: Vec<String>,
        /// Applications removed.
        removed_application_ids: Vec<String>,
    },
    /// A user deleted, as they were stored just before.
    UserDeleted {
        /// The user.
        user: Box<User>,
    },
    /// A role created with scopes (`POST /api/roles` with `scopeIds`): Logto follows
    /// `Role.Created` with `Role.Scopes.Updated` (`routes/role.ts`).
    RoleCreatedWithScopes {
        /// The role.
        role_id: String,
        /// The scopes' ids.
        scope_ids: Vec<String>,
    },
    /// An organization role created with organization scopes: `OrganizationRole.Scopes.Updated`
    /// follows `OrganizationRole.Created` (`routes/organization-role/index.ts`).
    OrganizationRoleCreatedWithScopes {
        /// The organization role.
        role_id: String,
    },
}

type Sink = Arc<Mutex<Vec<Event>>>;

tokio::task_local! {
    static EVENTS: Sink;
}

/// Runs `work` (a request's handler), and returns what it gave and the events its writes recorded.
pub async fn collect<T>(work: impl std::future::Future<Output = T>) -> (T, Vec<Event>) {
    let sink: Sink = Arc::default();
    let out = EVENTS.scope(sink.clone(), work).await;
    let events = std::mem::take(&mut *sink.lock().unwrap_or_else(|p| p.into_inner()));
    (out, events)
}

/// Records `event` for the request being answered (nothing when no one collects: a write outside
/// a request, such as a reset).
pub(crate) fn record(event: Event) {
    let _ = EVENTS.try_with(|sink| sink.lock().unwrap_or_else(|p| p.into_inner()).push(event));
}

/// The ids in `after` and not in `before`, and those in `before` and not in `after`, in their order.
pub(crate) fn delta(before: &[String], after: &[String]) -> (Vec<String>, Vec<String>) {
    let added = after.iter().filter(|id| !before.contains(id)).cloned().collect();
    let removed = before.iter().filter(|id| !after.contains(id)).cloned().collect();
    (added, removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn events_are_collected_per_request_and_dropped_outside_one() {
        let outside = || Event::OrganizationMembershipUpdated {
            organization_id: "outside".into(),
            added_user_ids: vec![],
            removed_user_ids: vec![],
            added_application_ids: vec![],
            removed_application_ids: vec![],
        };
        record(outside());
        let ((), events) = collect(async {
            record(Event::OrganizationMembershipUpdated {
                organization_id: "o".into(),
                added_user_ids: vec!["a".into()],
                removed_user_ids: vec![],
                added_application_ids: vec![],
                removed_application_ids: vec![],
            });
            tokio::task::yield_now().await;
        })
        .await;
        assert_eq!(events.len(), 1, "only the request's own: {events:?}");
        assert_eq!(delta(&["a".into(), "b".into()], &["b".into(), "c".into()]), (vec!["c".into()], vec!["a".into()]));
    }
}
