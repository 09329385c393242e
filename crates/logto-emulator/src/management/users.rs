//! `GET /api/users` (list and search, paginated) and `GET /api/users/{id}`.
//!
//! Search is [`super::search`]'s (Logto's `utils/search.ts`). Results are newest first; `Total-Number` and `Link` headers as
//! Logto sends them.

use axum::extract::{OriginalUri, Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

use super::guard::{self, Field, Kind};
use super::pagination::{ListRequest, Pagination};
use super::search::Search;
use crate::error::ApiError;
use crate::model::User;
use crate::request::Params;
use crate::state::AppState;
use crate::tenant::{NewUser, UserPatch};

/// `GET /api/users/{id}`; `includeSsoIdentities=true` adds `ssoIdentities` (none: the emulator
/// has no enterprise SSO).
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Json<Value>, ApiError> {
    let mut user =
        state.tenant.read(|store| store.user(&id).map(|u| u.to_api_json())).ok_or_else(ApiError::not_found)?;
    let params = Params::from_query(uri.query());
    if params.get("includeSsoIdentities").ok().flatten() == Some("true") {
        user["ssoIdentities"] = serde_json::json!([]);
    }
    if params.get("includePasswordHash").ok().flatten() == Some("true") {
        let hash = state.tenant.read(|store| store.user(&id).map(password_hash)).unwrap_or_default();
        (user["passwordDigest"], user["passwordAlgorithm"]) = hash;
    }
    Ok(Json(user))
}

pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Result<Response, ApiError> {
    let params = Params::from_query(uri.query());
    let pagination = Pagination::parse(&params)?;
    let search = Search::of::<User>(&params)?;
    let include_hash = params.get("includePasswordHash").ok().flatten() == Some("true");
    // `routes/admin-user/search.ts`: users without a role, or outside an organization.
    let exclude_role = params.get("excludeRoleId").ok().flatten().map(String::from);
    let exclude_org = params.get("excludeOrganizationId").ok().flatten().map(String::from);
    if exclude_role.is_some() && exclude_org.is_some() {
        return Err(ApiError::invalid_input(
            "Parameter `excludeRoleId` and `excludeOrganizationId` cannot be used at the same time.",
        ));
    }
    let (total, users) = state.tenant.read(|store| {
        let outside = |u: &User| {
            exclude_role.as_ref().is_none_or(|r| !u.role_ids.contains(r))
                && exclude_org
                    .as_ref()
                    .is_none_or(|o| store.organization(o).is_none_or(|org| org.member(&u.id).is_none()))
        };
        let matching: Vec<&User> = store.users.iter().rev().filter(|u| search.hits(*u) && outside(u)).collect();
        let render = |u: &&User| {
            let mut v = u.to_api_json();
            if include_hash {
                (v["passwordDigest"], v["passwordAlgorithm"]) = password_hash(u);
            }
            v
        };
        (matching.len(), pagination.slice(&matching).iter().map(render).collect::<Vec<_>>())
    });
    Ok((pagination.headers(total, &state.endpoint, &uri, &params), Json(users)).into_response())
}

/// `POST /api/users`'s guard (`routes/admin-user/basics.ts`).
const NEW_USER: &[Field] = &[
    Field::optional("primaryPhone", Kind::Str { min: 0, max: None, pattern: Some(guard::is_phone) }),
    Field::optional("primaryEmail", Kind::Str { min: 0, max: None, pattern: Some(guard::is_email) }),
    Field::optional("username", Kind::Str { min: 0, max: None, pattern: Some(guard::is_username) }),
    Field::optional("password", Kind::Str { min: 1, max: None, pattern: None }),
    Field::optional("passwordDigest", Kind::Str { min: 0, max: Some(256), pattern: None }),
    Field::optional("passwordAlgorithm", Kind::Enum(crate::password_digest::ALGORITHMS)),
    Field::optional("name", guard::ANY_STRING),
    Field::nullable("avatar", Kind::Str { min: 0, max: None, pattern: Some(url_or_empty) }),
    Field::optional("customData", Kind::Object),
    Field::optional("profile", Kind::Object),
];

/// `PATCH /api/users/{id}`'s guard: each identifier may also be `""` or `null`.
const USER_PATCH: &[Field] = &[
    Field::nullable("username", Kind::Str { min: 0, max: None, pattern: Some(username_or_empty) }),
    Field::nullable("primaryEmail", Kind::Str { min: 0, max: None, pattern: Some(email_or_empty) }),
    Field::nullable("primaryPhone", Kind::Str { min: 0, max: None, pattern: Some(phone_or_empty) }),
    Field::nullable("name", guard::ANY_STRING),
    Field::nullable("avatar", Kind::Str { min: 0, max: None, pattern: Some(url_or_empty) }),
    Field::optional("customData", Kind::Object),
    Field::optional("profile", Kind::Object),
];

fn url_or_empty(s: &str) -> bool {
    s.is_empty() || url::Url::parse(s).is_ok()
}
fn username_or_empty(s: &str) -> bool {
    s.is_empty() || guard::is_username(s)
}
fn email_or_empty(s: &str) -> bool {
    s.is_empty() || guard::is_email(s)
}
fn phone_or_empty(s: &str) -> bool {
    s.is_empty() || guard::is_phone(s)
}

/// The value a patch sets, if it sets one.
fn given(field: &Option<Option<String>>) -> Option<&str> {
    field.as_ref().and_then(|v| v.as_deref())
}

/// The `users` table's `varchar` limits (`packages/schemas/tables/users.sql`).
fn check_columns(fields: [Option<&str>; 5]) -> Result<(), ApiError> {
    let [username, email, phone, name, avatar] = fields;
    guard::column(username, 128)?;
    guard::column(email, 128)?;
    guard::column(phone, 128)?;
    guard::column(name, 128)?;
    guard::column(avatar, 2048)
}

/// `POST /api/users`: 200 with the new user; 422 when the username or email is taken.
pub async fn create(State(state): State<AppState>, body: axum::body::Bytes) -> Result<Json<Value>, ApiError> {
    let mut new: NewUser = guard::body(&body, NEW_USER)?;
    if let Some(profile) = &new.profile {
        new.profile = Some(super::schema::conform(super::schema::USER_PROFILE, profile)?);
    }
    check_columns([
        new.username.as_deref(),
        new.primary_email.as_deref(),
        new.primary_phone.as_deref(),
        new.name.as_deref(),
        new.avatar.as_deref(),
    ])?;
    let user = state.tenant.create_user(new, state.clock.now_ms())?;
    Ok(Json(user.to_api_json()))
}

/// `PATCH /api/users/{id}`: sets the given fields (`null` clears one; `customData` is replaced whole,
/// as Logto does); 422 when the new username or email is taken.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    // `{}` sets no column: Logto's update query has an empty `set` list (slonik's
    // `InvalidInputError`, answered 422 `entity.invalid_input`).
    if serde_json::from_slice::<Value>(&body).ok().and_then(|v| v.as_object().map(|o| o.is_empty())) == Some(true) {
        return Err(ApiError::unprocessable("entity.invalid_input", "Invalid input. Value list must not be empty."));
    }
    let mut patch: UserPatch = guard::body(&body, USER_PATCH)?;
    if let Some(profile) = &patch.profile {
        patch.profile = Some(super::schema::conform(super::schema::USER_PROFILE, profile)?);
    }
    check_columns([
        given(&patch.username),
        given(&patch.primary_email),
        given(&patch.primary_phone),
        given(&patch.name),
        given(&patch.avatar),
    ])?;
    let user = state.tenant.update_user(&id, patch, state.clock.now_ms())?;
    Ok(Json(user.to_api_json()))
}

