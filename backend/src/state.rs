use std::sync::Arc;

use axum::extract::FromRef;
use logto_jwt::Verifier;
use sqlx::SqlitePool;

use crate::profiles::Profiles;

#[derive(Clone)]
pub struct AppState {
    pub verifier: Arc<Verifier>,
    /// Logto user profiles (Management API behind a cache).
    pub profiles: Arc<Profiles>,
    pub db: SqlitePool,
}

impl FromRef<AppState> for Arc<Verifier> {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}
