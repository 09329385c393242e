//! Applications, their secrets and their roles (`/api/applications`).

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::guard::{self, Field, Kind};
use super::pagination::ListRequest;
use super::search::Search;
use super::RoleIds;
use crate::error::ApiError;
use crate::model::{AppType, Application};
use crate::state::AppState;
use crate::tenant::{ApplicationPatch, NewApplication};

/// `GET /api/applications`, newest first (paginated when asked, as Logto's `application.ts`).
/// `GET /api/applications` (`routes/applications/application.ts`): newest first, optionally
/// paged, filtered by `types` (repeatable), `isThirdParty`, `excludeRoleId` and
/// `excludeOrganizationId`.
pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Result<Response, ApiError> {
    let list = ListRequest::optionally_paged(uri)?;
    let pairs = list.params.0.clone();
    let values = |key: &str| pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let mut types = Vec::new();
    for t in values("types") {
        types.push(AppType::parse(&t).ok_or_else(|| ApiError::invalid_input("`types` must be application types."))?);
    }
    let third_party = match values("isThirdParty").first().map(String::as_str) {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(ApiError::invalid_input("`isThirdParty` must be true or false.")),
    };
    let (exclude_role, exclude_org) = (values("excludeRoleId").pop(), values("excludeOrganizationId").pop());
    let search = Search::of::<Application>(&list.params)?;
    let apps = state.tenant.read(|store| {
        let keep = |a: &&Application| {
            (types.is_empty() || types.contains(&a.app_type))
                && search.hits(*a)
                && third_party.is_none_or(|t| a.is_third_party == t)
                && exclude_role.as_ref().is_none_or(|r| !a.role_ids.contains(r))
                && exclude_org
                    .as_ref()
                    .is_none_or(|o| store.organization(o).is_none_or(|org| org.application(&a.id).is_none()))
        };
        let mut apps: Vec<&Application> = store.applications.values().filter(keep).collect();
        apps.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
        apps.into_iter().map(Application::to_api_json).collect()
    });
    Ok(list.answer(&state.endpoint, apps))
}

pub async fn get_one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let app = state.tenant.read(|store| store.applications.get(&id).map(Application::to_api_json));
    let mut v = app.ok_or_else(ApiError::not_found)?;
    v["isAdmin"] = json!(false);
    Ok(Json(v))
}

