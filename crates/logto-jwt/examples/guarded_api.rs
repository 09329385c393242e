//! An axum service guarded by `logto-jwt`: `GET /things` needs an access token for this API with the
//! scope `read:things`; `GET /organizations/{organization_id}/things` needs an organization-level API
//! token for that organization whose organization role grants `read:things`.
//!
//! `cargo run -p logto-jwt --example guarded_api` (LOGTO_ENDPOINT, default http://localhost:3001, and
//! API_RESOURCE, default https://api.example.com), then call it with a Logto access token:
//! `curl -H "Authorization: Bearer $TOKEN" localhost:3000/things`.

use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use logto_jwt::{OrgScoped, RequiredScope, Scoped, Verifier, VerifierConfig};

/// The permission both routes require (an API resource scope in Logto).
struct ReadThings;

impl RequiredScope for ReadThings {
    const NAME: &'static str = "read:things";
}

async fn things(token: Scoped<ReadThings>) -> String {
    format!("things for user {}\n", token.claims.sub)
}

async fn organization_things(token: OrgScoped<ReadThings>) -> String {
    format!("things of organization {} for user {}\n", token.organization_id, token.claims.sub)
}

/// The service: the extractors find the verifier in the router's state.
fn app(verifier: Arc<Verifier>) -> Router {
    Router::new()
        .route("/things", get(things))
        .route("/organizations/{organization_id}/things", get(organization_things))
        .with_state(verifier)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let endpoint = std::env::var("LOGTO_ENDPOINT").unwrap_or_else(|_| "http://localhost:3001".into());
    let resource = std::env::var("API_RESOURCE").unwrap_or_else(|_| "https://api.example.com".into());
    let verifier = Arc::new(Verifier::new(VerifierConfig::new(format!("{endpoint}/oidc"), resource)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("guarded API on http://{}", listener.local_addr()?);
    axum::serve(listener, app(verifier)).await
}
