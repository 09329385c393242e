//! Applications: create (confidential ones get a secret), delete (out of every organization,
//! their grants ended), assign machine-to-machine roles.

use super::Tenant;
use crate::error::ApiError;
use crate::ids::standard_id;
use crate::model::{AppType, Application, RoleType};
use crate::secret::Secret;

/// A new application, parsed and checked (its URIs are URLs).
#[derive(Debug)]
pub struct NewApplication {
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// Its type.
    pub app_type: AppType,
    /// Where sign-ins may return to.
    pub redirect_uris: Vec<String>,
    /// Where sign-outs may return to.
    pub post_logout_redirect_uris: Vec<String>,
    /// Signs in through the device flow (Native apps only).
    pub is_device_flow: bool,
    /// May use the token-exchange grant.
    pub allow_token_exchange: bool,
    /// A third-party app (signs users in to another company's product).
    pub is_third_party: bool,
    /// Its `customData`.
    pub custom_data: serde_json::Value,
    /// The rest of its `customClientMetadata`.
    pub extra_client_metadata: serde_json::Map<String, serde_json::Value>,
}

impl Tenant {
    /// Adds `app` unless an application with its id exists (built-in applications).
    pub fn ensure_application(&self, app: Application) -> Result<(), crate::persist::PersistError> {
        let mut write = self.write();
        if write.read().applications.contains_key(&app.id) {
            return Ok(());
        }
        write.put(app)
    }

    /// Creates an application; confidential ones get a "Default secret" (32 characters, as Logto's).
    pub fn create_application(&self, new: NewApplication, now_ms: i64) -> Result<Application, ApiError> {
        if new.is_device_flow && new.app_type != AppType::Native {
            return Err(ApiError::unprocessable(
                "application.device_flow_native_only",
                "Device flow is only available for native applications.",
            ));
        }
        // `routes/applications/application.ts`: only sign-in apps can be third-party, and a
        // third-party app never impersonates users.
        if new.is_third_party {
            if !matches!(new.app_type, AppType::Traditional | AppType::SPA | AppType::Native) {
                return Err(ApiError::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    "application.invalid_third_party_application_type",
                    "Only traditional web, single-page, and native applications can be marked as third-party apps.",
                ));
            }
            if new.allow_token_exchange {
                return Err(ApiError::unprocessable(
                    "application.third_party_application_cannot_enable_token_exchange",
                    "Third-party applications are not allowed to enable token exchange.",
                ));
            }
        }
        let secret = (!new.app_type.is_public()).then(|| Secret::new(standard_id(32)));
        let app = Application {
            description: new.description,
            redirect_uris: new.redirect_uris,
            post_logout_redirect_uris: new.post_logout_redirect_uris,
            secret,
            is_device_flow: new.is_device_flow,
            allow_token_exchange: new.allow_token_exchange,
            is_third_party: new.is_third_party,
            custom_data: new.custom_data,
            extra_client_metadata: new.extra_client_metadata,
            ..Application::new(standard_id(21), new.name, new.app_type, now_ms)
        };
        self.write().put(app.clone())?;
        Ok(app)
    }

    /// Deletes an application, out of every organization first; its grants end. `false` when there
    /// was none.
    pub fn delete_application(&self, id: &str) -> Result<bool, ApiError> {
        if !self.write().remove_application(id)? {
            return Ok(false);
        }
        self.artefacts().end_client(id);
        Ok(true)
    }

    /// Gives a machine-to-machine application roles; returns those newly added. 404 for an
    /// unknown application or role, 422 for another type of application or a user role.
    pub fn assign_application_roles(&self, id: &str, role_ids: &[String]) -> Result<Vec<String>, ApiError> {
        self.give_application_roles(id, role_ids, false)
    }

    /// Replaces a machine-to-machine application's roles (`PUT …/roles`), checked as
    /// [`Tenant::assign_application_roles`] checks them.
    pub fn set_application_roles(&self, id: &str, role_ids: &[String]) -> Result<(), ApiError> {
        self.give_application_roles(id, role_ids, true).map(|_| ())
    }

    fn give_application_roles(&self, id: &str, role_ids: &[String], replace: bool) -> Result<Vec<String>, ApiError> {
        let mut write = self.write();
        let mut app = {
            let store = write.read();
            let app = store.applications.get(id).cloned().ok_or_else(ApiError::not_found)?;
            if app.app_type != AppType::MachineToMachine {
                return Err(not_machine_to_machine());
            }
            for role_id in role_ids {
                let role = store.role(role_id).ok_or_else(ApiError::not_found)?;
                if role.role_type != RoleType::MachineToMachine {
                    return Err(ApiError::unprocessable(
                        "application.invalid_role_type",
                        "Can not assign user type role to machine to machine application.",
                    ));
                }
            }
            app
        };
        if replace {
            app.role_ids.clear();
        }
        let mut added: Vec<String> = Vec::new();
        for role in role_ids {
            if !app.role_ids.contains(role) && !added.contains(role) {
                added.push(role.clone());
            }
        }
        app.role_ids.extend(added.iter().cloned());
        write.put(app)?;
        Ok(added)
    }
}

