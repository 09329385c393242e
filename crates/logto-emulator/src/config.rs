//! The binary's settings, from flags or the environment (`logto-emulator --help`), parsed once into
//! [`Config`]; [`Config::emulator`] turns them into the [`Emulator`] to start, and
//! [`Config::init_logs`] sets up the log lines.

use std::path::PathBuf;

use clap::Parser;

use crate::{Emulator, Options, Seed};

/// Every setting of `logto-emulator`.
#[derive(Debug, Clone, Parser)]
#[command(name = "logto-emulator", about = "A local, offline emulator of Logto's OIDC provider and Management API")]
pub struct Config {
    /// Address to listen on. Loopback by default: the emulator is for development, not exposure.
    #[arg(long, env = "LOGTO_EMULATOR_HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (Logto's default is 3001).
    #[arg(long, env = "LOGTO_EMULATOR_PORT", default_value_t = 3001)]
    pub port: u16,
    /// The public endpoint clients use; defaults to http://localhost:{port}.
    #[arg(long, env = "LOGTO_EMULATOR_ENDPOINT")]
    pub endpoint: Option<String>,
    /// Seed file (JSON); without one, a bare Logto: the Management API and a bootstrap
    /// machine-to-machine app to provision it with (`logto-cli provision`).
    #[arg(long, env = "LOGTO_EMULATOR_SEED")]
    pub seed: Option<PathBuf>,
    /// Where the state is kept across restarts (`emulator.db`: signing keys, users, applications,
    /// API resources, roles).
    #[arg(long, env = "LOGTO_EMULATOR_DATA_DIR", default_value = ".logto-emulator")]
    pub data_dir: PathBuf,
    /// Keep nothing on disk: a new key and the seed at every start.
    #[arg(long, conflicts_with = "data_dir")]
    pub in_memory: bool,
    /// Hide the sign-in page's "pick a user" list (which signs in without a password).
    #[arg(long)]
    pub no_user_picker: bool,
    /// Serve neither the control API nor the console (`/_emulator`): a Logto and nothing more.
    #[arg(long)]
    pub no_control: bool,
    /// Logto's integration-test mode, for Logto's own test suite: a `development-user-id` header
    /// authenticates Management API calls with no token. Development machines only.
    #[arg(long, env = "INTEGRATION_TEST")]
    pub integration_test: bool,
    /// Log lines as text or as JSON objects, one per line (the filter is RUST_LOG).
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable text (coloured on a terminal).
    Text,
    /// One JSON object per line.
    Json,
}

impl Config {
    /// The endpoint clients use: `--endpoint`, else `http://localhost:{port}`.
    pub fn endpoint(&self) -> String {
        self.endpoint.clone().unwrap_or_else(|| format!("http://localhost:{}", self.port))
    }

    /// Whether `--host` is a loopback address (anything else is said in a warning at start).
    pub fn is_loopback(&self) -> bool {
        self.host.parse::<std::net::IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(self.host == "localhost")
    }

    /// The SQLite file the state is kept in (unless `--in-memory`).
    pub fn data_file(&self) -> PathBuf {
        self.data_dir.join("emulator.db")
    }

    /// The seed: `--seed`'s file, or a bare Logto.
    pub fn seed(&self) -> Result<Seed, crate::seed::SeedError> {
        match &self.seed {
            Some(path) => Seed::from_file(path),
            None => Ok(Seed::bare()),
        }
    }

    /// The emulator these settings describe, of `seed`'s tenant.
    pub fn emulator(&self, seed: &Seed) -> Emulator {
        let emulator = Emulator::new(seed).endpoint(&self.endpoint()).options(Options {
            user_picker: !self.no_user_picker,
            control: !self.no_control,
            integration_test: self.integration_test,
        });
        if self.in_memory {
            emulator
        } else {
            emulator.data_file(self.data_file())
        }
    }

    /// Log lines to stdout in the chosen format, filtered by `RUST_LOG` (default `info`); colours
    /// only on a terminal.
    pub fn init_logs(&self) {
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
        let logs = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()));
        match self.log_format {
            LogFormat::Text => logs.init(),
            LogFormat::Json => logs.json().init(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_loopback_port_3001_the_picker_on_and_a_data_file() {
        let config = Config::parse_from(["logto-emulator"]);
        assert_eq!(
            (config.host.as_str(), config.port, config.no_user_picker, config.in_memory),
            ("127.0.0.1", 3001, false, false)
        );
        assert!(config.is_loopback());
        assert_eq!(config.endpoint(), "http://localhost:3001");
        assert_eq!(config.data_file(), PathBuf::from(".logto-emulator/emulator.db"));
        let config = Config::parse_from(["logto-emulator", "--host", "0.0.0.0", "--port", "4000", "--in-memory"]);
        assert!(!config.is_loopback());
        assert_eq!(config.endpoint(), "http://localhost:4000");
    }
}
