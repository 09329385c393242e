use backend::config::Config;
use demo_tenant::{DEMO_PASSWORD, M2M_APP_ID, M2M_APP_SECRET};
use logto_emulator::testkit;
use logto_emulator::RunningEmulator;

pub const SCOPES: &str = "openid profile offline_access read:top-users";

pub struct TestApp {
    pub emulator: RunningEmulator,
    /// e.g. `http://127.0.0.1:41234`
    pub backend: String,
    /// The metrics' own address (`http://…`) when `METRICS` gave them one.
    pub metrics: Option<String>,
    pub http: reqwest::Client,
    /// The backend's SQLite file's folder, removed when the test ends.
    _db_dir: tempfile::TempDir,
}

pub fn test_config(emulator: &RunningEmulator, db_dir: &std::path::Path) -> Config {
    Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        logto_endpoint: emulator.endpoint.parse().unwrap(),
        api_resource: demo_tenant::API_RESOURCE.into(),
        m2m_app_id: M2M_APP_ID.into(),
        m2m_app_secret: M2M_APP_SECRET.into(),
        management_resource: logto_management::OSS_MANAGEMENT_RESOURCE.into(),
        database_url: format!("sqlite://{}/backend.db", db_dir.display()).parse().unwrap(),
        database_acquire_timeout_ms: 2000,
        database_connect_timeout_seconds: 10,
        seed_demo_data: true,
        enrichment_deadline_ms: 1500,
        profile_cache_seconds: 600,
        top_cache_ms: 1000,
        jwt_leeway_seconds: 30,
        log_format: backend::config::LogFormat::Text,
        webhook_signing_key: None,
        otel_exporter_otlp_endpoint: None,
        otel_service_name: "backend".into(),
        metrics: backend::config::MetricsAt::Same,
        rate_limit_per_address: "100000/s".parse().unwrap(),
        rate_limit_per_subject: "100000/s".parse().unwrap(),
        rate_limit_invitations: "100000/s".parse().unwrap(),
        rate_limit_invitation_lookups: "100000/s".parse().unwrap(),
        spa_url: "http://localhost:8080".parse().unwrap(),
        impersonation_writes: backend::config::ImpersonationWrites::Refuse,
        exchange_app_id: None,
        trusted_proxy_header: None,
        cors_allowed_origins: vec!["http://localhost:8080".parse().unwrap()],
    }
}

/// Boots the emulator with the default seed and the backend configured against it.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let emulator = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.expect("emulator starts");
    spawn_app_configured(emulator, adjust).await
}

/// The backend against an emulator the test started (another seed).
pub async fn spawn_app_on(emulator: RunningEmulator) -> TestApp {
    spawn_app_configured(emulator, |_| {}).await
}

async fn spawn_app_configured(emulator: RunningEmulator, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::Builder::new().prefix("backend-test-").tempdir().expect("temp dir");
    let mut config = test_config(&emulator, dir.path());
    adjust(&mut config);
    let server = backend::startup::build(&config).await.expect("backend starts");
    let addr = server.local_addr().expect("bound");
    let metrics = server.metrics_addr().map(|a| format!("http://{a}"));
    tokio::spawn(server.run(std::future::pending()));
    TestApp { emulator, backend: format!("http://{addr}"), metrics, http: reqwest::Client::new(), _db_dir: dir }
}

impl TestApp {
    /// The backend's own database (SQLite), for checking what a request changed.
    pub async fn db(&self) -> backend::db::Pool {
        backend::db::connect(&format!("sqlite://{}/backend.db", self._db_dir.path().display())).await.expect("database")
    }

    /// Signs `username` in through the emulator's page and returns the resource JWT and friends.
    pub async fn sign_in(&self, username: &str) -> testkit::SignedIn {
        sign_in_at(&self.emulator.endpoint, username).await
    }

    /// [`TestApp::sign_in`] asking for `scopes` instead of the default ones.
    pub async fn sign_in_with(&self, username: &str, scopes: &str) -> testkit::SignedIn {
        sign_in_at_with(&self.emulator.endpoint, username, scopes).await
    }

    pub async fn get_top_users(&self, authorization: Option<&str>) -> reqwest::Response {
        let mut request = self.http.get(format!("{}/api/top-users", self.backend));
        if let Some(value) = authorization {
            request = request.header("Authorization", value);
        }
        request.send().await.expect("backend answers")
    }
}

/// Signs `username` in through the emulator at `endpoint` with [`SCOPES`], for the API resource.
pub async fn sign_in_at(endpoint: &str, username: &str) -> testkit::SignedIn {
    sign_in_at_with(endpoint, username, SCOPES).await
}

/// [`sign_in_at`] asking for `scopes`.
pub async fn sign_in_at_with(endpoint: &str, username: &str, scopes: &str) -> testkit::SignedIn {
    demo_tenant::sign_in(endpoint, username, DEMO_PASSWORD, scopes, Some(demo_tenant::API_RESOURCE))
        .await
        .expect("sign-in through the emulator")
}

/// Status, `WWW-Authenticate` and JSON body of a response.
pub async fn parts(response: reqwest::Response) -> (u16, String, serde_json::Value) {
    let status = response.status().as_u16();
    let challenge = response.headers().get("www-authenticate").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let body = response.json().await.unwrap_or(serde_json::Value::Null);
    (status, challenge, body)
}

/// What the code under test logs while this lives, as text (fmt's format, no colours). Tests run on
/// a one-thread runtime with the backend spawned on it, so the thread's default subscriber sees
/// the backend's events too.
pub struct LogCapture {
    buffer: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

#[derive(Clone)]
struct CaptureWriter(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for CaptureWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogCapture {
    pub fn start() -> Self {
        let buffer = std::sync::Arc::default();
        let writer = CaptureWriter(std::sync::Arc::clone(&buffer));
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        LogCapture { buffer, _guard: tracing::subscriber::set_default(subscriber) }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer.lock().expect("log buffer")).into_owned()
    }
}
