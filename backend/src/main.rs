use backend::config::Config;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::load();
    let otlp = config.otel_exporter_otlp_endpoint.as_ref();
    let telemetry = match backend::telemetry::init(config.log_format, otlp, &config.otel_service_name) {
        Ok(telemetry) => telemetry,
        Err(e) => {
            eprintln!("backend: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let server = match backend::startup::build(&config).await {
        Ok(ready) => ready,
        Err(e) => {
            // A database error may quote its URL: never with the password.
            eprintln!("backend: {}", backend::config::redact_url_passwords(&e.to_string()));
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
    let served = server.run(shutdown).await;
    // The spans still buffered are sent before the process exits.
    let _ = tokio::task::spawn_blocking(move || telemetry.shutdown()).await;
    if let Err(e) = served {
        eprintln!("backend: {e}");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
