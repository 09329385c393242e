//! Organization membership: users and machine-to-machine applications joining and leaving, and
//! their organization roles. One code path for both sides ([`Side`]); the membership event comes
//! from the write (see `crate::events`).

use super::Tenant;
use crate::error::ApiError;
use crate::model::{AppType, OrgMember, Organization, RoleType};
use crate::store::Store;

/// Users or machine-to-machine applications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Side {
    /// Users.
    Users,
    /// Machine-to-machine applications.
    Applications,
}

impl Side {
    /// The type of organization role this side may hold.
    pub fn role_type(self) -> RoleType {
        match self {
            Side::Users => RoleType::User,
            Side::Applications => RoleType::MachineToMachine,
        }
    }

    /// This side's members of `org`.
    pub fn of(self, org: &Organization) -> &Vec<OrgMember> {
        match self {
            Side::Users => &org.members,
            Side::Applications => &org.applications,
        }
    }

    fn of_mut(self, org: &mut Organization) -> &mut Vec<OrgMember> {
        match self {
            Side::Users => &mut org.members,
            Side::Applications => &mut org.applications,
        }
    }

    /// Whether `id` may join: an existing user, or an existing machine-to-machine application.
    fn check_joiner(self, store: &Store, id: &str) -> Result<(), ApiError> {
        match self {
            Side::Users if store.user(id).is_some() => Ok(()),
            Side::Applications => match store.applications.get(id) {
                Some(app) if app.app_type == AppType::MachineToMachine => Ok(()),
                Some(_) => Err(ApiError::db_constraint()),
                None => Err(ApiError::foreign_key_not_found()),
            },
            Side::Users => Err(ApiError::foreign_key_not_found()),
        }
    }

    /// A role write on someone outside the organization.
    /// Logto's membership check in front of every `…/{users|applications}/{id}/roles` route
    /// (`routes/organization/{user,application}/role-relations.ts`), an unknown organization
    /// included.
    pub fn not_in(self) -> ApiError {
        ApiError::unprocessable(
            "organization.require_membership",
            "The user must be a member of the organization to proceed.",
        )
    }
}

impl Tenant {
    /// Adds (members already in stay) or, with `replace`, sets an organization's users or
    /// applications. 422 for an unknown organization or joiner.
    pub fn add_members(&self, org_id: &str, side: Side, ids: &[String], replace: bool) -> Result<(), ApiError> {
        let mut write = self.write();
        let mut org = {
            let store = write.read();
            let org = store.organization(org_id).cloned().ok_or_else(ApiError::foreign_key_not_found)?;
            for joiner in ids {
                side.check_joiner(&store, joiner)?;
            }
            org
        };
        let members = side.of_mut(&mut org);
        if replace {
            members.retain(|m| ids.contains(&m.id));
        }
        for joiner in ids {
            if !members.iter().any(|m| &m.id == joiner) {
                members.push(OrgMember { id: joiner.clone(), role_ids: vec![] });
            }
        }
        write.put(org)?;
        Ok(())
    }

    /// Takes a user or application out of an organization; 404 when either is unknown.
    pub fn remove_member(&self, org_id: &str, side: Side, who: &str) -> Result<(), ApiError> {
        let mut write = self.write();
        let mut org = write.read().organization(org_id).cloned().ok_or_else(ApiError::not_found)?;
        let members = side.of_mut(&mut org);
        if !members.iter().any(|m| m.id == who) {
            return Err(ApiError::not_found());
        }
        members.retain(|m| m.id != who);
        write.put(org)?;
        Ok(())
    }

    /// Adds or, with `replace`, sets a member's organization roles.
    pub fn set_member_roles(
        &self,
        org_id: &str,
        side: Side,
        who: &str,
        role_ids: &[String],
        replace: bool,
    ) -> Result<(), ApiError> {
        let mut write = self.write();
        let mut org = {
            let store = write.read();
            let org = store.organization(org_id).cloned().ok_or_else(|| side.not_in())?;
            if !side.of(&org).iter().any(|m| m.id == who) {
                return Err(side.not_in());
            }
            for role_id in role_ids {
                match store.org_role(role_id) {
                    None => return Err(ApiError::foreign_key_not_found()),
                    Some(role) if role.role_type != side.role_type() => return Err(ApiError::db_constraint()),
                    Some(_) => {}
                }
            }
            org
        };
        if let Some(member) = side.of_mut(&mut org).iter_mut().find(|m| m.id == who) {
            if replace {
                member.role_ids.clear();
            }
            for role_id in role_ids {
                if !member.role_ids.contains(role_id) {
                    member.role_ids.push(role_id.clone());
                }
            }
        }
        write.put(org)?;
        Ok(())
    }

    /// Takes one organization role from a member; 404 when the organization is unknown or the
    /// member does not hold it.
    pub fn remove_member_role(&self, org_id: &str, side: Side, who: &str, role_id: &str) -> Result<(), ApiError> {
        let mut write = self.write();
        let mut org = write.read().organization(org_id).cloned().ok_or_else(|| side.not_in())?;
        let member = side.of_mut(&mut org).iter_mut().find(|m| m.id == who).ok_or_else(|| side.not_in())?;
        if !member.role_ids.iter().any(|r| r == role_id) {
            return Err(ApiError::not_found());
        }
        member.role_ids.retain(|r| r != role_id);
        write.put(org)?;
        Ok(())
    }

    /// Gives every listed member every listed role (roles held stay); 422 for a non-member or an
    /// unknown role (Logto's `entity.relation_foreign_key_not_found`).
    pub fn add_members_roles(
        &self,
        org_id: &str,
        side: Side,
        member_ids: &[String],
        role_ids: &[String],
    ) -> Result<(), ApiError> {
        let mut write = self.write();
        let mut org = {
            let store = write.read();
            let org = store.organization(org_id).cloned().ok_or_else(ApiError::foreign_key_not_found)?;
            let roles_known = role_ids.iter().all(|r| store.org_role(r).is_some());
            let members_known = member_ids.iter().all(|u| side.of(&org).iter().any(|m| &m.id == u));
            if !roles_known || !members_known {
                return Err(ApiError::foreign_key_not_found());
            }
            // The `organization_role_*_relations` triggers: a role of the other side's type.
            if role_ids.iter().filter_map(|r| store.org_role(r)).any(|r| r.role_type != side.role_type()) {
                return Err(ApiError::db_constraint());
            }
            org
        };
        for member in side.of_mut(&mut org).iter_mut().filter(|m| member_ids.contains(&m.id)) {
            for role in role_ids {
                if !member.role_ids.contains(role) {
                    member.role_ids.push(role.clone());
                }
            }
        }
        write.put(org)?;
        Ok(())
    }
}
