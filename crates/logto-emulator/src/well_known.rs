//! Logto's public `/api/.well-known/*` routes a sign-in page reads without a token
//! (`packages/core/src/routes/well-known/index.ts`):
//!
//! - `GET /api/.well-known/sign-in-exp[?organizationId=…&appId=…]`: the sign-in experience as
//!   the sign-in page gets it (`getFullSignInExperience`): the application's and the
//!   organization's branding over the tenant's, `emailBlocklistPolicy` and
//!   `forgotPasswordMethods` left out, and what the page needs besides: the SSO connectors a
//!   sign-in could use when single sign-on is on (settings the provider takes and at least one
//!   domain), no social connector and no forgot-password method (the emulator has no social,
//!   email or SMS connector), no custom profile fields;
//! - `GET /api/.well-known/account-center`: the account center's settings, off (the account
//!   center is not emulated; this is what a tenant that never turned it on answers).

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::state::AppState;

/// The routes, under `/api/.well-known`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/.well-known/sign-in-exp", get(sign_in_experience))
        .route("/api/.well-known/account-center", get(account_center))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Overrides {
    organization_id: Option<String>,
    app_id: Option<String>,
}

/// `deepmerge`: objects merged key by key, anything else replaced (`null` included).
fn deep_merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(into), Value::Object(from)) => {
            for (key, value) in from {
                match into.get_mut(key) {
                    Some(slot) if slot.is_object() && value.is_object() => deep_merge(slot, value),
                    _ => {
                        into.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (into, from) => *into = from.clone(),
    }
}

async fn sign_in_experience(State(state): State<AppState>, Query(overrides): Query<Overrides>) -> Json<Value> {
    let (mut experience, app, organization, sso) = state.tenant.read(|store| {
        let app = overrides.app_id.as_deref().and_then(|id| store.applications.get(id)).and_then(|a| {
            // Only the branding keys of an app's sign-in experience apply (`SignInExperienceOverride`).
            let settings = a.sign_in_experience.as_ref()?;
            let keep = ["color", "branding", "termsOfUseUrl", "privacyPolicyUrl", "customCss"];
            Some(Value::Object(
                settings
                    .iter()
                    .filter(|(k, v)| keep.contains(&k.as_str()) && !v.is_null())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ))
        });
        let organization = overrides.organization_id.as_deref().and_then(|id| store.organization(id)).map(|o| {
            let mut v = json!({"color": o.color, "branding": o.branding});
            if let Some(css) = &o.custom_css {
                v["customCss"] = json!(css);
            }
            v
        });
        // `getActiveSsoConnectors`: usable connectors, named and branded for the page.
        let sso: Vec<Value> = store
            .sso_connectors
            .iter()
            .filter(|c| !c.domains.is_empty() && crate::sso::parse_config(&c.provider_name, &c.config).is_some())
            .map(|c| {
                let provider_name = crate::sso::provider(&c.provider_name).map(|p| p.2).unwrap_or_default();
                json!({
                    "id": c.id,
                    "connectorName": c.branding.get("displayName").cloned().unwrap_or_else(|| json!(provider_name)),
                    "logo": c.branding.get("logo").cloned().unwrap_or_else(|| json!(crate::sso::PROVIDER_LOGO)),
                    "darkLogo": c.branding.get("darkLogo").cloned().unwrap_or_else(|| json!(crate::sso::PROVIDER_LOGO)),
                })
            })
            .collect();
        (store.sign_in_experience(), app, organization, sso)
    });
    let sso = if experience["singleSignOnEnabled"] == true { sso } else { vec![] };
    for layer in [app, organization].into_iter().flatten() {
        deep_merge(&mut experience, &layer);
    }
    if let Some(fields) = experience.as_object_mut() {
        fields.remove("emailBlocklistPolicy");
        fields.remove("forgotPasswordMethods");
        fields.insert("socialConnectors".into(), json!([]));
        fields.insert("ssoConnectors".into(), Value::Array(sso));
        fields.insert("forgotPassword".into(), json!({"phone": false, "email": false}));
        fields.insert("isDevelopmentTenant".into(), json!(false));
        fields.insert("customProfileFields".into(), json!([]));
        fields.insert("customProfileFieldCatalog".into(), json!([]));
    }
    Json(experience)
}

/// Logto's default `account_centers` row (`createDefaultAccountCenter`, `packages/schemas/src/seeds/
/// account-center.ts`; the columns of `tables/account_centers.sql`).
async fn account_center() -> Json<Value> {
    Json(json!({
        "tenantId": "default", "id": "default", "enabled": false, "fields": {},
        "webauthnRelatedOrigins": [], "deleteAccountUrl": null, "customCss": null, "profileFields": null,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_merge_merges_objects_and_replaces_the_rest() {
        let mut base = json!({"color": {"primaryColor": "#000", "isDarkModeEnabled": false}, "customCss": null});
        deep_merge(&mut base, &json!({"color": {"primaryColor": "#f00"}, "customCss": "a{}"}));
        assert_eq!(base, json!({"color": {"primaryColor": "#f00", "isDarkModeEnabled": false}, "customCss": "a{}"}));
    }
}