/// What `PATCH /api/applications/{id}` may change (`applicationPatchGuard`).
#[derive(Debug, Default)]
pub struct ApplicationPatch {
    /// A new name.
    pub name: Option<String>,
    /// A new description (`Some(None)` clears it).
    pub description: Option<Option<String>>,
    /// New redirect URIs.
    pub redirect_uris: Option<Vec<String>>,
    /// New post sign-out redirect URIs.
    pub post_logout_redirect_uris: Option<Vec<String>>,
    /// A new `customClientMetadata`, whole.
    pub custom_client_metadata: Option<serde_json::Map<String, serde_json::Value>>,
    /// A new `customData`, whole.
    pub custom_data: Option<serde_json::Value>,
}

impl Tenant {
    /// Changes an application (`routes/applications/application.ts`): 404 unknown; 422
    /// `application.device_flow_not_changeable` when `isDeviceFlow` would change, and a
    /// third-party app still may not enable token exchange.
    pub fn update_application(&self, id: &str, patch: ApplicationPatch) -> Result<Application, ApiError> {
        let mut write = self.write();
        let mut app = write.read().applications.get(id).cloned().ok_or_else(ApiError::not_found)?;
        // Logto's PATCH replaces the JSON columns whole (`updateApplicationById(id, rest,
        // 'replace')`): a key left out is gone.
        if let Some(metadata) = patch.custom_client_metadata {
            let flag = |m: &serde_json::Map<String, serde_json::Value>, k: &str| m.get(k).and_then(|v| v.as_bool());
            let exchange = flag(&metadata, "allowTokenExchange").unwrap_or(false);
            if app.is_third_party && exchange {
                return Err(ApiError::unprocessable(
                    "application.third_party_application_cannot_enable_token_exchange",
                    "Third-party applications are not allowed to enable token exchange.",
                ));
            }
            // Logto compares the patch's flag, absent meaning false, with the app's.
            if flag(&metadata, "isDeviceFlow").unwrap_or(false) != app.is_device_flow {
                return Err(ApiError::unprocessable(
                    "application.device_flow_not_changeable",
                    "Device flow cannot be changed after application creation.",
                ));
            }
            app.allow_token_exchange = exchange;
            // The flags stay as given too, so an explicit `false` is answered as `false`.
            app.extra_client_metadata = metadata;
        }
        if let Some(name) = patch.name {
            app.name = name;
        }
        if let Some(description) = patch.description {
            app.description = description;
        }
        if let Some(uris) = patch.redirect_uris {
            app.redirect_uris = uris;
        }
        if let Some(uris) = patch.post_logout_redirect_uris {
            app.post_logout_redirect_uris = uris;
        }
        if let Some(data @ serde_json::Value::Object(_)) = patch.custom_data {
            app.custom_data = data;
        }
        write.put(app.clone())?;
        Ok(app)
    }

    /// `PATCH /api/applications/{id}/custom-data`: the keys merged into `customData` (Logto's
    /// default `jsonbMode: 'merge'`); the data after.
    pub fn merge_application_custom_data(
        &self,
        id: &str,
        added: serde_json::Map<String, serde_json::Value>,
    ) -> Result<serde_json::Value, ApiError> {
        let mut write = self.write();
        let mut app = write.read().applications.get(id).cloned().ok_or_else(ApiError::not_found)?;
        match app.custom_data.as_object_mut() {
            Some(current) => current.extend(added),
            None => app.custom_data = serde_json::Value::Object(added),
        }
        write.put(app.clone())?;
        Ok(app.custom_data)
    }
}

