use backend::config::{Config, LogFormat};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::load();
    // Colours only for a terminal: a file or a log collector gets plain text.
    let logs = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    match config.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
    let server = match backend::startup::build(&config).await {
        Ok(ready) => ready,
        Err(e) => {
            eprintln!("backend: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    // The bound address, not the configured one: with port 0 the system picks the port.
    let address = server.local_addr().map_or_else(|_| config.bind.to_string(), |a| a.to_string());
    tracing::info!(%address, "backend listening on http://{address}");
    if let Some(metrics) = server.metrics_addr() {
        tracing::info!(%metrics, "metrics on http://{metrics}/metrics");
    }
    // Ctrl-C or SIGTERM (what process managers send): finish the requests in flight, then stop.
    let shutdown = async {
        #[cfg(unix)]
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate => {}
        }
        tracing::info!("shutting down");
    };
    if let Err(e) = server.run(shutdown).await {
        eprintln!("backend: {e}");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
