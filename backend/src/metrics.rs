//! `GET /metrics`: the service's metrics in Prometheus text format (by default on a loopback address of
//! their own, `127.0.0.1:9464`, out of API clients' reach; `METRICS=same` on the API's address, `off` nowhere).
//!
//! The backend's own events are counted where they happen (requests, hops, caches, partial answers,
//! rate limits); the libraries' totals (the verifier's, the Management API client's) and the
//! database pool are read at each scrape. One registry per service instance, not a global one:
//! tests run several backends in one process.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use logto_jwt::Verifier;
use logto_management::ManagementClient;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use shared::server_timing::TimingEntry;

use crate::db::Pool;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HopLabels {
    hop: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    cache: &'static str,
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LimitLabels {
    key: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChangeLabels {
    change: &'static str,
    origin: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ListenerLabels {
    event: &'static str,
}

/// Latency buckets from 100 μs to about 6.5 s (×2.0 each), in seconds.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0001, 2.0, 17))
}

/// The metrics of one service instance.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram>,
    hops: Family<HopLabels, Histogram>,
    cache: Family<CacheLabels, Counter>,
    partial: Family<ResultLabels, Counter>,
    limited: Family<LimitLabels, Counter>,
    changes: Family<ChangeLabels, Counter>,
    listener: Family<ListenerLabels, Counter>,
    admin: Family<AdminLabels, Counter>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AdminLabels {
    action: &'static str,
    result: &'static str,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// The backend's own metrics; [`Metrics::watch`] adds the libraries' and the pool's.
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, matched route and status",
            requests.clone(),
        );
        let durations = Family::<RouteLabels, Histogram>::new_with_constructor(latency_histogram as fn() -> Histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by method and matched route",
            durations.clone(),
        );
        let hops = Family::<HopLabels, Histogram>::new_with_constructor(latency_histogram as fn() -> Histogram);
        registry.register(
            "hop_duration_seconds",
            "Time of each hop of a top-users answer (the Server-Timing entries: verify, db, m2m-token, management-api) when it did work",
            hops.clone(),
        );
        let cache = Family::<CacheLabels, Counter>::default();
        registry.register(
            "cache_lookups",
            "Lookups of the ranking and profile caches, by cache and result (hit, stale, miss)",
            cache.clone(),
        );
        let partial = Family::<ResultLabels, Counter>::default();
        registry.register(
            "partial_answers",
            "Answers sent without some Logto profiles, by reason (deadline, logto_failed)",
            partial.clone(),
        );
        let limited = Family::<LimitLabels, Counter>::default();
        registry.register("rate_limited", "Requests refused with 429, by key (address, subject)", limited.clone());
        let changes = Family::<ChangeLabels, Counter>::default();
        registry.register(
            "cache_changes",
            "Cache changes applied, by change (profile, user_deleted, organization, follows, flush) and origin \
             (local: a webhook or a write here; channel: from the PostgreSQL channel, this replica's own included)",
            changes.clone(),
        );
        let listener = Family::<ListenerLabels, Counter>::default();
        registry.register(
            "cache_channel_events",
            "The PostgreSQL channel's listening connection: connected, lost (then every cache is flushed), failed \
             (a connection attempt), publish_failed",
            listener.clone(),
        );
        let admin = Family::<AdminLabels, Counter>::default();
        registry.register(
            "organization_admin_actions",
            "Organization admin actions (invite, revoke_invitation, set_roles, remove_member, accept_invitation), by \
             result (ok, refused)",
            admin.clone(),
        );
        Self { registry, requests, durations, hops, cache, partial, limited, changes, listener, admin }
    }

    /// Adds what the verifier, the Management API client and the pool count, read at each scrape.
    pub fn watch(mut self, verifier: Arc<Verifier>, client: Arc<ManagementClient>, db: Pool) -> Self {
        self.registry.register_collector(Box::new(Libraries { verifier, client, db }));
        self
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail; an error would be a bug in an encoder.
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!(error = %e, "metrics could not be encoded");
        }
        out
    }

    /// One answered request.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let (method, route) = (method.to_string(), route.to_string());
        self.durations.get_or_create(&RouteLabels { method: method.clone(), route: route.clone() }).observe(seconds);
        self.requests.get_or_create(&RequestLabels { method, route, status }).inc();
    }

    /// Each hop of an answer that did work (a hop that was not needed is not a sample).
    pub fn hops(&self, entries: &[TimingEntry]) {
        for entry in entries.iter().filter(|e| e.duration_ms > 0.0) {
            self.hops.get_or_create(&HopLabels { hop: entry.name.clone() }).observe(entry.duration_ms / 1000.0);
        }
    }

    /// `n` lookups of `cache` (`ranking`, `organization_ranking`, `profiles`, `members`) with `result`.
    pub fn cache(&self, cache: &'static str, result: &'static str, n: u64) {
        if n > 0 {
            self.cache.get_or_create(&CacheLabels { cache, result }).inc_by(n);
        }
    }

    /// An answer sent partial: `deadline` or `logto_failed`.
    pub fn partial(&self, reason: &'static str) {
        self.partial.get_or_create(&ResultLabels { result: reason }).inc();
    }

    /// A cache change applied.
    pub fn cache_change(&self, change: &'static str, origin: &'static str) {
        self.changes.get_or_create(&ChangeLabels { change, origin }).inc();
    }

    /// An event of the cache channel's listening connection.
    pub fn cache_channel(&self, event: &'static str) {
        self.listener.get_or_create(&ListenerLabels { event }).inc();
    }

    /// An organization admin action and how it ended.
    pub fn admin_action(&self, action: &'static str, result: &'static str) {
        self.admin.get_or_create(&AdminLabels { action, result }).inc();
    }

    /// A request refused by the rate limit of `key` (`address` or `subject`).
    pub fn rate_limited(&self, key: &'static str) {
        self.limited.get_or_create(&LimitLabels { key }).inc();
    }
}

