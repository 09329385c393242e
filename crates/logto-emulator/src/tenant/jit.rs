//! Organizations' just-in-time provisioning (`routes/organization/jit/`,
//! `libraries/organization.ts`'s `provisionByEmail`): email domains and default roles per
//! organization; a user who signs up with an email of one of the domains joins with the roles.

use axum::http::StatusCode;

use super::Tenant;
use crate::error::ApiError;
use crate::model::{OrgMember, Organization, RoleType};
use crate::store::Store;

/// An email domain as Logto keeps it: lower case, trimmed. 400 when nothing is left or it is
/// longer than the column (128).
fn domain(value: &str) -> Result<String, ApiError> {
    let domain = value.trim().to_ascii_lowercase();
    if domain.is_empty() || domain.chars().count() > 128 {
        return Err(ApiError::invalid_body("emailDomain: 1 to 128 characters, not only spaces"));
    }
    Ok(domain)
}

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "entity.not_found", "The resource does not exist.")
}

impl Tenant {
    pub(super) fn change_organization(
        &self,
        id: &str,
        change: impl FnOnce(&crate::store::Store, &mut Organization) -> Result<(), ApiError>,
    ) -> Result<Organization, ApiError> {
        let mut write = self.write();
        let mut org = {
            let store = write.read();
            let mut org = store.organization(id).cloned().ok_or_else(ApiError::not_found)?;
            change(&store, &mut org)?;
            org
        };
        org.jit_email_domains.dedup();
        write.put(org.clone())?;
        Ok(org)
    }

    /// Adds a JIT email domain; 422 `entity.unique_integrity_violation` when the organization has it.
    pub fn add_jit_email_domain(&self, id: &str, email_domain: &str) -> Result<String, ApiError> {
        let email_domain = domain(email_domain)?;
        self.change_organization(id, |_, org| {
            if org.jit_email_domains.contains(&email_domain) {
                return Err(ApiError::unprocessable(
                    "entity.unique_integrity_violation",
                    "The entity already exists or is in use.",
                ));
            }
            org.jit_email_domains.push(email_domain.clone());
            Ok(())
        })?;
        Ok(email_domain)
    }

    /// Replaces the JIT email domains.
    pub fn replace_jit_email_domains(&self, id: &str, domains: &[String]) -> Result<(), ApiError> {
        let mut list: Vec<String> = Vec::new();
        for d in domains {
            let d = domain(d)?;
            if !list.contains(&d) {
                list.push(d);
            }
        }
        self.change_organization(id, |_, org| {
            org.jit_email_domains = list;
            Ok(())
        })
        .map(|_| ())
    }

    /// Removes a JIT email domain; 404 when the organization does not have it.
    pub fn remove_jit_email_domain(&self, id: &str, email_domain: &str) -> Result<(), ApiError> {
        // What could never have been added is not there.
        let email_domain = domain(email_domain).map_err(|_| not_found())?;
        self.change_organization(id, |_, org| {
            let before = org.jit_email_domains.len();
            org.jit_email_domains.retain(|d| d != &email_domain);
            if org.jit_email_domains.len() == before {
                return Err(not_found());
            }
            Ok(())
        })
        .map(|_| ())
    }

    /// Adds JIT roles (those held already are kept once); 422 for a role the template lacks or
    /// one for applications.
    pub fn add_jit_roles(&self, id: &str, role_ids: &[String], replace: bool) -> Result<(), ApiError> {
        let user_role =
            |store: &Store, role_id: &str| store.org_role(role_id).is_some_and(|r| r.role_type == RoleType::User);
        self.add_jit_ids(id, role_ids, replace, user_role, |org| &mut org.jit_role_ids)
    }

    /// Removes a JIT role; 404 when the organization does not have it.
    pub fn remove_jit_role(&self, id: &str, role_id: &str) -> Result<(), ApiError> {
        self.remove_jit_id(id, role_id, |org| &mut org.jit_role_ids)
    }

    /// Adds ids to one of an organization's JIT lists (each once; with `replace`, the list is
    /// them); 422 `entity.relation_foreign_key_not_found` for an id `known` refuses.
    pub(super) fn add_jit_ids(
        &self,
        id: &str,
        ids: &[String],
        replace: bool,
        known: impl Fn(&Store, &str) -> bool,
        list: fn(&mut Organization) -> &mut Vec<String>,
    ) -> Result<(), ApiError> {
        self.change_organization(id, |store, org| {
            if ids.iter().any(|i| !known(store, i)) {
                return Err(ApiError::foreign_key_not_found());
            }
            let list = list(org);
            if replace {
                list.clear();
            }
            for i in ids {
                if !list.contains(i) {
                    list.push(i.clone());
                }
            }
            Ok(())
        })
        .map(|_| ())
    }

    /// Takes an id out of one of an organization's JIT lists; 404 when it is not there.
    pub(super) fn remove_jit_id(
        &self,
        id: &str,
        item: &str,
        list: fn(&mut Organization) -> &mut Vec<String>,
    ) -> Result<(), ApiError> {
        self.change_organization(id, |_, org| {
            let list = list(org);
            let before = list.len();
            list.retain(|x| x != item);
            if list.len() == before {
                return Err(not_found());
            }
            Ok(())
        })
        .map(|_| ())
    }

    /// A new user with `email` joins every organization provisioning its domain, with the JIT
    /// roles (Logto's `provisionByEmail`, run when an account is made by sign-up). Returns the
    /// organizations joined.
    pub fn provision_by_email(&self, user_id: &str, email: &str) -> Result<Vec<String>, ApiError> {
        let Some((_, email_domain)) = email.rsplit_once('@') else { return Ok(vec![]) };
        let Ok(email_domain) = domain(email_domain) else { return Ok(vec![]) };
        let mut write = self.write();
        let joining: Vec<Organization> = write
            .read()
            .organizations
            .iter()
            .filter(|o| o.jit_email_domains.contains(&email_domain) && o.member(user_id).is_none())
            .cloned()
            .collect();
        let mut joined = Vec::new();
        for mut org in joining {
            org.members.push(OrgMember { id: user_id.to_string(), role_ids: org.jit_role_ids.clone() });
            joined.push(org.id.clone());
            write.put(org)?;
        }
        Ok(joined)
    }
}
