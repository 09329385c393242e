//! The tenant: the emulator's whole state, behind private fields, changed only through its
//! operations. Handlers parse a request, call one operation, and render what it returns; none of
//! them takes a lock or reaches the database.
//!
//! - Persisted entities (users, applications, resources, roles, organizations, hooks,
//!   invitations, the outbox) sit in a [`Store`], read by many at once through [`Tenant::read`]
//!   (a closure over a consistent view: no guard escapes, so none is held across an `.await`) and
//!   changed by one writer at a time (`write`): each change is saved (`persist`, SQLite) before it
//!   is applied, the fsync made while readers go on.
//! - The OIDC provider's artefacts (interactions, grants, codes, tokens, browser sessions) are in
//!   memory behind a lock of their own (`artefacts`), so a Management API write waiting on its
//!   fsync does not stall `/oidc/token`.
//! - The operations, one file per area: `users`, `applications`, `resources`, `roles`,
//!   `organizations` (organizations and their template), `members`, `invitations`,
//!   `hooks`, `outbox`, `oidc` (sign-in, codes, refresh tokens, sessions, revocation, pushed requests), `device`
//!   (the device authorization grant), `signup`
//!   (accounts made on the sign-in page, their email code through the outbox), `signed_in`
//!   (who is signed in where, as the console lists it: grants, refresh tokens, sessions).
//!   Each validates, changes, persists and cascades as one unit under the writer lock, and the
//!   domain events it causes ([`crate::events::Event`]) are recorded as it applies them.

mod applications;
mod artefacts;
mod device;
mod exchange;
mod experience;
mod grants;
mod hooks;
mod invitations;
mod jit;
mod members;
mod oidc;
mod organizations;
mod outbox;
mod personal_access_tokens;
mod resources;
mod roles;
mod sign_in_experience;
mod signed_in;
mod signup;
mod sso_connectors;
mod users;
mod write;

use std::sync::{Arc, Mutex, MutexGuard, RwLock};

pub use applications::{not_machine_to_machine, ApplicationPatch, ConsentScopeKind, NewApplication, USER_SCOPES};
pub use device::{normalize_user_code, DevicePoll, DEVICE_CODE_TTL};
pub use exchange::SUBJECT_TOKEN_TTL;
pub use experience::{ExperienceProgress, Identified, Resume};
pub use grants::GrantsRevoked;
pub use hooks::{HookPatch, NewHook};
pub use invitations::{InvitationStatusChange, NewInvitation};
pub use members::Side;
pub use oidc::{Introspection, Rotation, SignIn, SignInRefused};
pub use organizations::{OrgRoleFields, OrganizationFields, RoleScopes, ScopeFields};
pub use resources::{NewResource, NewScope, ResourcePatch};
pub use roles::{NewRole, RolePatch};
pub use signed_in::{GrantSummary, RefreshSummary, SessionSummary};
pub use signup::{check_password, SignUpRefused};
pub use sso_connectors::{connector_not_found, SsoConnectorFields};
pub use users::{NewUser, UserPatch};

use crate::keys::{KeyRing, TenantKey};
use crate::persist::{Db, PersistError};
use crate::store::Store;
use artefacts::Artefacts;
use write::Write;

/// The emulator's state (see the module's text). Made by [`crate::Emulator`].
pub struct Tenant {
    /// The signing keys: read at every token, replaced at a rotation.
    keys: RwLock<KeyRing>,
    store: RwLock<Store>,
    /// Held by the write in progress.
    writer: Mutex<()>,
    artefacts: Mutex<Artefacts>,
    db: Option<Db>,
    /// Whether emails can be sent (the seed's `outbox`); without, Logto's "no email connector".
    outbox: bool,
}

impl std::fmt::Debug for Tenant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tenant").field("on_disk", &self.db.is_some()).field("outbox", &self.outbox).finish()
    }
}

impl Tenant {
    /// A tenant signing with `keys`, holding `store`, saving its changes to `db` (`None`: in memory only).
    pub fn new(keys: KeyRing, store: Store, db: Option<Db>, outbox: bool) -> Self {
        Self {
            keys: RwLock::new(keys),
            store: RwLock::new(store),
            writer: Mutex::new(()),
            artefacts: Mutex::new(Artefacts::default()),
            db,
            outbox,
        }
    }

    /// Answers `query` from a consistent view of the persisted entities. The view lasts as long as
    /// the closure: it cannot be kept, nor held across an `.await`. A poisoned lock (a panic
    /// mid-update) still yields the data: every update is one entity put or removed.
    pub fn read<R>(&self, query: impl FnOnce(&Store) -> R) -> R {
        query(&self.store.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// Changes the entities in memory without saving them or firing anything: for tests that set
    /// up a state no API reaches.
    #[doc(hidden)]
    pub fn change_in_memory<R>(&self, change: impl FnOnce(&mut Store) -> R) -> R {
        change(&mut self.store.write().unwrap_or_else(|p| p.into_inner()))
    }

    /// Whether the tenant can send emails (see [`crate::outbox`]).
    pub fn can_send_email(&self) -> bool {
        self.outbox
    }

    /// Replaces every entity (a reset to the seed), on disk first, and ends every session, grant
    /// and token.
    pub fn reset(&self, store: Store) -> Result<(), PersistError> {
        self.write().replace_all(store)?;
        *self.artefacts() = Artefacts::default();
        Ok(())
    }

    /// The Current signing key.
    pub fn signing_key(&self) -> Arc<TenantKey> {
        self.keys.read().unwrap_or_else(|p| p.into_inner()).current()
    }

    /// The key named `kid` (Current or Previous).
    pub fn key_for(&self, kid: &str) -> Option<Arc<TenantKey>> {
        self.keys.read().unwrap_or_else(|p| p.into_inner()).find(kid)
    }

    /// The JWKS: the current key, then the previous one after a rotation.
    pub fn jwks(&self) -> serde_json::Value {
        self.keys.read().unwrap_or_else(|p| p.into_inner()).jwks()
    }

    /// Rotates the signing key, saved before it is used, and returns the new `kid`. The old key
    /// stays in the JWKS as Previous.
    pub fn rotate_key(&self) -> Result<String, PersistError> {
        let mut keys = self.keys.write().unwrap_or_else(|p| p.into_inner());
        let mut next = KeyRing::with_previous_arc(keys.current(), None);
        next.rotate();
        if let Some(db) = &self.db {
            db.save_keys(&next)?;
        }
        *keys = next;
        Ok(keys.current().kid().to_string())
    }

    /// The write in progress: the writer lock, held until it is dropped (see `write`).
    fn write(&self) -> Write<'_> {
        Write::new(self, self.writer.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// The OIDC artefacts, locked. Never held while taking the writer lock or the store's.
    fn artefacts(&self) -> MutexGuard<'_, Artefacts> {
        self.artefacts.lock().unwrap_or_else(|p| p.into_inner())
    }
}
