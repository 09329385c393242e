//! Inbound rate limits (GCRA, through `governor`): per client address, checked before anything else
//! a request costs, and per token subject, checked by each handler once its token is verified (an
//! unverified `sub` would let anyone spend another user's allowance). A refusal is 429 with
//! `Retry-After` and `{code, message}`.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::{Per, RateLimit};
use crate::error::ApiError;
use crate::metrics::Metrics;

fn quota(limit: RateLimit) -> Option<Quota> {
    let (count, per) = limit.0?;
    Some(match per {
        Per::Second => Quota::per_second(count),
        Per::Minute => Quota::per_minute(count),
        Per::Hour => Quota::per_hour(count),
    })
}

pub struct RateLimits {
    address: Option<DefaultKeyedRateLimiter<IpAddr>>,
    subject: Option<DefaultKeyedRateLimiter<String>>,
    /// Invitations sent, per organization.
    invitations: Option<DefaultKeyedRateLimiter<String>>,
    /// Invitation lookups without a token (`GET /api/invitations/{id}`), per address.
    lookups: Option<DefaultKeyedRateLimiter<IpAddr>>,
    proxy_header: Option<HeaderName>,
    metrics: Arc<Metrics>,
}

impl RateLimits {
    pub fn new(
        per_address: RateLimit,
        per_subject: RateLimit,
        proxy_header: Option<HeaderName>,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            address: quota(per_address).map(DefaultKeyedRateLimiter::keyed),
            subject: quota(per_subject).map(DefaultKeyedRateLimiter::keyed),
            invitations: None,
            lookups: None,
            proxy_header,
            metrics,
        }
    }

    /// With limits on invitations sent per organization and on token-less invitation lookups per
    /// address.
    pub fn with_invitation_limits(mut self, per_organization: RateLimit, lookups_per_address: RateLimit) -> Self {
        self.invitations = quota(per_organization).map(DefaultKeyedRateLimiter::keyed);
        self.lookups = quota(lookups_per_address).map(DefaultKeyedRateLimiter::keyed);
        self
    }

    /// Counts one invitation sent in `org`.
    pub fn check_invitation(&self, org: &str) -> Result<(), ApiError> {
        let Some(limiter) = &self.invitations else { return Ok(()) };
        limiter.check_key(&org.to_string()).map_err(|not_until| {
            self.metrics.rate_limited("organization_invitations");
            ApiError::RateLimited { retry_after: retry_after(not_until.wait_time_from(DefaultClock::default().now())) }
        })
    }

    /// Counts one token-less invitation lookup from the client's address (an invitation id is a
    /// secret of sorts: guessing them is slowed down).
    pub fn check_invitation_lookup(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> Result<(), ApiError> {
        let Some(limiter) = &self.lookups else { return Ok(()) };
        let Some(address) = self.client_address(headers, peer) else { return Ok(()) };
        limiter.check_key(&address).map_err(|not_until| {
            self.metrics.rate_limited("invitation_lookups");
            ApiError::RateLimited { retry_after: retry_after(not_until.wait_time_from(DefaultClock::default().now())) }
        })
    }

    /// Counts one request of the verified token subject `sub`.
    pub fn check_subject(&self, sub: &str) -> Result<(), ApiError> {
        let Some(limiter) = &self.subject else { return Ok(()) };
        limiter.check_key(&sub.to_string()).map_err(|not_until| {
            self.metrics.rate_limited("subject");
            ApiError::RateLimited { retry_after: retry_after(not_until.wait_time_from(DefaultClock::default().now())) }
        })
    }

    /// The client's address: the trusted proxy's header when one is configured and present (the
    /// last entry of a list: the address the proxy saw), else the peer's.
    fn client_address(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<IpAddr> {
        let from_proxy = self.proxy_header.as_ref().and_then(|name| {
            let value = headers.get_all(name).iter().next_back()?.to_str().ok()?;
            value.rsplit(',').next()?.trim().parse::<IpAddr>().ok()
        });
        from_proxy.or(peer.map(|p| p.ip()))
    }

    /// Drops the state of keys not seen lately, so that many one-time clients do not grow memory.
    pub fn forget_idle(&self) {
        if let Some(l) = &self.address {
            l.retain_recent();
            l.shrink_to_fit();
        }
        for l in [&self.subject, &self.invitations].into_iter().flatten() {
            l.retain_recent();
            l.shrink_to_fit();
        }
        if let Some(l) = &self.lookups {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }

    /// Forgets idle keys every minute while `limits` is alive anywhere else.
    pub fn spawn_cleanup(limits: &Arc<Self>) {
        let weak = Arc::downgrade(limits);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(60));
            every.tick().await;
            loop {
                every.tick().await;
                let Some(limits) = weak.upgrade() else { break };
                limits.forget_idle();
            }
        });
    }
}

/// Whole seconds to wait, at least 1 (`Retry-After` takes no fractions).
fn retry_after(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// The per-address limit, before routing's handlers run. Without the peer's address (a router
/// served without `into_make_service_with_connect_info`, as in `oneshot` tests) only a trusted
/// proxy header can name the client; with neither, the request is not limited by address.
pub async fn by_address(State(limits): State<Arc<RateLimits>>, request: Request, next: Next) -> Response {
    if let Some(limiter) = &limits.address {
        let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
        if let Some(address) = limits.client_address(request.headers(), peer) {
            if let Err(not_until) = limiter.check_key(&address) {
                limits.metrics.rate_limited("address");
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                return ApiError::RateLimited { retry_after: retry_after(wait) }.into_response();
            }
        }
    }
    next.run(request).await
}

/// A burst of `count` at once, for tests.
pub fn per_second(count: u32) -> RateLimit {
    RateLimit(NonZeroU32::new(count).map(|c| (c, Per::Second)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(proxy: Option<&str>) -> RateLimits {
        let metrics = Arc::new(Metrics::new());
        RateLimits::new(per_second(2), per_second(2), proxy.map(|h| h.parse().unwrap()), metrics)
    }

    #[test]
    fn the_client_address_comes_from_the_trusted_header_only() {
        let peer: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.9, 198.51.100.7".parse().unwrap());
        assert_eq!(limits(None).client_address(&headers, Some(peer)), Some(peer.ip()), "no proxy trusted");
        let behind = limits(Some("x-forwarded-for"));
        assert_eq!(behind.client_address(&headers, Some(peer)), Some("198.51.100.7".parse().unwrap()));
        headers.insert("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(behind.client_address(&headers, Some(peer)), Some(peer.ip()), "garbage: the peer");
        assert_eq!(behind.client_address(&HeaderMap::new(), None), None);
    }

    #[test]
    fn a_subject_gets_its_burst_then_429_with_a_whole_second() {
        let limits = limits(None);
        assert!(limits.check_subject("alice").is_ok() && limits.check_subject("alice").is_ok());
        match limits.check_subject("alice") {
            Err(ApiError::RateLimited { retry_after }) => assert_eq!(retry_after, 1),
            other => panic!("{other:?}"),
        }
        assert!(limits.check_subject("bob").is_ok(), "one subject's limit is its own");
        assert_eq!(retry_after(Duration::from_millis(1)), 1);
        assert_eq!(retry_after(Duration::from_secs(2)), 2);
    }
}
