//! Organizations and their template: organizations, organization permissions (scopes) and
//! organization roles with their two scope lists. Deleting a scope takes it out of every role;
//! deleting a role takes it from every member and invitation; deleting an organization deletes
//! its invitations.

use serde::Deserialize;
use serde_json::{json, Value};

use super::Tenant;
use crate::error::ApiError;
use crate::ids::standard_id;
use crate::model::{OrgRole, OrgScope, Organization, RoleType};
use crate::seed::MANAGEMENT_API_INDICATOR;
use crate::store::Store;

/// An organization's fields, as `POST` and `PATCH /api/organizations[/{id}]` take them (camelCase);
/// `description: null` clears it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct OrganizationFields {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::request::nullable")]
    pub description: Option<Option<String>>,
    #[serde(default)]
    pub custom_data: Option<Value>,
    #[serde(default)]
    pub is_mfa_required: Option<bool>,
    #[serde(default)]
    pub color: Option<Value>,
    #[serde(default)]
    pub branding: Option<Value>,
    #[serde(default, deserialize_with = "crate::request::nullable")]
    pub custom_css: Option<Option<String>>,
}

/// An organization permission's fields, as `POST` and `PATCH /api/organization-scopes` take them.
#[derive(Debug, Deserialize)]
#[allow(missing_docs)]
pub struct ScopeFields {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::request::nullable")]
    pub description: Option<Option<String>>,
}

/// An organization role's fields, as `POST` and `PATCH /api/organization-roles` take them.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct OrgRoleFields {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::request::nullable")]
    pub description: Option<Option<String>>,
    #[serde(rename = "type", default)]
    pub role_type: Option<RoleType>,
    #[serde(default)]
    pub organization_scope_ids: Vec<String>,
    #[serde(default)]
    pub resource_scope_ids: Vec<String>,
}

/// Which of an organization role's two scope lists.
#[derive(Debug, Clone, Copy)]
pub enum RoleScopes {
    /// Organization permissions.
    Organization,
    /// API resource scopes.
    Resource,
}

impl RoleScopes {
    fn ids(self, role: &mut OrgRole) -> &mut Vec<String> {
        match self {
            RoleScopes::Organization => &mut role.scope_ids,
            RoleScopes::Resource => &mut role.resource_scope_ids,
        }
    }

    fn check(self, store: &Store, ids: &[String]) -> Result<(), ApiError> {
        match self {
            RoleScopes::Organization => check_org_scopes(store, ids),
            RoleScopes::Resource => check_resource_scopes(store, ids),
        }
    }
}

/// Every id must be an organization scope.
fn check_org_scopes(store: &Store, ids: &[String]) -> Result<(), ApiError> {
    match ids.iter().all(|id| store.org_scope(id).is_some()) {
        true => Ok(()),
        false => Err(ApiError::foreign_key_not_found()),
    }
}

/// Every id must be a scope of an API resource (not the Management API's).
fn check_resource_scopes(store: &Store, ids: &[String]) -> Result<(), ApiError> {
    let ok = ids.iter().all(|id| store.scope_by_id(id).is_some_and(|(r, _)| r.indicator != MANAGEMENT_API_INDICATOR));
    if ok {
        Ok(())
    } else {
        Err(ApiError::foreign_key_not_found())
    }
}

fn dedup(mut ids: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    ids
}

impl Tenant {
    /// Creates an organization.
    pub fn create_organization(&self, new: OrganizationFields, now_ms: i64) -> Result<Organization, ApiError> {
        let org = Organization {
            id: standard_id(12),
            name: new.name.unwrap_or_default(),
            description: new.description.flatten(),
            custom_data: new.custom_data.unwrap_or_else(|| json!({})),
            is_mfa_required: new.is_mfa_required.unwrap_or(false),
            created_at: now_ms,
            members: vec![],
            applications: vec![],
            jit_email_domains: vec![],
            jit_role_ids: vec![],
            color: new.color.unwrap_or_else(|| json!({})),
            branding: new.branding.unwrap_or_else(|| json!({})),
            custom_css: new.custom_css.flatten(),
            jit_sso_connector_ids: vec![],
        };
        self.write().put(org.clone())?;
        Ok(org)
    }

    /// Sets the given fields of an organization (`customData` replaced whole).
    pub fn update_organization(&self, id: &str, changes: OrganizationFields) -> Result<Organization, ApiError> {
        let mut write = self.write();
        let mut org = write.read().organization(id).cloned().ok_or_else(|| ApiError::not_exists("organization"))?;
        if let Some(name) = changes.name {
            org.name = name;
        }
        if let Some(description) = changes.description {
            org.description = description;
        }
        if let Some(data) = changes.custom_data {
            org.custom_data = data;
        }
        if let Some(mfa) = changes.is_mfa_required {
            org.is_mfa_required = mfa;
        }
        if let Some(color) = changes.color {
            org.color = color;
        }
        if let Some(branding) = changes.branding {
            org.branding = branding;
        }
        if let Some(css) = changes.custom_css {
            org.custom_css = css;
        }
        write.put(org.clone())?;
        Ok(org)
    }

