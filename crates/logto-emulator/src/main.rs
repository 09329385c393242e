//! `logto-emulator`: run a local Logto for development and tests.
//!
//! ```text
//! cargo run -p logto-emulator -- [--port 3001] [--seed seed.json] [--data-dir .logto-emulator]
//! ```

use std::path::PathBuf;

use clap::Parser;
use logto_emulator::{serve, Emulator, Options, Seed, StateFrom};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(about = "A local, offline emulator of Logto's OIDC provider and Management API")]
struct Args {
    /// Address to listen on. Loopback by default: the emulator is for development, not exposure.
    #[arg(long, env = "LOGTO_EMULATOR_HOST", default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on (Logto's default is 3001).
    #[arg(long, env = "LOGTO_EMULATOR_PORT", default_value_t = 3001)]
    port: u16,
    /// The public endpoint clients use; defaults to http://localhost:{port}.
    #[arg(long, env = "LOGTO_EMULATOR_ENDPOINT")]
    endpoint: Option<String>,
    /// Seed file (JSON); without one, a bare Logto: the Management API and a bootstrap
    /// machine-to-machine app to provision it with (`logto-cli provision`).
    #[arg(long, env = "LOGTO_EMULATOR_SEED")]
    seed: Option<PathBuf>,
    /// Where the state is kept across restarts (`emulator.db`: signing keys, users, applications,
    /// API resources, roles).
    #[arg(long, env = "LOGTO_EMULATOR_DATA_DIR", default_value = ".logto-emulator")]
    data_dir: PathBuf,
    /// Keep nothing on disk: a new key and the seed at every start.
    #[arg(long, conflicts_with = "data_dir")]
    in_memory: bool,
    /// Hide the sign-in page's "pick a user" list (which signs in without a password).
    #[arg(long)]
    no_user_picker: bool,
    /// Log lines as text or as JSON objects, one per line (the filter is RUST_LOG).
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    // Colours only for a terminal: a file or a log collector gets plain text.
    let logs = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    match args.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    match run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("logto-emulator: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let seed = match &args.seed {
        Some(path) => Seed::from_file(path)?,
        None => Seed::bare(),
    };
    let endpoint = args.endpoint.clone().unwrap_or_else(|| format!("http://localhost:{}", args.port));
    let loopback = args.host.parse::<std::net::IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(args.host == "localhost");
    if !loopback {
        tracing::warn!(host = %args.host, "listening beyond loopback: anyone who can reach this host can sign in as any seeded user and use the control API");
    }
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", args.host, args.port))?;
    let mut emulator = Emulator::new(&seed).endpoint(&endpoint).options(Options { user_picker: !args.no_user_picker });
    let path = args.data_dir.join("emulator.db");
    if !args.in_memory {
        emulator = emulator.data_file(&path);
    }
    let (state, from) = emulator.state()?;
    let storage = match from {
        StateFrom::SeedInMemory => "in memory (--in-memory)".to_string(),
        StateFrom::Loaded => format!("loaded from {} (POST /_emulator/reset goes back to the seed)", path.display()),
        StateFrom::SeedSaved => format!("seeded into {} (POST /_emulator/reset goes back to the seed)", path.display()),
    };
    let spa = seed
        .applications
        .iter()
        .filter(|a| a.redirect_uris.iter().any(|u| u.starts_with("http")))
        .map(|a| format!("{} ({})", a.name, a.id));
    let spa: Vec<String> = spa.collect();
    // The banner names a demo sign-in on purpose: the seed's passwords are a development fixture.
    let demo_user = seed.users.first().map(|u| format!("{} / {}", u.username, u.password.expose())).unwrap_or_default();
    // One structured event, which log collectors can read field by field (LOG_FORMAT=json).
    tracing::info!(
        listening = %format_args!("{}:{}", args.host, args.port),
        %endpoint,
        issuer = %format_args!("{endpoint}/oidc"),
        key_id = %state.signing_key().kid(),
        %storage,
        apps = %spa.join(", "),
        users = seed.users.len(),
        sign_in_as = %demo_user,
        control = %format_args!("{endpoint}/_emulator"),
        "Logto emulator ready"
    );
    serve(listener, state).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_loopback_port_3001_and_the_picker_on() {
        let args = Args::parse_from(["logto-emulator"]);
        assert_eq!(
            (args.host.as_str(), args.port, args.no_user_picker, args.in_memory),
            ("127.0.0.1", 3001, false, false)
        );
    }
}
