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
        };
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