const PASSWORD: &[Field] = &[Field::required("password", Kind::Str { min: 1, max: None, pattern: None })];
const SUSPENSION: &[Field] = &[Field::required("isSuspended", Kind::Bool)];

#[derive(serde::Deserialize)]
struct NewPassword {
    password: String,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Suspension {
    is_suspended: bool,
}

/// `PATCH /api/users/{id}/password` `{password}` (`routes/admin-user/basics.ts`): the user.
pub async fn set_password(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let new: NewPassword = guard::body(&body, PASSWORD)?;
    let user = state.tenant.set_user_password(&id, &new.password, state.clock.now_ms())?;
    Ok(Json(user.to_api_json()))
}

/// `PATCH /api/users/{id}/is-suspended` `{isSuspended}` (`routes/admin-user/basics.ts`): the user;
/// a suspended user is signed out everywhere.
pub async fn set_suspended(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let change: Suspension = guard::body(&body, SUSPENSION)?;
    let user = state.tenant.set_user_suspended(&id, change.is_suspended, state.clock.now_ms())?;
    Ok(Json(user.to_api_json()))
}

const PROFILE: &[Field] = &[Field::required("profile", Kind::Object)];
const CUSTOM_DATA: &[Field] = &[Field::required("customData", Kind::Object)];

#[derive(serde::Deserialize)]
struct ProfileBody {
    profile: Value,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct CustomDataBody {
    custom_data: Value,
}

/// `PATCH /api/users/{id}/profile` `{profile}` (`routes/admin-user/basics.ts`): the keys merged
/// into the profile (`jsonbMode: 'merge'`); the profile after.
pub async fn update_profile(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let ProfileBody { profile } = guard::body(&body, PROFILE)?;
    let profile = super::schema::conform(super::schema::USER_PROFILE, &profile)?;
    let patch = UserPatch { profile: Some(profile), ..UserPatch::default() };
    Ok(Json(state.tenant.update_user(&id, patch, state.clock.now_ms())?.profile))
}

/// `GET /api/users/{id}/custom-data`.
pub async fn custom_data(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    state.tenant.read(|store| store.user(&id).map(|u| Json(u.custom_data.clone()))).ok_or_else(ApiError::not_found)
}

/// `PATCH /api/users/{id}/custom-data` `{customData}`: the keys merged (`jsonbMode: 'merge'`);
/// the data after.
pub async fn update_custom_data(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let CustomDataBody { custom_data } = guard::body(&body, CUSTOM_DATA)?;
    let mut merged =
        state.tenant.read(|store| store.user(&id).map(|u| u.custom_data.clone())).ok_or_else(ApiError::not_found)?;
    if let (Some(current), Value::Object(keys)) = (merged.as_object_mut(), custom_data) {
        current.extend(keys);
    }
    let patch = UserPatch { custom_data: Some(merged), ..UserPatch::default() };
    Ok(Json(state.tenant.update_user(&id, patch, state.clock.now_ms())?.custom_data))
}

/// `includePasswordHash=true`'s `passwordDigest` and `passwordAlgorithm`: an imported digest as
/// imported; a password set in the emulator as its SHA256 (Logto hashes with Argon2i, which the
/// emulator does not), a digest `POST /api/users` of any Logto takes back; `null` for none.
fn password_hash(user: &User) -> (Value, Value) {
    match (&user.password, &user.password_digest) {
        (Some(p), _) => (Value::String(crate::password_digest::sha256_hex(p.expose())), Value::String("SHA256".into())),
        (None, Some(d)) => (Value::String(d.digest.expose().to_string()), Value::String(d.algorithm.clone())),
        (None, None) => (Value::Null, Value::Null),
    }
}

const EXPIRATION: &[Field] = &[Field::required("isExpired", Kind::Bool)];

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Expiration {
    is_expired: bool,
}

/// `PATCH /api/users/{id}/password/expiration` `{isExpired}`: the user as it is after.
pub async fn set_password_expiration(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let Expiration { is_expired } = guard::body(&body, EXPIRATION)?;
    Ok(Json(state.tenant.set_password_expired(&id, is_expired, state.clock.now_ms())?.to_api_json()))
}

/// `POST /api/users/{id}/password/verify` `{password}`: 204 when it is the user's password, 422
/// `session.invalid_credentials` when not (`libraries/user-password-verification.ts`).
pub async fn verify_password(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<axum::http::StatusCode, ApiError> {
    let new: NewPassword = guard::body(&body, PASSWORD)?;
    let user = state.tenant.read(|store| store.user(&id).cloned()).ok_or_else(ApiError::not_found)?;
    if !user.password_matches(&new.password) {
        return Err(ApiError::unprocessable(
            "session.invalid_credentials",
            "Incorrect account or password. Please check your input.",
        ));
    }
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// `GET /api/users/{id}/has-password`.
pub async fn has_password(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let has = state.tenant.read(|store| store.user(&id).map(User::has_password)).ok_or_else(ApiError::not_found)?;
    Ok(Json(serde_json::json!({"hasPassword": has})))
}

/// `DELETE /api/users/{id}`: 204; the user's grants end with it.
pub async fn delete(State(state): State<AppState>, Path(id): Path<String>) -> Result<axum::http::StatusCode, ApiError> {
    if !state.tenant.delete_user(&id)? {
        return Err(ApiError::not_found());
    }
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// `GET /api/users/{id}/roles` (paginated, as Logto).
pub async fn roles(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let list = ListRequest::paged(uri)?;
    let search = Search::of::<crate::model::Role>(&list.params)?;
    let roles = state.tenant.read(|store| {
        let user = store.user(&id)?;
        Some(
            store
                .roles
                .iter()
                .filter(|r| user.role_ids.contains(&r.id) && search.hits(*r))
                .map(|r| r.to_api_json())
                .collect(),
        )
    });
    Ok(list.answer(&state.endpoint, roles.ok_or_else(ApiError::not_found)?))
}

/// `POST /api/users/{id}/roles`: 201 `{roleIds, addedRoleIds}`; roles already held are ignored.
pub async fn assign_roles(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let super::RoleIds { role_ids } = guard::body(&body, super::RoleIds::SCHEMA)?;
    let added = state.tenant.assign_user_roles(&id, &role_ids)?;
    Ok((axum::http::StatusCode::CREATED, Json(serde_json::json!({"roleIds": role_ids, "addedRoleIds": added}))))
}

/// `PUT /api/users/{id}/roles` (`routes/admin-user/role.ts`): the user's roles replaced; 200
/// `{roleIds}` without repeats.
pub async fn set_roles(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let super::RoleIds { role_ids } = guard::body(&body, super::RoleIds::SCHEMA)?;
    state.tenant.set_user_roles(&id, &role_ids)?;
    let mut unique: Vec<&String> = Vec::new();
    role_ids.iter().for_each(|r| {
        if !unique.contains(&r) {
            unique.push(r)
        }
    });
    Ok(Json(serde_json::json!({"roleIds": unique})))
}

/// `DELETE /api/users/{id}/roles/{role_id}`: 204.
pub async fn remove_role(
    State(state): State<AppState>,
    Path((id, role_id)): Path<(String, String)>,
) -> Result<axum::http::StatusCode, ApiError> {
    if state.tenant.read(|store| store.user(&id).is_none()) {
        return Err(ApiError::not_found());
    }
    state.tenant.remove_role_holder(&role_id, &id)?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// `GET /api/users/{id}/grants[?appType=firstParty|thirdParty]` (`routes/admin-user/grants.ts`):
/// `{grants}`, each with the grant's payload as oidc-provider keeps it and the app's id and name.
pub async fn grants(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Json<Value>, ApiError> {
    let params = Params::from_query(uri.query());
    let third_party = match params.get("appType").ok().flatten() {
        None => None,
        Some("firstParty") => Some(false),
        Some("thirdParty") => Some(true),
        Some(_) => return Err(ApiError::invalid_input("`appType` must be firstParty or thirdParty.")),
    };
    let grants = state.tenant.user_grants(&id, third_party, state.clock.now_secs());
    let names = state.tenant.read(|store| {
        grants.iter().map(|g| store.applications.get(&g.client_id).map(|a| a.name.clone())).collect::<Vec<_>>()
    });
    let grants: Vec<Value> = grants
        .iter()
        .zip(names)
        .map(|(g, name)| {
            let exp = g.iat + crate::model::Grant::TTL;
            serde_json::json!({
                "id": g.id,
                "payload": {"exp": exp, "iat": g.iat, "jti": g.id, "kind": "Grant", "clientId": g.client_id,
                            "accountId": g.account_id, "openid": {"scope": g.scopes.join(" ")}},
                "expiresAt": exp * 1000,
                "application": {"id": g.client_id, "name": name},
            })
        })
        .collect();
    Ok(Json(serde_json::json!({"grants": grants})))
}

/// `DELETE /api/users/{id}/grants/{grant_id}` → 204: the grant and its tokens end; 404 when the
/// user has no such grant.
pub async fn revoke_grant(
    State(state): State<AppState>,
    Path((id, grant_id)): Path<(String, String)>,
) -> Result<axum::http::StatusCode, ApiError> {
    if !state.tenant.revoke_user_grant(&id, &grant_id) {
        return Err(ApiError::not_found());
    }
    Ok(axum::http::StatusCode::NO_CONTENT)
}
