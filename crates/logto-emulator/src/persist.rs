//! The emulator's state on disk (SQLite): the signing keys and every user, application, API resource
//! and role, one JSON row per entity. Writes are synchronous and made before the change is applied in
//! memory and answered, under the store's lock, so an acknowledged write survives a `kill -9` and
//! disk order is memory order. Grants, codes and tokens live in memory only.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::keys::{KeyRing, TenantKey};
use crate::model::{
    Application, Hook, Invitation, OrgRole, OrgScope, Organization, OutboxMessage, PersonalAccessToken, Resource, Role,
    SignInExperience, SsoConnector, User,
};
use crate::store::Store;

/// The database could not be opened, read or written; the cause is kept as the error's source.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    /// Its folder could not be made.
    #[error("emulator database {path}: cannot create its folder")]
    Folder {
        /// The database file.
        path: String,
        /// The file system's error.
        #[source]
        source: std::io::Error,
    },
    /// SQLite refused.
    #[error("emulator database {path}: SQLite failed")]
    Sqlite {
        /// The database file.
        path: String,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A row is not the JSON of its kind, or a value could not be written as JSON.
    #[error("emulator database {path}: a {kind} row is not readable")]
    Json {
        /// The database file.
        path: String,
        /// The kind of row (`user`, `keys`, …).
        kind: &'static str,
        /// serde_json's error.
        #[source]
        source: serde_json::Error,
    },
    /// A saved signing key is not a P-384 secret key.
    #[error("emulator database {path}: the saved {which} signing key is not readable ({reason})")]
    Key {
        /// The database file.
        path: String,
        /// `current` or `previous`.
        which: &'static str,
        /// Why (the key's own text).
        reason: String,
    },
}

/// The emulator's state on disk (SQLite): the signing keys and every Management API entity, one
/// JSON row each, written before the change is answered.
pub struct Db {
    path: String,
    conn: Mutex<Connection>,
}

/// A kind of entity kept on disk: one row per entity, keyed by its kind and id, holding its JSON.
/// One generic write path ([`Db::put`], [`Db::remove`], the tenant's write) serves every kind.
pub trait Entity: Serialize + DeserializeOwned + Sized {
    /// The `kind` column of its rows.
    const KIND: &'static str;
    /// Its id.
    fn id(&self) -> &str;
    /// Inserts it into `store`, or replaces the one with its id.
    fn insert_into(self, store: &mut Store);
    /// The one with `id` in `store`.
    fn find_in<'s>(store: &'s Store, id: &str) -> Option<&'s Self>;
    /// Takes the one with `id` out of `store`.
    fn remove_from(store: &mut Store, id: &str);
    /// What replacing `old` (or nothing) with `new` changes, as domain events (none by default).
    fn events(_old: Option<&Self>, _new: &Self) -> Vec<crate::events::Event> {
        vec![]
    }
}

macro_rules! entity_in_vec {
    ($($ty:ty => $kind:literal, $field:ident;)*) => {$(
        impl Entity for $ty {
            const KIND: &'static str = $kind;
            fn id(&self) -> &str {
                &self.id
            }
            fn insert_into(self, store: &mut Store) {
                match store.$field.iter_mut().find(|x| x.id == self.id) {
                    Some(slot) => *slot = self,
                    None => store.$field.push(self),
                }
            }
            fn find_in<'s>(store: &'s Store, id: &str) -> Option<&'s Self> {
                store.$field.iter().find(|x| x.id == id)
            }
            fn remove_from(store: &mut Store, id: &str) {
                store.$field.retain(|x| x.id != id);
            }
        }
    )*};
}

entity_in_vec! {
    User => "user", users;
    Resource => "resource", resources;
    Role => "role", roles;
    OrgScope => "organization_scope", org_scopes;
    OrgRole => "organization_role", org_roles;
    Hook => "hook", hooks;
    Invitation => "organization_invitation", invitations;
    OutboxMessage => "outbox_message", outbox;
    PersonalAccessToken => "personal_access_token", personal_access_tokens;
    SsoConnector => "sso_connector", sso_connectors;
}

impl Entity for SignInExperience {
    const KIND: &'static str = "sign_in_experience";
    fn id(&self) -> &str {
        &self.id
    }
    fn insert_into(self, store: &mut Store) {
        store.sign_in_experience = Some(self);
    }
    fn find_in<'s>(store: &'s Store, id: &str) -> Option<&'s Self> {
        store.sign_in_experience.as_ref().filter(|s| s.id == id)
    }
    fn remove_from(store: &mut Store, _id: &str) {
        store.sign_in_experience = None;
    }
}

