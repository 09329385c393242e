//! `logto-emulator`: run a local Logto for development and tests.
//!
//! ```text
//! cargo run -p logto-emulator -- [--port 3001] [--seed seed.json] [--data-dir .logto-emulator]
//! ```
//!
//! The settings are the library's [`logto_emulator::config::Config`]; this file binds, starts and
//! prints the ready banner.

use clap::Parser;
use logto_emulator::config::Config;
use logto_emulator::{serve, StateFrom};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    config.init_logs();
    match run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("logto-emulator: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let seed = config.seed()?;
    let endpoint = config.endpoint();
    if config.integration_test {
        tracing::warn!(
            "integration-test mode: the development-user-id header authenticates Management API calls with no token"
        );
    }
    if !config.is_loopback() {
        tracing::warn!(host = %config.host, "listening beyond loopback: anyone who can reach this host can sign in as any seeded user and use the control API");
    }
    let listener = tokio::net::TcpListener::bind((config.host.as_str(), config.port))
        .await
        .map_err(|e| format!("cannot listen on {}:{}: {e}", config.host, config.port))?;
    let (state, from) = config.emulator(&seed).state()?;
    let file = config.data_file();
    let storage = match from {
        StateFrom::SeedInMemory => "in memory (--in-memory)".to_string(),
        StateFrom::Loaded => format!("loaded from {} (POST /_emulator/reset goes back to the seed)", file.display()),
        StateFrom::SeedSaved => format!("seeded into {} (POST /_emulator/reset goes back to the seed)", file.display()),
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
        listening = %format_args!("{}:{}", config.host, config.port),
        %endpoint,
        issuer = %format_args!("{endpoint}/oidc"),
        key_id = %state.signing_key().kid(),
        %storage,
        apps = %spa.join(", "),
        users = seed.users.len(),
        sign_in_as = %demo_user,
        control = %if config.no_control { "off (--no-control)".to_string() } else { format!("{endpoint}/_emulator") },
        integration_test = %if config.integration_test { "on (development-user-id honoured)" } else { "off" },
        console = %if config.no_control { "off (--no-control)".to_string() } else { format!("{endpoint}/_emulator/") },
        "Logto emulator ready"
    );
    serve(listener, state).await?;
    Ok(())
}
