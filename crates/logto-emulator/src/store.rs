//! Everything the emulator knows, in memory: the seeded entities plus the live OIDC artefacts
//! (interactions, grants, codes, tokens). One mutex guards it; no lock is held across an `.await`.

use std::collections::{BTreeSet, HashMap};

use crate::ids::standard_id;
use crate::model::*;
use crate::persist::{Db, PersistError};
use crate::seed::{Seed, MANAGEMENT_API_INDICATOR};

/// Replaces the item `same` as `item`, or appends it (keeping creation order).
fn upsert<T>(items: &mut Vec<T>, item: T, same: impl Fn(&T, &T) -> bool) {
    match items.iter_mut().find(|x| same(x, &item)) {
        Some(slot) => *slot = item,
        None => items.push(item),
    }
}

#[derive(Debug, Default)]
pub struct Store {
    /// Users in creation order; Logto lists newest first.
    pub users: Vec<User>,
    pub applications: HashMap<String, Application>,
    pub resources: Vec<Resource>,
    pub roles: Vec<Role>,
    pub interactions: HashMap<String, Interaction>,
    pub grants: HashMap<String, Grant>,
    pub codes: HashMap<String, AuthCode>,
    pub refresh_tokens: HashMap<String, RefreshToken>,
    pub opaque_tokens: HashMap<String, OpaqueToken>,
    /// Pending sign-outs by the `xsrf` value of their confirm form: where to go afterwards.
    pub logouts: HashMap<String, PendingLogout>,
    /// Browser sessions by the value of their `_session` cookie.
    pub sessions: HashMap<String, BrowserSession>,
}

impl Store {
    /// Builds the store from a checked seed. `endpoint` replaces `{endpoint}` in strings.
    pub fn from_seed(seed: &Seed, endpoint: &str, now_ms: i64) -> Self {
        let mut store = Store::default();
        let mut resources = vec![Resource {
            id: "management-api".into(),
            name: "Logto Management API".into(),
            indicator: MANAGEMENT_API_INDICATOR.into(),
            access_token_ttl: 3600,
            scopes: vec![Scope {
                id: "management-api-all".into(),
                name: "all".into(),
                description: Some("Default scope for Management API, allows all permissions.".into()),
                created_at: now_ms,
            }],
        }];
        resources.extend(seed.resources.iter().map(|r| {
            Resource {
                id: standard_id(21),
                name: r.name.clone(),
                indicator: r.indicator.clone(),
                access_token_ttl: r.access_token_ttl,
                scopes: r
                    .scopes
                    .iter()
                    .map(|s| Scope {
                        id: standard_id(21),
                        name: s.name.clone(),
                        description: s.description.clone(),
                        created_at: now_ms,
                    })
                    .collect(),
            }
        }));
        store.resources = resources;
        store.roles = seed
            .roles
            .iter()
            .map(|r| Role {
                id: standard_id(21),
                name: r.name.clone(),
                description: r.description.clone(),
                role_type: r.role_type,
                scopes: r
                    .scopes
                    .iter()
                    .flat_map(|(ind, names)| names.iter().map(move |n| (ind.clone(), n.clone())))
                    .collect(),
            })
            .collect();
        let role_ids = |names: &[String], roles: &[Role]| -> Vec<String> {
            names.iter().filter_map(|n| roles.iter().find(|r| &r.name == n).map(|r| r.id.clone())).collect()
        };
        for app in &seed.applications {
            store.applications.insert(
                app.id.clone(),
                Application {
                    id: app.id.clone(),
                    name: app.name.clone(),
                    description: None,
                    app_type: app.app_type,
                    redirect_uris: app.redirect_uris.clone(),
                    post_logout_redirect_uris: app.post_logout_redirect_uris.clone(),
                    secret: app.secret.clone(),
                    role_ids: role_ids(&app.roles, &store.roles),
                    created_at: now_ms,
                },
            );
        }
        let fill = |s: &str| s.replace("{endpoint}", endpoint);
        for (i, u) in seed.users.iter().enumerate() {
            // Seeded users get distinct creation times, in file order, so "newest first" is stable.
            let created = now_ms - (seed.users.len() - i) as i64 * 1000;
            store.users.push(User {
                id: u.id.clone(),
                username: Some(u.username.clone()),
                primary_email: u.primary_email.clone(),
                primary_phone: None,
                name: u.name.clone(),
                avatar: u.avatar.as_deref().map(fill),
                custom_data: u.custom_data.clone().unwrap_or_else(|| serde_json::json!({})),
                password: Some(u.password.clone()),
                created_at: created,
                updated_at: created,
                last_sign_in_at: None,
                application_id: None,
                is_suspended: false,
                role_ids: role_ids(&u.roles, &store.roles),
            });
        }
        store
    }

    /// Saves `user` (disk first, when there is a disk), then inserts or replaces it in memory.
    pub fn put_user(&mut self, db: Option<&Db>, user: User) -> Result<(), PersistError> {
        if let Some(db) = db {
            db.put_user(&user)?;
        }
        upsert(&mut self.users, user, |a, b| a.id == b.id);
        Ok(())
    }