/// 422 `application.secret_name_exists`.
fn secret_name_exists() -> ApiError {
    ApiError::unprocessable("application.secret_name_exists", "Secret with the same name already exists.")
}

impl Tenant {
    /// Adds a named secret (`routes/applications/application-secret.ts`): 404 unknown app, 422
    /// `entity.db_constraint_violated` for an app without secrets (SPA, Native), 422
    /// `application.secret_name_exists`.
    pub fn add_application_secret(
        &self,
        id: &str,
        name: &str,
        expires_at: Option<i64>,
        now_ms: i64,
    ) -> Result<(Application, crate::model::AppSecret), ApiError> {
        let mut write = self.write();
        let mut app = write.read().applications.get(id).cloned().ok_or_else(ApiError::not_found)?;
        if app.app_type.is_public() {
            return Err(ApiError::db_constraint());
        }
        let mut secrets = app.secrets();
        if secrets.iter().any(|s| s.name == name) {
            return Err(secret_name_exists());
        }
        let secret = crate::model::AppSecret {
            name: name.to_string(),
            value: Secret::new(standard_id(32)),
            created_at: now_ms,
            expires_at,
        };
        secrets.push(secret.clone());
        app.managed_secrets = Some(secrets);
        write.put(app.clone())?;
        Ok((app, secret))
    }

    /// Deletes a named secret; 404 when the app or the secret is unknown.
    pub fn delete_application_secret(&self, id: &str, name: &str) -> Result<(), ApiError> {
        let mut write = self.write();
        let mut app = write.read().applications.get(id).cloned().ok_or_else(ApiError::not_found)?;
        let mut secrets = app.secrets();
        let before = secrets.len();
        secrets.retain(|s| s.name != name);
        if secrets.len() == before {
            return Err(ApiError::not_found());
        }
        app.managed_secrets = Some(secrets);
        write.put(app)?;
        Ok(())
    }

    /// Renames a secret; 404 unknown, 422 `application.secret_name_exists`.
    pub fn rename_application_secret(
        &self,
        id: &str,
        name: &str,
        new_name: &str,
    ) -> Result<(Application, crate::model::AppSecret), ApiError> {
        let mut write = self.write();
        let mut app = write.read().applications.get(id).cloned().ok_or_else(ApiError::not_found)?;
        let mut secrets = app.secrets();
        if name != new_name && secrets.iter().any(|s| s.name == new_name) {
            return Err(secret_name_exists());
        }
        let secret = secrets.iter_mut().find(|s| s.name == name).ok_or_else(ApiError::not_found)?;
        secret.name = new_name.to_string();
        let secret = secret.clone();
        app.managed_secrets = Some(secrets);
        write.put(app.clone())?;
        Ok((app, secret))
    }
}

impl Tenant {
    /// Sets an application's own sign-in experience (`routes/applications/application-sign-in-
    /// experience.ts`); the JSON columns merged key by key into one that exists. `true` when it
    /// was made (201), `false` when changed (200). 404 `entity.not_exists_with_id` for an
    /// unknown application.
    pub fn set_application_sign_in_experience(
        &self,
        id: &str,
        settings: serde_json::Map<String, serde_json::Value>,
    ) -> Result<(Application, bool), ApiError> {
        let mut write = self.write();
        let mut app = write
            .read()
            .applications
            .get(id)
            .cloned()
            .ok_or_else(|| ApiError::not_exists_with_id("applications", id))?;
        let created = app.sign_in_experience.is_none();
        let mut current = app.sign_in_experience.take().unwrap_or_else(|| {
            let mut empty = serde_json::Map::new();
            for key in ["customCss", "termsOfUseUrl", "privacyPolicyUrl", "displayName"] {
                empty.insert(key.into(), serde_json::Value::Null);
            }
            empty.insert("color".into(), serde_json::json!({}));
            empty.insert("branding".into(), serde_json::json!({}));
            empty
        });
        for (key, value) in settings {
            match (current.get_mut(&key), value) {
                (Some(serde_json::Value::Object(old)), serde_json::Value::Object(new)) => old.extend(new),
                (_, value) => {
                    current.insert(key, value);
                }
            }
        }
        app.sign_in_experience = Some(current);
        write.put(app.clone())?;
        Ok((app, created))
    }
}