/// What the libraries and the pool count themselves, read at each scrape.
#[derive(Clone)]
struct Libraries {
    verifier: Arc<Verifier>,
    client: Arc<ManagementClient>,
    db: Pool,
}

impl std::fmt::Debug for Libraries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Libraries")
    }
}

fn counter(encoder: &mut DescriptorEncoder, name: &str, help: &str, values: &[(&str, &str, u64)]) -> std::fmt::Result {
    let mut metric = encoder.encode_descriptor(name, help, None, ConstCounter::new(0u64).metric_type())?;
    for (key, value, count) in values {
        ConstCounter::new(*count).encode(metric.encode_family(&[(*key, *value)])?)?;
    }
    Ok(())
}

impl Collector for Libraries {
    fn encode(&self, mut encoder: DescriptorEncoder) -> std::fmt::Result {
        let v = self.verifier.stats();
        counter(
            &mut encoder,
            "token_verifications",
            "Access tokens checked, by result: cache_hit (the verified-token cache answered), verified, rejected",
            &[
                ("result", "cache_hit", v.cache_hits),
                ("result", "verified", v.verified),
                ("result", "rejected", v.rejected),
            ],
        )?;
        counter(
            &mut encoder,
            "jwks_fetches",
            "Fetches of the issuer's JWKS (discovery included), by result",
            &[("result", "ok", v.jwks_fetches), ("result", "error", v.jwks_fetch_errors)],
        )?;
        let m = self.client.stats();
        counter(
            &mut encoder,
            "m2m_tokens",
            "Machine-to-machine tokens for the Management API, by result: cache_hit, fetched, error",
            &[
                ("result", "cache_hit", m.token_cache_hits),
                ("result", "fetched", m.token_fetches),
                ("result", "error", m.token_errors),
            ],
        )?;
        counter(
            &mut encoder,
            "management_api_requests",
            "Requests sent to Logto's Management API (each retry and page counted)",
            &[("kind", "sent", m.requests), ("kind", "retry", m.retries)],
        )?;
        counter(
            &mut encoder,
            "management_api_errors",
            "Management API calls that failed after their retries",
            &[("kind", "call", m.errors)],
        )?;
        let size = i64::from(self.db.size());
        let idle = self.db.num_idle() as i64;
        let max = i64::from(self.db.options().get_max_connections());
        let mut metric = encoder.encode_descriptor(
            "db_pool_connections",
            "Database pool connections, by state (idle, in_use) and the pool's maximum (max)",
            None,
            ConstGauge::new(0i64).metric_type(),
        )?;
        for (state, value) in [("idle", idle), ("in_use", size - idle), ("max", max)] {
            ConstGauge::new(value).encode(metric.encode_family(&[("state", state)])?)?;
        }
        Ok(())
    }
}

/// Counts and times every answered request by its matched route (never the raw path: ids in paths
/// would make a series per id). Unmatched requests count under `(no route)`.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request.extensions().get::<MatchedPath>().map_or("(no route)", MatchedPath::as_str).to_owned();
    let response = next.run(request).await;
    metrics.request(&method, &route, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`.
pub async fn serve(State(metrics): State<Arc<Metrics>>) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")],
        metrics.render(),
    )
        .into_response()
}

/// The router of the metrics alone, for `METRICS=<address>`.
pub fn router(metrics: Arc<Metrics>) -> axum::Router {
    axum::Router::new().route("/metrics", axum::routing::get(serve)).with_state(metrics)
}
