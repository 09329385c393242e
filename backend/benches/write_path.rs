//! `cargo bench -p backend --bench write_path` (through `scripts/bench.sh`, which starts a throwaway
//! PostgreSQL): follow/unfollow at 64 connections, 10 s each, on SQLite and on PostgreSQL
//! (`BENCH_DATABASE_URL_POSTGRES`; without it those rows are skipped), in two shapes:
//!
//! - spread: random followers follow random users among 1,000 (a thousand counter rows);
//! - celebrity: every follow is of one user (one counter row takes every write).
//!
//! Each wrk connection follows a random (follower, followee) pair, then unfollows the pair it followed
//! 64 requests earlier, so nearly every request changes a row (a follow of a pair already followed,
//! or an unfollow of one not yet followed, changes nothing: the follows left after the runs say how
//! far from exact that is, each being a follow whose unfollow had not come yet).
//! Goal: the celebrity case at least half the spread case on each database.

mod common;

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use demo_tenant::API_RESOURCE;
use logto_emulator::RunningEmulator;
use logto_management::{ManagementClient, ManagementConfig, NewUser, UserId};

const CONNECTIONS: u32 = 64;
const SECONDS: u32 = 10;
const FOLLOWERS: usize = 4000;
const FOLLOWEES: usize = 1000;

/// A wrk script: each request follows a random pair, or unfollows the pair followed 64 requests ago.
fn script(tokens: &[String], followees: &[UserId]) -> tempfile::NamedTempFile {
    let mut lua = String::from("local tokens = {\n");
    for t in tokens {
        let _ = writeln!(lua, "  \"{t}\",");
    }
    lua.push_str("}\nlocal followees = {\n");
    for f in followees {
        let _ = writeln!(lua, "  \"{f}\",");
    }
    lua.push_str(
        r#"}
local queue, head, tail = {}, 1, 0
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  local method, pair
  if tail - head >= 64 then
    pair = queue[head]; queue[head] = nil; head = head + 1; method = "DELETE"
  else
    pair = { math.random(#tokens), math.random(#followees) }
    tail = tail + 1; queue[tail] = pair; method = "POST"
  end
  return wrk.format(method, "/api/users/" .. followees[pair[2]] .. "/follow",
    { ["Authorization"] = "Bearer " .. tokens[pair[1]] }, nil)
end
"#,
    );
    let mut file = tempfile::Builder::new().prefix("write-path-").suffix(".lua").tempfile().unwrap();
    std::io::Write::write_all(&mut file, lua.as_bytes()).unwrap();
    file
}

/// Access tokens with `write:follows` for `n` followers, signed by the emulator's key.
fn tokens(emu: &RunningEmulator, n: usize) -> Vec<String> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    (0..n)
        .map(|i| {
            emu.state.signing_key().sign(
                Some("at+jwt"),
                &serde_json::json!({"sub": format!("follower{i}"), "iat": now, "exp": now + 3600, "scope": "write:follows",
                                    "client_id": "bench", "iss": emu.issuer(), "aud": API_RESOURCE}),
            )
        })
        .collect()
}

/// How many follows the database holds.
async fn follows_now(database_url: &str) -> i64 {
    let pool = backend::db::connect(database_url).await.unwrap();
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM follows").fetch_one(&pool).await.unwrap()
}

struct Row {
    database: &'static str,
    shape: &'static str,
    run: common::Wrk,
}

async fn run(base: &str, script: &std::path::Path) -> common::Wrk {
    let (u, s) = (base.to_string(), script.to_path_buf());
    tokio::task::spawn_blocking(move || common::wrk(&u, None, CONNECTIONS, SECONDS, Some(&s))).await.unwrap()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
        let client =
            ManagementClient::new(ManagementConfig::new(&emu.endpoint, demo_tenant::M2M_APP_ID, demo_tenant::M2M_APP_SECRET))
                .unwrap();
        let mut followees = Vec::with_capacity(FOLLOWEES);
        for i in 0..FOLLOWEES {
            let user = NewUser { username: Some(format!("writer{i}")), ..Default::default() };
            followees.push(client.create_user(&user).await.unwrap().id);
        }
        let tokens = tokens(&emu, FOLLOWERS);
        let spread = script(&tokens, &followees);
        let celebrity = script(&tokens, &followees[..1]);

        let (_sqlite, sqlite) = common::sqlite_db();
        let mut databases = vec![("SQLite", sqlite)];
        match std::env::var("BENCH_DATABASE_URL_POSTGRES") {
            Ok(url) if !url.is_empty() => databases.push(("PostgreSQL", url)),
            _ => println!("(BENCH_DATABASE_URL_POSTGRES unset: PostgreSQL skipped)"),
        }
        let mut rows = Vec::new();
        for (database, url) in databases {
            let base = common::serve(&common::config(&emu, &url, &[])).await;
            // Warm-up: every token verified and every followee known, so the runs measure writes.
            run(&base, spread.path()).await;
            for (shape, script) in [("spread over 1,000 users", &spread), ("celebrity (one user)", &celebrity)] {
                rows.push(Row { database, shape, run: run(&base, script.path()).await });
            }
            println!("({database}: {} follows left in the table after the runs)", follows_now(&url).await);
        }

        println!("\nWrite path: POST/DELETE /api/users/{{id}}/follow, wrk -t2 -c{CONNECTIONS} -d{SECONDS}s, {FOLLOWERS} followers (release; in one process)");
        println!("{:<12} {:<26} {:>10} {:>9} {:>9} {:>9} {:>8}", "database", "shape", "writes/s", "p50 ms", "p99 ms", "non-2xx", "errors");
        for r in &rows {
            println!(
                "{:<12} {:<26} {:>10.0} {:>9.2} {:>9.2} {:>9} {:>8}",
                r.database, r.shape, r.run.per_second, r.run.p50_ms, r.run.p99_ms, r.run.non_2xx, r.run.socket_errors
            );
        }
        for pair in rows.chunks(2) {
            if let [spread, celebrity] = pair {
                println!(
                    "{:<39} {:>10.2}   (goal >= 0.5)",
                    format!("{}: celebrity / spread", spread.database),
                    celebrity.run.per_second / spread.run.per_second.max(1.0)
                );
            }
        }
    });
}
