//! The backend binary as an operator meets it: configuration (`.env` in the working directory, the
//! environment winning over it, a bad value stopping the start with the variable's name), its
//! log lines (one per request, text or JSON, never a token or a query) and its OpenTelemetry traces,
//! received by an OTLP collector in the test.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use std::time::{Duration, Instant};
use tempfile::TempDir;

fn dir_with_env(dotenv: &str) -> TempDir {
    let dir = tempfile::Builder::new().prefix("backend-config-").tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), dotenv).unwrap();
    dir
}

/// The backend started in `dir` with only `env` (and PATH) in its environment.
fn backend(dir: &TempDir, env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_backend"));
    command.current_dir(dir.path()).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    command.envs(env.iter().copied()).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

const M2M: &str = "LOGTO_M2M_APP_ID=app\nLOGTO_M2M_APP_SECRET=secret\n";

#[test]
fn a_bad_value_in_dot_env_stops_the_start_naming_the_variable() {
    let dir = dir_with_env(&format!("{M2M}CORS_ALLOWED_ORIGINS=localhost:8080\n"));
    let out = backend(&dir, &[]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("CORS_ALLOWED_ORIGINS"), "{stderr}");
    assert!(stderr.contains("write it with its scheme, e.g. http://localhost:8080"), "{stderr}");
}

#[test]
fn dot_env_configures_the_backend_and_the_environment_wins_over_it() {
    let dir = dir_with_env(&format!(
        "{M2M}CORS_ALLOWED_ORIGINS=localhost:8080\nBACKEND_BIND=127.0.0.1:0\nDATABASE_URL=sqlite://db.sqlite\n"
    ));
    // The environment's valid origin wins over the file's bad one; the rest comes from `.env`.
    let mut child =
        backend(&dir, &[("CORS_ALLOWED_ORIGINS", "http://localhost:8080"), ("RUST_LOG", "info")]).spawn().unwrap();
    let started = Instant::now();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let listening = loop {
        match lines.next() {
            Some(Ok(line)) if line.contains("backend listening on") => break Some(line),
            Some(Ok(_)) if started.elapsed() < Duration::from_secs(30) => continue,
            _ => break None,
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(listening.is_some(), "the backend did not start from .env");
    assert!(dir.path().join("db.sqlite").exists(), "DATABASE_URL came from .env");
}

#[test]
fn a_malformed_dot_env_is_an_error_not_a_silence() {
    let dir = dir_with_env("THIS LINE IS NOT A VARIABLE\n");
    let out = backend(&dir, &[("LOGTO_M2M_APP_ID", "a"), ("LOGTO_M2M_APP_SECRET", "s")]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(".env"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The backend in `dir`, started with `env` (over an M2M app, an ephemeral port, a SQLite file), until
/// it listens; its stdout lines.
fn start(dir: &TempDir, env: &[(&str, &str)]) -> (std::process::Child, std::sync::mpsc::Receiver<String>, String) {
    let mut command = backend(dir, &[]);
    command.envs([("LOGTO_M2M_APP_ID", "app"), ("LOGTO_M2M_APP_SECRET", "secret")]);
    command.envs([("BACKEND_BIND", "127.0.0.1:0"), ("DATABASE_URL", "sqlite://db.sqlite"), ("RUST_LOG", "info")]);
    // Backends started side by side: each its own metrics port, not the default's fixed one.
    command.env("METRICS", "127.0.0.1:0");
    command.envs(env.iter().copied());
    let mut child = command.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // The line naming the address (the seeding of the demo follows may come first).
    let listening = loop {
        let line = rx.recv_timeout(Duration::from_secs(30)).expect("a log line saying where it listens");
        if line.contains("listening on") {
            break line;
        }
    };
    let address = listening
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| c.is_whitespace() || c == '"').next())
        .map(str::to_string);
    (child, rx, address.unwrap_or_else(|| panic!("no address in {listening}")))
}

/// The log lines written within a second of `request` (a raw HTTP/1.1 request) being answered.
fn lines_after(rx: &std::sync::mpsc::Receiver<String>, address: &str, request: &str) -> Vec<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let mut lines = vec![];
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(1)) {
        lines.push(line);
    }
    lines
}

const SECRET_REQUEST: &str = "GET /api/top-users?secret-query=1 HTTP/1.1\r\nHost: x\r\n\
    Authorization: Bearer not.a-real.token-xyz\r\nConnection: close\r\n\r\n";

#[test]
fn one_json_log_line_per_request_with_route_status_latency_and_id_never_the_token_or_query() {
    let dir = dir_with_env("");
    let (mut child, rx, address) = start(&dir, &[("LOG_FORMAT", "json")]);
    let lines = lines_after(&rx, &address, SECRET_REQUEST);
    let _ = child.kill();
    let _ = child.wait();
    let events: Vec<serde_json::Value> = lines.iter().map(|l| serde_json::from_str(l).expect("JSON lines")).collect();
    let answered: Vec<&serde_json::Value> =
        events.iter().filter(|e| e["fields"]["message"] == "finished processing request").collect();
    assert_eq!(answered.len(), 1, "{lines:?}");
    let e = answered[0];
    assert_eq!(e["level"], "INFO");
    assert_eq!(e["fields"]["status"], 401);
    assert!(e["fields"]["latency"].as_str().is_some_and(|l| l.ends_with("μs")), "{e}");
    assert_eq!((e["span"]["method"].as_str(), e["span"]["route"].as_str()), (Some("GET"), Some("/api/top-users")));
    assert!(e["span"]["id"].as_str().is_some_and(|id| id.contains('-')), "{e}");
    for line in &lines {
        assert!(!line.contains("secret-query") && !line.contains("not.a-real.token-xyz"), "{line}");
    }
}

#[test]
fn text_logs_are_one_readable_line_per_request() {
    let dir = dir_with_env("");
    let (mut child, rx, address) = start(&dir, &[]);
    let lines = lines_after(&rx, &address, SECRET_REQUEST);
    let _ = child.kill();
    let _ = child.wait();
    let answered: Vec<&String> = lines.iter().filter(|l| l.contains("finished processing request")).collect();
    assert_eq!(answered.len(), 1, "{lines:?}");
    let line = answered[0];
    for part in ["INFO", "route=/api/top-users", "method=GET", "status=401", "latency="] {
        assert!(line.contains(part), "{part} in {line}");
    }
    assert!(!line.contains("secret-query") && !line.contains("not.a-real.token-xyz"), "{line}");
}

/// What an OTLP/HTTP collector received: every span, and the `service.name` of each batch.
#[derive(Default)]
struct Received {
    spans: Vec<Span>,
    services: Vec<String>,
}

#[derive(Clone)]
struct Span {
    trace: Vec<u8>,
    id: Vec<u8>,
    parent: Vec<u8>,
    name: String,
}

/// A collector on an ephemeral port taking `POST /v1/traces` (protobuf), as an OpenTelemetry
/// Collector does.
async fn collector() -> (String, std::sync::Arc<std::sync::Mutex<Received>>) {
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::common::v1::any_value::Value;
    use prost::Message;
    let received = std::sync::Arc::new(std::sync::Mutex::new(Received::default()));
    let store = received.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |body: axum::body::Bytes| async move {
            let Ok(request) = ExportTraceServiceRequest::decode(body) else {
                return axum::http::StatusCode::BAD_REQUEST;
            };
            let mut store = store.lock().unwrap();
            for resource_spans in request.resource_spans {
                let service = resource_spans.resource.iter().flat_map(|r| &r.attributes).find_map(|a| {
                    match a.value.as_ref()?.value.as_ref()? {
                        Value::StringValue(name) if a.key == "service.name" => Some(name.clone()),
                        _ => None,
                    }
                });
                store.services.extend(service);
                for span in resource_spans.scope_spans.into_iter().flat_map(|s| s.spans) {
                    store.spans.push(Span {
                        trace: span.trace_id,
                        id: span.span_id,
                        parent: span.parent_span_id,
                        name: span.name,
                    });
                }
            }
            axum::http::StatusCode::OK
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (address, received)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traces_go_to_the_otlp_collector_one_span_per_hop_under_the_request() {
    let emulator = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let (otlp, received) = collector().await;
    let dir = dir_with_env("");
    let env = [
        ("LOGTO_ENDPOINT", emulator.endpoint.as_str()),
        ("LOGTO_M2M_APP_ID", demo_tenant::M2M_APP_ID),
        ("LOGTO_M2M_APP_SECRET", demo_tenant::M2M_APP_SECRET),
        ("SEED_DEMO_DATA", "true"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.as_str()),
        ("OTEL_SERVICE_NAME", "top-users-test"),
        // The batch exporter's delay (the SDK reads it): spans leave within 100 ms.
        ("OTEL_BSP_SCHEDULE_DELAY", "100"),
    ];
    let (mut child, _lines, address) = tokio::task::block_in_place(|| start(&dir, &env));
    let alice = crate::helpers::sign_in_at(&emulator.endpoint, "alice").await;
    let answer = reqwest::Client::new()
        .get(format!("http://{address}/api/top-users"))
        .bearer_auth(alice.access_token())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);

    let hops = ["verify", "db", "m2m-token", "management-api"];
    let deadline = Instant::now() + Duration::from_secs(20);
    let (spans, services) = loop {
        {
            let r = received.lock().unwrap();
            if hops.iter().all(|hop| r.spans.iter().any(|s| s.name == *hop))
                && r.spans.iter().any(|s| s.name == "GET /api/top-users")
                || Instant::now() > deadline
            {
                break (r.spans.clone(), r.services.clone());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let _ = child.kill();
    let _ = child.wait();
    let names: Vec<&str> = spans.iter().map(|s| s.name.as_str()).collect();
    let request = spans.iter().find(|s| s.name == "GET /api/top-users").unwrap_or_else(|| panic!("{names:?}"));
    for hop in hops {
        let span = spans.iter().find(|s| s.name == hop).unwrap_or_else(|| panic!("no {hop} span in {names:?}"));
        assert_eq!(
            (&span.trace, &span.parent),
            (&request.trace, &request.id),
            "{hop}: not a child of the request's span"
        );
    }
    assert!(services.iter().all(|s| s == "top-users-test") && !services.is_empty(), "{services:?}");
}
