//! The top-users service when Logto misbehaves (the emulator's faults): the deadline is kept, the
//! answer is marked partial, never a bare 5xx, and it recovers when the fault clears. Also the
//! Server-Timing header and the coalescing of concurrent cold requests.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tower::ServiceExt;

use crate::helpers::{spawn_app, spawn_app_with, TestApp};

async fn fault(app: &TestApp, body: Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/_emulator/faults", app.emulator.endpoint))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

async fn clear_faults(app: &TestApp) {
    reqwest::Client::new().delete(format!("{}/_emulator/faults", app.emulator.endpoint)).send().await.unwrap();
}

async fn top(app: &TestApp, bearer: &str) -> (u16, Value, String) {
    let r = app.get_top_users(Some(bearer)).await;
    let status = r.status().as_u16();
    let timing = r.headers().get("server-timing").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, r.json().await.unwrap(), timing)
}

#[tokio::test]
async fn server_timing_names_every_hop_and_the_second_request_is_served_from_caches() {
    let app = spawn_app().await;
    let bearer = format!("Bearer {}", app.sign_in("alice").await.access_token());
    let (status, _, first) = top(&app, &bearer).await;
    assert_eq!(status, 200);
    for hop in ["verify;dur=", "db;dur=", "m2m-token;dur=", "management-api;dur="] {
        assert!(first.contains(hop), "{hop} missing in {first}");
    }
    assert!(
        first.contains(r#"verify;dur="#) && first.contains(r#"m2m-token;dur="#) && first.contains("client credentials"),
        "{first}"
    );
    let (_, _, second) = top(&app, &bearer).await;
    assert!(
        second.contains(r#"desc="cache hit""#)
            && second.contains("management-api;dur=0.000;desc=\"cache hit (10 fresh, 0 stale)\""),
        "{second}"
    );
}

#[tokio::test]
async fn a_slow_management_api_is_cut_at_the_deadline_then_fills_the_cache() {
    let app = spawn_app_with(|c| c.enrichment_deadline_ms = 300).await;
    let bearer = format!("Bearer {}", app.sign_in("alice").await.access_token());
    fault(&app, json!({"path": "/api/users", "delayMs": 1500, "count": 1})).await;
    let started = Instant::now();
    let (status, body, _) = top(&app, &bearer).await;
    let took = started.elapsed();
    assert_eq!(status, 200);
    assert!(took < Duration::from_millis(1200), "the deadline was not kept: {took:?}");
    assert!(body["partial"].as_str().unwrap().contains("300 ms"), "{body}");
    assert_eq!(body["users"].as_array().unwrap().len(), 10);
    // The cut-off fetch goes on and fills the cache: soon the list is whole again.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let (_, body, _) = top(&app, &bearer).await;
    assert!(body.get("partial").is_none(), "{body}");
    assert_eq!(body["users"][0]["name"], "Grace Example");
}

#[tokio::test]
async fn errors_and_dropped_connections_give_partial_answers_and_it_recovers() {
    let app = spawn_app().await;
    let bearer = format!("Bearer {}", app.sign_in("alice").await.access_token());
    // The token fault first: later ones would find the M2M token cached.
    for f in [
        json!({"path": "/oidc/token", "status": 503}),
        json!({"path": "/api/users", "status": 500}),
        json!({"path": "/api/users", "drop": true}),
    ] {
        fault(&app, f.clone()).await;
        let (status, body, _) = top(&app, &bearer).await;
        assert_eq!(status, 200, "{f}");
        // A fixed reason: what failed (URLs, Logto's error) is in the log, not the answer.
        assert_eq!(body["partial"], backend::profiles::PARTIAL_LOGTO_FAILED, "{f}: {body}");
        clear_faults(&app).await;
    }
    let (_, body, _) = top(&app, &bearer).await;
    assert!(body.get("partial").is_none(), "recovered: {body}");
    assert_eq!(body["users"][0]["name"], "Grace Example");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_cold_requests_make_one_token_and_one_management_request() {
    let emulator = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = crate::helpers::test_config(&emulator, dir.path());
    // What is counted here is Logto traffic: a thousand cold ranking reads queue for the SQLite
    // pool's 8 connections longer than the 2 s a request waits for one by default (which would
    // answer 500 `internal.database`, the point of that bound when the database is down).
    config.database_acquire_timeout_ms = 30_000;
    let state = backend::startup::build_state(&config).await.unwrap();
    let router = backend::startup::app(state, &config).unwrap();
    let user = crate::helpers::sign_in_at(&emulator.endpoint, "alice").await;
    let bearer = format!("Bearer {}", user.access_token());
    let tokens_before = emulator.state.request_log().iter().filter(|r| r.path == "/oidc/token").count();
    let handles: Vec<_> = (0..1000)
        .map(|_| {
            let (router, bearer) = (router.clone(), bearer.clone());
            tokio::spawn(async move {
                let request = axum::http::Request::get("/api/top-users")
                    .header("Authorization", bearer)
                    .body(axum::body::Body::empty())
                    .unwrap();
                router.oneshot(request).await.unwrap().status().as_u16()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.await.unwrap(), 200);
    }
    let log = emulator.state.request_log();
    let tokens = log.iter().filter(|r| r.path == "/oidc/token").count() - tokens_before;
    let searches = log.iter().filter(|r| r.path == "/api/users").count();
    let jwks = log.iter().filter(|r| r.path == "/oidc/jwks").count();
    assert_eq!((tokens, searches, jwks), (1, 1, 1), "one M2M token, one Management API request, one JWKS fetch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_rotation_during_traffic_drops_no_request() {
    let app = spawn_app().await;
    let before = app.sign_in("alice").await;
    let old = format!("Bearer {}", before.access_token());
    let backend = app.backend.clone();
    let traffic = |bearer: String, n: usize| {
        let backend = backend.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut statuses = Vec::new();
            for _ in 0..n {
                let r =
                    http.get(format!("{backend}/api/top-users")).header("Authorization", &bearer).send().await.unwrap();
                statuses.push(r.status().as_u16());
            }
            statuses
        })
    };
    // The backend has the JWKS cached before the rotation, so the new token meets an unknown kid.
    assert_eq!(top(&app, &old).await.0, 200);
    let running: Vec<_> = (0..4).map(|_| traffic(old.clone(), 50)).collect();
    // Rotate while those run; a token of the new key arrives mid-traffic (unknown kid → one refetch).
    reqwest::Client::new().post(format!("{}/_emulator/keys/rotate", app.emulator.endpoint)).send().await.unwrap();
    let after = app.sign_in("alice").await;
    let new = format!("Bearer {}", after.access_token());
    assert_ne!(before.access_token().split('.').next(), after.access_token().split('.').next(), "a new kid");
    let mut all = traffic(new, 50).await.unwrap();
    for r in running {
        all.extend(r.await.unwrap());
    }
    assert_eq!(all.len(), 250);
    assert!(all.iter().all(|s| *s == 200), "statuses: {:?}", all.iter().filter(|s| **s != 200).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_429_past_the_deadline_is_partial_then_recovers() {
    let app = spawn_app().await;
    let bearer = format!("Bearer {}", app.sign_in("alice").await.access_token());
    // Three 429s asking to wait 1 s each: the client's retries outlast the 1.5 s deadline.
    fault(&app, json!({"path": "/api/users", "status": 429, "retryAfter": 1, "count": 3})).await;
    let started = Instant::now();
    let (status, body, _) = top(&app, &bearer).await;
    assert_eq!(status, 200);
    assert!(started.elapsed() < Duration::from_millis(2500), "the deadline was not kept");
    assert!(body["partial"].is_string(), "{body}");
    // Let the cut-off fetch give up, then the next request is whole.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, body, _) = top(&app, &bearer).await;
    assert!(body.get("partial").is_none(), "{body}");
}

#[tokio::test]
async fn a_revoked_m2m_token_is_replaced_without_a_partial_answer() {
    // Profiles uncached, so every request asks the Management API with the M2M token.
    let app = spawn_app_with(|c| c.profile_cache_seconds = 0).await;
    let alice = app.sign_in("alice").await;
    assert!(top(&app, &format!("Bearer {}", alice.access_token())).await.1.get("partial").is_none());
    // Two rotations push the key of the cached M2M token (and of alice's token) out of the JWKS.
    for _ in 0..2 {
        reqwest::Client::new().post(format!("{}/_emulator/keys/rotate", app.emulator.endpoint)).send().await.unwrap();
    }
    let tokens = || app.emulator.state.request_log().iter().filter(|r| r.path == "/oidc/token").count();
    let alice = app.sign_in("alice").await;
    let before = tokens();
    let (status, body, _) = top(&app, &format!("Bearer {}", alice.access_token())).await;
    assert_eq!(status, 200);
    assert!(body.get("partial").is_none(), "the 401 was answered with a new token: {body}");
    assert_eq!(tokens() - before, 1, "one new M2M token");
}
