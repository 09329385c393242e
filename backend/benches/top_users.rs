//! `cargo bench -p backend` (run through `scripts/bench.sh`, which installs wrk): the backend under
//! load, as a table.
//!
//! - warm `GET /api/top-users`, `GET /api/organizations/{id}/top-users` and `GET /healthz` on the same
//!   server, wrk with 64 connections for 5 s (goal: each list at least half of healthz's requests/s);
//! - the cost of request logs and metrics: the warm list with each off and on (same run);
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
/// seeded users, so the top ten stay users Logto knows).
/// Its base URL, and the folder of its database (removed when dropped).
async fn backend_with(
    emu: &RunningEmulator,
    follows: usize,
    top_cache_ms: u64,
    metrics: &str,
) -> (String, tempfile::TempDir) {
    let top_cache = format!("--top-cache-ms={top_cache_ms}");
    let (dir, database) = common::sqlite_db();
    let config = common::config(emu, &database, &["--seed-demo-data", &top_cache, metrics]);
    let pool = backend::db::connect(config.database_url.as_ref()).await.unwrap();
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

/// Request log lines on or off (the subscriber installed by [`install_logs`]).
static LOGS: std::sync::OnceLock<
    tracing_subscriber::reload::Handle<tracing_subscriber::filter::LevelFilter, tracing_subscriber::Registry>,
> = std::sync::OnceLock::new();

fn set_logs(on: bool) {
    let level =
        if on { tracing_subscriber::filter::LevelFilter::INFO } else { tracing_subscriber::filter::LevelFilter::OFF };
    if let Some(handle) = LOGS.get() {
        handle.modify(|filter| *filter = level).unwrap();
    }
}

/// The text log layer of the binary, writing to a file, off until [`set_logs`].
fn install_logs() {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let (filter, handle) = tracing_subscriber::reload::Layer::new(tracing_subscriber::filter::LevelFilter::OFF);
    let file = std::fs::File::create(std::env::temp_dir().join("backend-bench.log")).unwrap();
    let lines = tracing_subscriber::fmt::layer().with_ansi(false).with_writer(std::sync::Mutex::new(file));
    tracing_subscriber::registry().with(filter).with(lines).init();
    let _ = LOGS.set(handle);
}

fn main() {
    install_logs();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (emu, token) = common::emulator_and_token().await;
        // An organization-level API token for alice in the demo seed's Acme (refresh grant with
        // organization_id and resource, as the SPA gets it).
        let http = reqwest::Client::new();
        let org_token = demo_tenant::organization_api_token(&emu.endpoint, "alice", "acmeorg00001").await.unwrap();

        // As deployed (ranking cached 1 s) for the warm figures; the ranking cache off to compare the
        // database at 10^3 and 10^6 rows.
        let (small, _small_db) = backend_with(&emu, 1_000, 1000, "--metrics=same").await;
        let (unmetered, _unmetered_db) = backend_with(&emu, 1_000, 1000, "--metrics=off").await;
        let (small_db, _small_db_db) = backend_with(&emu, 1_000, 0, "--metrics=same").await;
        let started = Instant::now();
        let (large_db, _large_db_db) = backend_with(&emu, 1_000_000, 0, "--metrics=same").await;
        let fill = started.elapsed();
        for url in [&small, &unmetered, &small_db, &large_db] {
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

        // What request logs and metrics cost, same run: the warm list with metrics off and on, with
        // the request log line off and on (info, text, written to a file as a service's would be).
        let mut overhead = Vec::new();
        for (logs, url) in [(false, &unmetered), (false, &small), (true, &unmetered), (true, &small)] {
            set_logs(logs);
            let (u, t) = (format!("{url}/api/top-users"), token.clone());
            overhead.push(tokio::task::spawn_blocking(move || wrk(&u, Some(&t))).await.unwrap());
        }
        set_logs(false);

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
        row("top-users warm, no request logs, metrics off", &overhead[0]);
        row("top-users warm, no request logs, metrics on", &overhead[1]);
        row("top-users warm, request logs, metrics off", &overhead[2]);
        row("top-users warm, request logs and metrics (deployed)", &overhead[3]);
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
