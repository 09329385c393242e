//! The emulator's state on disk (SQLite): the signing keys and every user, application, API resource
//! and role, one JSON row per entity. Writes are synchronous and made before the change is applied in
//! memory and answered, under the store's lock, so an acknowledged write survives a `kill -9` and
//! disk order is memory order. Grants, codes and tokens live in memory only.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::keys::{KeyRing, TenantKey};
use crate::model::{Application, Hook, OrgRole, OrgScope, Organization, Resource, Role, User};
use crate::store::Store;

/// The database could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
#[error("emulator database {path}: {reason}")]
pub struct PersistError {
    /// The database file.
    pub path: String,
    /// SQLite's (or the file system's) reason.
    pub reason: String,
}

/// The emulator's state on disk (SQLite): the signing keys and every Management API entity, one
/// JSON row each, written before the change is answered.
pub struct Db {
    path: String,
    conn: Mutex<Connection>,
}

/// The kinds of entity rows.
const USER: &str = "user";
const APP: &str = "application";
const RESOURCE: &str = "resource";
const ROLE: &str = "role";
const ORG_SCOPE: &str = "organization_scope";
const ORG_ROLE: &str = "organization_role";
const ORGANIZATION: &str = "organization";
const HOOK: &str = "hook";

#[derive(Serialize, Deserialize)]
struct StoredKeys {
    current: String,
    previous: Option<String>,
}

