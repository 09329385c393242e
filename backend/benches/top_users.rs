//! `cargo bench -p backend` (run through `scripts/bench.sh`, which installs wrk): the backend under
//! load, as a table.
//!
//! - warm `GET /api/top-users`, `GET /api/organizations/{id}/top-users` and `GET /healthz` on the same
//!   server, wrk with 64 connections for 5 s (goal: each list at least half of healthz's requests/s);
//! - the cost of request logs, metrics and traces: the warm list with each off and on (same run,
//!   interleaved, median of three rounds);
//!   traces go over OTLP/HTTP to a collector in this process that takes and counts them;
//! - the verifier's operations/s, cold (each token new) and cached (the same token again);
//! - top-users p50 latency with 10³ and with 10⁶ follow rows, ranking read from the database on
//!   every request (goal: at most 2×);
//! - Management API requests per top-users request (the profile cache at work).
//!
//! Emulator and backend run in this process; wrk is a separate process; all on the same 2 cores.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use demo_tenant::API_RESOURCE;
use logto_emulator::RunningEmulator;
use logto_jwt::{Verifier, VerifierConfig};

mod common;

use common::{wrk as wrk_with, Wrk};

fn wrk(url: &str, bearer: Option<&str>) -> Wrk {
    wrk_with(url, bearer, 64, 5, None)
}

