//! State on disk, through the real binary: keys and everything created through the Management API
//! survive a restart, and a `kill -9` in the middle of writes loses no acknowledged write.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::helpers::admin_token;
use logto_emulator::persist::Db;
use logto_emulator::{KeyRing, Store, TenantKey};
use serde_json::{json, Value};

struct Emulator {
    child: Child,
    endpoint: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start(data_dir: &Path, port: u16) -> Emulator {
    let endpoint = format!("http://127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_logto-emulator"))
        .args(["--port", &port.to_string(), "--endpoint", &endpoint, "--seed", demo_tenant::SEED_PATH, "--data-dir"])
        .arg(data_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let url = format!("{endpoint}/oidc/.well-known/openid-configuration");
    while reqwest::get(&url).await.map(|r| !r.status().is_success()).unwrap_or(true) {
        assert!(Instant::now() < deadline, "the emulator did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Emulator { child, endpoint }
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("emu-persist-").tempdir().unwrap()
}

async fn all_usernames(endpoint: &str, token: &str) -> Vec<String> {
    let mut names = Vec::new();
    for page in 1.. {
        let users: Vec<Value> = reqwest::Client::new()
            .get(format!("{endpoint}/api/users?page={page}&page_size=100"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        names.extend(users.iter().filter_map(|u| u["username"].as_str().map(String::from)));
        if users.len() < 100 {
            break;
        }
    }
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_and_created_entities_survive_a_restart() {
    let dir = temp_dir();
    let port = free_port();
    let emu = start(dir.path(), port).await;
    let token = admin_token(&emu.endpoint).await;
    let jwks_before: Value = reqwest::get(format!("{}/oidc/jwks", emu.endpoint)).await.unwrap().json().await.unwrap();
    let http = reqwest::Client::new();
    let created = http
        .post(format!("{}/api/users", emu.endpoint))
        .bearer_auth(&token)
        .json(&json!({"username": "kept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    let resource = http
        .post(format!("{}/api/resources", emu.endpoint))
        .bearer_auth(&token)
        .json(&json!({"name": "Kept API", "indicator": "https://kept.example"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resource.status(), 201);
    drop(emu);

    let emu = start(dir.path(), port).await;
    let jwks_after: Value = reqwest::get(format!("{}/oidc/jwks", emu.endpoint)).await.unwrap().json().await.unwrap();
    assert_eq!(jwks_before, jwks_after, "the signing key survives");
    assert!(
        all_usernames(&emu.endpoint, &token).await.contains(&"kept".to_string()),
        "a token from before the restart still works"
    );
    let resources: Value = http
        .get(format!("{}/api/resources", emu.endpoint))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(resources.as_array().unwrap().iter().any(|r| r["indicator"] == "https://kept.example"));

    // A rotation is kept too, and a reset goes back to the seed on disk as well.
    let rotated: Value =
        http.post(format!("{}/_emulator/keys/rotate", emu.endpoint)).send().await.unwrap().json().await.unwrap();
    assert_eq!(http.post(format!("{}/_emulator/reset", emu.endpoint)).send().await.unwrap().status(), 200);
    drop(emu);
    let emu = start(dir.path(), port).await;
    let jwks: Value = reqwest::get(format!("{}/oidc/jwks", emu.endpoint)).await.unwrap().json().await.unwrap();
    assert_eq!(jwks["keys"][0]["kid"], rotated["kid"]);
    assert!(!all_usernames(&emu.endpoint, &admin_token(&emu.endpoint).await).await.contains(&"kept".to_string()));
    drop(emu);
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_during_writes_loses_no_acknowledged_write() {
    let dir = temp_dir();
    let port = free_port();
    let mut emu = start(dir.path(), port).await;
    let token = admin_token(&emu.endpoint).await;
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let mut writers = Vec::new();
    for w in 0..8 {
        let (endpoint, token, acknowledged) = (emu.endpoint.clone(), token.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            for i in 0..200 {
                let username = format!("w{w}_u{i}");
                let sent = http
                    .post(format!("{endpoint}/api/users"))
                    .bearer_auth(&token)
                    .json(&json!({"username": username}))
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == 200 => acknowledged.lock().unwrap().push(username),
                    _ => return,
                }
            }
        }));
    }
    // Let writes flow, then kill without warning.
    let deadline = Instant::now() + Duration::from_secs(20);
    while acknowledged.lock().unwrap().len() < 150 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    emu.child.kill().unwrap(); // SIGKILL
    emu.child.wait().unwrap();
    for w in writers {
        let _ = w.await;
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 150, "only {} writes acknowledged", acknowledged.len());
    drop(emu);

    let emu = start(dir.path(), port).await;
    let present = all_usernames(&emu.endpoint, &token).await;
    let lost: Vec<&String> = acknowledged.iter().filter(|u| !present.contains(u)).collect();
    assert!(lost.is_empty(), "{} acknowledged writes lost, e.g. {:?}", lost.len(), lost.first());
    drop(emu);
}

/// Every kind of entity, and the key ring, written to the database and read back as they were.
#[test]
fn keys_and_entities_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let db = Db::open(&path).unwrap();
    assert!(db.load_store().unwrap().is_none() && db.load_keys().unwrap().is_none());
    let store = Store::from_seed(&demo_tenant::seed(), "http://x", 0);
    db.replace_all(&store).unwrap();
    let mut ring = KeyRing::new(TenantKey::generate());
    ring.rotate();
    db.save_keys(&ring).unwrap();
    drop(db);

    let db = Db::open(&path).unwrap();
    let loaded = db.load_store().unwrap().unwrap();
    assert_eq!(
        loaded.users.iter().map(|u| &u.id).collect::<Vec<_>>(),
        store.users.iter().map(|u| &u.id).collect::<Vec<_>>()
    );
    assert_eq!(loaded.applications.len(), store.applications.len());
    // Organizations, with their members, apps and roles, are kept like the rest.
    assert_eq!((loaded.org_scopes.len(), loaded.org_roles.len()), (store.org_scopes.len(), store.org_roles.len()));
    assert_eq!(loaded.organizations.len(), 2);
    assert_eq!(loaded.hooks.len(), store.hooks.len());
    assert_eq!(loaded.organizations[0].members.len(), store.organizations[0].members.len());
    assert_eq!(loaded.organizations[0].applications[0].role_ids, store.organizations[0].applications[0].role_ids);
    let keys = db.load_keys().unwrap().unwrap();
    assert_eq!(keys.current().kid(), ring.current().kid());
    assert_eq!(keys.previous().unwrap().kid(), ring.previous().unwrap().kid());
}