/// `POST /api/applications`'s guard (`routes/applications/application.ts`, Logto 1.42's OpenAPI document).
const NEW_APPLICATION: &[Field] = &[
    Field::required("name", guard::string(1, 256)),
    Field::nullable("description", guard::ANY_STRING),
    Field::required("type", Kind::Enum(&["Native", "SPA", "Traditional", "MachineToMachine", "Protected", "SAML"])),
    Field::optional(
        "oidcClientMetadata",
        Kind::Nested(&[
            Field::required("redirectUris", Kind::Strings { min: 0 }),
            Field::required("postLogoutRedirectUris", Kind::Strings { min: 0 }),
        ]),
    ),
    Field::optional("customClientMetadata", Kind::Object),
    Field::optional("customData", Kind::Object),
    Field::optional("isThirdParty", Kind::Bool),
    Field::optional("protectedAppMetadata", Kind::Object),
];

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ClientMetadata {
    #[serde(default)]
    redirect_uris: Vec<String>,
    #[serde(default)]
    post_logout_redirect_uris: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireApplication {
    name: String,
    #[serde(rename = "type")]
    app_type: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    oidc_client_metadata: Option<ClientMetadata>,
    #[serde(default)]
    custom_client_metadata: Option<Map<String, Value>>,
    #[serde(default)]
    custom_data: Option<Value>,
    #[serde(default)]
    is_third_party: bool,
}

/// `customClientMetadata` as Logto's `customClientMetadataGuard` takes it (unknown keys dropped).
fn client_metadata(given: Option<Map<String, Value>>) -> Result<Option<Map<String, Value>>, ApiError> {
    let Some(given) = given else { return Ok(None) };
    match super::schema::conform(super::schema::CUSTOM_CLIENT_METADATA, &Value::Object(given))? {
        Value::Object(map) => Ok(Some(map)),
        _ => Ok(None),
    }
}

/// `customClientMetadata`'s two flags the emulator acts on, and the rest as given.
fn split_client_metadata(metadata: Option<Map<String, Value>>) -> (bool, bool, Map<String, Value>) {
    let mut metadata = metadata.unwrap_or_default();
    let mut flag = |key: &str| metadata.remove(key).and_then(|v| v.as_bool()).unwrap_or(false);
    let (device, exchange) = (flag("isDeviceFlow"), flag("allowTokenExchange"));
    (device, exchange, metadata)
}

pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let new: WireApplication = guard::body(&body, NEW_APPLICATION)?;
    let meta = new.oidc_client_metadata.unwrap_or_default();
    let Some(app_type) = AppType::parse(&new.app_type) else {
        // Logto's own answers for these two (`routes/applications/application.ts`): SAML apps
        // have their own API; a protected app needs its metadata (protected apps are not
        // emulated, so no metadata makes one).
        return Err(if new.app_type == "SAML" {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "application.saml.use_saml_app_api",
                "Use `[METHOD] /saml-applications(/.*)?` API to operate SAML app.",
            )
        } else {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "application.protected_app_metadata_is_required",
                "Protected app metadata is required.",
            )
        });
    };
    let bad_uri =
        meta.redirect_uris.iter().chain(&meta.post_logout_redirect_uris).position(|u| url::Url::parse(u).is_err());
    if let Some(i) = bad_uri {
        let (key, index) = if i < meta.redirect_uris.len() {
            ("redirectUris", i)
        } else {
            ("postLogoutRedirectUris", i - meta.redirect_uris.len())
        };
        return Err(guard::invalid_input(vec![json!({"code": "custom", "message": "Invalid URL",
            "path": ["oidcClientMetadata", key, index]})]));
    }
    let (is_device_flow, allow_token_exchange, extra_client_metadata) =
        split_client_metadata(client_metadata(new.custom_client_metadata)?);
    let new = NewApplication {
        name: new.name,
        description: new.description,
        app_type,
        redirect_uris: meta.redirect_uris,
        post_logout_redirect_uris: meta.post_logout_redirect_uris,
        is_device_flow,
        allow_token_exchange,
        is_third_party: new.is_third_party,
        custom_data: new.custom_data.unwrap_or_else(|| json!({})),
        extra_client_metadata,
    };
    let app = state.tenant.create_application(new, state.clock.now_ms())?;
    Ok(Json(app.to_api_json()))
}

