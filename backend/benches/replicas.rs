//! `cargo bench -p backend --bench replicas` (through `scripts/bench.sh`, which starts a throwaway
//! PostgreSQL and sets `BENCH_DATABASE_URL_POSTGRES`; without it the bench says so and stops).
//!
//! Three replicas on one PostgreSQL, their caches held for a minute: a signed `User.Data.Updated`
//! delivery to replica A renames the list's first user, 100 times; each time, the time until
//! replica C's `/api/top-users` answers with the new name (C asked again and again). Then the warm
//! list's requests per second against `/healthz`, on a replica listening on the channel and on a
//! single SQLite node (no channel), in the same run: the listener must not slow the list.

mod common;

use std::time::{Duration, Instant};

use common::{config, serve, sqlite_db, wrk as run_wrk, Wrk};
use serde_json::json;

const KEY: &str = "bench-webhook-signing-key-000000";
const CHANGES: usize = 100;

fn wrk(url: &str, bearer: Option<&str>) -> Wrk {
    run_wrk(url, bearer, 64, 10, None)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let Ok(admin_url) = std::env::var("BENCH_DATABASE_URL_POSTGRES") else {
        eprintln!("replicas bench not run: BENCH_DATABASE_URL_POSTGRES is not set (scripts/bench.sh sets it)");
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap();
        let name = format!("bench_replicas_{}", std::process::id());
        sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name}")).execute(&admin).await.unwrap();
        sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");

        let (emu, token) = common::emulator_and_token().await;
        let replica = |seed: bool| {
            let mut args = vec![format!("--top-cache-ms=60000"), format!("--webhook-signing-key={KEY}")];
            if seed {
                args.push("--seed-demo-data".into());
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            config(&emu, &url, &args)
        };
        let a = serve(&replica(true)).await;
        let _b = serve(&replica(false)).await;
        let c = serve(&replica(false)).await;
        let (_sqlite_dir, sqlite_url) = sqlite_db();
        let single = serve(&config(&emu, &sqlite_url, &["--seed-demo-data"])).await;

        let http = reqwest::Client::new();
        let first = |backend: String| {
            let (http, token) = (http.clone(), token.clone());
            async move {
                let r = http.get(format!("{backend}/api/top-users")).bearer_auth(token).send().await.unwrap();
                let body: serde_json::Value = r.json().await.unwrap();
                body["users"][0].clone()
            }
        };
        let user = first(c.clone()).await;
        first(a.clone()).await;
        let id = user["id"].as_str().unwrap().to_string();

        let mut latencies = Vec::with_capacity(CHANGES);
        let base_ms = 4_000_000_000_000i64; // newer than any profile the replicas cached
        for i in 0..CHANGES {
            let name = format!("Renamed {i}");
            let payload = json!({"event": "User.Data.Updated",
                "data": {"id": id, "username": user["username"], "name": name, "createdAt": 1,
                         "updatedAt": base_ms + i as i64}})
            .to_string();
            let signature = logto_emulator::hooks::deliver::sign(KEY, payload.as_bytes());
            let started = Instant::now();
            let r = http
                .post(format!("{a}/api/webhooks/logto"))
                .header("logto-signature-sha-256", signature)
                .body(payload)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 204);
            loop {
                if first(c.clone()).await["name"] == name.as_str() {
                    break;
                }
                assert!(started.elapsed() < Duration::from_secs(10), "replica C never showed change {i}");
            }
            latencies.push(started.elapsed());
        }
        latencies.sort();

        for url in [&a, &single] {
            first(url.clone()).await;
        }
        let run =
            |url: String, bearer: Option<String>| tokio::task::spawn_blocking(move || wrk(&url, bearer.as_deref()));
        let replica_list = run(format!("{a}/api/top-users"), Some(token.clone())).await.unwrap();
        let replica_health = run(format!("{a}/healthz"), None).await.unwrap();
        let single_list = run(format!("{single}/api/top-users"), Some(token.clone())).await.unwrap();
        let single_health = run(format!("{single}/healthz"), None).await.unwrap();

        println!();
        println!("| replicas: a webhook to A → C answers with the change ({CHANGES} changes) | p50 | p99 | max |");
        println!("|---|---:|---:|---:|");
        println!(
            "| delivery to A (204) → C's next list shows it | {:.1} ms | {:.1} ms | {:.1} ms |",
            percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
            percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
            latencies.last().unwrap().as_secs_f64() * 1000.0
        );
        println!();
        println!("| warm list, 64 connections, 10 s | /api/top-users req/s | /healthz req/s | ratio |");
        println!("|---|---:|---:|---:|");
        for (what, list, health) in [
            ("PostgreSQL replica, listening on the channel", &replica_list, &replica_health),
            ("SQLite, one node (no channel)", &single_list, &single_health),
        ] {
            assert_eq!(list.non_2xx + health.non_2xx, 0, "{what}: every answer a 2xx");
            println!(
                "| {what} | {:.0} | {:.0} | {:.2} |",
                list.per_second,
                health.per_second,
                list.per_second / health.per_second
            );
        }
        drop(admin);
    });
}
