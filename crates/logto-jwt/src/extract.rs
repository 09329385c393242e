//! axum extractors. The router state must give an `Arc<Verifier>` (`FromRef`).

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{FromRef, FromRequestParts, RawPathParams};
use axum::http::{header, request::Parts};

use crate::claims::AccessClaims;
use crate::error::AuthError;
use crate::verifier::Verifier;

/// How a request's token was verified (for `Server-Timing` and logs).
#[derive(Debug, Clone, Copy)]
pub struct Verification {
    /// The verified-token cache answered.
    pub cached: bool,
    /// How long the verification took.
    pub elapsed: Duration,
}

/// A request with a valid access token for this API.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The token's verified claims.
    pub claims: AccessClaims,
    /// How it was verified.
    pub verification: Verification,
}

impl<S> FromRequestParts<S> for Authenticated
where
    Arc<Verifier>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Arc::<Verifier>::from_ref(state);
        let token = bearer(parts)?;
        let started = Instant::now();
        let (claims, cached) = verifier.verify_traced(token).await?;
        log_impersonation(&claims);
        Ok(Authenticated { claims, verification: Verification { cached, elapsed: started.elapsed() } })
    }
}

/// A scope a route requires, as a type: `struct ReadTopUsers; impl RequiredScope for ReadTopUsers {…}`.
pub trait RequiredScope: Send + Sync + 'static {
    /// The scope's name, as the API resource's permission in Logto (`read:top-users`).
    const NAME: &'static str;
}

/// A request with a valid access token that carries the scope `S::NAME` (else 403 `insufficient_scope`)
/// and is for no organization: an organization-level API token (with `organization_id`) is refused
/// here, since its scopes come from an organization role (403 `auth.organization_token`).
#[derive(Debug, Clone)]
pub struct Scoped<S: RequiredScope> {
    /// The token's verified claims.
    pub claims: AccessClaims,
    /// How it was verified.
    pub verification: Verification,
    scope: PhantomData<S>,
}

impl<St, S> FromRequestParts<St> for Scoped<S>
where
    Arc<Verifier>: FromRef<St>,
    St: Send + Sync,
    S: RequiredScope,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Self, Self::Rejection> {
        let Authenticated { claims, verification } = Authenticated::from_request_parts(parts, state).await?;
        claims.require_no_organization()?;
        claims.require_scope(S::NAME)?;
        Ok(Scoped { claims, verification, scope: PhantomData })
    }
}

/// The name of the route parameter [`OrgScoped`] reads the organization id from:
/// `/api/organizations/{organization_id}/…`.
pub const ORGANIZATION_PARAM: &str = "organization_id";

/// A request to an organization's route (`{organization_id}` in its path) with an organization-level
/// API token for this API (`aud` = the API, `organization_id` claim) for that very organization,
/// carrying `S::NAME` granted through the member's organization roles. Refused with 403 and an RFC 6750
/// `insufficient_scope` header: a token for another organization (`auth.wrong_organization`), a token
/// for no organization (`auth.organization_required`), one lacking the permission
/// (`auth.insufficient_scope`). An organization token (`aud` `urn:logto:organization:…`) is not for
/// this API: 401.
#[derive(Debug, Clone)]
pub struct OrgScoped<S: RequiredScope> {
    /// The route's organization, which the token is for.
    pub organization_id: String,
    /// The token's verified claims.
    pub claims: AccessClaims,
    /// How it was verified.
    pub verification: Verification,
    scope: PhantomData<S>,
}

impl<St, S> FromRequestParts<St> for OrgScoped<S>
where
    Arc<Verifier>: FromRef<St>,
    St: Send + Sync,
    S: RequiredScope,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Self, Self::Rejection> {
        let organization_id = route_organization(parts, state).await?;
        let Authenticated { claims, verification } = Authenticated::from_request_parts(parts, state).await?;
        claims.require_organization(&organization_id)?;
        claims.require_scope(S::NAME)?;
        Ok(OrgScoped { organization_id, claims, verification, scope: PhantomData })
    }
}

/// A request to an organization's route (`{organization_id}` in its path) with an **organization
/// token** for that organization (`aud` = `urn:logto:organization:{id}`, as Logto issues for the
/// refresh grant with `organization_id` and no `resource`) carrying the organization permission
/// `S::NAME` (an organization scope, e.g. `manage:members`). Refused with 403 `insufficient_scope`
/// when the permission is missing; any other token (an API token, a token for another
/// organization, whose `aud` differs) is not valid here: 401 `invalid_token`.
///
/// The permission is the token's: a member demoted since it was issued still holds it until it
/// expires. Routes that change things should also ask Logto for the member's permissions now
/// (`GET /api/organizations/{id}/users/{userId}/scopes`).
#[derive(Debug, Clone)]
pub struct OrgPermission<S: RequiredScope> {
    /// The route's organization, which the token is for.
    pub organization_id: String,
    /// The token's verified claims (`sub`: the member).
    pub claims: AccessClaims,
    /// How it was verified.
    pub verification: Verification,
    scope: PhantomData<S>,
}

impl<St, S> FromRequestParts<St> for OrgPermission<S>
where
    Arc<Verifier>: FromRef<St>,
    St: Send + Sync,
    S: RequiredScope,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Self, Self::Rejection> {
        let organization_id = route_organization(parts, state).await?;
        let verifier = Arc::<Verifier>::from_ref(state);
        let token = bearer(parts)?;
        let started = Instant::now();
        let (claims, cached) = verifier.verify_organization_token_traced(token, &organization_id).await?;
        log_impersonation(&claims);
        claims.require_scope(S::NAME)?;
        let verification = Verification { cached, elapsed: started.elapsed() };
        Ok(OrgPermission { organization_id, claims, verification, scope: PhantomData })
    }
}

/// Every request made with an impersonation token says so in the log: who acts for whom.
fn log_impersonation(claims: &AccessClaims) {
    if let Some(actor) = claims.actor() {
        tracing::info!(actor = %actor, subject = %claims.sub, "impersonated request");
    }
}

/// The route's `{organization_id}`.
async fn route_organization<St: Send + Sync>(parts: &mut Parts, state: &St) -> Result<String, AuthError> {
    let params = RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|_| AuthError::InvalidToken("this route has no organization in its path"))?;
    params
        .iter()
        .find(|(name, _)| *name == ORGANIZATION_PARAM)
        .map(|(_, value)| value.to_string())
        .ok_or(AuthError::InvalidToken("this route has no organization in its path"))
}

/// The request's bearer token.
fn bearer(parts: &Parts) -> Result<&str, AuthError> {
    let value = parts.headers.get(header::AUTHORIZATION).ok_or(AuthError::MissingToken)?;
    let value = value.to_str().map_err(|_| AuthError::InvalidToken("the Authorization header is not ASCII"))?;
    let (scheme, token) = value.split_once(' ').ok_or(AuthError::WrongScheme)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthError::WrongScheme);
    }
    Ok(token)
}
