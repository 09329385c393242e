//! The client against the emulator's faults: retries on 429 (honouring Retry-After) and 5xx, one
//! fresh token after a 401, and no retried create.

use std::time::{Duration, Instant};

use demo_tenant::{M2M_APP_ID, M2M_APP_SECRET};
use logto_emulator::RunningEmulator;
use logto_management::{ManagementClient, ManagementConfig, ManagementError, NewUser};
use serde_json::json;

async fn fault(emu: &RunningEmulator, body: serde_json::Value) {
    let r = reqwest::Client::new().post(format!("{}/_emulator/faults", emu.endpoint)).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 201);
}

fn calls(emu: &RunningEmulator, path: &str) -> usize {
    emu.state.request_log().iter().filter(|r| r.path.starts_with(path)).count()
}

#[tokio::test]
async fn retries_429_and_5xx_and_renews_a_refused_token() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let client = ManagementClient::new(ManagementConfig::new(&emu.endpoint, M2M_APP_ID, M2M_APP_SECRET)).unwrap();
    let alice = logto_management::UserId::new(demo_tenant::seed().users[0].id.as_str());

    fault(&emu, json!({"path": "/api/users/*", "status": 429, "retryAfter": 1, "count": 1})).await;
    let started = Instant::now();
    assert_eq!(client.get_user(&alice).await.unwrap().id, alice);
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After was honoured");

    fault(&emu, json!({"path": "/api/users/*", "status": 503, "count": 2})).await;
    let before = calls(&emu, "/api/users/");
    assert_eq!(client.get_user(&alice).await.unwrap().id, alice);
    assert_eq!(calls(&emu, "/api/users/") - before, 3, "two 503s, then the answer");

    fault(&emu, json!({"path": "/api/users/*", "status": 500})).await;
    let err = client.get_user(&alice).await.unwrap_err();
    assert!(matches!(err, ManagementError::Api { status: 500, .. }), "{err}");
    reqwest::Client::new().delete(format!("{}/_emulator/faults", emu.endpoint)).send().await.unwrap();

    // A revoked token (here: the key it was signed with rotated out) is dropped and renewed once.
    client.get_user(&alice).await.unwrap();
    for _ in 0..2 {
        reqwest::Client::new().post(format!("{}/_emulator/keys/rotate", emu.endpoint)).send().await.unwrap();
    }
    let tokens_before = calls(&emu, "/oidc/token");
    assert_eq!(client.get_user(&alice).await.unwrap().id, alice);
    assert_eq!(calls(&emu, "/oidc/token") - tokens_before, 1, "one new token after the 401");

    // What metrics read agrees with what Logto saw: five calls, every other request a retry.
    let stats = client.stats();
    assert_eq!(stats.requests as usize, calls(&emu, "/api/users/"), "{stats:?}");
    assert_eq!(stats.retries, stats.requests - 5, "{stats:?}");
    assert_eq!((stats.errors, stats.token_fetches, stats.token_errors), (1, 2, 0), "{stats:?}");
}

#[tokio::test]
async fn a_create_is_not_retried_after_a_server_error() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let client = ManagementClient::new(ManagementConfig::new(&emu.endpoint, M2M_APP_ID, M2M_APP_SECRET)).unwrap();
    client.access_token().await.unwrap();
    fault(&emu, json!({"path": "/api/users", "method": "POST", "status": 503, "count": 1})).await;
    let before = calls(&emu, "/api/users");
    let err = client.create_user(&NewUser { username: Some("once".into()), ..Default::default() }).await.unwrap_err();
    assert!(matches!(err, ManagementError::Api { status: 503, .. }), "{err}");
    assert_eq!(calls(&emu, "/api/users") - before, 1);
}
