//! axum extractors. The router state must give an `Arc<Verifier>` (`FromRef`).

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{FromRef, FromRequestParts};
use axum::http::{header, request::Parts};

use crate::claims::AccessClaims;
use crate::error::AuthError;
use crate::verifier::Verifier;

/// How a request's token was verified (for `Server-Timing` and logs).
#[derive(Debug, Clone, Copy)]
pub struct Verification {
    /// The verified-token cache answered.
    pub cached: bool,
    pub elapsed: Duration,
}

/// A request with a valid access token for this API.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub claims: AccessClaims,
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
        let value = parts.headers.get(header::AUTHORIZATION).ok_or(AuthError::MissingToken)?;
        let value =
            value.to_str().map_err(|_| AuthError::InvalidToken("the Authorization header is not ASCII".into()))?;
        let (scheme, token) = value.split_once(' ').ok_or(AuthError::WrongScheme)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(AuthError::WrongScheme);
        }
        let started = Instant::now();
        let (claims, cached) = verifier.verify_traced(token).await?;
        Ok(Authenticated { claims, verification: Verification { cached, elapsed: started.elapsed() } })
    }
}

/// A scope a route requires, as a type: `struct ReadTopUsers; impl RequiredScope for ReadTopUsers {…}`.
pub trait RequiredScope: Send + Sync + 'static {
    const NAME: &'static str;
}

/// A request with a valid access token that carries the scope `S::NAME` (else 403 `insufficient_scope`).
#[derive(Debug, Clone)]
pub struct Scoped<S: RequiredScope> {
    pub claims: AccessClaims,
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
        claims.require_scope(S::NAME)?;
        Ok(Scoped { claims, verification, scope: PhantomData })
    }
}