impl Entity for Organization {
    const KIND: &'static str = "organization";
    fn id(&self) -> &str {
        &self.id
    }
    fn insert_into(self, store: &mut Store) {
        match store.organizations.iter_mut().find(|x| x.id == self.id) {
            Some(slot) => *slot = self,
            None => store.organizations.push(self),
        }
    }
    fn find_in<'s>(store: &'s Store, id: &str) -> Option<&'s Self> {
        store.organizations.iter().find(|x| x.id == id)
    }
    fn remove_from(store: &mut Store, id: &str) {
        store.organizations.retain(|x| x.id != id);
    }
    /// Who joined and who left, when anyone did.
    fn events(old: Option<&Self>, new: &Self) -> Vec<crate::events::Event> {
        let ids = |members: &[crate::model::OrgMember]| members.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
        let (users_before, apps_before) = old.map(|o| (ids(&o.members), ids(&o.applications))).unwrap_or_default();
        let (added_user_ids, removed_user_ids) = crate::events::delta(&users_before, &ids(&new.members));
        let (added_application_ids, removed_application_ids) =
            crate::events::delta(&apps_before, &ids(&new.applications));
        if added_user_ids.is_empty()
            && removed_user_ids.is_empty()
            && added_application_ids.is_empty()
            && removed_application_ids.is_empty()
        {
            return vec![];
        }
        vec![crate::events::Event::OrganizationMembershipUpdated {
            organization_id: new.id.clone(),
            added_user_ids,
            removed_user_ids,
            added_application_ids,
            removed_application_ids,
        }]
    }
}

impl Entity for Application {
    const KIND: &'static str = "application";
    fn id(&self) -> &str {
        &self.id
    }
    fn insert_into(self, store: &mut Store) {
        store.applications.insert(self.id.clone(), self);
    }
    fn find_in<'s>(store: &'s Store, id: &str) -> Option<&'s Self> {
        store.applications.get(id)
    }
    fn remove_from(store: &mut Store, id: &str) {
        store.applications.remove(id);
    }
}

#[derive(Serialize, Deserialize)]
struct StoredKeys {
    current: String,
    previous: Option<String>,
}