impl Db {
    /// Opens (creating it and its folder when needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Self, PersistError> {
        let shown = path.display().to_string();
        let fail = |e: &dyn std::fmt::Display| PersistError { path: shown.clone(), reason: e.to_string() };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
        }
        let conn = Connection::open(path).map_err(|e| fail(&e))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS entities (
                 seq  INTEGER PRIMARY KEY AUTOINCREMENT,
                 kind TEXT NOT NULL,
                 id   TEXT NOT NULL,
                 json TEXT NOT NULL,
                 UNIQUE (kind, id)
             );",
        )
        .map_err(|e| fail(&e))?;
        Ok(Self { path: shown, conn: Mutex::new(conn) })
    }

    fn error(&self, e: impl std::fmt::Display) -> PersistError {
        PersistError { path: self.path.clone(), reason: e.to_string() }
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The saved keys, if any.
    pub fn load_keys(&self) -> Result<Option<KeyRing>, PersistError> {
        let value: Option<String> = self
            .conn()
            .query_row("SELECT value FROM meta WHERE key = 'keys'", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.error(e))?;
        let Some(value) = value else { return Ok(None) };
        let stored: StoredKeys = serde_json::from_str(&value).map_err(|e| self.error(format!("keys: {e}")))?;
        let current =
            TenantKey::from_secret_b64(&stored.current).map_err(|e| self.error(format!("current key: {e}")))?;
        let previous = stored
            .previous
            .map(|d| TenantKey::from_secret_b64(&d))
            .transpose()
            .map_err(|e| self.error(format!("previous key: {e}")))?;
        Ok(Some(KeyRing::with_previous(current, previous)))
    }

    /// Saves the current and previous signing keys.
    pub fn save_keys(&self, keys: &KeyRing) -> Result<(), PersistError> {
        let stored =
            StoredKeys { current: keys.current().secret_b64(), previous: keys.previous().map(|k| k.secret_b64()) };
        let json = serde_json::to_string(&stored).map_err(|e| self.error(e))?;
        self.conn()
            .execute("INSERT INTO meta (key, value) VALUES ('keys', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [json])
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    fn all<T: DeserializeOwned>(&self, conn: &Connection, kind: &str) -> Result<Vec<T>, PersistError> {
        let mut stmt =
            conn.prepare("SELECT json FROM entities WHERE kind = ?1 ORDER BY seq").map_err(|e| self.error(e))?;
        let rows = stmt.query_map([kind], |r| r.get::<_, String>(0)).map_err(|e| self.error(e))?;
        rows.map(|json| {
            let json = json.map_err(|e| self.error(e))?;
            serde_json::from_str(&json).map_err(|e| self.error(format!("{kind} row: {e}")))
        })
        .collect()
    }

    /// The saved entities, or `None` when the database has never been filled.
    pub fn load_store(&self) -> Result<Option<Store>, PersistError> {
        let conn = self.conn();
        let filled: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'filled'", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.error(e))?;
        if filled.is_none() {
            return Ok(None);
        }
        let mut store = Store {
            users: self.all(&conn, USER)?,
            resources: self.all(&conn, RESOURCE)?,
            roles: self.all(&conn, ROLE)?,
            org_scopes: self.all(&conn, ORG_SCOPE)?,
            org_roles: self.all(&conn, ORG_ROLE)?,
            organizations: self.all(&conn, ORGANIZATION)?,
            hooks: self.all(&conn, HOOK)?,
            ..Store::default()
        };
        for app in self.all::<Application>(&conn, APP)? {
            store.applications.insert(app.id.clone(), app);
        }
        Ok(Some(store))
    }

    fn put(&self, kind: &str, id: &str, value: &impl Serialize) -> Result<(), PersistError> {
        let json = serde_json::to_string(value).map_err(|e| self.error(e))?;
        self.conn()
            .execute(
                "INSERT INTO entities (kind, id, json) VALUES (?1, ?2, ?3)
                 ON CONFLICT (kind, id) DO UPDATE SET json = excluded.json",
                params![kind, id, json],
            )
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    fn remove(&self, kind: &str, id: &str) -> Result<(), PersistError> {
        self.conn()
            .execute("DELETE FROM entities WHERE kind = ?1 AND id = ?2", params![kind, id])
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    /// Writes an user (inserted or replaced).
    pub fn put_user(&self, user: &User) -> Result<(), PersistError> {
        self.put(USER, &user.id, user)
    }

    /// Deletes the user `id`.
    pub fn remove_user(&self, id: &str) -> Result<(), PersistError> {
        self.remove(USER, id)
    }

    /// Writes an application (inserted or replaced).
    pub fn put_application(&self, app: &Application) -> Result<(), PersistError> {
        self.put(APP, &app.id, app)
    }

    /// Deletes the application `id`.
    pub fn remove_application(&self, id: &str) -> Result<(), PersistError> {
        self.remove(APP, id)
    }

    /// Writes a resource (inserted or replaced).
    pub fn put_resource(&self, resource: &Resource) -> Result<(), PersistError> {
        self.put(RESOURCE, &resource.id, resource)
    }

    /// Writes a role (inserted or replaced).
    pub fn put_role(&self, role: &Role) -> Result<(), PersistError> {
        self.put(ROLE, &role.id, role)
    }

    /// Writes an organization scope (inserted or replaced).
    pub fn put_org_scope(&self, scope: &OrgScope) -> Result<(), PersistError> {
        self.put(ORG_SCOPE, &scope.id, scope)
    }

    /// Deletes the organization scope `id`.
    pub fn remove_org_scope(&self, id: &str) -> Result<(), PersistError> {
        self.remove(ORG_SCOPE, id)
    }

    /// Writes an organization role (inserted or replaced).
    pub fn put_org_role(&self, role: &OrgRole) -> Result<(), PersistError> {
        self.put(ORG_ROLE, &role.id, role)
    }

    /// Deletes the organization role `id`.
    pub fn remove_org_role(&self, id: &str) -> Result<(), PersistError> {
        self.remove(ORG_ROLE, id)
    }

    /// Writes an organization (inserted or replaced).
    pub fn put_organization(&self, org: &Organization) -> Result<(), PersistError> {
        self.put(ORGANIZATION, &org.id, org)
    }

    /// Deletes the organization `id`.
    pub fn remove_organization(&self, id: &str) -> Result<(), PersistError> {
        self.remove(ORGANIZATION, id)
    }

    /// Writes a hook (inserted or replaced).
    pub fn put_hook(&self, hook: &Hook) -> Result<(), PersistError> {
        self.put(HOOK, &hook.id, hook)
    }

    /// Deletes the hook `id`.
    pub fn remove_hook(&self, id: &str) -> Result<(), PersistError> {
        self.remove(HOOK, id)
    }

    /// Replaces every entity with `store`'s, in one transaction (first fill and resets).
    pub fn replace_all(&self, store: &Store) -> Result<(), PersistError> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.error(e))?;
        tx.execute("DELETE FROM entities", []).map_err(|e| self.error(e))?;
        let put = |kind: &str, id: &str, json: String| {
            tx.execute("INSERT INTO entities (kind, id, json) VALUES (?1, ?2, ?3)", params![kind, id, json]).map(|_| ())
        };
        let rows = store
            .users
            .iter()
            .map(|u| (USER, u.id.as_str(), serde_json::to_string(u)))
            .chain(store.applications.values().map(|a| (APP, a.id.as_str(), serde_json::to_string(a))))
            .chain(store.resources.iter().map(|r| (RESOURCE, r.id.as_str(), serde_json::to_string(r))))
            .chain(store.roles.iter().map(|r| (ROLE, r.id.as_str(), serde_json::to_string(r))))
            .chain(store.org_scopes.iter().map(|s| (ORG_SCOPE, s.id.as_str(), serde_json::to_string(s))))
            .chain(store.org_roles.iter().map(|r| (ORG_ROLE, r.id.as_str(), serde_json::to_string(r))))
            .chain(store.organizations.iter().map(|o| (ORGANIZATION, o.id.as_str(), serde_json::to_string(o))))
            .chain(store.hooks.iter().map(|h| (HOOK, h.id.as_str(), serde_json::to_string(h))));
        for (kind, id, json) in rows {
            put(kind, id, json.map_err(|e| self.error(e))?).map_err(|e| self.error(e))?;
        }
        tx.execute("INSERT INTO meta (key, value) VALUES ('filled', '1') ON CONFLICT (key) DO NOTHING", [])
            .map_err(|e| self.error(e))?;
        tx.commit().map_err(|e| self.error(e))
    }
}

// The round trip of every kind of entity is tested in tests/persistence.rs, with a seed that has
// them all.
