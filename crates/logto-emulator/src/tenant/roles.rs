//! Roles: create (with scopes), add scopes, give to users.

use axum::http::StatusCode;

use super::Tenant;
use crate::error::ApiError;
use crate::ids::standard_id;
use crate::model::{Role, RoleType};
use crate::seed::MANAGEMENT_API_INDICATOR;
use crate::store::Store;

/// A new role, parsed.
#[derive(Debug)]
pub struct NewRole {
    /// Its name (unique).
    pub name: String,
    /// Its description.
    pub description: String,
    /// User (the default) or MachineToMachine.
    pub role_type: RoleType,
    /// The ids of the API resource scopes it holds.
    pub scope_ids: Vec<String>,
    /// Given to every new user.
    pub is_default: bool,
}

/// Resolves scope ids to `(indicator, name)` pairs, refusing Management API scopes for User roles.
fn resolve_scopes(store: &Store, role_type: RoleType, scope_ids: &[String]) -> Result<Vec<(String, String)>, ApiError> {
    scope_ids
        .iter()
        .map(|id| {
            let (resource, scope) = store.scope_by_id(id).ok_or_else(ApiError::not_found)?;
            if role_type == RoleType::User && resource.indicator == MANAGEMENT_API_INDICATOR {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "role.management_api_scopes_not_assignable_to_user_role",
                    "Cannot assign management API scopes to a user role.",
                ));
            }
            Ok((resource.indicator.clone(), scope.name.clone()))
        })
        .collect()
}

impl Tenant {
    /// Creates a role; 422 when the name is taken, 404 for an unknown scope.
    pub fn create_role(&self, new: NewRole) -> Result<Role, ApiError> {
        let new_scope_ids = new.scope_ids.clone();
        let mut write = self.write();
        let role = {
            let store = write.read();
            if store.roles.iter().any(|r| r.name == new.name) {
                return Err(ApiError::unprocessable(
                    "role.name_in_use",
                    format!("This role name {} is already in use", new.name),
                ));
            }
            let scopes = resolve_scopes(&store, new.role_type, &new.scope_ids)?;
            Role {
                id: standard_id(21),
                name: new.name,
                description: new.description,
                role_type: new.role_type,
                scopes,
                is_default: new.is_default,
            }
        };
        write.put(role.clone())?;
        if !new_scope_ids.is_empty() {
            crate::events::record(crate::events::Event::RoleCreatedWithScopes {
                role_id: role.id.clone(),
                scope_ids: new_scope_ids,
            });
        }
        Ok(role)
    }

    /// Adds scopes to a role and returns it; 422 when it holds one of them already.
    pub fn add_role_scopes(&self, id: &str, scope_ids: &[String]) -> Result<Role, ApiError> {
        let mut write = self.write();
        let role = {
            let store = write.read();
            let role = store.role(id).cloned().ok_or_else(ApiError::not_found)?;
            let added = resolve_scopes(&store, role.role_type, scope_ids)?;
            if let Some((_, name)) = added.iter().find(|pair| role.scopes.contains(pair)) {
                return Err(ApiError::unprocessable(
                    "role.scope_exists",
                    format!("The scope {name} has already been linked to this role"),
                ));
            }
            let mut role = role;
            role.scopes.extend(added);
            role
        };
        write.put(role.clone())?;
        Ok(role)
    }

    /// Gives a User role to users; 422 `role.user_exists` when one holds it already.
    pub fn add_role_users(&self, id: &str, user_ids: &[String]) -> Result<(), ApiError> {
        let mut write = self.write();
        let users: Vec<_> = {
            let store = write.read();
            let role = store.role(id).ok_or_else(ApiError::not_found)?;
            // Logto leaves this to a database trigger (`roles_users` checks the role's type).
            if role.role_type != RoleType::User {
                return Err(ApiError::db_constraint());
            }
            for user_id in user_ids {
                let user = store.user(user_id).ok_or_else(ApiError::not_found)?;
                if user.role_ids.iter().any(|r| r == id) {
                    return Err(ApiError::unprocessable(
                        "role.user_exists",
                        format!("The user {user_id} has already been added to this role"),
                    ));
                }
            }
            user_ids.iter().filter_map(|user_id| store.user(user_id).cloned()).collect()
        };
        for mut user in users {
            user.role_ids.push(id.to_string());
            write.put(user)?;
        }
        Ok(())
    }
}

