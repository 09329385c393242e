//! What the backend's benches share: wrk runs and their reports, a backend configured against the
//! emulator (the real defaults, as `backend --help` lists them), and the process's resident memory.

#![allow(dead_code)] // each bench uses its part

use std::process::Command;

use backend::config::Config;
use clap::Parser;
use logto_emulator::RunningEmulator;

pub struct Wrk {
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: u64,
    pub non_2xx: u64,
    /// Connect, read, write errors and timeouts.
    pub socket_errors: u64,
}

/// Parses a latency line of wrk's `--latency` report (`50%  1.23ms`).
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

/// wrk with 2 threads, `connections`, for `seconds`, with a bearer token or a Lua script.
pub fn wrk(url: &str, bearer: Option<&str>, connections: u32, seconds: u32, script: Option<&std::path::Path>) -> Wrk {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t2", &format!("-c{connections}"), &format!("-d{seconds}s"), "--latency"]);
    if let Some(b) = bearer {
        cmd.args(["-H", &format!("Authorization: Bearer {b}")]);
    }
    if let Some(s) = script {
        cmd.arg("-s").arg(s);
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
    // `Socket errors: connect 0, read 0, write 0, timeout 0`
    let socket_errors =
        find("Socket errors:").map(|l| l.split([' ', ',']).filter_map(|w| w.parse::<u64>().ok()).sum()).unwrap_or(0);
    Wrk {
        per_second,
        p50_ms: find("50%").and_then(|l| parse_latency(&l)).unwrap_or(0.0),
        p99_ms: find("99%").and_then(|l| parse_latency(&l)).unwrap_or(0.0),
        requests,
        non_2xx,
        socket_errors,
    }
}

/// The backend's configuration against `emu` with its database in `dir`: every other setting at
/// its default (rate limits included), then `extra` flags.
pub fn config(emu: &RunningEmulator, database_url: &str, extra: &[&str]) -> Config {
    let mut args = vec![
        "backend".to_string(),
        format!("--logto-endpoint={}", emu.endpoint),
        format!("--m2m-app-id={}", demo_tenant::M2M_APP_ID),
        format!("--m2m-app-secret={}", demo_tenant::M2M_APP_SECRET),
        format!("--database-url={database_url}"),
        "--bind=127.0.0.1:0".into(),
    ];
    // The metrics' default address is one fixed port: a bench runs several backends side by side.
    if !extra.iter().any(|a| a.starts_with("--metrics")) {
        args.push("--metrics=127.0.0.1:0".into());
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    Config::try_parse_from(args).expect("a valid configuration")
}

/// A new SQLite database URL in a folder of its own, removed when the returned guard drops.
pub fn sqlite_db() -> (tempfile::TempDir, String) {
    let dir = tempfile::Builder::new().prefix("backend-bench-").tempdir().unwrap();
    let url = format!("sqlite://{}/backend.db", dir.path().display());
    (dir, url)
}

/// Builds and serves the backend; its base URL.
pub async fn serve(config: &Config) -> String {
    let server = backend::startup::build(config).await.unwrap();
    let url = format!("http://{}", server.local_addr().unwrap());
    tokio::spawn(server.run(std::future::pending()));
    url
}

/// The emulator with this app's tenant, and alice's access token for the API (`read:top-users`).
pub async fn emulator_and_token() -> (RunningEmulator, String) {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let scopes = "openid offline_access read:top-users";
    let alice = demo_tenant::sign_in(
        &emu.endpoint,
        "alice",
        demo_tenant::DEMO_PASSWORD,
        scopes,
        Some(demo_tenant::API_RESOURCE),
    )
    .await
    .unwrap();
    let token = alice.access_token().to_string();
    (emu, token)
}

/// This process's resident memory, in KiB (Linux: `VmRSS` of /proc/self/status).
pub fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}