/// The third-party application `id` (`validateThirdPartyApplicationById`): 404
/// `entity.not_exists_with_id` when unknown, 422 `application.third_party_application_only`.
fn third_party_app(store: &crate::store::Store, id: &str) -> Result<Application, ApiError> {
    let app = store.applications.get(id).cloned().ok_or_else(|| ApiError::not_exists_with_id("applications", id))?;
    if !app.is_third_party {
        return Err(ApiError::unprocessable(
            "application.third_party_application_only",
            "The feature is only available for third-party applications.",
        ));
    }
    Ok(app)
}

/// Logto's `UserScope`s a third-party app may ask consent for.
pub const USER_SCOPES: &[&str] = &[
    "profile",
    "email",
    "phone",
    "address",
    "custom_data",
    "identities",
    "roles",
    "urn:logto:scope:organizations",
    "urn:logto:scope:organization_roles",
    "urn:logto:scope:sessions",
];

/// The kinds `DELETE …/user-consent-scopes/{kind}/{id}` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentScopeKind {
    /// `organization-scopes`.
    Organization,
    /// `resource-scopes`.
    Resource,
    /// `organization-resource-scopes`.
    OrganizationResource,
    /// `user-scopes`.
    User,
}

impl ConsentScopeKind {
    /// The kind its path segment names.
    pub fn parse(segment: &str) -> Option<Self> {
        Some(match segment {
            "organization-scopes" => Self::Organization,
            "resource-scopes" => Self::Resource,
            "organization-resource-scopes" => Self::OrganizationResource,
            "user-scopes" => Self::User,
            _ => return None,
        })
    }
}

impl Tenant {
    /// Adds consent scopes to a third-party app (`libraries/application.ts`): 404
    /// `entity.not_exists_with_id` unknown app; 422 `application.third_party_application_only`;
    /// 422 `application.user_consent_scopes_not_found` naming the unknown ids; 422
    /// `application.consent_management_api_scopes_not_allowed`. Those held already stay once.
    pub fn add_consent_scopes(&self, id: &str, add: crate::model::ConsentScopes) -> Result<(), ApiError> {
        let mut write = self.write();
        let mut app = {
            let store = write.read();
            let app = third_party_app(&store, id)?;
            let unknown = |ids: &[String], known: &dyn Fn(&str) -> bool| {
                ids.iter().filter(|i| !known(i)).cloned().collect::<Vec<_>>()
            };
            let org = unknown(&add.organization_scopes, &|i| store.org_scope(i).is_some());
            let res = unknown(&add.resource_scopes, &|i| store.scope_by_id(i).is_some());
            let org_res = unknown(&add.organization_resource_scopes, &|i| store.scope_by_id(i).is_some());
            if !(org.is_empty() && res.is_empty() && org_res.is_empty()) {
                return Err(ApiError::unprocessable(
                    "application.user_consent_scopes_not_found",
                    "Invalid user consent scopes.",
                )
                .with_data(serde_json::json!({"invalidOrganizationScopes": org, "invalidResourceScopes": res,
                    "invalidOrganizationResourceScopes": org_res})));
            }
            let management = add
                .resource_scopes
                .iter()
                .chain(&add.organization_resource_scopes)
                .filter_map(|i| store.scope_by_id(i))
                .any(|(r, _)| r.indicator == crate::seed::MANAGEMENT_API_INDICATOR);
            if management {
                return Err(ApiError::unprocessable(
                    "application.consent_management_api_scopes_not_allowed",
                    "Management API scopes are not allowed.",
                ));
            }
            app
        };
        let merge = |into: &mut Vec<String>, from: Vec<String>| {
            for item in from {
                if !into.contains(&item) {
                    into.push(item);
                }
            }
        };
        merge(&mut app.consent_scopes.organization_scopes, add.organization_scopes);
        merge(&mut app.consent_scopes.resource_scopes, add.resource_scopes);
        merge(&mut app.consent_scopes.organization_resource_scopes, add.organization_resource_scopes);
        merge(&mut app.consent_scopes.user_scopes, add.user_scopes);
        write.put(app)?;
        Ok(())
    }

