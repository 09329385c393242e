//! Building the service from its configuration, and serving it.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderValue, Method};
use axum::Router;
use logto_jwt::{Verifier, VerifierConfig};
use logto_management::{ManagementClient, ManagementConfig};
use secrecy::ExposeSecret;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::net::TcpListener;

use axum::extract::MatchedPath;
use axum::http::Request;
use tower_http::cors::CorsLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;

use crate::config::{Config, MetricsAt};
use crate::invalidation::Changes;
use crate::metrics::Metrics;
use crate::profiles::{ProfileConfig, Profiles};
use crate::ranking::RankingCache;
use crate::rate_limit::RateLimits;
use crate::refusals;
use crate::routes;
use crate::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("DATABASE_URL: {source}")]
    Database { source: sqlx::Error },
    #[error(
        "DATABASE_URL: the database did not answer within {seconds} s (DATABASE_CONNECT_TIMEOUT_SECONDS): \
         is it running, and is the URL's host and port right?"
    )]
    DatabaseUnreachable { seconds: u64 },
    #[error("LOGTO_ENDPOINT / LOGTO_M2M_*: {0}")]
    Logto(#[from] logto_management::ManagementError),
    #[error("CORS_ALLOWED_ORIGINS: {0:?} is not a valid origin")]
    CorsOrigin(String),
    #[error("{variable} {addr}: {source}")]
    Bind { variable: &'static str, addr: std::net::SocketAddr, source: std::io::Error },
}

/// Request ids: a per-process random prefix and a counter (`3f9c2a-17`), unless the client sent one.
#[derive(Clone)]
struct RequestIds {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl RequestIds {
    fn new() -> Self {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        Self {
            prefix: format!("{:06x}", (nanos ^ std::process::id()) & 0xff_ffff).into(),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let id = format!("{}-{}", self.prefix, self.next.fetch_add(1, Ordering::Relaxed));
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// The full router with its middleware (`/metrics` included when `config.metrics` is `same`).
pub fn app(state: AppState, config: &Config) -> Result<Router, StartupError> {
    let origins = config
        .cors_allowed_origins
        .iter()
        .map(|o| HeaderValue::from_str(o.as_ref()).map_err(|_| StartupError::CorsOrigin(o.as_ref().to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let cors = CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([
            header::WWW_AUTHENTICATE,
            header::RETRY_AFTER,
            header::HeaderName::from_static("server-timing"),
            header::HeaderName::from_static("x-request-id"),
        ]);
    let request_id = header::HeaderName::from_static("x-request-id");
    // One line per request at `info` when it is answered (status, latency), in a span with the
    // request id, the method and the matched route: never a header, the query or the raw path, so
    // no token and no id from the path is logged.
    let traced = config.otel_exporter_otlp_endpoint.is_some();
    let trace = TraceLayer::new_for_http()
        .make_span_with(move |req: &Request<axum::body::Body>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            let route = req.extensions().get::<MatchedPath>().map_or("(no route)", MatchedPath::as_str);
            if !traced {
                return tracing::info_span!("request", id = %id, method = %req.method(), route = %route);
            }
            // `otel.name`: the trace's name for this span, as OpenTelemetry's HTTP conventions write
            // it; only when traces are exported, so that log lines do not say method and route twice.
            let name = format!("{} {route}", req.method());
            tracing::info_span!("request", id = %id, method = %req.method(), route = %route, otel.name = %name)
        })
        .on_request(())
        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO).latency_unit(LatencyUnit::Micros))
        .on_failure(DefaultOnFailure::new().level(tracing::Level::WARN));
    let mut routes = routes::router();
    if config.metrics == MetricsAt::Same {
        routes = routes.route("/metrics", axum::routing::get(crate::metrics::serve));
    }
    // Outermost last: request id → log line → metrics (429s counted too) → CORS → address limit →
    // the limits' refusals as JSON → the limits → the routes. CORS is outside every refusal, so that
    // a browser can read a 413, 429 or 504 as well as a 401.
    let mut routes = routes
        .layer(RequestBodyLimitLayer::new(refusals::BODY_LIMIT))
        .layer(axum::middleware::from_fn(refusals::limit_headers))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::GATEWAY_TIMEOUT, refusals::TIME_LIMIT))
        .layer(axum::middleware::from_fn(refusals::as_json))
        .layer(axum::middleware::from_fn_with_state(state.limits.clone(), crate::rate_limit::by_address))
        .layer(cors);
    // Metrics off: no per-request counting either (what the bench compares against).
    if config.metrics != MetricsAt::Off {
        routes = routes.layer(axum::middleware::from_fn_with_state(state.metrics.clone(), crate::metrics::track));
    }
    Ok(routes
        .with_state(state)
        .layer(trace)
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, RequestIds::new())))
}

/// Connects the database, prepares the Logto clients and returns the state.
pub async fn build_state(config: &Config) -> Result<AppState, StartupError> {
    // Said before the wait, so a start against a stopped database is not silent; the URL's password
    // is shown as `***` (DatabaseUrl's Display), and the error messages name no URL.
    let seconds = config.database_connect_timeout_seconds;
    tracing::info!(database = %config.database_url, "connecting to the database (waiting up to {seconds} s)");
    let timeouts = crate::db::Timeouts {
        acquire: Duration::from_millis(config.database_acquire_timeout_ms),
        connect: Duration::from_secs(seconds),
    };
    let db = crate::db::connect_with(config.database_url.expose(), timeouts).await.map_err(|source| match source {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => {
            tracing::warn!(error = %source, "the database did not answer");
            StartupError::DatabaseUnreachable { seconds }
        }
        source => StartupError::Database { source },
    })?;
    if config.seed_demo_data {
        let inserted = crate::db::seed_demo_data(&db).await.map_err(|source| StartupError::Database { source })?;
        if inserted > 0 {
            tracing::info!(follows = inserted, "seeded the demo follows");
        }
    }
    let mut verifier_config = VerifierConfig::new(config.issuer(), &config.api_resource);
    verifier_config.leeway = std::time::Duration::from_secs(config.jwt_leeway_seconds);
    verifier_config.impersonating_clients = config.exchange_app_id.iter().cloned().collect();
    let verifier = Verifier::new(verifier_config);
    let mut management = ManagementConfig::new(
        config.logto_endpoint.as_ref(),
        &config.m2m_app_id,
        config.m2m_app_secret.expose_secret(),
    );
    management.resource = config.management_resource.clone();
    let mut profile_config = ProfileConfig::default();
    profile_config.deadline = std::time::Duration::from_millis(config.enrichment_deadline_ms);
    profile_config.keep_for = std::time::Duration::from_secs(config.profile_cache_seconds);
    profile_config.fresh_for = profile_config.fresh_for.min(profile_config.keep_for);
    let client = Arc::new(ManagementClient::new(management)?);
    let verifier = Arc::new(verifier);
    let metrics = Arc::new(Metrics::new().watch(verifier.clone(), client.clone(), db.clone()));
    let limits = Arc::new(
        RateLimits::new(
            config.rate_limit_per_address,
            config.rate_limit_per_subject,
            config.trusted_proxy_header.clone(),
            metrics.clone(),
        )
        .with_invitation_limits(config.rate_limit_invitations, config.rate_limit_invitation_lookups),
    );
    RateLimits::spawn_cleanup(&limits);
    let members = Arc::new(crate::members::OrgMembers::new(client.clone(), profile_config.clone()));
    let admin = Arc::new(crate::org_admin::OrgAdmin::new(client.clone(), metrics.clone(), config.spa_url.as_str()));
    let profiles = Arc::new(Profiles::new(client, profile_config));
    let ranking = Arc::new(RankingCache::new(Duration::from_millis(config.top_cache_ms)));
    // With PostgreSQL the replicas share their cache changes over a channel; SQLite is one node.
    let postgres = config.database_url.is_postgres();
    let channel = postgres.then(|| db.clone());
    let changes = Arc::new(Changes::new(profiles.clone(), members.clone(), ranking.clone(), metrics.clone(), channel));
    if postgres {
        changes.listen(config.database_url.expose().to_string());
    }
    Ok(AppState {
        verifier,
        metrics,
        limits,
        profiles,
        members,
        ranking,
        changes,
        db,
        admin,
        impersonation_writes: config.impersonation_writes,
        webhook_signing_key: config.webhook_signing_key.clone().filter(|k| !k.expose_secret().is_empty()),
    })
}

/// The service, bound and ready to serve: the API, and the metrics when they have their own address.
pub struct Server {
    listener: TcpListener,
    router: Router,
    metrics: Option<(TcpListener, Router)>,
}

async fn bind(variable: &'static str, addr: std::net::SocketAddr) -> Result<TcpListener, StartupError> {
    TcpListener::bind(addr).await.map_err(|source| StartupError::Bind { variable, addr, source })
}

/// Builds the state and the router and binds `config.bind` (and `config.metrics`' own address).
pub async fn build(config: &Config) -> Result<Server, StartupError> {
    let state = build_state(config).await?;
    let metrics = state.metrics.clone();
    let router = app(state, config)?;
    let listener = bind("BACKEND_BIND", config.bind).await?;
    let metrics = match config.metrics {
        MetricsAt::Own(addr) => Some((bind("METRICS", addr).await?, crate::metrics::router(metrics))),
        MetricsAt::Same | MetricsAt::Off => None,
    };
    Ok(Server { listener, router, metrics })
}

impl Server {
    /// The API's bound address (with port 0 in the configuration, the one the system picked).
    pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }

    /// The metrics' own bound address, when they have one.
    pub fn metrics_addr(&self) -> Option<std::net::SocketAddr> {
        self.metrics.as_ref().and_then(|(l, _)| l.local_addr().ok())
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight. Connections carry
    /// their peer's address, which the per-address rate limit reads.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop.send(true);
        });
        let until_stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let metrics = self.metrics.map(|(listener, router)| {
            let stopped = until_stopped(stopped.clone());
            tokio::spawn(async move { axum::serve(listener, router).with_graceful_shutdown(stopped).await })
        });
        let api = self.router.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let served = axum::serve(self.listener, api).with_graceful_shutdown(until_stopped(stopped)).await;
        if let Some(task) = metrics {
            task.abort();
        }
        served
    }
}
