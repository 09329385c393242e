//! The token-exchange grant (RFC 8693) as Logto 1.42 serves it (`packages/core/src/oidc/grants/
//! token-exchange/`; recorded in `tests/fidelity/token-exchange/`, steps 430–455): an app created
//! with `customClientMetadata.allowTokenExchange` trades a subject token for an access token of that
//! user: impersonation by support staff, with an optional actor token that becomes the `act` claim.
//!
//! - `subject_token_type` `urn:ietf:params:oauth:token-type:access_token`: a `sub_…` subject token
//!   (`POST /api/subject-tokens`: single use, 600 s), a live opaque access token, or a live JWT access
//!   token of this issuer; `urn:logto:token-type:personal_access_token`: a user's personal access
//!   token (reusable until deleted or expired);
//! - no `resource`: an opaque token (scope: the OIDC scopes asked, often ""); a `resource`: a JWT
//!   with the scopes the user holds among those asked; `organization_id`: an organization token, or
//!   with a `resource` an organization-level API token; never a refresh or ID token;
//! - every subject or actor token refusal is the generic `invalid_grant`.

use serde_json::{json, Value};

use super::tokens::{acting_access_token_jwt, organization_audience, verified_access_token, DEFAULT_TTL};
use crate::error::OidcError;
use crate::model::Application;
use crate::request::Params;
use crate::state::AppState;

/// The grant type.
pub const TOKEN_EXCHANGE_GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
/// RFC 8693's access-token type.
pub const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";
/// Logto's personal-access-token type.
pub const PERSONAL_ACCESS_TOKEN_TYPE: &str = "urn:logto:token-type:personal_access_token";
/// Logto's deprecated type for a subject token of `/api/subject-tokens` (`ImpersonationToken`).
pub const IMPERSONATION_TOKEN_TYPE: &str = "urn:logto:token-type:impersonation_token";

/// The user an access-token-type subject token stands for.
fn subject_user(state: &AppState, token: &str, now: i64) -> Option<String> {
    if token.starts_with("sub_") {
        return state.tenant.take_subject_token(token, now);
    }
    if let Some(grant) = state.tenant.opaque_token_grant(token, now) {
        return Some(grant.account_id);
    }
    verified_access_token(state, token).and_then(|claims| claims["sub"].as_str().map(String::from))
}

pub(super) fn token_exchange(state: &AppState, client: &Application, params: &Params) -> Result<Value, OidcError> {
    if !client.allow_token_exchange {
        return Err(OidcError::invalid_request("requested grant type is not allowed for this client"));
    }
    let subject_token = params.require("subject_token")?;
    let subject_type = params.require("subject_token_type")?;
    let now = state.clock.now_secs();
    let user_id = match subject_type {
        ACCESS_TOKEN_TYPE => subject_user(state, subject_token, now),
        IMPERSONATION_TOKEN_TYPE => state.tenant.take_subject_token(subject_token, now),
        PERSONAL_ACCESS_TOKEN_TYPE => state.tenant.personal_access_token_owner(subject_token, state.clock.now_ms()),
        _ => None,
    }
    .ok_or_else(OidcError::invalid_grant)?;
    // The actor: an opaque access token of a sign-in that holds `openid` (recorded 451–455).
    let actor = match params.get("actor_token")? {
        None => None,
        Some(actor_token) => {
            if params.get("actor_token_type")? != Some(ACCESS_TOKEN_TYPE) {
                return Err(OidcError::invalid_grant());
            }
            let grant = state.tenant.opaque_token_grant(actor_token, now);
            let grant =
                grant.filter(|g| g.scopes.iter().any(|s| s == "openid")).ok_or_else(OidcError::invalid_grant)?;
            Some(grant.account_id)
        }
    };
    let user_ok = state.tenant.read(|s| s.user(&user_id).is_some_and(|u| !u.is_suspended));
    if !user_ok {
        return Err(OidcError::invalid_grant());
    }
    let requested = params.scopes()?;
    let resources = params.resources();
    if resources.len() > 1 {
        return Err(OidcError::invalid_target(
            "only a single resource indicator value is supported for this grant type",
        ));
    }
    let resource = resources.first().cloned();
    let organization = params.get("organization_id")?;
    let wanted = |held: &dyn Fn(&String) -> bool| requested.iter().filter(|s| held(s)).cloned().collect::<Vec<_>>();
    let unknown_resource = || OidcError::invalid_target("resource indicator is missing, or unknown");
    let not_member = || OidcError::access_denied("user is not a member of the organization");
    let (aud, scope, ttl) = state.tenant.read(|store| {
        let member =
            |org: &str| store.organization(org).and_then(|o| o.member(&user_id)).cloned().ok_or_else(not_member);
        match (&resource, organization) {
            (None, None) => Ok((None, wanted(&|s| !s.contains(':') || s.starts_with("urn:logto:scope:")), DEFAULT_TTL)),
            (Some(indicator), None) => {
                let ttl = store.resource(indicator).map(|r| r.access_token_ttl).ok_or_else(unknown_resource)?;
                let held = store.user_scopes(&user_id, indicator);
                Ok((Some(indicator.clone()), wanted(&|s| held.contains(s)), ttl))
            }
            (None, Some(org)) => {
                let held = store.org_scope_names(&member(org)?);
                Ok((Some(organization_audience(org)), wanted(&|s| held.contains(s)), DEFAULT_TTL))
            }
            (Some(indicator), Some(org)) => {
                let ttl = store.resource(indicator).map(|r| r.access_token_ttl).ok_or_else(unknown_resource)?;
                let held = store.org_resource_scope_names(&member(org)?, indicator);
                Ok((Some(indicator.clone()), wanted(&|s| held.contains(s)), ttl))
            }
        }
    })?;
    let scope = scope.join(" ");
    let access_token = match aud {
        // No audience: an opaque token, in a grant of its own (for /oidc/me, introspection, revocation).
        None => {
            let scopes = scope.split(' ').filter(|s| !s.is_empty()).map(String::from).collect();
            let grant = state.tenant.exchange_grant(&user_id, actor.as_deref(), &client.id, scopes, now);
            state.tenant.issue_opaque_token(&grant.id, &scope, now, now + DEFAULT_TTL)
        }
        Some(aud) => {
            let org_claim = resource.as_ref().and(organization);
            acting_access_token_jwt(state, &user_id, actor.as_deref(), &client.id, &aud, Some(&scope), ttl, org_claim)
        }
    };
    Ok(json!({"access_token": access_token, "expires_in": ttl, "scope": scope, "token_type": "Bearer"}))
}
