//! `/healthz` (the process answers) and `/readyz` (the database answers and the issuer's keys are
//! loaded: requests can be served).

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::db;
use crate::state::AppState;

#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "The process answers", body = String)))]
pub async fn healthz() -> &'static str {
    "ok"
}

#[utoipa::path(
    get,
    path = "/readyz",
    responses(
        (status = 200, description = "The database answers and the issuer's keys are loaded"),
        (status = 503, description = "Not ready: the body names what is missing"),
    )
)]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    // Fixed words in the answer; the errors themselves (URLs, the database's) go to the log. Both
    // checks at once, each bounded (the pool's acquire timeout; 2 s for the keys), so a stopped
    // database or issuer is said within about 2 s.
    let database = async {
        match db::ping(&state.db).await {
            Ok(()) => "ok",
            Err(e) => {
                tracing::warn!(error = %e, "readyz: the database does not answer");
                "unavailable"
            }
        }
    };
    let jwks = async {
        if state.verifier.keys_fresh() {
            return "ok";
        }
        match tokio::time::timeout(Duration::from_secs(2), state.verifier.refresh_keys()).await {
            Ok(Ok(n)) if n > 0 => "ok",
            Ok(Ok(_)) => "the issuer's JWKS has no usable key",
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "readyz: the issuer's JWKS cannot be had");
                "the issuer's JWKS cannot be had"
            }
            Err(_) => "the issuer's JWKS did not answer within 2 s",
        }
    };
    let (database, jwks) = tokio::join!(database, jwks);
    let ready = database == "ok" && jwks == "ok";
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let mut body = json!({"status": if ready { "ready" } else { "not ready" }, "database": database, "jwks": jwks});
    if !ready {
        body["code"] = json!("service.not_ready");
        body["message"] = json!("The service cannot serve requests yet: see database and jwks.");
    }
    (status, Json(body))
}
