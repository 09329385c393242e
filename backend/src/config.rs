//! Configuration, from flags or the environment (flag names in `--help`, variables below).

use clap::Parser;

#[derive(Debug, Clone, Parser)]
#[command(name = "backend", about = "The top-users API: Logto JWT in, enriched users out")]
pub struct Config {
    /// Address and port to listen on.
    #[arg(long, env = "BACKEND_BIND", default_value = "127.0.0.1:3000")]
    pub bind: String,
    /// Logto's endpoint (self-hosted: its ENDPOINT; Cloud: https://{tenant}.logto.app).
    #[arg(long, env = "LOGTO_ENDPOINT", default_value = "http://localhost:3001")]
    pub logto_endpoint: String,
    /// The API resource indicator access tokens must be for (`aud`).
    #[arg(long, env = "LOGTO_API_RESOURCE", default_value = "https://api.example.com")]
    pub api_resource: String,
    /// The machine-to-machine application's id.
    #[arg(long, env = "LOGTO_M2M_APP_ID")]
    pub m2m_app_id: String,
    /// The machine-to-machine application's secret.
    #[arg(long, env = "LOGTO_M2M_APP_SECRET", hide_env_values = true)]
    pub m2m_app_secret: String,
    /// The Management API resource: https://default.logto.app/api for self-hosted Logto,
    /// https://{tenant}.logto.app/api for Logto Cloud.
    #[arg(long, env = "LOGTO_MANAGEMENT_RESOURCE", default_value = logto_management::OSS_MANAGEMENT_RESOURCE)]
    pub management_resource: String,
    /// The database (SQLite file by default).
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://backend.db")]
    pub database_url: String,
    /// Fill an empty database with the demo follows (user ids of the emulator's seed).
    #[arg(long, env = "SEED_DEMO_DATA")]
    pub seed_demo_data: bool,
    /// How long a request waits for Logto's profiles before answering with ids only (`partial`).
    #[arg(long, env = "ENRICHMENT_DEADLINE_MS", default_value_t = 1500)]
    pub enrichment_deadline_ms: u64,
    /// How long Logto profiles are kept (served fresh for the first minute, then stale while
    /// renewed in the background); 0 turns the cache off.
    #[arg(long, env = "PROFILE_CACHE_SECONDS", default_value_t = 600)]
    pub profile_cache_seconds: u64,
    /// How long the top-users ranking is served from memory (this instance's follows clear it at
    /// once; other instances' show within this time); 0 = read the database on every request.
    #[arg(long, env = "TOP_CACHE_MS", default_value_t = 1000)]
    pub top_cache_ms: u64,
    /// Clock skew allowed on the access token's `exp` and `nbf`, in seconds.
    #[arg(long, env = "JWT_LEEWAY_SECONDS", default_value_t = 30)]
    pub jwt_leeway_seconds: u64,
    /// The signing key of the Logto webhook that posts to `/api/webhooks/logto` (Console → Webhooks,
    /// or `logto-cli provision`); unset, that route refuses every delivery.
    #[arg(long, env = "LOGTO_WEBHOOK_SIGNING_KEY", hide_env_values = true)]
    pub webhook_signing_key: Option<String>,
    /// Browser origins allowed to call the API (comma-separated).
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", value_delimiter = ',', default_value = "http://localhost:8080")]
    pub cors_allowed_origins: Vec<String>,
}

impl Config {
    /// Logto's issuer: `{endpoint}/oidc`.
    pub fn issuer(&self) -> String {
        format!("{}/oidc", self.logto_endpoint.trim_end_matches('/'))
    }
}