    /// Deletes a user (disk first) and ends their grants. `false` when there was none.
    pub fn remove_user(&mut self, db: Option<&Db>, id: &str) -> Result<bool, PersistError> {
        if self.user(id).is_none() {
            return Ok(false);
        }
        if let Some(db) = db {
            db.remove_user(id)?;
        }
        self.users.retain(|u| u.id != id);
        self.sessions.retain(|_, s| s.account_id != id);
        let grants: Vec<String> = self.grants.values().filter(|g| g.account_id == id).map(|g| g.id.clone()).collect();
        grants.iter().for_each(|g| self.revoke_grant(g));
        Ok(true)
    }

    pub fn put_application(&mut self, db: Option<&Db>, app: Application) -> Result<(), PersistError> {
        if let Some(db) = db {
            db.put_application(&app)?;
        }
        self.applications.insert(app.id.clone(), app);
        Ok(())
    }

    /// Deletes an application (disk first) and ends its grants. `false` when there was none.
    pub fn remove_application(&mut self, db: Option<&Db>, id: &str) -> Result<bool, PersistError> {
        if !self.applications.contains_key(id) {
            return Ok(false);
        }
        if let Some(db) = db {
            db.remove_application(id)?;
        }
        self.applications.remove(id);
        let grants: Vec<String> = self.grants.values().filter(|g| g.client_id == id).map(|g| g.id.clone()).collect();
        grants.iter().for_each(|g| self.revoke_grant(g));
        Ok(true)
    }

    pub fn put_resource(&mut self, db: Option<&Db>, resource: Resource) -> Result<(), PersistError> {
        if let Some(db) = db {
            db.put_resource(&resource)?;
        }
        upsert(&mut self.resources, resource, |a, b| a.id == b.id);
        Ok(())
    }

    pub fn put_role(&mut self, db: Option<&Db>, role: Role) -> Result<(), PersistError> {
        if let Some(db) = db {
            db.put_role(&role)?;
        }
        upsert(&mut self.roles, role, |a, b| a.id == b.id);
        Ok(())
    }

    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn user_mut(&mut self, id: &str) -> Option<&mut User> {
        self.users.iter_mut().find(|u| u.id == id)
    }

    /// Finds a user by username (case-insensitive, as Logto) or primary email.
    pub fn user_by_identifier(&self, identifier: &str) -> Option<&User> {
        let wanted = identifier.trim().to_lowercase();
        self.users.iter().find(|u| {
            u.username.as_deref().map(str::to_lowercase).as_deref() == Some(wanted.as_str())
                || u.primary_email.as_deref().map(str::to_lowercase).as_deref() == Some(wanted.as_str())
        })
    }

    pub fn resource_by_id(&self, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.id == id)
    }

    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }

    /// The scope `scope_id` and the resource holding it.
    pub fn scope_by_id(&self, scope_id: &str) -> Option<(&Resource, &Scope)> {
        self.resources.iter().find_map(|r| r.scopes.iter().find(|s| s.id == scope_id).map(|s| (r, s)))
    }

    pub fn resource(&self, indicator: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.indicator == indicator)
    }

    /// Scope names that `role_ids` hold for the resource `indicator`.
    fn role_scopes(&self, role_ids: &[String], indicator: &str) -> BTreeSet<String> {
        self.roles
            .iter()
            .filter(|r| role_ids.contains(&r.id))
            .flat_map(|r| r.scopes.iter())
            .filter(|(ind, _)| ind == indicator)
            .map(|(_, name)| name.clone())
            .collect()
    }

    /// Scopes a user holds for a resource through their User roles (computed now, at each issuance).
    pub fn user_scopes(&self, user_id: &str, indicator: &str) -> BTreeSet<String> {
        self.user(user_id).map(|u| self.role_scopes(&u.role_ids, indicator)).unwrap_or_default()
    }

    /// Scopes an application holds for a resource through its MachineToMachine roles.
    pub fn app_scopes(&self, app_id: &str, indicator: &str) -> BTreeSet<String> {
        self.applications.get(app_id).map(|a| self.role_scopes(&a.role_ids, indicator)).unwrap_or_default()
    }

    /// Revokes a grant and every code and token issued under it (what Logto does on refresh-token reuse).
    pub fn revoke_grant(&mut self, grant_id: &str) {
        self.grants.remove(grant_id);
        self.codes.retain(|_, c| c.grant_id != grant_id);
        self.refresh_tokens.retain(|_, t| t.grant_id != grant_id);
        self.opaque_tokens.retain(|_, t| t.grant_id != grant_id);
    }

    /// Drops expired interactions, codes and tokens so a long-running emulator does not grow.
    pub fn sweep(&mut self, now_secs: i64) {
        self.interactions.retain(|_, i| i.expires_at > now_secs);
        self.codes.retain(|_, c| c.expires_at > now_secs);
        self.refresh_tokens.retain(|_, t| t.expires_at > now_secs);
        self.opaque_tokens.retain(|_, t| t.expires_at > now_secs);
        self.logouts.retain(|_, l| l.expires_at > now_secs);
        self.sessions.retain(|_, s| s.expires_at > now_secs);
    }

    /// Ends a browser session: it signs nobody in any more, and the grants made in it end too, except
    /// those holding `offline_access`, whose refresh tokens outlive the session (as in Logto).
    pub fn end_session(&mut self, session_id: &str) {
        self.sessions.remove(session_id);
        let ended: Vec<String> = self
            .grants
            .values()
            .filter(|g| g.session_id.as_deref() == Some(session_id))
            .filter(|g| !g.scopes.iter().any(|s| s == "offline_access"))
            .map(|g| g.id.clone())
            .collect();
        ended.iter().for_each(|g| self.revoke_grant(g));
    }
}
