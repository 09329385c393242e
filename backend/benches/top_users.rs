//! `cargo bench -p backend` (run through `scripts/bench.sh`, which installs wrk): the backend under
//! load, as a table.
//!
//! - warm `GET /api/top-users`, `GET /api/organizations/{id}/top-users` and `GET /healthz` on the same
//!   server, wrk with 64 connections for 5 s (goal: each list at least half of healthz's requests/s);
//! - the verifier's operations/s, cold (each token new) and cached (the same token again);
//! - top-users p50 latency with 10³ and with 10⁶ follow rows, ranking read from the database on
//!   every request (goal: at most 2×);
//! - Management API requests per top-users request (the profile cache at work).
//!
//! Emulator and backend run in this process; wrk is a separate process; all on the same 2 cores.

use std::process::Command;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use backend::config::Config;
use logto_emulator::testkit::{self, API_RESOURCE, DEMO_PASSWORD};
use logto_emulator::{RunningEmulator, Seed};
use logto_jwt::{Verifier, VerifierConfig};

struct Wrk {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    requests: u64,
    non_2xx: u64,
}

/// Parses wrk's `--latency` report.
fn parse_latency(line: &str) -> Option<f64> {
    let value = line.split_whitespace().nth(1)?;
    let (number, unit) = value.split_at(value.find(|c: char| c.is_ascii_alphabetic())?);
    let n: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        _ => return None,
    })
}

fn wrk(url: &str, bearer: Option<&str>) -> Wrk {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t2", "-c64", "-d5s", "--latency"]);
    if let Some(b) = bearer {
        cmd.args(["-H", &format!("Authorization: Bearer {b}")]);
    }
    let out = cmd.arg(url).output().expect("wrk is installed (scripts/bench.sh installs it)");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let find = |prefix: &str| text.lines().map(str::trim).find(|l| l.starts_with(prefix)).map(String::from);
    let per_second = find("Requests/sec:").and_then(|l| l.split_whitespace().nth(1)?.parse().ok()).unwrap_or(0.0);
    let requests = text
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let non_2xx =
        find("Non-2xx or 3xx responses:").and_then(|l| l.split_whitespace().last()?.parse().ok()).unwrap_or(0);
    Wrk {
        per_second,
        p50_ms: find("50%").and_then(|l| parse_latency(&l)).unwrap_or(0.0),
        p99_ms: find("99%").and_then(|l| parse_latency(&l)).unwrap_or(0.0),
        requests,
        non_2xx,
    }
}

/// A backend on its own database with `follows` rows (the demo's, then synthetic followers of the
/// seeded users, so the top ten stay users Logto knows).
async fn backend_with(emu: &RunningEmulator, follows: usize, top_cache_ms: u64) -> String {
    let dir = std::env::temp_dir().join(format!("backend-bench-{}", logto_emulator::ids::standard_id(8)));
    std::fs::create_dir_all(&dir).unwrap();
    let config = Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        logto_endpoint: emu.endpoint.parse().unwrap(),
        api_resource: API_RESOURCE.into(),
        m2m_app_id: testkit::M2M_APP_ID.into(),
        m2m_app_secret: testkit::M2M_APP_SECRET.into(),
        management_resource: logto_management::OSS_MANAGEMENT_RESOURCE.into(),
        database_url: format!("sqlite://{}/backend.db", dir.display()).parse().unwrap(),
        seed_demo_data: true,
        enrichment_deadline_ms: 1500,
        profile_cache_seconds: 600,
        top_cache_ms,
        jwt_leeway_seconds: 30,
        log_format: backend::config::LogFormat::Text,
        webhook_signing_key: None,
        metrics: backend::config::MetricsAt::Same,
        rate_limit_per_address: "100000/s".parse().unwrap(),
        rate_limit_per_subject: "100000/s".parse().unwrap(),
        trusted_proxy_header: None,
        cors_allowed_origins: vec![],
    };
    let pool = backend::db::connect(config.database_url.as_ref()).await.unwrap();
    let seeded = backend::db::seed_demo_data(&pool).await.unwrap();
    let users: Vec<String> = Seed::default_seed().users.into_iter().map(|u| u.id).collect();
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
    let server = backend::startup::build(&config).await.unwrap();
    let url = format!("http://{}", server.local_addr().unwrap());
    tokio::spawn(server.run(std::future::pending()));
    url
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let emu = logto_emulator::spawn(&Seed::default_seed()).await.unwrap();
        let alice = testkit::sign_in(&emu.endpoint, "alice", DEMO_PASSWORD, "openid offline_access read:top-users", Some(API_RESOURCE))
            .await
            .unwrap();
        let token = alice.access_token().to_string();
        // An organization-level API token for alice in the demo seed's Acme (refresh grant with
        // organization_id and resource, as the SPA gets it).
        let http = reqwest::Client::new();
        let org_token = testkit::organization_api_token(&emu.endpoint, "alice", "acmeorg00001").await.unwrap();

        // As deployed (ranking cached 1 s) for the warm figures; the ranking cache off to compare the
        // database at 10^3 and 10^6 rows.
        let small = backend_with(&emu, 1_000, 1000).await;
        let small_db = backend_with(&emu, 1_000, 0).await;
        let started = Instant::now();
        let large_db = backend_with(&emu, 1_000_000, 0).await;
        let fill = started.elapsed();
        for url in [&small, &small_db, &large_db] {
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
        row("GET /api/top-users, warm (as deployed)", &top);
        row("GET /api/organizations/{id}/top-users, warm", &org);
        row("GET /api/top-users, ranking from the db, 10^3 rows", &small_uncached);
        row("GET /api/top-users, ranking from the db, 10^6 rows", &big);
        println!("{:<52} {:>12.2}   (goal >= 0.5)", "top-users / healthz requests/s", top.per_second / health.per_second.max(1.0));
        println!("{:<52} {:>12.2}   (goal >= 0.5)", "organization top-users / healthz requests/s", org.per_second / health.per_second.max(1.0));
        println!("{:<52} {:>12.2}   (goal <= 2)", "top-users p50, db at 10^6 / at 10^3 rows", big.p50_ms / small_uncached.p50_ms.max(0.001));
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