    /// Deletes an organization and its invitations. `false` when there was none.
    pub fn delete_organization(&self, id: &str) -> Result<bool, ApiError> {
        Ok(self.write().remove_organization(id)?)
    }

    /// Creates an organization permission; 422 when the name is taken.
    pub fn create_org_scope(&self, new: ScopeFields) -> Result<OrgScope, ApiError> {
        let mut write = self.write();
        let name = new.name.unwrap_or_default();
        if write.read().org_scopes.iter().any(|s| s.name == name) {
            return Err(ApiError::unique_violation());
        }
        let scope = OrgScope { id: standard_id(21), name, description: new.description.flatten() };
        write.put(scope.clone())?;
        Ok(scope)
    }

    /// Renames or describes an organization permission; 422 when the new name is another's.
    pub fn update_org_scope(&self, id: &str, changes: ScopeFields) -> Result<OrgScope, ApiError> {
        let mut write = self.write();
        let scope = {
            let store = write.read();
            let mut scope = store.org_scope(id).cloned().ok_or_else(|| ApiError::not_exists("organization scope"))?;
            if let Some(name) = changes.name {
                if store.org_scopes.iter().any(|s| s.name == name && s.id != id) {
                    return Err(ApiError::unique_violation());
                }
                scope.name = name;
            }
            if let Some(description) = changes.description {
                scope.description = description;
            }
            scope
        };
        write.put(scope.clone())?;
        Ok(scope)
    }

    /// Deletes an organization permission, taken out of every role first. `false` when there was none.
    pub fn delete_org_scope(&self, id: &str) -> Result<bool, ApiError> {
        Ok(self.write().remove_org_scope(id)?)
    }

    /// Creates an organization role with its scopes; 422 when the name is taken or a scope unknown.
    pub fn create_org_role(&self, new: OrgRoleFields) -> Result<OrgRole, ApiError> {
        let mut write = self.write();
        let name = new.name.unwrap_or_default();
        {
            let store = write.read();
            if store.org_roles.iter().any(|r| r.name == name) {
                return Err(ApiError::unique_violation());
            }
            check_org_scopes(&store, &new.organization_scope_ids)?;
            check_resource_scopes(&store, &new.resource_scope_ids)?;
        }
        let role = OrgRole {
            id: standard_id(21),
            name,
            description: new.description.flatten(),
            role_type: new.role_type.unwrap_or(RoleType::User),
            scope_ids: dedup(new.organization_scope_ids),
            resource_scope_ids: dedup(new.resource_scope_ids),
        };
        write.put(role.clone())?;
        if !role.scope_ids.is_empty() {
            crate::events::record(crate::events::Event::OrganizationRoleCreatedWithScopes { role_id: role.id.clone() });
        }
        Ok(role)
    }

    /// Renames or describes an organization role; 422 when the new name is another's.
    pub fn update_org_role(&self, id: &str, changes: OrgRoleFields) -> Result<OrgRole, ApiError> {
        let mut write = self.write();
        let role = {
            let store = write.read();
            let mut role = store.org_role(id).cloned().ok_or_else(|| ApiError::not_exists("organization role"))?;
            if let Some(name) = changes.name {
                if store.org_roles.iter().any(|r| r.name == name && r.id != id) {
                    return Err(ApiError::unique_violation());
                }
                role.name = name;
            }
            if let Some(description) = changes.description {
                role.description = description;
            }
            role
        };
        write.put(role.clone())?;
        Ok(role)
    }

    /// Deletes an organization role, taken from every member and invitation first. `false` when
    /// there was none.
    pub fn delete_org_role(&self, id: &str) -> Result<bool, ApiError> {
        Ok(self.write().remove_org_role(id)?)
    }

    /// Adds scopes to (ids already held are kept once) or, with `replace`, sets one of an
    /// organization role's scope lists. 422 for an unknown role or scope.
    pub fn set_org_role_scopes(
        &self,
        id: &str,
        which: RoleScopes,
        ids: Vec<String>,
        replace: bool,
    ) -> Result<(), ApiError> {
        let mut write = self.write();
        let mut role = {
            let store = write.read();
            let role = store.org_role(id).cloned().ok_or_else(ApiError::foreign_key_not_found)?;
            which.check(&store, &ids)?;
            role
        };
        let held = which.ids(&mut role);
        if replace {
            *held = dedup(ids);
        } else {
            held.extend(ids);
            *held = dedup(std::mem::take(held));
        }
        write.put(role)?;
        Ok(())
    }

    /// Takes one scope out of one of an organization role's lists: `None` for an unknown role,
    /// `Some(false)` when the role does not hold it.
    pub fn remove_org_role_scope(&self, id: &str, which: RoleScopes, scope_id: &str) -> Result<Option<bool>, ApiError> {
        let mut write = self.write();
        let Some(mut role) = write.read().org_role(id).cloned() else { return Ok(None) };
        let held = which.ids(&mut role);
        if !held.iter().any(|s| s == scope_id) {
            return Ok(Some(false));
        }
        held.retain(|s| s != scope_id);
        write.put(role)?;
        Ok(Some(true))
    }
}
