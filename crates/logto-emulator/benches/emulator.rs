//! `cargo bench -p logto-emulator`: how fast the emulator starts and serves, as a table.
//!
//! - start-to-ready: the release binary (`--in-memory`) from spawn until discovery answers, and the
//!   library's in-process `spawn`, each 10 times;
//! - client-credentials tokens/s, organization-token grants/s (client credentials with
//!   `organization_id`) and `GET /api/users/{id}` requests/s, with 32 concurrent
//!   connections for 5 s each, from a load generator in this process (the same 2 cores, so the
//!   figures are a floor);
//! - on a server keeping its state on disk: client-credentials tokens/s and session + refresh
//!   grants/s, each alone and beside 4 Management API writers (each write fsynced before it is
//!   answered): what a write waiting on the disk costs the token endpoint.
//!
//! For comparison, real Logto 1.42 on this kind of machine served about 44 client-credentials
//! tokens/s and 140 `GET /api/users/{id}`/s, and takes 8-11 s to start (plus PostgreSQL).

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CONNECTIONS: usize = 32;
const RUN: Duration = Duration::from_secs(5);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn binary_start(http: &reqwest::Client) -> Duration {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/oidc/.well-known/openid-configuration");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_logto-emulator"))
        .args(["--in-memory", "--seed", demo_tenant::SEED_PATH, "--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the emulator binary runs");
    loop {
        if http.get(&url).send().await.map(|r| r.status().is_success()).unwrap_or(false) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the emulator did not start");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let ready = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    ready
}

/// One client-credentials token for the Management API (the demo tenant's backend app); `true` on 2xx.
async fn client_credentials(http: reqwest::Client, endpoint: String) -> bool {
    http.post(format!("{endpoint}/oidc/token"))
        .basic_auth(demo_tenant::M2M_APP_ID, Some(demo_tenant::M2M_APP_SECRET))
        .form(&[("grant_type", "client_credentials"), ("resource", "https://default.logto.app/api"), ("scope", "all")])
        .send()
        .await
        .map(|r| r.status().is_success())
        .unwrap_or(false)
}

struct Load {
    per_second: f64,
    p50: Duration,
    p99: Duration,
    errors: u64,
}

/// Runs `request` from `CONNECTIONS` workers for `RUN`; counts 2xx answers.
async fn load<F, Fut>(request: F) -> Load
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let request = Arc::new(request);
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..CONNECTIONS {
        let (request, errors) = (request.clone(), errors.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while started.elapsed() < RUN {
                let t = Instant::now();
                if request().await {
                    latencies.push(t.elapsed());
                } else {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    let elapsed = started.elapsed();
    all.sort();
    let pick = |q: f64| {
        all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1))).copied().unwrap_or_default()
    };
    Load {
        per_second: all.len() as f64 / elapsed.as_secs_f64(),
        p50: pick(0.5),
        p99: pick(0.99),
        errors: errors.load(Ordering::Relaxed),
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::builder().pool_max_idle_per_host(CONNECTIONS).build().unwrap();

        let mut binary = Vec::new();
        for _ in 0..10 {
            binary.push(binary_start(&http).await);
        }
        let mut library = Vec::new();
        for _ in 0..10 {
            let t = Instant::now();
            let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
            library.push(t.elapsed());
            drop(emu);
        }

        // The server under load: the release binary, in memory, on its own process.
        let port = free_port();
        let endpoint = format!("http://127.0.0.1:{port}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_logto-emulator"))
            .args(["--in-memory", "--seed", demo_tenant::SEED_PATH, "--port", &port.to_string(), "--endpoint", &endpoint])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        while http.get(format!("{endpoint}/oidc/jwks")).send().await.is_err() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }

        let (h, e) = (http.clone(), endpoint.clone());
        let tokens = load(move || client_credentials(h.clone(), e.clone())).await;

        // Organization tokens: the backend app holds the `backend` role in the demo seed's Acme.
        let (h, e) = (http.clone(), endpoint.clone());
        let org_tokens = load(move || {
            let (h, e) = (h.clone(), e.clone());
            async move {
                h.post(format!("{e}/oidc/token"))
                    .basic_auth(demo_tenant::M2M_APP_ID, Some(demo_tenant::M2M_APP_SECRET))
                    .form(&[("grant_type", "client_credentials"), ("organization_id", "acmeorg00001"), ("scope", "read:members")])
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false)
            }
        })
        .await;

        let token = demo_tenant::mint_admin_token(&endpoint).await.unwrap();
        let alice = demo_tenant::seed().users[0].id.clone();
        let (h, url) = (http.clone(), format!("{endpoint}/api/users/{alice}"));
        let users = load(move || {
            let (h, url, token) = (h.clone(), url.clone(), token.clone());
            async move { h.get(&url).bearer_auth(&token).send().await.map(|r| r.status().is_success()).unwrap_or(false) }
        })
        .await;
        let _ = child.kill();
        let _ = child.wait();

        // Tokens while Management API writes (each fsynced before it is answered) run beside them:
        // a server keeping its state on disk, 4 writers renaming users in a loop, and the token
        // loads again, each alone then beside the writers, interleaved.
        let data = tempfile::tempdir().unwrap();
        let port = free_port();
        let disk = format!("http://127.0.0.1:{port}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_logto-emulator"))
            .args(["--seed", demo_tenant::SEED_PATH, "--port", &port.to_string(), "--endpoint", &disk, "--data-dir"])
            .arg(data.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        while http.get(format!("{disk}/oidc/jwks")).send().await.is_err() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let admin = demo_tenant::mint_admin_token(&disk).await.unwrap();
        let user_ids: Vec<String> = demo_tenant::seed().users.iter().map(|u| u.id.clone()).collect();
        let writes = Arc::new(AtomicU64::new(0));
        let writers = |stop: Arc<std::sync::atomic::AtomicBool>| {
            (0..4)
                .map(|w| {
                    let (h, e, admin, users, writes, stop) =
                        (http.clone(), disk.clone(), admin.clone(), user_ids.clone(), writes.clone(), stop.clone());
                    tokio::spawn(async move {
                        let mut i = w;
                        while !stop.load(Ordering::Relaxed) {
                            let id = &users[i % users.len()];
                            let r = h.patch(format!("{e}/api/users/{id}")).bearer_auth(&admin)
                                .json(&serde_json::json!({"name": format!("Name {i}")})).send().await;
                            if r.map(|r| r.status().is_success()).unwrap_or(false) {
                                writes.fetch_add(1, Ordering::Relaxed);
                            }
                            i += 4;
                        }
                    })
                })
                .collect::<Vec<_>>()
        };
        let tokens_on_disk = {
            let (h, e) = (http.clone(), disk.clone());
            move || client_credentials(h.clone(), e.clone())
        };
        // Refresh grants: each request starts a session (a real grant) and refreshes it once, so the
        // OIDC artefacts (grants, refresh tokens) are written and read.
        let refresh = {
            let (h, e) = (http.clone(), disk.clone());
            move || {
                let (h, e) = (h.clone(), e.clone());
                async move {
                    let session = h.post(format!("{e}/_emulator/sessions"))
                        .json(&serde_json::json!({"clientId": demo_tenant::SPA_APP_ID, "username": "alice",
                            "scopes": ["openid", "offline_access", "read:top-users"], "resources": [demo_tenant::API_RESOURCE]}))
                        .send().await;
                    let Ok(session) = session else { return false };
                    let Ok(session) = session.json::<serde_json::Value>().await else { return false };
                    let Some(rt) = session["refreshToken"].as_str() else { return false };
                    h.post(format!("{e}/oidc/token"))
                        .form(&[("grant_type", "refresh_token"), ("client_id", demo_tenant::SPA_APP_ID), ("refresh_token", rt),
                                ("resource", demo_tenant::API_RESOURCE)])
                        .send()
                        .await
                        .map(|r| r.status().is_success())
                        .unwrap_or(false)
                }
            }
        };
        let mut beside = Vec::new();
        for (name, alone_run) in [("client-credentials tokens/s", 0), ("session + refresh grants/s", 1)] {
            let alone = if alone_run == 0 { load(tokens_on_disk.clone()).await } else { load(refresh.clone()).await };
            let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let before = writes.load(Ordering::Relaxed);
            let started = Instant::now();
            let running = writers(stop.clone());
            let with = if alone_run == 0 { load(tokens_on_disk.clone()).await } else { load(refresh.clone()).await };
            stop.store(true, Ordering::Relaxed);
            for w in running {
                let _ = w.await;
            }
            let written = (writes.load(Ordering::Relaxed) - before) as f64 / started.elapsed().as_secs_f64();
            beside.push((name, alone, with, written));
        }
        let _ = child.kill();
        let _ = child.wait();

        let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
        println!("\nLogto emulator (release build), {} cores", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0));
        println!("{:<44} {:>14} {:>14} {:>22}", "measure", "emulator", "", "real Logto 1.42");
        println!("{:<44} {:>14} {:>14} {:>22}", "start to ready, binary (median / max of 10)", ms(median(binary.clone())), ms(*binary.iter().max().unwrap()), "8-11 s (+ PostgreSQL)");
        println!("{:<44} {:>14} {:>14} {:>22}", "start to ready, in-process spawn (median)", ms(median(library)), "", "-");
        println!("{:<44} {:>14.0} {:>14} {:>22}", "client-credentials tokens/s (32 conn)", tokens.per_second, format!("p50 {}", ms(tokens.p50)), "~44");
        println!("{:<44} {:>14} {:>14} {:>22}", "  p99 latency / errors", ms(tokens.p99), tokens.errors, "");
        println!("{:<44} {:>14.0} {:>14} {:>22}", "organization-token grants/s (32 conn)", org_tokens.per_second, format!("p50 {}", ms(org_tokens.p50)), "-");
        println!("{:<44} {:>14} {:>14} {:>22}", "  p99 latency / errors", ms(org_tokens.p99), org_tokens.errors, "");
        println!("{:<44} {:>14.0} {:>14} {:>22}", "GET /api/users/{id} requests/s (32 conn)", users.per_second, format!("p50 {}", ms(users.p50)), "~140");
        println!("{:<44} {:>14} {:>14} {:>22}", "  p99 latency / errors", ms(users.p99), users.errors, "");
        println!("\nOn disk (--data-dir), alone and beside 4 Management API writers (PATCH /api/users/{{id}}, fsynced)");
        println!("{:<44} {:>10} {:>10} {:>8} {:>12} {:>12}", "measure (32 conn)", "alone", "beside", "ratio", "p99 beside", "writes/s");
        for (name, alone, with, written) in &beside {
            println!(
                "{:<44} {:>10.0} {:>10.0} {:>8.2} {:>12} {:>12.0}",
                name, alone.per_second, with.per_second, with.per_second / alone.per_second, ms(with.p99), written
            );
            assert_eq!(alone.errors + with.errors, 0, "{name}: every answer a 2xx");
        }
    });
}
