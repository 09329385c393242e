//! API resources and their scopes: create, update, add a scope. The Management API resource
//! cannot be changed.

use axum::http::StatusCode;

use super::Tenant;
use crate::error::ApiError;
use crate::ids::standard_id;
use crate::model::{Resource, Scope};
use crate::seed::MANAGEMENT_API_INDICATOR;

/// A new API resource, parsed (its indicator an absolute URI, its TTL positive).
#[derive(Debug)]
pub struct NewResource {
    /// Its name.
    pub name: String,
    /// Its indicator (`aud` of its tokens).
    pub indicator: String,
    /// Its tokens' lifetime in seconds (Logto's default: 3600).
    pub access_token_ttl: Option<i64>,
}

/// Changes to an API resource, parsed.
#[derive(Debug)]
pub struct ResourcePatch {
    /// A new name.
    pub name: Option<String>,
    /// A new token lifetime in seconds.
    pub access_token_ttl: Option<i64>,
}

/// A new scope of an API resource, parsed.
#[derive(Debug)]
pub struct NewScope {
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
}

fn cannot_modify_management_api() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "resource.cannot_modify_management_api",
        "You cannot modify the Management API.",
    )
}

impl Tenant {
    /// Creates an API resource; 422 when its indicator is taken.
    pub fn create_resource(&self, new: NewResource) -> Result<Resource, ApiError> {
        let mut write = self.write();
        if write.read().resource(&new.indicator).is_some() {
            return Err(ApiError::unprocessable(
                "resource.resource_identifier_in_use",
                format!("The API identifier {} is already in use.", new.indicator),
            ));
        }
        let resource = Resource {
            id: standard_id(21),
            name: new.name,
            indicator: new.indicator,
            access_token_ttl: new.access_token_ttl.unwrap_or(3600),
            scopes: vec![],
            is_default: false,
        };
        write.put(resource.clone())?;
        Ok(resource)
    }

    /// `PATCH /api/resources/{id}/is-default`: makes it the default API resource (the former
    /// default no longer is: one at most, as Logto's `setDefaultResource`) or not; 404 unknown.
    pub fn set_default_resource(&self, id: &str, is_default: bool) -> Result<Resource, ApiError> {
        let mut write = self.write();
        let (mut resource, former): (Resource, Vec<Resource>) = {
            let store = write.read();
            let resource = store.resource_by_id(id).cloned().ok_or_else(ApiError::not_found)?;
            let former = store.resources.iter().filter(|r| r.is_default && r.id != id).cloned().collect();
            (resource, former)
        };
        if is_default {
            for mut other in former {
                other.is_default = false;
                write.put(other)?;
            }
        }
        resource.is_default = is_default;
        write.put(resource.clone())?;
        Ok(resource)
    }

    /// Renames an API resource or changes its token lifetime, as Logto's `routes/resource.ts`.
    pub fn update_resource(&self, id: &str, patch: ResourcePatch) -> Result<Resource, ApiError> {
        let mut write = self.write();
        let mut resource = write.read().resource_by_id(id).cloned().ok_or_else(ApiError::not_found)?;
        if resource.indicator == MANAGEMENT_API_INDICATOR {
            return Err(cannot_modify_management_api());
        }
        if let Some(name) = patch.name {
            resource.name = name;
        }
        if let Some(ttl) = patch.access_token_ttl {
            resource.access_token_ttl = ttl;
        }
        write.put(resource.clone())?;
        Ok(resource)
    }

    /// Adds a scope to an API resource; returns the resource and the scope. 400 for a name with a
    /// space, 422 for a name the resource has.
    pub fn create_scope(&self, resource_id: &str, new: NewScope, now_ms: i64) -> Result<(Resource, Scope), ApiError> {
        let mut write = self.write();
        let mut resource = write.read().resource_by_id(resource_id).cloned().ok_or_else(ApiError::not_found)?;
        if resource.indicator == MANAGEMENT_API_INDICATOR {
            return Err(cannot_modify_management_api());
        }
        if new.name.is_empty() || new.name.contains(char::is_whitespace) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "scope.name_with_space",
                "The name of the scope cannot contain any spaces.",
            ));
        }
        if resource.scopes.iter().any(|s| s.name == new.name) {
            return Err(ApiError::unprocessable(
                "scope.name_exists",
                format!("The scope name {} is already in use.", new.name),
            ));
        }
        let scope = Scope { id: standard_id(21), name: new.name, description: new.description, created_at: now_ms };
        resource.scopes.push(scope.clone());
        write.put(resource.clone())?;
        Ok((resource, scope))
    }
}