impl Db {
    /// Opens (creating it and its folder when needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Self, PersistError> {
        let shown = path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| PersistError::Folder { path: shown.clone(), source })?;
        }
        let sqlite = |source| PersistError::Sqlite { path: shown.clone(), source };
        let conn = Connection::open(path).map_err(sqlite)?;
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
        .map_err(sqlite)?;
        Ok(Self { path: shown, conn: Mutex::new(conn) })
    }

    fn sqlite(&self, source: rusqlite::Error) -> PersistError {
        PersistError::Sqlite { path: self.path.clone(), source }
    }

    fn json(&self, kind: &'static str, source: serde_json::Error) -> PersistError {
        PersistError::Json { path: self.path.clone(), kind, source }
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
            .map_err(|e| self.sqlite(e))?;
        let Some(value) = value else { return Ok(None) };
        let stored: StoredKeys = serde_json::from_str(&value).map_err(|e| self.json("keys", e))?;
        let key = |which: &'static str, secret: &str| {
            TenantKey::from_secret_b64(secret).map_err(|reason| PersistError::Key {
                path: self.path.clone(),
                which,
                reason,
            })
        };
        let current = key("current", &stored.current)?;
        let previous = stored.previous.map(|d| key("previous", &d)).transpose()?;
        Ok(Some(KeyRing::with_previous(current, previous)))
    }

    /// Saves the current and previous signing keys.
    pub fn save_keys(&self, keys: &KeyRing) -> Result<(), PersistError> {
        let stored =
            StoredKeys { current: keys.current().secret_b64(), previous: keys.previous().map(|k| k.secret_b64()) };
        let json = serde_json::to_string(&stored).map_err(|e| self.json("keys", e))?;
        self.conn()
            .execute("INSERT INTO meta (key, value) VALUES ('keys', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [json])
            .map(|_| ())
            .map_err(|e| self.sqlite(e))
    }

    /// Every saved entity of kind `E`, oldest first, into `store`.
    fn load_into<E: Entity>(&self, conn: &Connection, store: &mut Store) -> Result<(), PersistError> {
        let mut stmt =
            conn.prepare("SELECT json FROM entities WHERE kind = ?1 ORDER BY seq").map_err(|e| self.sqlite(e))?;
        let rows = stmt.query_map([E::KIND], |r| r.get::<_, String>(0)).map_err(|e| self.sqlite(e))?;
        for json in rows {
            let json = json.map_err(|e| self.sqlite(e))?;
            let entity: E = serde_json::from_str(&json).map_err(|e| self.json(E::KIND, e))?;
            entity.insert_into(store);
        }
        Ok(())
    }

    /// The saved entities, or `None` when the database has never been filled.
    pub fn load_store(&self) -> Result<Option<Store>, PersistError> {
        let conn = self.conn();
        let filled: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'filled'", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.sqlite(e))?;
        if filled.is_none() {
            return Ok(None);
        }
        let mut store = Store::default();
        self.load_into::<User>(&conn, &mut store)?;
        self.load_into::<Application>(&conn, &mut store)?;
        self.load_into::<Resource>(&conn, &mut store)?;
        self.load_into::<Role>(&conn, &mut store)?;
        self.load_into::<OrgScope>(&conn, &mut store)?;
        self.load_into::<OrgRole>(&conn, &mut store)?;
        self.load_into::<Organization>(&conn, &mut store)?;
        self.load_into::<Hook>(&conn, &mut store)?;
        self.load_into::<Invitation>(&conn, &mut store)?;
        self.load_into::<OutboxMessage>(&conn, &mut store)?;
        self.load_into::<PersonalAccessToken>(&conn, &mut store)?;
        self.load_into::<SsoConnector>(&conn, &mut store)?;
        self.load_into::<SignInExperience>(&conn, &mut store)?;
        Ok(Some(store))
    }

    /// Writes `entity` (inserted or replaced).
    pub fn put<E: Entity>(&self, entity: &E) -> Result<(), PersistError> {
        let json = serde_json::to_string(entity).map_err(|e| self.json(E::KIND, e))?;
        self.conn()
            .execute(
                "INSERT INTO entities (kind, id, json) VALUES (?1, ?2, ?3)
                 ON CONFLICT (kind, id) DO UPDATE SET json = excluded.json",
                params![E::KIND, entity.id(), json],
            )
            .map(|_| ())
            .map_err(|e| self.sqlite(e))
    }

    /// Deletes the entity of kind `E` with `id`.
    pub fn remove<E: Entity>(&self, id: &str) -> Result<(), PersistError> {
        self.conn()
            .execute("DELETE FROM entities WHERE kind = ?1 AND id = ?2", params![E::KIND, id])
            .map(|_| ())
            .map_err(|e| self.sqlite(e))
    }

    /// Replaces every entity with `store`'s, in one transaction (first fill and resets).
    pub fn replace_all(&self, store: &Store) -> Result<(), PersistError> {
        fn rows<'a, E: Entity + 'a>(
            items: impl Iterator<Item = &'a E> + 'a,
        ) -> impl Iterator<Item = (&'static str, &'a str, Result<String, serde_json::Error>)> + 'a {
            items.map(|e| (E::KIND, e.id(), serde_json::to_string(e)))
        }
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.sqlite(e))?;
        tx.execute("DELETE FROM entities", []).map_err(|e| self.sqlite(e))?;
        let all = rows(store.users.iter())
            .chain(rows(store.applications.values()))
            .chain(rows(store.resources.iter()))
            .chain(rows(store.roles.iter()))
            .chain(rows(store.org_scopes.iter()))
            .chain(rows(store.org_roles.iter()))
            .chain(rows(store.organizations.iter()))
            .chain(rows(store.hooks.iter()))
            .chain(rows(store.invitations.iter()))
            .chain(rows(store.outbox.iter()))
            .chain(rows(store.personal_access_tokens.iter()))
            .chain(rows(store.sso_connectors.iter()))
            .chain(rows(store.sign_in_experience.iter()));
        for (kind, id, json) in all {
            let json = json.map_err(|e| self.json(kind, e))?;
            tx.execute("INSERT INTO entities (kind, id, json) VALUES (?1, ?2, ?3)", params![kind, id, json])
                .map_err(|e| self.sqlite(e))?;
        }
        tx.execute("INSERT INTO meta (key, value) VALUES ('filled', '1') ON CONFLICT (key) DO NOTHING", [])
            .map_err(|e| self.sqlite(e))?;
        tx.commit().map_err(|e| self.sqlite(e))
    }
}

// The round trip of every kind of entity is tested in tests/persistence.rs, with a seed that has
// them all.
