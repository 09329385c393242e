//! `cargo bench -p backend --bench soak` (through `scripts/bench.sh`): `GET /api/top-users` at 256
//! connections, as deployed (the defaults: rate limits, metrics, caches), in one wrk run of 10 s of
//! warm-up and 60 s of soak (`SOAK_SECONDS` to change it). Prints requests/s, errors, and this
//! process's resident memory before the load, at the end of the warm-up and every 10 s, against the
//! goal: at the end within 10% of the end of the warm-up. The warm-up is part of the same run, under
//! the same 256 connections: measured after a run of its own, the baseline would miss the open
//! connections' buffers (about 3 MB) and count them as growth. Emulator and backend run in this
//! process; wrk is a separate one.

mod common;

use std::time::{Duration, Instant};

const CONNECTIONS: u32 = 256;
const WARM_UP: u32 = 10;

fn main() {
    let seconds: u32 = std::env::var("SOAK_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let every: u64 = std::env::var("SOAK_SAMPLE_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (emu, token) = common::emulator_and_token().await;
        let (_db, database) = common::sqlite_db();
        let base = common::serve(&common::config(&emu, &database, &["--seed-demo-data"])).await;
        let url = format!("{base}/api/top-users");

        let idle = common::rss_kib();
        let total = WARM_UP + seconds;
        let soak = {
            let (u, t) = (url.clone(), token.clone());
            tokio::task::spawn_blocking(move || common::wrk(&u, Some(&t), CONNECTIONS, total, None))
        };
        let started = Instant::now();
        // (seconds into the run, KiB), every 10 s (SOAK_SAMPLE_SECONDS) while the connections are open.
        let mut samples: Vec<(u64, u64)> = Vec::new();
        while !soak.is_finished() {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let at = started.elapsed().as_secs();
            if at >= samples.last().map_or(u64::from(WARM_UP), |s| s.0 + every) && at < u64::from(total) {
                samples.push((at, common::rss_kib()));
            }
        }
        let soak = soak.await.unwrap();
        let after_warmup = samples.first().map_or(0, |s| s.1);
        let end = samples.last().map_or(0, |s| s.1);

        println!("\nSoak: GET /api/top-users, wrk -t2 -c{CONNECTIONS} -d{total}s: {WARM_UP} s warm-up, {seconds} s soak (release; emulator and backend in one process)");
        println!("{:<46} {:>12}", "measure", "value");
        println!("{:<46} {:>12.0}", "req/s (whole run)", soak.per_second);
        println!("{:<46} {:>12}", "requests", soak.requests);
        println!("{:<46} {:>12}", "errors (non-2xx + socket errors), goal 0", soak.non_2xx + soak.socket_errors);
        println!("{:<46} {:>12.2}", "p99 ms", soak.p99_ms);
        println!("{:<46} {:>12.1}", "resident memory before the load, MB", idle as f64 / 1024.0);
        for (at, kib) in &samples {
            let label = if *at == samples[0].0 { format!("resident memory at {at:>3} s (warmed up), MB") } else { format!("resident memory at {at:>3} s, MB") };
            println!("{:<46} {:>12.1}", label, *kib as f64 / 1024.0);
        }
        let growth = (end as f64 / after_warmup.max(1) as f64 - 1.0) * 100.0;
        println!("{:<46} {:>+11.1}%   (goal within ±10%)", "last sample vs warmed up", growth);
    });
}
