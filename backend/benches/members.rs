//! `cargo bench -p backend --bench members` (also in `scripts/bench.sh`): the organization
//! administration routes against the emulator, in one run:
//! - the warm Members page (`GET /api/organizations/{id}/members`, alice's organization token: the
//!   members cache, the roles and the invitations cached) against `/healthz`, 64 connections, 10 s;
//! - p50 and p99 of an invitation (`POST …/invitations`: Logto's scopes of the actor now, its
//!   members now, the invitation, its email) and of a role change (`PUT …/members/{id}/roles`),
//!   100 of each, one after another.

mod common;

use std::time::{Duration, Instant};

use common::{config, serve, sqlite_db, wrk, Wrk};
use serde_json::json;

const ACME: &str = "acmeorg00001";
const SAMPLES: usize = 100;

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (emu, _) = common::emulator_and_token().await;
        let (_dir, url) = sqlite_db();
        // The bench invites 100 addresses into one organization: no spam brake here.
        let backend = serve(&config(&emu, &url, &["--rate-limit-invitations=off"])).await;
        let token = demo_tenant::organization_token(&emu.endpoint, "alice", ACME).await.unwrap();
        let http = reqwest::Client::new();
        let members = format!("{backend}/api/organizations/{ACME}/members");
        assert_eq!(http.get(&members).bearer_auth(&token).send().await.unwrap().status(), 200);

        let run = |url: String, bearer: Option<String>| {
            tokio::task::spawn_blocking(move || -> Wrk { wrk(&url, bearer.as_deref(), 64, 10, None) })
        };
        let list = run(members.clone(), Some(token.clone())).await.unwrap();
        let health = run(format!("{backend}/healthz"), None).await.unwrap();

        let mut invites = Vec::with_capacity(SAMPLES);
        for i in 0..SAMPLES {
            let body = json!({"email": format!("bench-{i}@example.com"), "role": "member"});
            let started = Instant::now();
            let r =
                http.post(format!("{backend}/api/organizations/{ACME}/invitations")).bearer_auth(&token).json(&body);
            assert_eq!(r.send().await.unwrap().status(), 201);
            invites.push(started.elapsed());
        }
        let carol = emu.state.tenant.read(|s| s.user_by_identifier("carol").unwrap().id.clone());
        let mut changes = Vec::with_capacity(SAMPLES);
        for i in 0..SAMPLES {
            let role = if i % 2 == 0 { "guest" } else { "member" };
            let started = Instant::now();
            let r = http
                .put(format!("{backend}/api/organizations/{ACME}/members/{carol}/roles"))
                .bearer_auth(&token)
                .json(&json!({"roles": [role]}));
            assert_eq!(r.send().await.unwrap().status(), 204);
            changes.push(started.elapsed());
        }
        invites.sort();
        changes.sort();

        assert_eq!(list.non_2xx + health.non_2xx, 0, "every answer a 2xx");
        println!();
        println!("| warm, 64 connections, 10 s | req/s | ratio to /healthz |");
        println!("|---|---:|---:|");
        println!(
            "| GET /api/organizations/{{id}}/members (alice, admin) | {:.0} | {:.2} |",
            list.per_second,
            list.per_second / health.per_second
        );
        println!("| GET /healthz | {:.0} | 1.00 |", health.per_second);
        println!();
        println!("| one at a time, {SAMPLES} each, against the emulator | p50 | p99 |");
        println!("|---|---:|---:|");
        println!(
            "| POST …/invitations (scopes now, members now, invitation, email) | {:.1} ms | {:.1} ms |",
            percentile(&invites, 0.5),
            percentile(&invites, 0.99)
        );
        println!(
            "| PUT …/members/{{id}}/roles (scopes now, members now, roles) | {:.1} ms | {:.1} ms |",
            percentile(&changes, 0.5),
            percentile(&changes, 0.99)
        );
    });
}