/// What `PATCH /api/roles/{id}` may change.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RolePatch {
    /// A new name (unique).
    pub name: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// Whether new users get it.
    pub is_default: Option<bool>,
}

impl Tenant {
    /// Renames or re-describes a role; 404 unknown, 422 `role.name_in_use`.
    pub fn update_role(&self, id: &str, patch: RolePatch) -> Result<Role, ApiError> {
        let mut write = self.write();
        let mut role = {
            let store = write.read();
            let role = store.role(id).cloned().ok_or_else(ApiError::not_found)?;
            if let Some(name) = &patch.name {
                if store.roles.iter().any(|r| &r.name == name && r.id != id) {
                    return Err(ApiError::unprocessable(
                        "role.name_in_use",
                        format!("This role name {name} is already in use"),
                    ));
                }
            }
            role
        };
        if let Some(name) = patch.name {
            role.name = name;
        }
        if let Some(description) = patch.description {
            role.description = description;
        }
        if let Some(is_default) = patch.is_default {
            role.is_default = is_default;
        }
        write.put(role.clone())?;
        Ok(role)
    }

    /// Deletes a role, taken from every user and application first (`routes/role.ts`). `false`
    /// when there was none.
    pub fn delete_role(&self, id: &str) -> Result<bool, ApiError> {
        let mut write = self.write();
        let (users, apps) = {
            let store = write.read();
            if store.role(id).is_none() {
                return Ok(false);
            }
            let users: Vec<_> = store.users.iter().filter(|u| u.role_ids.iter().any(|r| r == id)).cloned().collect();
            let apps: Vec<_> =
                store.applications.values().filter(|a| a.role_ids.iter().any(|r| r == id)).cloned().collect();
            (users, apps)
        };
        for mut user in users {
            user.role_ids.retain(|r| r != id);
            write.put(user)?;
        }
        for mut app in apps {
            app.role_ids.retain(|r| r != id);
            write.put(app)?;
        }
        Ok(write.delete::<Role>(id)?)
    }

    /// Takes a scope from a role (`routes/role.scope.ts`); 404 when the role is unknown or does
    /// not hold it.
    pub fn remove_role_scope(&self, id: &str, scope_id: &str) -> Result<(), ApiError> {
        let mut write = self.write();
        let role = {
            let store = write.read();
            let mut role = store.role(id).cloned().ok_or_else(ApiError::not_found)?;
            let (resource, scope) = store.scope_by_id(scope_id).ok_or_else(ApiError::not_found)?;
            let pair = (resource.indicator.clone(), scope.name.clone());
            if !role.scopes.contains(&pair) {
                return Err(ApiError::not_found());
            }
            role.scopes.retain(|p| p != &pair);
            role
        };
        write.put(role)?;
        Ok(())
    }

    /// Takes a role from a user or a machine-to-machine application (`routes/role.user.ts`,
    /// `role.application.ts`, `admin-user/role.ts`); 404 when either is unknown or the role is not
    /// held.
    pub fn remove_role_holder(&self, id: &str, holder: &str) -> Result<(), ApiError> {
        let mut write = self.write();
        let (user, app) = {
            let store = write.read();
            store.role(id).ok_or_else(ApiError::not_found)?;
            let user = store.user(holder).filter(|u| u.role_ids.iter().any(|r| r == id)).cloned();
            let app = store.applications.get(holder).filter(|a| a.role_ids.iter().any(|r| r == id)).cloned();
            (user, app)
        };
        match (user, app) {
            (Some(mut user), _) => {
                user.role_ids.retain(|r| r != id);
                write.put(user)?;
            }
            (None, Some(mut app)) => {
                app.role_ids.retain(|r| r != id);
                write.put(app)?;
            }
            (None, None) => return Err(ApiError::not_found()),
        }
        Ok(())
    }
}
