//! The one way to start an emulator: [`Emulator`], a builder of what it starts from (the seed, where
//! its state lives, the endpoint it announces, its switches), used by the binary, the examples, the
//! benches and the tests alike.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use logto_emulator::{Emulator, Seed};
//! // In a test: in memory, a fresh key, an ephemeral loopback port.
//! let running = Emulator::new(&Seed::bare()).spawn().await?;
//! println!("issuer {}", running.issuer());
//! // As the binary does: state kept in a file, announced as Logto's default endpoint.
//! let (state, from) = Emulator::new(&Seed::bare())
//!     .endpoint("http://localhost:3001")
//!     .data_file(".logto-emulator/emulator.db")
//!     .state()?;
//! # let _ = (state, from); Ok(()) }
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;

use tokio::net::TcpListener;

use crate::tenant::Tenant;
use crate::{clock, persist, serve, AppState, KeyRing, Options, Seed, Store, TenantKey};

/// Where the state comes from when it is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFrom {
    /// The seed, in memory (nothing is kept).
    SeedInMemory,
    /// The seed, saved into the data file (it was empty).
    SeedSaved,
    /// The data file, filled by an earlier run (the seed is not applied).
    Loaded,
}

/// What an emulator starts from. [`Emulator::new`] gives a tenant in memory, with a new signing key
/// (or the data file's) and the default switches; each method changes one thing.
#[derive(Debug, Clone)]
pub struct Emulator {
    seed: Seed,
    endpoint: Option<String>,
    data_file: Option<PathBuf>,
    options: Options,
}

impl Emulator {
    /// An emulator of `seed`'s tenant, in memory.
    pub fn new(seed: &Seed) -> Self {
        Self { seed: seed.clone(), endpoint: None, data_file: None, options: Options::default() }
    }

    /// The endpoint it announces in issuers and links (e.g. `http://localhost:3001`); by default
    /// the address it listens on.
    pub fn endpoint(mut self, endpoint: &str) -> Self {
        self.endpoint = Some(endpoint.trim_end_matches('/').to_string());
        self
    }

    /// Keeps the state in this SQLite file: loaded when an earlier run filled it, else the seed and a
    /// new key, saved.
    pub fn data_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.data_file = Some(path.into());
        self
    }

    /// Behaviour switches.
    pub fn options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// The state, for an emulator announcing its [`Emulator::endpoint`] (or `http://localhost:3001`
    /// when none was set), and where it came from.
    pub fn state(&self) -> Result<(AppState, StateFrom), persist::PersistError> {
        let endpoint = self.endpoint.clone().unwrap_or_else(|| "http://localhost:3001".into());
        self.state_at(&endpoint)
    }

    fn state_at(&self, endpoint: &str) -> Result<(AppState, StateFrom), persist::PersistError> {
        let now = clock::Clock::default().now_ms();
        let fresh_keys = || KeyRing::new(TenantKey::generate());
        let Some(path) = &self.data_file else {
            let store = Store::from_seed(&self.seed, endpoint, now);
            let tenant = Tenant::new(fresh_keys(), store, None, self.seed.outbox);
            self.integration_test_apps(&tenant, endpoint)?;
            let state = AppState::new(endpoint, self.seed.clone(), tenant, self.options.clone());
            return Ok((state, StateFrom::SeedInMemory));
        };
        let db = persist::Db::open(path)?;
        let keys = match db.load_keys()? {
            Some(keys) => keys,
            None => {
                let keys = fresh_keys();
                db.save_keys(&keys)?;
                keys
            }
        };
        let (store, from) = match db.load_store()? {
            Some(store) => (store, StateFrom::Loaded),
            None => {
                let store = Store::from_seed(&self.seed, endpoint, now);
                db.replace_all(&store)?;
                (store, StateFrom::SeedSaved)
            }
        };
        let tenant = Tenant::new(keys, store, Some(db), self.seed.outbox);
        self.integration_test_apps(&tenant, endpoint)?;
        Ok((AppState::new(endpoint, self.seed.clone(), tenant, self.options.clone()), from))
    }

    /// In the integration-test mode, the application every Logto tenant is seeded with and
    /// Logto's own suite signs in with (`demo-app`, "Live Preview", `packages/schemas/src/seeds/
    /// application.ts`), whose redirect URI is `{endpoint}/demo-app`.
    fn integration_test_apps(&self, tenant: &Tenant, endpoint: &str) -> Result<(), persist::PersistError> {
        if !self.options.integration_test {
            return Ok(());
        }
        let demo = format!("{endpoint}/demo-app");
        tenant.ensure_application(crate::model::Application {
            description: Some("Preview for Sign-in Experience.".into()),
            redirect_uris: vec![demo.clone()],
            post_logout_redirect_uris: vec![demo],
            ..crate::model::Application::new("demo-app".into(), "Live Preview".into(), crate::model::AppType::SPA, 0)
        })
    }

    /// Starts it inside this process on an ephemeral loopback port (tests, tools); it stops when
    /// the returned [`RunningEmulator`] is dropped.
    pub async fn spawn(self) -> Result<RunningEmulator, StartError> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let endpoint = self.endpoint.clone().unwrap_or_else(|| format!("http://{addr}"));
        let (state, _) = self.state_at(&endpoint)?;
        let served = state.clone();
        let task = tokio::spawn(async move {
            if let Err(e) = serve(listener, served).await {
                tracing::error!("emulator stopped: {e}");
            }
        });
        Ok(RunningEmulator { addr, endpoint, state, task })
    }
}

/// Why an emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// No port to listen on.
    #[error("cannot listen: {0}")]
    Listen(#[from] std::io::Error),
    /// The data file could not be read or written.
    #[error(transparent)]
    State(#[from] persist::PersistError),
}

/// An emulator running inside the current process (for tests and tools).
pub struct RunningEmulator {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// The Logto endpoint it announces: `http://127.0.0.1:{port}` unless [`Emulator::endpoint`] named
    /// another.
    pub endpoint: String,
    /// Its state, for tests that read or change it directly (the store, the clock, the keys).
    pub state: AppState,
    task: tokio::task::JoinHandle<()>,
}

impl RunningEmulator {
    /// The issuer: `{endpoint}/oidc`.
    pub fn issuer(&self) -> String {
        format!("{}/oidc", self.endpoint)
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}