/// The resource of a scope to change or delete, every role (to follow the change), and the
/// scope's name: 404 when either is unknown, 400 for the Management API's.
fn changeable_scope(
    write: &super::write::Write<'_>,
    resource_id: &str,
    scope_id: &str,
) -> Result<(Resource, Vec<crate::model::Role>, String), ApiError> {
    let store = write.read();
    let resource = store.resource_by_id(resource_id).cloned().ok_or_else(ApiError::not_found)?;
    if resource.indicator == MANAGEMENT_API_INDICATOR {
        return Err(cannot_modify_management_api());
    }
    let scope = resource.scopes.iter().find(|s| s.id == scope_id).ok_or_else(ApiError::not_found)?;
    let name = scope.name.clone();
    Ok((resource, store.roles.to_vec(), name))
}

impl Tenant {
    /// Deletes an API resource; its scopes leave every role (`routes/resource.ts`). `false` when
    /// there was none; 400 for the Management API.
    pub fn delete_resource(&self, id: &str) -> Result<bool, ApiError> {
        let mut write = self.write();
        let (indicator, holders) = {
            let store = write.read();
            let Some(resource) = store.resource_by_id(id) else { return Ok(false) };
            if resource.indicator == MANAGEMENT_API_INDICATOR {
                return Err(cannot_modify_management_api());
            }
            let holders: Vec<crate::model::Role> = store
                .roles
                .iter()
                .filter(|r| r.scopes.iter().any(|(i, _)| i == &resource.indicator))
                .cloned()
                .collect();
            (resource.indicator.clone(), holders)
        };
        for mut role in holders {
            role.scopes.retain(|(i, _)| i != &indicator);
            write.put(role)?;
        }
        Ok(write.delete::<Resource>(id)?)
    }

    /// Renames or re-describes a scope (`routes/resource.scope.ts`); 404 when the resource or the
    /// scope is unknown, 422 `scope.name_exists`, 400 `scope.name_with_space`. Roles holding it
    /// follow the new name.
    pub fn update_scope(
        &self,
        resource_id: &str,
        scope_id: &str,
        name: Option<String>,
        description: Option<Option<String>>,
    ) -> Result<(Resource, Scope), ApiError> {
        let mut write = self.write();
        let (mut resource, holders, old_name) = changeable_scope(&write, resource_id, scope_id)?;
        if let Some(name) = &name {
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "scope.name_with_space",
                    "The name of the scope cannot contain any spaces.",
                ));
            }
            if resource.scopes.iter().any(|s| &s.name == name && s.id != scope_id) {
                return Err(ApiError::unprocessable(
                    "scope.name_exists",
                    format!("The scope name {name} is already in use."),
                ));
            }
        }
        let scope = resource.scopes.iter_mut().find(|s| s.id == scope_id).ok_or_else(ApiError::not_found)?;
        if let Some(name) = name {
            scope.name = name;
        }
        if let Some(description) = description {
            scope.description = description;
        }
        let scope = scope.clone();
        write.put(resource.clone())?;
        for mut role in holders {
            let before = role.scopes.clone();
            for pair in role.scopes.iter_mut() {
                if pair.0 == resource.indicator && pair.1 == old_name {
                    pair.1 = scope.name.clone();
                }
            }
            if role.scopes != before {
                write.put(role)?;
            }
        }
        Ok((resource, scope))
    }

    /// Deletes a scope; it leaves every role. 404 when the resource or the scope is unknown.
    pub fn delete_scope(&self, resource_id: &str, scope_id: &str) -> Result<(), ApiError> {
        let mut write = self.write();
        let (mut resource, holders, name) = changeable_scope(&write, resource_id, scope_id)?;
        resource.scopes.retain(|s| s.id != scope_id);
        write.put(resource.clone())?;
        for mut role in holders {
            let pair = (resource.indicator.clone(), name.clone());
            if role.scopes.contains(&pair) {
                role.scopes.retain(|p| p != &pair);
                write.put(role)?;
            }
        }
        Ok(())
    }
}
