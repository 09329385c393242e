//! Building the service from its configuration, and serving it.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderValue, Method};
use axum::Router;
use logto_jwt::{Verifier, VerifierConfig};
use logto_management::{ManagementClient, ManagementConfig};
use tokio::net::TcpListener;
use tower_http::cors::CorsLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::profiles::{ProfileConfig, Profiles};
use crate::routes;
use crate::state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("DATABASE_URL {url}: {source}")]
    Database { url: String, source: sqlx::Error },
    #[error("LOGTO_ENDPOINT / LOGTO_M2M_*: {0}")]
    Logto(#[from] logto_management::ManagementError),
    #[error("CORS_ALLOWED_ORIGINS: {0:?} is not a valid origin")]
    CorsOrigin(String),
    #[error("BACKEND_BIND {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
}

/// The full router with its middleware.
pub fn app(state: AppState, cors_origins: &[String]) -> Result<Router, StartupError> {
    let origins = cors_origins
        .iter()
        .filter(|o| !o.is_empty())
        .map(|o| HeaderValue::from_str(o.trim()).map_err(|_| StartupError::CorsOrigin(o.clone())))
        .collect::<Result<Vec<_>, _>>()?;
    let cors = CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([header::WWW_AUTHENTICATE, header::HeaderName::from_static("server-timing")]);
    Ok(routes::router()
        .with_state(state)
        .layer(cors)
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::GATEWAY_TIMEOUT, Duration::from_secs(15)))
        .layer(TraceLayer::new_for_http()))
}

/// Connects the database, prepares the Logto clients and returns the state.
pub async fn build_state(config: &Config) -> Result<AppState, StartupError> {
    let db = crate::db::connect(&config.database_url)
        .await
        .map_err(|source| StartupError::Database { url: config.database_url.clone(), source })?;
    if config.seed_demo_data {
        let inserted = crate::db::seed_demo_data(&db)
            .await
            .map_err(|source| StartupError::Database { url: config.database_url.clone(), source })?;
        if inserted > 0 {
            tracing::info!(follows = inserted, "seeded the demo follows");
        }
    }
    let verifier = Verifier::new(VerifierConfig::new(config.issuer(), &config.api_resource));
    let mut management = ManagementConfig::new(&config.logto_endpoint, &config.m2m_app_id, &config.m2m_app_secret);
    management.resource = config.management_resource.clone();
    let mut profile_config = ProfileConfig::default();
    profile_config.deadline = std::time::Duration::from_millis(config.enrichment_deadline_ms);
    profile_config.keep_for = std::time::Duration::from_secs(config.profile_cache_seconds);
    profile_config.fresh_for = profile_config.fresh_for.min(profile_config.keep_for);
    let profiles = Profiles::new(Arc::new(ManagementClient::new(management)?), profile_config);
    Ok(AppState { verifier: Arc::new(verifier), profiles: Arc::new(profiles), db })
}

/// Binds `config.bind` and returns the listener with the router, ready to serve.
pub async fn build(config: &Config) -> Result<(TcpListener, Router), StartupError> {
    let state = build_state(config).await?;
    let router = app(state, &config.cors_allowed_origins)?;
    let listener = TcpListener::bind(&config.bind)
        .await
        .map_err(|source| StartupError::Bind { addr: config.bind.clone(), source })?;
    Ok((listener, router))
}
