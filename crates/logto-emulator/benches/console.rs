//! `cargo bench -p logto-emulator --bench console`: the console on a tenant of 10,000 users, as a
//! table. Each page is asked for 30 times in a row (after one warm-up) from this process, on the
//! release build; the median and the 95th percentile are printed with the page's size, beside the
//! Management API's page of 50 users as the yardstick (same server, same run: compare the ratios).

use std::time::{Duration, Instant};

use logto_emulator::tenant::NewUser;

const USERS: usize = 10_000;
const RUNS: usize = 30;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.expect("the emulator starts");
    let started = Instant::now();
    for i in 0..USERS {
        let user = NewUser {
            username: Some(format!("user_{i:05}")),
            name: Some(format!("User {i:05}")),
            primary_email: (i % 3 != 0).then(|| format!("user{i:05}@example.com")),
            ..NewUser::default()
        };
        emu.state.tenant.create_user(user, 1_700_000_000_000 + i as i64).expect("user created");
    }
    let seeded = started.elapsed();
    let total = emu.state.tenant.read(|s| s.users.len());
    let some_user = emu.state.tenant.read(|s| s.users[USERS / 2].id.clone());
    let http = reqwest::Client::new();
    let token = demo_tenant::mint_admin_token(&emu.endpoint).await.expect("admin token");
    let pages: Vec<(&str, String, bool)> = vec![
        ("Management API: GET /api/users?page_size=50", "/api/users?page=1&page_size=50".into(), true),
        ("console: overview", "/_emulator/console".into(), false),
        ("console: users, first page", "/_emulator/console/users".into(), false),
        ("console: users, page 150", "/_emulator/console/users?page=150".into(), false),
        ("console: users, search \"user_09999\"", "/_emulator/console/users?q=user_09999".into(), false),
        ("console: users, search \"example\" (6,700 hits)", "/_emulator/console/users?q=example".into(), false),
        ("console: one user", format!("/_emulator/console/users/{some_user}"), false),
        ("console: organization Acme", "/_emulator/console/organizations/acmeorg00001".into(), false),
        ("console: sessions", "/_emulator/console/sessions".into(), false),
        ("console: requests", "/_emulator/console/requests".into(), false),
    ];
    println!("tenant: {total} users (10,000 added in {:.2} s)\n", seeded.as_secs_f64());
    println!("| page | median | p95 | × the API page | size (bytes) |");
    println!("|---|---|---|---|---|");
    let mut baseline = None;
    for (label, path, api) in pages {
        let url = format!("{}{path}", emu.endpoint);
        let mut times = Vec::with_capacity(RUNS);
        let mut size = 0;
        for run in 0..=RUNS {
            let request = if api { http.get(&url).bearer_auth(&token) } else { http.get(&url) };
            let at = Instant::now();
            let response = request.send().await.expect("answered");
            assert!(response.status().is_success(), "{label}: {}", response.status());
            size = response.bytes().await.expect("body").len();
            if run > 0 {
                times.push(at.elapsed());
            }
        }
        times.sort();
        let median = percentile(&times, 0.5);
        let base = *baseline.get_or_insert(median);
        println!(
            "| {label} | {:.2} ms | {:.2} ms | {:.1} | {size} |",
            median.as_secs_f64() * 1e3,
            percentile(&times, 0.95).as_secs_f64() * 1e3,
            median.as_secs_f64() / base.as_secs_f64()
        );
    }
}