pub async fn delete(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if !state.tenant.delete_application(&id)? {
        return Err(ApiError::not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/applications/{id}/secrets`: its secrets, oldest first.
pub async fn secrets(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let secrets = state.tenant.read(|store| {
        let app = store.applications.get(&id)?;
        Some(app.secrets().iter().map(|s| app.secret_json(s)).collect())
    });
    Ok(Json(secrets.ok_or_else(ApiError::not_found)?))
}

/// `POST /api/applications/{id}/secrets`' guard (`ApplicationSecrets.createGuard.pick(name,
/// expiresAt)`; the name a `varchar(256)`).
const NEW_SECRET: &[Field] =
    &[Field::required("name", guard::string(1, 256)), Field::nullable("expiresAt", Kind::Number)];
const SECRET_RENAME: &[Field] = &[Field::required("name", guard::string(1, 256))];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewSecret {
    name: String,
    #[serde(default)]
    expires_at: Option<f64>,
}

/// `POST /api/applications/{id}/secrets` → 201 with the secret; `expiresAt` must be in the future.
pub async fn create_secret(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new: NewSecret = guard::body(&body, NEW_SECRET)?;
    let now = state.clock.now_ms();
    let expires_at = new.expires_at.map(|at| at as i64);
    if expires_at.is_some_and(|at| at <= now) {
        return Err(ApiError::invalid_input("The value of `expiresAt` must be in the future."));
    }
    let (app, secret) = state.tenant.add_application_secret(&id, &new.name, expires_at, now)?;
    Ok((StatusCode::CREATED, Json(app.secret_json(&secret))))
}

/// `DELETE /api/applications/{id}/secrets/{name}` → 204.
pub async fn delete_secret(
    State(state): State<AppState>,
    Path((id, name)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.tenant.delete_application_secret(&id, &name)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct SecretRename {
    name: String,
}

/// `PATCH /api/applications/{id}/secrets/{name}` `{name}` → the secret renamed.
pub async fn rename_secret(
    State(state): State<AppState>,
    Path((id, name)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let SecretRename { name: new_name } = guard::body(&body, SECRET_RENAME)?;
    let (app, secret) = state.tenant.rename_application_secret(&id, &name, &new_name)?;
    Ok(Json(app.secret_json(&secret)))
}

/// `GET /api/applications/{id}/roles` (paginated, as Logto's `application-role.ts`).
pub async fn roles(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let list = ListRequest::paged(uri)?;
    let search = Search::of::<crate::model::Role>(&list.params)?;
    let roles = state.tenant.read(|store| {
        let app = store.applications.get(&id).ok_or_else(ApiError::not_found)?;
        if app.app_type != AppType::MachineToMachine {
            return Err(crate::tenant::not_machine_to_machine());
        }
        Ok(store
            .roles
            .iter()
            .filter(|r| app.role_ids.contains(&r.id) && search.hits(*r))
            .map(|r| r.to_api_json())
            .collect())
    });
    Ok(list.answer(&state.endpoint, roles?))
}

/// `PUT /api/applications/{id}/roles` `{roleIds}` → 200: the roles replaced.
pub async fn set_roles(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let RoleIds { role_ids } = guard::body(&body, RoleIds::SCHEMA)?;
    state.tenant.set_application_roles(&id, &role_ids)?;
    Ok(StatusCode::OK)
}

pub async fn assign_roles(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let RoleIds { role_ids } = guard::body(&body, RoleIds::SCHEMA)?;
    let added = state.tenant.assign_application_roles(&id, &role_ids)?;
    Ok((StatusCode::CREATED, Json(json!({"roleIds": role_ids, "addedRoleIds": added}))))
}

/// `DELETE /api/applications/{id}/roles/{role_id}`: 204.
pub async fn remove_role(
    State(state): State<AppState>,
    Path((id, role_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    if !state.tenant.read(|store| store.applications.contains_key(&id)) {
        return Err(ApiError::not_found());
    }
    state.tenant.remove_role_holder(&role_id, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PATCH /api/applications/{id}`'s guard (`applicationPatchGuard`: every field optional; the
/// client metadata's lists checked as URLs like at creation).
const APPLICATION_PATCH: &[Field] = &[
    Field::optional("name", guard::string(1, 256)),
    Field::nullable("description", guard::ANY_STRING),
    Field::optional("oidcClientMetadata", Kind::Object),
    Field::optional("customClientMetadata", Kind::Object),
    Field::optional("customData", Kind::Object),
    Field::optional("isAdmin", Kind::Bool),
    Field::optional("protectedAppMetadata", Kind::Object),
    Field::optional("appLevelAccessControlEnabled", Kind::Bool),
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WirePatch {
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "crate::request::nullable")]
    description: Option<Option<String>>,
    #[serde(default)]
    oidc_client_metadata: Option<Map<String, Value>>,
    #[serde(default)]
    custom_client_metadata: Option<Map<String, Value>>,
    #[serde(default)]
    custom_data: Option<Value>,
}

/// A list of URLs from the client metadata, or 400 naming the first that is not one.
fn url_list(metadata: &Map<String, Value>, key: &str) -> Result<Option<Vec<String>>, ApiError> {
    let Some(list) = metadata.get(key) else { return Ok(None) };
    let items =
        list.as_array().ok_or_else(|| ApiError::invalid_body(format!("oidcClientMetadata.{key}: not a list")))?;
    let mut uris = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item.as_str().filter(|u| url::Url::parse(u).is_ok()) {
            Some(uri) => uris.push(uri.to_string()),
            None => {
                return Err(guard::invalid_input(vec![json!({"code": "custom", "message": "Invalid URL",
                    "path": ["oidcClientMetadata", key, i]})]))
            }
        }
    }
    Ok(Some(uris))
}

/// `PATCH /api/applications/{id}` (`routes/applications/application.ts`): the application after.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let patch: WirePatch = guard::body(&body, APPLICATION_PATCH)?;
    let metadata = patch.oidc_client_metadata.unwrap_or_default();
    let patch = ApplicationPatch {
        name: patch.name,
        description: patch.description,
        redirect_uris: url_list(&metadata, "redirectUris")?,
        post_logout_redirect_uris: url_list(&metadata, "postLogoutRedirectUris")?,
        custom_client_metadata: client_metadata(patch.custom_client_metadata)?,
        custom_data: patch.custom_data,
    };
    Ok(Json(state.tenant.update_application(&id, patch)?.to_api_json()))
}

/// `PATCH /api/applications/{id}/custom-data` (`routes/applications/application-custom-data.ts`):
/// the object's keys merged into the app's `customData` (Logto's `jsonbMode: 'merge'`); the data
/// after.
pub async fn update_custom_data(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let added: Map<String, Value> = crate::request::parse_body(&body)?;
    Ok(Json(state.tenant.merge_application_custom_data(&id, added)?))
}

/// An application's sign-in experience as Logto answers it.
fn sign_in_experience_json(app: &Application) -> Option<Value> {
    let mut v = Value::Object(app.sign_in_experience.clone()?);
    v["tenantId"] = json!("default");
    v["applicationId"] = json!(app.id);
    Some(v)
}

/// `PUT /api/applications/{id}/sign-in-experience`: 201 when made, 200 when changed; empty texts
/// are kept as `null`, as Logto's guard turns them.
pub async fn set_sign_in_experience(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body: Value = crate::request::parse_body(&body)?;
    let Value::Object(mut settings) = super::schema::conform(super::schema::APPLICATION_SIGN_IN_EXPERIENCE, &body)?
    else {
        return Err(ApiError::invalid_body("the body must be an object"));
    };
    for key in ["customCss", "termsOfUseUrl", "privacyPolicyUrl", "displayName"] {
        if settings.get(key).is_some_and(|v| v == "") {
            settings.insert(key.into(), Value::Null);
        }
    }
    let (app, created) = state.tenant.set_application_sign_in_experience(&id, settings)?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(sign_in_experience_json(&app).unwrap_or_default())))
}

/// `GET /api/applications/{id}/sign-in-experience`: 404 `entity.not_exists_with_id` until set.
pub async fn sign_in_experience(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let found = state.tenant.read(|store| store.applications.get(&id).map(sign_in_experience_json));
    match found {
        None => Err(ApiError::not_exists_with_id("applications", &id)),
        Some(None) => Err(ApiError::not_exists_with_id("application_sign_in_experiences", &id)),
        Some(Some(v)) => Ok(Json(v)),
    }
}

/// `POST /api/applications/{id}/user-consent-scopes`' guard (`userScopes`: Logto's `UserScope`).
const CONSENT_SCOPES: &[Field] = &[
    Field::optional("organizationScopes", Kind::Strings { min: 0 }),
    Field::optional("resourceScopes", Kind::Strings { min: 0 }),
    Field::optional("organizationResourceScopes", Kind::Strings { min: 0 }),
    Field::optional("userScopes", Kind::Strings { min: 0 }),
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireConsentScopes {
    #[serde(default)]
    organization_scopes: Vec<String>,
    #[serde(default)]
    resource_scopes: Vec<String>,
    #[serde(default)]
    organization_resource_scopes: Vec<String>,
    #[serde(default)]
    user_scopes: Vec<String>,
}

/// `POST /api/applications/{id}/user-consent-scopes` (`routes/applications/application-user-
/// consent-scope.ts`): 201; scopes held already stay once.
pub async fn add_consent_scopes(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let wire: WireConsentScopes = guard::body(&body, CONSENT_SCOPES)?;
    if wire.user_scopes.iter().any(|s| !crate::tenant::USER_SCOPES.contains(&s.as_str())) {
        return Err(ApiError::invalid_body("userScopes: one of Logto's user scopes each"));
    }
    let add = crate::model::ConsentScopes {
        organization_scopes: wire.organization_scopes,
        resource_scopes: wire.resource_scopes,
        organization_resource_scopes: wire.organization_resource_scopes,
        user_scopes: wire.user_scopes,
    };
    state.tenant.add_consent_scopes(&id, add)?;
    Ok(StatusCode::CREATED)
}

/// Resource scope ids, grouped by their resource: `[{resource, scopes}]`.
fn by_resource(store: &crate::store::Store, ids: &[String]) -> Vec<Value> {
    let mut groups: Vec<(String, Value, Vec<Value>)> = Vec::new();
    for (resource, scope) in ids.iter().filter_map(|i| store.scope_by_id(i)) {
        match groups.iter_mut().find(|(id, _, _)| id == &resource.id) {
            Some((_, _, scopes)) => scopes.push(resource.scope_json(scope)),
            None => groups.push((resource.id.clone(), resource.to_api_json(false), vec![resource.scope_json(scope)])),
        }
    }
    groups.into_iter().map(|(_, resource, scopes)| json!({"resource": resource, "scopes": scopes})).collect()
}

/// `GET /api/applications/{id}/user-consent-scopes`.
pub async fn consent_scopes(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let answer = state.tenant.read(|store| {
        let app = store.applications.get(&id)?;
        let consent = &app.consent_scopes;
        let organization: Vec<Value> =
            consent.organization_scopes.iter().filter_map(|i| store.org_scope(i)).map(|s| s.to_api_json()).collect();
        Some(json!({
            "organizationScopes": organization,
            "resourceScopes": by_resource(store, &consent.resource_scopes),
            "organizationResourceScopes": by_resource(store, &consent.organization_resource_scopes),
            "userScopes": consent.user_scopes,
        }))
    });
    answer.map(Json).ok_or_else(|| ApiError::not_exists_with_id("applications", &id))
}

/// `DELETE /api/applications/{id}/user-consent-scopes/{kind}/{scope_id}` → 204.
pub async fn remove_consent_scope(
    State(state): State<AppState>,
    Path((id, kind, scope)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let kind = crate::tenant::ConsentScopeKind::parse(&kind).ok_or_else(|| {
        ApiError::invalid_input(
            "`scopeType` must be organization-scopes, resource-scopes, organization-resource-scopes or user-scopes.",
        )
    })?;
    state.tenant.remove_consent_scope(&id, kind, &scope)?;
    Ok(StatusCode::NO_CONTENT)
}

const ORGANIZATION_IDS: &[Field] = &[Field::required("organizationIds", Kind::Strings { min: 0 })];
const SOME_ORGANIZATION_IDS: &[Field] = &[Field::required("organizationIds", Kind::Strings { min: 1 })];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrganizationIds {
    organization_ids: Vec<String>,
}

/// `GET /api/applications/{id}/users/{user_id}/consent-organizations` (paged): `{organizations}`.
pub async fn consent_organizations(
    State(state): State<AppState>,
    Path((id, user_id)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let params = crate::request::Params::from_query(uri.query());
    let pagination = super::pagination::Pagination::parse(&params)?;
    let orgs = state.tenant.consent_organizations(&id, &user_id)?;
    let page: Vec<Value> = pagination.slice(&orgs).iter().map(|o| o.to_api_json()).collect();
    let headers = pagination.headers(orgs.len(), &state.endpoint, &uri, &params);
    Ok((headers, Json(json!({"organizations": page}))).into_response())
}

/// `PUT …/consent-organizations` `{organizationIds}` → 204: the user's shared organizations set.
pub async fn set_consent_organizations(
    State(state): State<AppState>,
    Path((id, user_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    state.tenant.consent_party(&id, &user_id)?;
    let OrganizationIds { organization_ids } = guard::body(&body, ORGANIZATION_IDS)?;
    state.tenant.set_consent_organizations(&id, &user_id, &organization_ids, true)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST …/consent-organizations` `{organizationIds}` (at least one) → 201.
pub async fn add_consent_organizations(
    State(state): State<AppState>,
    Path((id, user_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    // Logto's `router.use` checks the app and the user before the body's guard.
    state.tenant.consent_party(&id, &user_id)?;
    let OrganizationIds { organization_ids } = guard::body(&body, SOME_ORGANIZATION_IDS)?;
    state.tenant.set_consent_organizations(&id, &user_id, &organization_ids, false)?;
    Ok(StatusCode::CREATED)
}

/// `DELETE …/consent-organizations/{organization_id}` → 204.
pub async fn remove_consent_organization(
    State(state): State<AppState>,
    Path((id, user_id, org_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    state.tenant.remove_consent_organization(&id, &user_id, &org_id)?;
    Ok(StatusCode::NO_CONTENT)
}
