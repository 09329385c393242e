//! Logs and traces: the log lines (`RUST_LOG`, `LOG_FORMAT`) and, when `OTEL_EXPORTER_OTLP_ENDPOINT`
//! is set, OpenTelemetry traces exported over OTLP/HTTP (protobuf, `{endpoint}/v1/traces`): one span
//! per request (`GET /api/top-users`), with a child span per hop of the sequence: `verify`, `db`,
//! `m2m-token`, `management-api`.

use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use tracing_subscriber::filter::{EnvFilter, LevelFilter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

use crate::config::{HttpUrl, LogFormat};

/// Keeps the trace exporter alive; [`Telemetry::shutdown`] sends the spans still buffered.
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Flushes and stops the exporter (at most a few seconds: a down collector does not hold the exit).
    pub fn shutdown(self) {
        if let Some(provider) = self.provider {
            if let Err(e) = provider.shutdown_with_timeout(Duration::from_secs(5)) {
                eprintln!("backend: traces: {e}");
            }
        }
    }
}

/// The OTLP exporter's HTTP client: the reqwest client of the rest of the service, its requests run
/// on the service's runtime (the batch exporter calls from a thread of its own, outside tokio).
#[derive(Debug)]
struct ReqwestOnRuntime {
    http: reqwest::Client,
    runtime: tokio::runtime::Handle,
}

#[async_trait::async_trait]
impl HttpClient for ReqwestOnRuntime {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let (parts, body) = request.into_parts();
        let mut outgoing = self.http.request(parts.method, parts.uri.to_string()).body(body);
        for (name, value) in &parts.headers {
            outgoing = outgoing.header(name, value);
        }
        let sent = self.runtime.spawn(async move {
            let answer = outgoing.send().await?;
            let status = answer.status();
            let bytes = answer.bytes().await?;
            Ok::<_, reqwest::Error>((status, bytes))
        });
        let (status, bytes) = sent.await??;
        Ok(Response::builder().status(status).body(bytes)?)
    }
}

/// Installs the global subscriber: log lines filtered by `RUST_LOG` (default `info`), and the
/// trace exporter when `otlp_endpoint` is set. Must run inside the tokio runtime.
pub fn init(format: LogFormat, otlp_endpoint: Option<&HttpUrl>, service_name: &str) -> Result<Telemetry, String> {
    // Colours only for a terminal: a file or a log collector gets plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = match format {
        LogFormat::Text => tracing_subscriber::fmt::layer().with_ansi(ansi).boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer().json().boxed(),
    };
    let provider = otlp_endpoint.map(|endpoint| provider(endpoint, service_name)).transpose()?;
    // Spans go to the exporter at `info` whatever RUST_LOG keeps in the log lines.
    let traces = provider
        .as_ref()
        .map(|p| tracing_opentelemetry::layer().with_tracer(p.tracer("backend")).with_filter(LevelFilter::INFO));
    tracing_subscriber::registry().with(logs.with_filter(filter)).with(traces).try_init().map_err(|e| e.to_string())?;
    Ok(Telemetry { provider })
}

/// The OTLP/HTTP exporter to `{endpoint}/v1/traces` behind a batch processor, as [`init`] installs it
/// (public for the benches, which measure what exporting costs). Must run inside the tokio runtime.
pub fn provider(endpoint: &HttpUrl, service_name: &str) -> Result<SdkTracerProvider, String> {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().map_err(|e| e.to_string())?;
    let client = ReqwestOnRuntime { http, runtime: tokio::runtime::Handle::current() };
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_http_client(client)
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(format!("{endpoint}/v1/traces"))
        .build()
        .map_err(|e| format!("OTEL_EXPORTER_OTLP_ENDPOINT: {e}"))?;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().with_service_name(service_name.to_string()).build())
        .build())
}
