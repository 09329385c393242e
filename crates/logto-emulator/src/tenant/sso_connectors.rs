//! Enterprise SSO connectors (`routes/sso-connector/index.ts`): made, changed and deleted with
//! Logto's checks (a known provider, a unique name, settings the provider's guard takes, no public
//! or repeated email domain), and linked to organizations for just-in-time provisioning
//! (`routes/organization/jit/sso-connectors`). Deleting one unlinks it everywhere.

use axum::http::StatusCode;
use serde_json::Value;

use super::Tenant;
use crate::error::ApiError;
use crate::ids::standard_id;
use crate::model::SsoConnector;

/// A new connector's or a change's fields, as `POST`/`PATCH /api/sso-connectors` take them.
#[derive(Debug, Default)]
pub struct SsoConnectorFields {
    /// The provider (creation only).
    pub provider_name: Option<String>,
    /// The unique name.
    pub connector_name: Option<String>,
    /// The provider's settings.
    pub config: Option<Value>,
    /// The email domains.
    pub domains: Option<Vec<String>>,
    /// `displayName`, `logo`, `darkLogo`.
    pub branding: Option<Value>,
    /// Whether a sign-in updates the profile.
    pub sync_profile: Option<bool>,
    /// Whether the IdP's tokens are kept.
    pub enable_token_storage: Option<bool>,
}

/// 404 `connector.not_found` (Logto's answer for an unknown SSO connector).
pub fn connector_not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "connector.not_found", "Cannot find any available connector.")
}

/// The checks both creation and change run, in Logto's order; the parsed settings.
fn check(
    store: &crate::store::Store,
    id: Option<&str>,
    provider: &str,
    fields: &mut SsoConnectorFields,
) -> Result<(), ApiError> {
    if let Some(domains) = &mut fields.domains {
        for d in domains.iter_mut() {
            *d = d.to_lowercase();
        }
        match crate::sso::check_domains(domains) {
            Err(crate::sso::DomainsRefused::Forbidden) => {
                return Err(ApiError::unprocessable(
                    "single_sign_on.forbidden_domains",
                    "Public email domains are not allowed.",
                ))
            }
            Err(crate::sso::DomainsRefused::Duplicated) => {
                return Err(ApiError::unprocessable(
                    "single_sign_on.duplicated_domains",
                    "There are duplicate domains.",
                ))
            }
            Ok(()) => {}
        }
    }
    if let Some(config) = &fields.config {
        let parsed = crate::sso::parse_config(provider, config).ok_or_else(|| {
            ApiError::new(StatusCode::BAD_REQUEST, "connector.invalid_config", "The connector's config is invalid.")
        })?;
        fields.config = Some(parsed);
    }
    if let Some(name) = &fields.connector_name {
        if store.sso_connectors.iter().any(|c| &c.connector_name == name && Some(c.id.as_str()) != id) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "single_sign_on.duplicate_connector_name",
                "Connector name already exists. Please choose a different name.",
            ));
        }
    }
    // Logto keeps IdP tokens in its secret vault; the emulator has none (`request.feature_not_supported`).
    if fields.enable_token_storage == Some(true) {
        return Err(ApiError::unprocessable("request.feature_not_supported", "The feature is not supported."));
    }
    Ok(())
}

impl Tenant {
    /// Makes a connector: 422 `connector.not_found` for an unknown provider, 400
    /// `connector.invalid_config`, 409 for a taken name, 422 for public or repeated domains.
    pub fn create_sso_connector(&self, mut fields: SsoConnectorFields, now_ms: i64) -> Result<SsoConnector, ApiError> {
        let provider = fields.provider_name.clone().unwrap_or_default();
        if crate::sso::provider(&provider).is_none() {
            return Err(ApiError::unprocessable("connector.not_found", "Cannot find any available connector."));
        }
        let mut write = self.write();
        check(&write.read(), None, &provider, &mut fields)?;
        let connector = SsoConnector {
            id: standard_id(12),
            provider_name: provider,
            connector_name: fields.connector_name.unwrap_or_default(),
            config: fields.config.unwrap_or_else(|| serde_json::json!({})),
            domains: fields.domains.unwrap_or_default(),
            branding: fields.branding.unwrap_or_else(|| serde_json::json!({})),
            sync_profile: fields.sync_profile.unwrap_or(false),
            enable_token_storage: false,
            created_at: now_ms,
        };
        write.put(connector.clone())?;
        Ok(connector)
    }

    /// Changes a connector's given fields (each replaced whole); 404 unknown.
    pub fn update_sso_connector(&self, id: &str, mut fields: SsoConnectorFields) -> Result<SsoConnector, ApiError> {
        let mut write = self.write();
        let mut connector =
            write.read().sso_connectors.iter().find(|c| c.id == id).cloned().ok_or_else(connector_not_found)?;
        check(&write.read(), Some(id), &connector.provider_name.clone(), &mut fields)?;
        if let Some(name) = fields.connector_name {
            connector.connector_name = name;
        }
        if let Some(config) = fields.config {
            connector.config = config;
        }
        if let Some(domains) = fields.domains {
            connector.domains = domains;
        }
        if let Some(branding) = fields.branding {
            connector.branding = branding;
        }
        if let Some(sync) = fields.sync_profile {
            connector.sync_profile = sync;
        }
        if let Some(storage) = fields.enable_token_storage {
            connector.enable_token_storage = storage;
        }
        write.put(connector.clone())?;
        Ok(connector)
    }

    /// Deletes a connector, unlinked from every organization first; 404 unknown.
    pub fn delete_sso_connector(&self, id: &str) -> Result<(), ApiError> {
        let mut write = self.write();
        if !write.read().sso_connectors.iter().any(|c| c.id == id) {
            return Err(connector_not_found());
        }
        let linked: Vec<_> = write
            .read()
            .organizations
            .iter()
            .filter(|o| o.jit_sso_connector_ids.iter().any(|c| c == id))
            .cloned()
            .collect();
        for mut org in linked {
            org.jit_sso_connector_ids.retain(|c| c != id);
            write.put(org)?;
        }
        write.delete::<SsoConnector>(id)?;
        Ok(())
    }

    /// Links SSO connectors to an organization for JIT provisioning (or, with `replace`, sets
    /// them); 422 `entity.relation_foreign_key_not_found` for an unknown connector.
    pub fn add_jit_sso_connectors(&self, id: &str, connector_ids: &[String], replace: bool) -> Result<(), ApiError> {
        let known = |store: &crate::store::Store, c: &str| store.sso_connectors.iter().any(|x| x.id == c);
        self.add_jit_ids(id, connector_ids, replace, known, |org| &mut org.jit_sso_connector_ids)
    }

    /// Unlinks one; 404 when the organization does not have it.
    pub fn remove_jit_sso_connector(&self, id: &str, connector_id: &str) -> Result<(), ApiError> {
        self.remove_jit_id(id, connector_id, |org| &mut org.jit_sso_connector_ids)
    }
}
