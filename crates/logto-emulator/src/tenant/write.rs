//! `Write`: how every change to the persisted entities is made, one writer at a time.
//!
//! A write holds the writer lock for its whole length, so what it read while validating cannot
//! change under it, and disk order is memory order. It saves each change (the fsync) while readers
//! go on reading the store, then applies it in memory under the store's exclusive lock for an
//! instant. So `/oidc/token`, the sign-in page and the Management API's reads are never held up by
//! a write waiting on the disk. `Write::read` borrows the write: the borrow checker refuses a
//! change while a view of the store is still held (which would deadlock on the exclusive lock).

use std::sync::{MutexGuard, RwLockReadGuard, RwLockWriteGuard};

use super::Tenant;
use crate::model::{Application, Hook, Invitation, OrgRole, OrgScope, Organization, PersonalAccessToken, User};
use crate::persist::{Db, Entity, PersistError};
use crate::store::Store;

/// A write in progress (see the module's text). Made by `Tenant::write`.
pub(super) struct Write<'a> {
    tenant: &'a Tenant,
    _writer: MutexGuard<'a, ()>,
}

impl<'a> Write<'a> {
    pub(super) fn new(tenant: &'a Tenant, writer: MutexGuard<'a, ()>) -> Self {
        Self { tenant, _writer: writer }
    }

    /// The store as it is, for validating and building the change. Drop it before the change.
    pub(super) fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.tenant.store.read().unwrap_or_else(|p| p.into_inner())
    }

    fn apply(&self) -> RwLockWriteGuard<'_, Store> {
        self.tenant.store.write().unwrap_or_else(|p| p.into_inner())
    }

    fn db(&self) -> Option<&Db> {
        self.tenant.db.as_ref()
    }

    /// Saves `entity` (disk first, when there is a disk), then inserts or replaces it in memory.
    pub(super) fn put<E: Entity>(&mut self, entity: E) -> Result<(), PersistError> {
        let events = E::events(E::find_in(&self.read(), entity.id()), &entity);
        if let Some(db) = self.db() {
            db.put(&entity)?;
        }
        entity.insert_into(&mut self.apply());
        events.into_iter().for_each(crate::events::record);
        Ok(())
    }

    /// Deletes the entity of kind `E` with `id` (disk first). `false` when there was none.
    pub(super) fn delete<E: Entity>(&mut self, id: &str) -> Result<bool, PersistError> {
        if E::find_in(&self.read(), id).is_none() {
            return Ok(false);
        }
        if let Some(db) = self.db() {
            db.remove::<E>(id)?;
        }
        E::remove_from(&mut self.apply(), id);
        Ok(true)
    }

    /// Replaces every entity (a reset to the seed), on disk first.
    pub(super) fn replace_all(&mut self, store: Store) -> Result<(), PersistError> {
        if let Some(db) = self.db() {
            db.replace_all(&store)?;
        }
        *self.apply() = store;
        Ok(())
    }

    /// Deletes a user, out of every organization first. `false` when there was none. Their
    /// sessions and grants are the caller's to end (`Artefacts::end_account`).
    pub(super) fn remove_user(&mut self, id: &str) -> Result<bool, PersistError> {
        let Some(user) = self.read().user(id).cloned() else { return Ok(false) };
        self.leave_organizations(id)?;
        let tokens: Vec<String> =
            self.read().personal_access_tokens.iter().filter(|t| t.user_id == id).map(|t| t.id.clone()).collect();
        for token in tokens {
            self.delete::<PersonalAccessToken>(&token)?;
        }
        let deleted = self.delete::<User>(id)?;
        crate::events::record(crate::events::Event::UserDeleted { user: Box::new(user) });
        Ok(deleted)
    }

    /// Deletes an application, out of every organization first. `false` when there was none.
    pub(super) fn remove_application(&mut self, id: &str) -> Result<bool, PersistError> {
        if !self.read().applications.contains_key(id) {
            return Ok(false);
        }
        self.leave_organizations(id)?;
        self.delete::<Application>(id)
    }

    /// Deletes an organization scope, taken out of every role first. `false` when there was none.
    pub(super) fn remove_org_scope(&mut self, id: &str) -> Result<bool, PersistError> {
        let holders: Vec<OrgRole> =
            self.read().org_roles.iter().filter(|r| r.scope_ids.iter().any(|s| s == id)).cloned().collect();
        if self.read().org_scope(id).is_none() {
            return Ok(false);
        }
        for mut role in holders {
            role.scope_ids.retain(|s| s != id);
            self.put(role)?;
        }
        self.delete::<OrgScope>(id)
    }

    /// Deletes an organization role, taken from every member and application first. `false` when
    /// there was none.
    pub(super) fn remove_org_role(&mut self, id: &str) -> Result<bool, PersistError> {
        if self.read().org_role(id).is_none() {
            return Ok(false);
        }
        let holders: Vec<Organization> = self
            .read()
            .organizations
            .iter()
            .filter(|o| {
                o.jit_role_ids.iter().any(|r| r == id)
                    || o.members.iter().chain(&o.applications).any(|m| m.role_ids.iter().any(|r| r == id))
            })
            .cloned()
            .collect();
        for mut org in holders {
            org.members.iter_mut().chain(org.applications.iter_mut()).for_each(|m| m.role_ids.retain(|r| r != id));
            org.jit_role_ids.retain(|r| r != id);
            self.put(org)?;
        }
        let invitations: Vec<Invitation> =
            self.read().invitations.iter().filter(|i| i.role_ids.iter().any(|r| r == id)).cloned().collect();
        for mut invitation in invitations {
            invitation.role_ids.retain(|r| r != id);
            self.put(invitation)?;
        }
        self.delete::<OrgRole>(id)
    }

    /// Deletes an organization and its invitations. `false` when there was none.
    pub(super) fn remove_organization(&mut self, id: &str) -> Result<bool, PersistError> {
        if self.read().organization(id).is_none() {
            return Ok(false);
        }
        let invitations: Vec<String> =
            self.read().invitations.iter().filter(|i| i.organization_id == id).map(|i| i.id.clone()).collect();
        for invitation in invitations {
            self.delete::<Invitation>(&invitation)?;
        }
        self.delete::<Organization>(id)
    }

    /// Deletes a hook. `false` when there was none.
    pub(super) fn remove_hook(&mut self, id: &str) -> Result<bool, PersistError> {
        self.delete::<Hook>(id)
    }

    /// Takes a deleted user or application out of every organization.
    fn leave_organizations(&mut self, id: &str) -> Result<(), PersistError> {
        let joined: Vec<Organization> = self
            .read()
            .organizations
            .iter()
            .filter(|o| o.member(id).is_some() || o.application(id).is_some())
            .cloned()
            .collect();
        for mut org in joined {
            org.members.retain(|m| m.id != id);
            org.applications.retain(|m| m.id != id);
            self.put(org)?;
        }
        Ok(())
    }
}
