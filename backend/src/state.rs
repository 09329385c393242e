use std::sync::Arc;

use axum::extract::FromRef;
use logto_jwt::Verifier;
use logto_management::ManagementClient;
use sqlx::SqlitePool;

#[derive(Clone)]
pub struct AppState {
    pub verifier: Arc<Verifier>,
    pub management: Arc<ManagementClient>,
    pub db: SqlitePool,
}

impl FromRef<AppState> for Arc<Verifier> {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}
