//! `POST /oidc/token` (authorization_code, refresh_token, client_credentials) and
//! `POST /oidc/token/revocation`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::error::OidcError;
use crate::model::{Application, Grant};
use crate::oidc::client_auth::{authenticate, authenticate_naming_secret};
use crate::oidc::cors::check_client;
use crate::oidc::tokens::{
    access_token_jwt, id_token, org_access_token_jwt, organization_audience, DEFAULT_TTL, ORGANIZATIONS_RESOURCE,
    ORGANIZATIONS_SCOPE,
};
use crate::request::Params;
use crate::state::AppState;
use crate::tenant::{DevicePoll, Rotation};

/// Refresh tokens live 14 days (Logto's `refreshTokenTtlInDays` default).
const REFRESH_TOKEN_TTL: i64 = 14 * 24 * 3600;
/// A consumed refresh token stays usable this long (`refreshTokenReuseInterval`).
const REUSE_INTERVAL_MS: i64 = 3000;

pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    body: Bytes,
) -> Response {
    let mut logged = serde_json::Map::new();
    let mut grant_type = None;
    let result = Params::from_body(&headers, &body, "/token").and_then(|params| {
        grant_type = params.get("grant_type").ok().flatten().map(String::from);
        let (client, secret) = authenticate_naming_secret(&state, &headers, &params)?;
        logged.insert("applicationId".into(), json!(client.id));
        if let Some(name) = secret {
            logged.insert("applicationSecret".into(), json!({"name": name}));
        }
        check_client(&headers, &client)?;
        match params.require("grant_type")? {
            "authorization_code" => authorization_code(&state, &client, &params),
            "refresh_token" => refresh_token(&state, &client, &params),
            "client_credentials" => client_credentials(&state, &client, &params),
            super::device::DEVICE_CODE_GRANT => device_code(&state, &client, &params),
            super::exchange::TOKEN_EXCHANGE_GRANT => super::exchange::token_exchange(&state, &client, &params),
            _ => Err(OidcError::new(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "unsupported grant_type requested",
            )),
        }
    });
    log_token_request(&state, &headers, peer, grant_type.as_deref(), logged, &result);
    match result {
        Ok(body) => Json(body).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The audit log's `ExchangeTokenBy.<grant>` entry (`event-listeners/grant.ts`): the app and
/// its secret's name, the tokens issued and their scope, or the error; the browser's address and
/// agent. Never a token, a code or a secret.
fn log_token_request(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    grant_type: Option<&str>,
    mut payload: serde_json::Map<String, Value>,
    result: &Result<Value, OidcError>,
) {
    match result {
        Ok(body) => {
            payload.insert("result".into(), json!("Success"));
            let kinds = [("access_token", "AccessToken"), ("refresh_token", "RefreshToken"), ("id_token", "IdToken")];
            let issued: Vec<&str> = kinds.iter().filter(|(k, _)| body.get(*k).is_some()).map(|(_, t)| *t).collect();
            payload.insert("tokenTypes".into(), json!(issued));
            if let Some(scope) = body.get("scope") {
                payload.insert("scope".into(), scope.clone());
            }
        }
        Err(e) => {
            payload.insert("result".into(), json!("Error"));
            payload.insert("error".into(), json!({"error": e.error, "error_description": e.description}));
        }
    }
    if let Some(axum::Extension(axum::extract::ConnectInfo(addr))) = peer {
        payload.insert("ip".into(), json!(addr.ip().to_string()));
    }
    if let Some(agent) = headers.get(axum::http::header::USER_AGENT).and_then(|v| v.to_str().ok()) {
        payload.insert("userAgent".into(), json!(agent));
    }
    let key = format!("ExchangeTokenBy.{}", crate::audit_log::exchange_by_type(grant_type));
    state.audit.record(&key, Value::Object(payload), state.clock.now_ms());
}

fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The single `resource` of a token request, which must be one the grant holds.
fn requested_resource(params: &Params, grant: &Grant) -> Result<Option<String>, OidcError> {
    let mut resources = params.resources();
    if resources.len() > 1 {
        return Err(OidcError::invalid_target("only a single resource indicator value is supported"));
    }
    match resources.pop() {
        Some(r) if !grant.resources.contains(&r) => {
            Err(OidcError::invalid_target("resource indicator is missing, or unknown"))
        }
        other => Ok(other),
    }
}

/// What a user grant's access token is for.
enum Target<'a> {
    /// No resource: an opaque token for `/oidc/me`.
    Opaque,
    /// A JWT for an API resource.
    Resource(&'a str),
    /// An organization token (`aud` = `urn:logto:organization:{id}`).
    Organization(&'a str),
    /// A JWT for an API resource within an organization (`organization_id` claim).
    OrganizationResource(&'a str, &'a str),
}

/// Issues what a user grant yields: the access token for `target` (scopes = what the user holds now
/// ∩ `requested`), plus an ID token when `openid` was granted and the refresh token given.
fn issue_user_tokens(
    state: &AppState,
    grant: &Grant,
    target: Target<'_>,
    requested: &[String],
    refresh_token: Option<String>,
) -> Result<Value, OidcError> {
    /// What the store says about the token to issue, read at once.
    enum Plan {
        Jwt { aud: String, scope: String, ttl: i64, organization: Option<String> },
        Opaque,
    }
    let wanted = |held: &dyn Fn(&String) -> bool| requested.iter().filter(|s| held(s)).cloned().collect::<Vec<_>>();
    let (user, plan) = state.tenant.read(|store| {
        let user =
            store.user(&grant.account_id).cloned().filter(|u| !u.is_suspended).ok_or_else(OidcError::invalid_grant)?;
        let resource_ttl = |indicator: &str| {
            store
                .resource(indicator)
                .map(|r| r.access_token_ttl)
                .ok_or_else(|| OidcError::invalid_target("resource indicator is missing, or unknown"))
        };
        let member = |org_id: &str| {
            store
                .organization(org_id)
                .and_then(|o| o.member(&user.id))
                .cloned()
                .ok_or_else(|| OidcError::access_denied("user is not a member of the organization"))
        };
        let plan = match target {
            Target::Resource(indicator) => {
                let ttl = resource_ttl(indicator)?;
                let held = store.user_scopes(&user.id, indicator);
                Plan::Jwt {
                    aud: indicator.to_string(),
                    scope: wanted(&|s| held.contains(s)).join(" "),
                    ttl,
                    organization: None,
                }
            }
            Target::Organization(org_id) => {
                let member = member(org_id)?;
                // Organization scopes only when the sign-in asked for the organizations resource (Logto).
                let scope = if grant.resources.iter().any(|r| r == ORGANIZATIONS_RESOURCE) {
                    store
                        .org_scope_names(&member)
                        .into_iter()
                        .filter(|s| requested.contains(s))
                        .collect::<Vec<_>>()
                        .join(" ")
                } else {
                    String::new()
                };
                Plan::Jwt { aud: organization_audience(org_id), scope, ttl: DEFAULT_TTL, organization: None }
            }
            Target::OrganizationResource(org_id, indicator) => {
                let ttl = resource_ttl(indicator)?;
                let member = member(org_id)?;
                let held = store.org_resource_scope_names(&member, indicator);
                let scope = wanted(&|s| held.contains(s)).join(" ");
                Plan::Jwt { aud: indicator.to_string(), scope, ttl, organization: Some(org_id.to_string()) }
            }
            Target::Opaque => Plan::Opaque,
        };
        Ok::<_, OidcError>((user, plan))
    })?;
    let (access_token, expires_in, scope) = match plan {
        Plan::Jwt { aud, scope, ttl, organization: None } => {
            (access_token_jwt(state, &user.id, &grant.client_id, &aud, Some(&scope), ttl), ttl, scope)
        }
        Plan::Jwt { aud, scope, ttl, organization: Some(org_id) } => {
            let token = org_access_token_jwt(state, &user.id, &grant.client_id, &aud, Some(&scope), ttl, Some(&org_id));
            (token, ttl, scope)
        }
        Plan::Opaque => {
            let oidc_scope = requested.iter().filter(|s| is_oidc_scope(s)).cloned().collect::<Vec<_>>().join(" ");
            let now = state.clock.now_secs();
            let token = state.tenant.issue_opaque_token(&grant.id, &oidc_scope, now, now + DEFAULT_TTL);
            (token, DEFAULT_TTL, oidc_scope)
        }
    };
    let mut body = json!({
        "access_token": access_token,
        "expires_in": expires_in,
        "scope": scope,
        "token_type": "Bearer",
    });
    // issueIdToken: only when the scopes of this request (the grant's, when it named none) hold
    // `openid`; a refresh whose `scope` leaves it out gets no ID token, as in Logto 1.42.
    // Its claims follow this request's scopes too: a refresh that narrows them drops the claims
    // of the scopes left out (Logto's refresh-token-grant test).
    if requested.iter().any(|s| s == "openid") {
        body["id_token"] = json!(id_token(state, &user, &grant.client_id, requested, grant.nonce.as_deref()));
    }
    if let Some(rt) = refresh_token {
        body["refresh_token"] = json!(rt);
    }
    Ok(body)
}

fn is_oidc_scope(s: &str) -> bool {
    !s.contains(':') || s.starts_with("urn:logto:scope:")
}

/// A refresh token for a grant that just started (a sign-in), with Logto's default lifetime.
pub(crate) fn first_refresh_token(state: &AppState, grant_id: &str) -> String {
    let now = state.clock.now_secs();
    state.tenant.issue_refresh_token(grant_id, now + REFRESH_TOKEN_TTL, now)
}

fn authorization_code(state: &AppState, client: &Application, params: &Params) -> Result<Value, OidcError> {
    if !client.app_type.allows_code_flow() {
        return Err(OidcError::new(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "requested grant type is not allowed for this client",
        ));
    }
    let code = params.require("code")?;
    let redirect_uri = params.require("redirect_uri")?;
    let verifier = params.get("code_verifier")?;
    let now = state.clock.now_secs();
    let challenge = verifier.map(s256);
    let grant = state
        .tenant
        .redeem_code(code, &client.id, redirect_uri, challenge.as_deref(), now)
        .ok_or_else(OidcError::invalid_grant)?;
    let resource = requested_resource(params, &grant)?;
    // oidc-provider's `issueRefreshToken` as Logto configures it: `offline_access` granted, or a
    // web (non-Native) app with `customClientMetadata.alwaysIssueRefreshToken`.
    let always = client.app_type != crate::model::AppType::Native
        && client.extra_client_metadata.get("alwaysIssueRefreshToken") == Some(&json!(true));
    let refresh =
        (always || grant.scopes.iter().any(|s| s == "offline_access")).then(|| first_refresh_token(state, &grant.id));
    let target = resource.as_deref().map_or(Target::Opaque, Target::Resource);
    issue_user_tokens(state, &grant, target, &grant.scopes, refresh)
}

/// The refresh grant, its checks in the order of Logto 1.42's fork of oidc-provider's grant
/// (`packages/core/src/oidc/grants/refresh-token.ts`, `buildHandler`): what runs before the token is
/// rotated refuses without consuming it (unknown, other client's or expired token; a scope the
/// grant lacks; a deleted or suspended user; reuse past the window; not a member of the organization;
/// no `urn:logto:scope:organizations`); what runs after consumes it (the `resource`, resolved when
/// the access token is built: `invalid_target`), as real Logto does.
fn refresh_token(state: &AppState, client: &Application, params: &Params) -> Result<Value, OidcError> {
    let value = params.require("refresh_token")?;
    let organization = params.get("organization_id")?;
    let now_ms = state.clock.now_ms();
    // RefreshToken.find → not found, client mismatch, expired; validateGrant.
    let (rt, grant) =
        state.tenant.find_refresh_token(value, &client.id, now_ms / 1000).ok_or_else(OidcError::invalid_grant)?;
    // `params.scope` ⊆ the token's scopes, else invalid_scope.
    let requested = params.scopes()?;
    let missing: Vec<&String> = requested.iter().filter(|s| !grant.scopes.contains(s)).collect();
    if !missing.is_empty() {
        let missing = missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ");
        return Err(OidcError::invalid_scope("refresh token missing requested scope", missing));
    }
    // validateAccount: the user must still be there and may sign in.
    if state.tenant.read(|store| store.user(&grant.account_id).is_none_or(|u| u.is_suspended)) {
        return Err(OidcError::invalid_grant());
    }
    // `refreshToken.consumed` (past Logto's reuse interval): the grant is revoked.
    if rt.consumed_at_ms.is_some_and(|consumed| now_ms - consumed > REUSE_INTERVAL_MS) {
        state.tenant.revoke_grant(&grant.id);
        return Err(OidcError::invalid_grant());
    }
    // checkOrganizationAccess (membership) first, then the organizations scope (RFC 0001).
    if let Some(org_id) = organization {
        let member = state
            .tenant
            .read(|store| store.organization(org_id).is_some_and(|o| o.member(&grant.account_id).is_some()));
        if !member {
            return Err(OidcError::access_denied("user is not a member of the organization"));
        }
        if !grant.scopes.iter().any(|s| s == ORGANIZATIONS_SCOPE) {
            return Err(OidcError::insufficient_scope("refresh token missing required scope", ORGANIZATIONS_SCOPE));
        }
    }
    // Rotation: a public client's token is consumed now (the new one keeps the first one's expiry),
    // checked again under the artefacts' lock so two refreshes at once cannot both pass a reuse
    // past the interval; whatever is refused after this point has consumed it.
    let next = if client.app_type.is_public() {
        match state.tenant.rotate_refresh_token(value, now_ms, REUSE_INTERVAL_MS) {
            Rotation::Rotated(next) => next,
            Rotation::Refused => return Err(OidcError::invalid_grant()),
        }
    } else {
        value.to_string()
    };
    let scopes = if requested.is_empty() { grant.scopes.clone() } else { requested };
    // resolveResource, after the rotation: an unknown resource has consumed the token.
    let resource = requested_resource(params, &grant)?;
    let target = match (organization, resource.as_deref()) {
        (Some(org), Some(indicator)) => Target::OrganizationResource(org, indicator),
        (Some(org), None) => Target::Organization(org),
        (None, Some(indicator)) => Target::Resource(indicator),
        (None, None) => Target::Opaque,
    };
    issue_user_tokens(state, &grant, target, &scopes, Some(next))
}

/// The device authorization grant's token request (RFC 8628 §3.4; oidc-provider's
/// `lib/actions/grants/device_code.js`, recorded 514–547): pending until the user decides, then the
/// tokens once, as an authorization code gives them.
fn device_code(state: &AppState, client: &Application, params: &Params) -> Result<Value, OidcError> {
    if !client.is_device_flow {
        return Err(OidcError::invalid_request("requested grant type is not allowed for this client"));
    }
    let code = params.require("device_code")?;
    match state.tenant.poll_device(code, &client.id, state.clock.now_secs()) {
        DevicePoll::Approved(grant) => {
            let refresh =
                grant.scopes.iter().any(|s| s == "offline_access").then(|| first_refresh_token(state, &grant.id));
            issue_user_tokens(state, &grant, Target::Opaque, &grant.scopes, refresh)
        }
        DevicePoll::Pending => Err(OidcError::new(
            StatusCode::BAD_REQUEST,
            "authorization_pending",
            "authorization request is still pending as the end-user hasn't yet completed the user interaction steps",
        )),
        // oidc-provider's AccessDenied is a 400 here (recorded 545); Logto's organization refusals
        // are its own 403.
        DevicePoll::Denied => {
            Err(OidcError::new(StatusCode::BAD_REQUEST, "access_denied", "End-User aborted interaction"))
        }
        DevicePoll::Expired => Err(OidcError::new(StatusCode::BAD_REQUEST, "expired_token", "device code is expired")),
        DevicePoll::Unknown => Err(OidcError::invalid_grant()),
    }
}

fn client_credentials(state: &AppState, client: &Application, params: &Params) -> Result<Value, OidcError> {
    if client.app_type.is_public() || client.app_type.allows_code_flow() {
        return Err(OidcError::new(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "requested grant type is not allowed for this client",
        ));
    }
    let resources = params.resources();
    let organization = params.get("organization_id")?;
    // Logto's `resourceIndicators.defaultResource`: no `resource` means the default API resource.
    let default = state.tenant.read(|store| store.resources.iter().find(|r| r.is_default).map(|r| r.indicator.clone()));
    let indicator = match (resources.as_slice(), organization) {
        ([], None) => match default {
            Some(indicator) => Some(indicator),
            None => return Err(OidcError::invalid_target("both `resource` and `organization_id` are not provided")),
        },
        ([], Some(_)) => None,
        ([one], _) => Some(one.clone()),
        _ => {
            return Err(OidcError::invalid_target(
                "only a single resource indicator value is supported for this grant type",
            ))
        }
    };
    let requested = params.scopes()?;
    // The `scope` claim is written when the request asked for scopes (even if none is granted).
    let asked = params.get("scope")?.is_some();
    let grant = |held: &dyn Fn(&String) -> bool| requested.iter().filter(|s| held(s)).cloned().collect::<Vec<_>>();
    let ttl = match &indicator {
        Some(i) => state
            .tenant
            .read(|store| store.resource(i).map(|r| r.access_token_ttl))
            .ok_or_else(|| OidcError::invalid_target("resource indicator is missing, or unknown"))?,
        None => DEFAULT_TTL,
    };
    let Some(org_id) = organization else {
        let indicator = indicator.unwrap_or_default();
        let held = state.tenant.read(|store| store.app_scopes(&client.id, &indicator));
        let granted = grant(&|s| held.contains(s)).join(" ");
        let scope = (!granted.is_empty()).then_some(granted.as_str());
        let token = access_token_jwt(state, &client.id, &client.id, &indicator, scope, ttl);
        let mut body = json!({"access_token": token, "expires_in": ttl, "token_type": "Bearer"});
        if let Some(scope) = scope {
            body["scope"] = json!(scope);
        }
        return Ok(body);
    };
    let (granted, aud) = state.tenant.read(|store| {
        let member = store.organization(org_id).and_then(|o| o.application(&client.id));
        let member = member.ok_or_else(|| OidcError::access_denied("app has not associated with the organization"))?;
        Ok::<_, OidcError>(match &indicator {
            Some(i) => {
                let held = store.org_resource_scope_names(member, i);
                (grant(&|s| held.contains(s)), i.clone())
            }
            None => {
                let held = store.org_scope_names(member);
                (held.into_iter().filter(|s| requested.contains(s)).collect(), organization_audience(org_id))
            }
        })
    })?;
    let granted = granted.join(" ");
    // The organization's own token always carries `scope` (empty when nothing is granted); a
    // token for an API resource of it, when scopes were asked.
    let claim = (asked || indicator.is_none()).then_some(granted.as_str());
    let org_claim = indicator.as_ref().map(|_| org_id);
    let token = org_access_token_jwt(state, &client.id, &client.id, &aud, claim, ttl, org_claim);
    let mut body = json!({"access_token": token, "expires_in": ttl, "token_type": "Bearer", "scope": granted});
    // For an API resource of the organization, an empty grant leaves `scope` out (Logto's
    // client-credentials test); the organization's own token always has it.
    if indicator.is_some() && granted.is_empty() {
        body.as_object_mut().map(|b| b.remove("scope"));
    }
    Ok(body)
}

/// RFC 7009 revocation: an unknown token is not an error; revoking a refresh token ends its grant.
pub async fn revoke(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let result = Params::from_body(&headers, &body, "/token/revocation").and_then(|params| {
        let client = authenticate(&state, &headers, &params)?;
        check_client(&headers, &client)?;
        let token = params.require("token")?;
        state.tenant.revoke_token(token, &client.id);
        Ok(())
    });
    match result {
        Ok(()) => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "").into_response(),
        Err(e) => e.into_response(),
    }
}