    /// Takes one consent scope away; 404 `entity.not_exists_with_id` for an unknown app, 404
    /// `entity.not_found` for a scope it does not ask.
    pub fn remove_consent_scope(&self, id: &str, kind: ConsentScopeKind, scope: &str) -> Result<(), ApiError> {
        let mut write = self.write();
        let mut app = write
            .read()
            .applications
            .get(id)
            .cloned()
            .ok_or_else(|| ApiError::not_exists_with_id("applications", id))?;
        let list = match kind {
            ConsentScopeKind::Organization => &mut app.consent_scopes.organization_scopes,
            ConsentScopeKind::Resource => &mut app.consent_scopes.resource_scopes,
            ConsentScopeKind::OrganizationResource => &mut app.consent_scopes.organization_resource_scopes,
            ConsentScopeKind::User => &mut app.consent_scopes.user_scopes,
        };
        let before = list.len();
        list.retain(|s| s != scope);
        if list.len() == before {
            return Err(ApiError::not_found());
        }
        write.put(app)?;
        Ok(())
    }
}

impl Tenant {
    /// The third-party app `id` and the user `user_id`, as the consent-organization routes check
    /// them first, before the body: 404 unknown app (`entity.not_exists_with_id`) or user
    /// (`entity.not_found`, `users.findUserById`), 422 `application.third_party_application_only`.
    pub fn consent_party(&self, id: &str, user_id: &str) -> Result<Application, ApiError> {
        self.read(|store| {
            let app = third_party_app(store, id)?;
            store.user(user_id).ok_or_else(ApiError::not_found)?;
            Ok(app)
        })
    }

    /// The organizations a user consented to share with a third-party app.
    pub fn consent_organizations(&self, id: &str, user_id: &str) -> Result<Vec<crate::model::Organization>, ApiError> {
        let app = self.consent_party(id, user_id)?;
        Ok(self.read(|store| {
            app.consent_organizations
                .iter()
                .filter(|(u, _)| u == user_id)
                .filter_map(|(_, o)| store.organization(o).cloned())
                .collect()
        }))
    }

    /// Adds (or with `replace`, sets) the organizations a user shares with a third-party app
    /// (`routes/applications/application-user-consent-organization.ts`): 422
    /// `organization.require_membership` unless the user is in each.
    pub fn set_consent_organizations(
        &self,
        id: &str,
        user_id: &str,
        org_ids: &[String],
        replace: bool,
    ) -> Result<(), ApiError> {
        self.consent_party(id, user_id)?;
        let mut write = self.write();
        let mut app = {
            let store = write.read();
            if org_ids.iter().any(|o| store.organization(o).is_none_or(|org| org.member(user_id).is_none())) {
                return Err(ApiError::unprocessable(
                    "organization.require_membership",
                    "The user must be a member of the organization to proceed.",
                ));
            }
            store.applications.get(id).cloned().ok_or_else(|| ApiError::not_exists_with_id("applications", id))?
        };
        if replace {
            app.consent_organizations.retain(|(u, _)| u != user_id);
        }
        for org in org_ids {
            let pair = (user_id.to_string(), org.clone());
            if !app.consent_organizations.contains(&pair) {
                app.consent_organizations.push(pair);
            }
        }
        write.put(app)?;
        Ok(())
    }

    /// Takes one organization out of what a user shares with a third-party app; 404 when it was
    /// not shared.
    pub fn remove_consent_organization(&self, id: &str, user_id: &str, org_id: &str) -> Result<(), ApiError> {
        let mut app = self.consent_party(id, user_id)?;
        let pair = (user_id.to_string(), org_id.to_string());
        if !app.consent_organizations.contains(&pair) {
            return Err(ApiError::not_found());
        }
        app.consent_organizations.retain(|p| p != &pair);
        self.write().put(app)?;
        Ok(())
    }
}

/// 422 `application.invalid_type`: roles are for machine-to-machine applications only.
pub fn not_machine_to_machine() -> ApiError {
    ApiError::unprocessable(
        "application.invalid_type",
        "Only machine to machine applications can have associated roles.",
    )
}