/// A backend on its own database with `follows` rows (the demo's, then synthetic followers of the
/// seeded users, so the top ten stay users Logto knows), started with `flags` besides those.
/// Its base URL, and the folder of its database (removed when dropped).
async fn backend_with(
    emu: &RunningEmulator,
    follows: usize,
    top_cache_ms: u64,
    flags: &[&str],
) -> (String, tempfile::TempDir) {
    let top_cache = format!("--top-cache-ms={top_cache_ms}");
    let (dir, database) = common::sqlite_db();
    let mut args = vec!["--seed-demo-data", &top_cache];
    args.extend_from_slice(flags);
    let config = common::config(emu, &database, &args);
    let pool = backend::db::connect(config.database_url.expose()).await.unwrap();
    let seeded = backend::db::seed_demo_data(&pool).await.unwrap();
    let users: Vec<String> = demo_tenant::seed().users.into_iter().map(|u| u.id).collect();
    let mut tx = pool.begin().await.unwrap();
    for i in 0..follows.saturating_sub(seeded) {
        sqlx::query("INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2)")
            .bind(format!("bench{}", i / users.len()))
            .bind(&users[i % users.len()])
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    (common::serve(&config).await, dir)
}

use tracing_subscriber::filter::LevelFilter;

/// Turns a layer of the subscriber installed by [`install_telemetry`] on (info) or off.
struct Switch(Box<dyn Fn(LevelFilter)>);

impl Switch {
    fn set(&self, on: bool) {
        (self.0)(if on { LevelFilter::INFO } else { LevelFilter::OFF });
    }
}

/// What [`install_telemetry`] installs, each layer off until switched on.
struct Telemetry {
    /// Text log lines, written to a file.
    logs: Switch,
    /// The OTLP exporter, every trace kept (the SDK's default sampler).
    traces: Switch,
    /// The OTLP exporter, one trace in ten kept (`OTEL_TRACES_SAMPLER=traceidratio`, `_ARG=0.1`).
    sampled: Switch,
    providers: [opentelemetry_sdk::trace::SdkTracerProvider; 2],
}

/// The binary's layers (`backend::telemetry`), sending traces to `collector`. The two exporters are
/// never on together: each keeps its own data on the spans it sees.
fn install_telemetry(collector: &str, log_file: &std::path::Path) -> Telemetry {
    use opentelemetry::trace::TracerProvider as _;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{reload, Layer};
    let file = std::fs::File::create(log_file).unwrap();
    let lines = tracing_subscriber::fmt::layer().with_ansi(false).with_writer(std::sync::Mutex::new(file));
    let endpoint = collector.parse().unwrap();
    let every = backend::telemetry::provider(&endpoint, "backend-bench").unwrap();
    // The SDK reads its sampler from the environment, as the binary's would; set for this one only
    // (no other thread reads the environment yet).
    std::env::set_var("OTEL_TRACES_SAMPLER", "traceidratio");
    std::env::set_var("OTEL_TRACES_SAMPLER_ARG", "0.1");
    let tenth = backend::telemetry::provider(&endpoint, "backend-bench").unwrap();
    std::env::remove_var("OTEL_TRACES_SAMPLER");
    std::env::remove_var("OTEL_TRACES_SAMPLER_ARG");
    let (log_filter, logs) = reload::Layer::new(LevelFilter::OFF);
    let (every_filter, traces) = reload::Layer::new(LevelFilter::OFF);
    let (tenth_filter, sampled) = reload::Layer::new(LevelFilter::OFF);
    tracing_subscriber::registry()
        .with(lines.with_filter(log_filter))
        .with(tracing_opentelemetry::layer().with_tracer(every.tracer("backend")).with_filter(every_filter))
        .with(tracing_opentelemetry::layer().with_tracer(tenth.tracer("backend")).with_filter(tenth_filter))
        .init();
    Telemetry {
        logs: Switch(Box::new(move |level| logs.modify(|f| *f = level).unwrap())),
        traces: Switch(Box::new(move |level| traces.modify(|f| *f = level).unwrap())),
        sampled: Switch(Box::new(move |level| sampled.modify(|f| *f = level).unwrap())),
        providers: [every, tenth],
    }
}

/// What the bench's collector received: each `POST /v1/traces` body, decoded after the run.
type Batches = std::sync::Arc<std::sync::Mutex<Vec<axum::body::Bytes>>>;

/// An OTLP/HTTP collector on an ephemeral port that takes every `POST /v1/traces` (200) and keeps
/// the bodies; they are decoded only after the run, so the collector costs the benchmark little.
async fn collector() -> (String, Batches) {
    let batches = Batches::default();
    let kept = batches.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |body: axum::body::Bytes| async move { kept.lock().unwrap().push(body) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}"), batches)
}

/// The batches received since the last tally (taken out), their bytes, and the spans in them.
fn tally(batches: &Batches) -> (usize, usize, usize) {
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use prost::Message;
    let batches = std::mem::take(&mut *batches.lock().unwrap());
    let spans = batches
        .iter()
        .map(|body| ExportTraceServiceRequest::decode(body.clone()).unwrap())
        .flat_map(|r| r.resource_spans)
        .flat_map(|r| r.scope_spans)
        .map(|s| s.spans.len())
        .sum();
    (batches.len(), batches.iter().map(|b| b.len()).sum(), spans)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (collector_url, received) = collector().await;
        let log_dir = tempfile::tempdir().unwrap();
        let telemetry = install_telemetry(&collector_url, &log_dir.path().join("backend.log"));
        let (emu, token) = common::emulator_and_token().await;
        // An organization-level API token for alice in the demo seed's Acme (refresh grant with
        // organization_id and resource, as the SPA gets it).
        let http = reqwest::Client::new();
        let org_token = demo_tenant::organization_api_token(&emu.endpoint, "alice", "acmeorg00001").await.unwrap();

        // As deployed (ranking cached 1 s) for the warm figures; the ranking cache off to compare the
        // database at 10^3 and 10^6 rows.
        let (small, _small_db) = backend_with(&emu, 1_000, 1000, &["--metrics=same"]).await;
        let (unmetered, _unmetered_db) = backend_with(&emu, 1_000, 1000, &["--metrics=off"]).await;
        // As the binary with OTEL_EXPORTER_OTLP_ENDPOINT set (the request span's name for the trace).
        let otlp = format!("--otel-exporter-otlp-endpoint={collector_url}");
        let (traced, _traced_db) = backend_with(&emu, 1_000, 1000, &["--metrics=same", &otlp]).await;
        let (small_db, _small_db_db) = backend_with(&emu, 1_000, 0, &["--metrics=same"]).await;
        let started = Instant::now();
        let (large_db, _large_db_db) = backend_with(&emu, 1_000_000, 0, &["--metrics=same"]).await;
        let fill = started.elapsed();
        for url in [&small, &unmetered, &traced, &small_db, &large_db] {
            let r = http.get(format!("{url}/api/top-users")).bearer_auth(&token).send().await.unwrap();
            assert_eq!(r.status(), 200, "warm-up");
        }
        let org_url = format!("{small}/api/organizations/acmeorg00001/top-users");
        let r = http.get(&org_url).bearer_auth(&org_token).send().await.unwrap();
        assert_eq!(r.status(), 200, "warm-up");

        let searches_before = emu.state.request_log().iter().filter(|r| r.path == "/api/users").count();
        let top = tokio::task::spawn_blocking({
            let (u, t) = (format!("{small}/api/top-users"), token.clone());
            move || wrk(&u, Some(&t))
        })
        .await
        .unwrap();
        let searches = emu.state.request_log().iter().filter(|r| r.path == "/api/users").count() - searches_before;
        let health = tokio::task::spawn_blocking({
            let u = format!("{small}/healthz");
            move || wrk(&u, None)
        })
        .await
        .unwrap();
        let org = tokio::task::spawn_blocking({
            let (u, t) = (org_url.clone(), org_token.clone());
            move || wrk(&u, Some(&t))
        })
        .await
        .unwrap();
        let small_uncached = tokio::task::spawn_blocking({
            let (u, t) = (format!("{small_db}/api/top-users"), token.clone());
            move || wrk(&u, Some(&t))
        })
        .await
        .unwrap();
        let big = tokio::task::spawn_blocking({
            let (u, t) = (format!("{large_db}/api/top-users"), token.clone());
            move || wrk(&u, Some(&t))
        })
        .await
        .unwrap();

        // What request logs, metrics and traces cost, same run: the warm list with metrics off and
        // on, the request log line (info, text, written to a file as a service's would be) off and
        // on, and traces exported (metrics on, no log lines) for every request and one in ten. The
        // machine's load drifts over a run, so the six are interleaved, three rounds, and each row
        // is its median; what the collector got is counted after each traced run.
        let configs = [
            ("no request logs, metrics off", &unmetered, None),
            ("no request logs, metrics on", &small, None),
            ("request logs, metrics off", &unmetered, Some(&telemetry.logs)),
            ("request logs and metrics (deployed)", &small, Some(&telemetry.logs)),
            ("every trace exported, metrics on", &traced, Some(&telemetry.traces)),
            ("1 trace in 10 exported, metrics on", &traced, Some(&telemetry.sampled)),
        ];
        let mut runs: Vec<Vec<Wrk>> = configs.iter().map(|_| Vec::new()).collect();
        // Per traced config: requests, batches, bytes and spans, over the rounds.
        let mut exported = [(0u64, 0usize, 0usize, 0usize); 2];
        for _round in 0..3 {
            for (i, (_, url, switch)) in configs.iter().enumerate() {
                switch.inspect(|s| s.set(true));
                let (u, t) = (format!("{url}/api/top-users"), token.clone());
                let run = tokio::task::spawn_blocking(move || wrk(&u, Some(&t))).await.unwrap();
                switch.inspect(|s| s.set(false));
                if let Some(traced) = i.checked_sub(4) {
                    telemetry.providers[traced].force_flush().unwrap();
                    let (batches, bytes, spans) = tally(&received);
                    let total = &mut exported[traced];
                    *total = (total.0 + run.requests, total.1 + batches, total.2 + bytes, total.3 + spans);
                }
                runs[i].push(run);
            }
        }
        let overhead: Vec<Wrk> = runs
            .into_iter()
            .map(|mut rounds| {
                rounds.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
                rounds.swap_remove(rounds.len() / 2)
            })
            .collect();

        // The verifier alone: cold (every token new) and cached (the same token again).
        let verifier = Verifier::new(VerifierConfig::new(emu.issuer(), API_RESOURCE));
        verifier.verify(&token).await.unwrap();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
        let fresh: Vec<String> = (0..2000)
            .map(|i| {
                emu.state.signing_key().sign(
                    Some("at+jwt"),
                    &serde_json::json!({"sub": format!("u{i}"), "iat": now, "exp": now + 3600, "scope": "", "client_id": "c", "iss": emu.issuer(), "aud": API_RESOURCE}),
                )
            })
            .collect();
        let t = Instant::now();
        for tok in &fresh {
            verifier.verify(tok).await.unwrap();
        }
        let cold = fresh.len() as f64 / t.elapsed().as_secs_f64();
        let n = 200_000;
        let t = Instant::now();
        for _ in 0..n {
            verifier.verify(&token).await.unwrap();
        }
        let cached = n as f64 / t.elapsed().as_secs_f64();

        println!("\nBackend under load (release build; wrk -t2 -c64 -d5s; emulator and backend in one process, 2 cores)");
        println!("{:<52} {:>12} {:>10} {:>10} {:>10}", "measure", "req/s", "p50 ms", "p99 ms", "non-2xx");
        let row = |name: &str, w: &Wrk| println!("{:<52} {:>12.0} {:>10.2} {:>10.2} {:>10}", name, w.per_second, w.p50_ms, w.p99_ms, w.non_2xx);
        row("GET /healthz", &health);
        row("GET /api/top-users, warm (metrics on, no log lines)", &top);
        row("GET /api/organizations/{id}/top-users, warm", &org);
        row("GET /api/top-users, ranking from the db, 10^3 rows", &small_uncached);
        row("GET /api/top-users, ranking from the db, 10^6 rows", &big);
        println!("{:<52} {:>12.2}   (goal >= 0.5)", "top-users / healthz requests/s", top.per_second / health.per_second.max(1.0));
        println!("{:<52} {:>12.2}   (goal >= 0.5)", "organization top-users / healthz requests/s", org.per_second / health.per_second.max(1.0));
        println!("{:<52} {:>12.2}   (goal <= 2)", "top-users p50, db at 10^6 / at 10^3 rows", big.p50_ms / small_uncached.p50_ms.max(0.001));
        for ((name, _, _), run) in configs.iter().zip(&overhead) {
            row(&format!("top-users warm, {name}"), run);
        }
        let base = overhead[0].per_second.max(1.0);
        println!(
            "{:<52} {:>12}",
            "  req/s relative to neither: metrics / logs / both",
            format!(
                "{:.2} / {:.2} / {:.2}",
                overhead[1].per_second / base,
                overhead[2].per_second / base,
                overhead[3].per_second / base
            )
        );
        let metered = overhead[1].per_second.max(1.0);
        println!(
            "{:<52} {:>12}",
            "  req/s relative to metrics only: every / 1 in 10",
            format!("{:.2} / {:.2}", overhead[4].per_second / metered, overhead[5].per_second / metered)
        );
        // A warm request has two spans, request and verify (db and the Logto hops only when a cache
        // misses): 2 when every trace is kept, about 0.2 at one in ten; fewer means the SDK's batch
        // queue (2048 spans by default) overflowed and dropped some.
        for ((requests, batches, bytes, spans), which) in exported.iter().zip(["every trace", "1 in 10"]) {
            println!(
                "{:<52} {:>12.2}   ({spans} spans in {batches} OTLP batches, {:.1} MB)",
                format!("  spans received per request, {which}"),
                *spans as f64 / (*requests).max(1) as f64,
                *bytes as f64 / 1e6
            );
        }
        println!("{:<52} {:>12.0}", "verifier ops/s, cold (new token each time)", cold);
        println!("{:<52} {:>12.0}", "verifier ops/s, cached (same token)", cached);
        println!(
            "{:<52} {:>12.5}   ({searches} for {} requests)",
            "Management API requests per top-users request",
            searches as f64 / top.requests.max(1) as f64,
            top.requests
        );
        println!("{:<52} {:>12.1}   s", "(filling 10^6 follow rows took)", fill.as_secs_f64());
    });
}
