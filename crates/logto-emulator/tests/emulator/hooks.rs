//! Webhooks beyond the recorded samples (the fidelity suite replays those): deliveries never hold up
//! the Management API, a disabled hook delivers nothing, a dead receiver lands in recent-logs as an
//! error, membership changes are delivered with their delta, and a seeded hook works from the start.

use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use demo_tenant::mint_admin_token;
use logto_emulator::Seed;
use serde_json::{json, Value};
use tokio::sync::Notify;

/// Each delivery: its headers and raw body.
pub type Inbox = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A receiver on an ephemeral port; with `gate`, it holds every request until the gate opens.
pub async fn receiver(gate: Option<Arc<Notify>>) -> (String, Inbox) {
    let inbox: Inbox = Default::default();
    let store = inbox.clone();
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: String| {
            let (store, gate) = (store.clone(), gate.clone());
            async move {
                store.lock().unwrap().push((headers, body));
                if let Some(gate) = gate {
                    gate.notified().await;
                }
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, inbox)
}

pub async fn until(what: &str, check: impl Fn() -> bool) {
    for _ in 0..500 {
        if check() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    async fn new(emu: &logto_emulator::RunningEmulator) -> Self {
        Api {
            base: emu.endpoint.clone(),
            token: mint_admin_token(&emu.endpoint).await.unwrap(),
            http: reqwest::Client::new(),
        }
    }
    async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
        let r = self.http.request(method, format!("{}/api{path}", self.base)).bearer_auth(&self.token).json(&body);
        let r = r.send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }
    async fn hook(&self, url: &str, events: &[&str]) -> Value {
        let (status, hook) = self
            .call(reqwest::Method::POST, "/hooks", json!({"name": "h", "events": events, "config": {"url": url}}))
            .await;
        assert_eq!(status, 201, "{hook}");
        hook
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_that_hangs_does_not_hold_up_the_management_api() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let gate = Arc::new(Notify::new());
    let (url, inbox) = receiver(Some(gate.clone())).await;
    api.hook(&url, &["User.Created"]).await;
    // Twenty users created while the receiver holds the first delivery: every call answers.
    for i in 0..20 {
        let (status, _) = api.call(reqwest::Method::POST, "/users", json!({"username": format!("held{i}")})).await;
        assert_eq!(status, 200);
    }
    until("the first delivery", || !inbox.lock().unwrap().is_empty()).await;
    gate.notify_waiters();
    // Once the receiver answers, the rest arrive too (eight at a time).
    for _ in 0..50 {
        gate.notify_waiters();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        if inbox.lock().unwrap().len() == 20 {
            break;
        }
    }
    assert_eq!(inbox.lock().unwrap().len(), 20);
}

#[tokio::test(flavor = "multi_thread")]
async fn disabled_hooks_deliver_nothing_and_dead_receivers_are_logged() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let (on_url, on) = receiver(None).await;
    let (off_url, off) = receiver(None).await;
    api.hook(&on_url, &["User.Created", "Organization.Membership.Updated"]).await;
    let disabled = api.hook(&off_url, &["User.Created"]).await;
    let id = disabled["id"].as_str().unwrap();
    let (status, _) = api.call(reqwest::Method::PATCH, &format!("/hooks/{id}"), json!({"enabled": false})).await;
    assert_eq!(status, 200);
    // A dead receiver: a port nothing listens on.
    let dead_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dead = api.hook(&format!("http://127.0.0.1:{dead_port}/hook"), &["User.Created"]).await;

    let (_, user) = api.call(reqwest::Method::POST, "/users", json!({"username": "newcomer"})).await;
    until("the enabled hook's delivery", || !on.lock().unwrap().is_empty()).await;
    let dead_id = dead["id"].as_str().unwrap();
    let logs = || {
        let (api, path) = (&api, format!("/hooks/{dead_id}/recent-logs"));
        async move { api.call(reqwest::Method::GET, &path, Value::Null).await.1 }
    };
    for _ in 0..200 {
        if logs().await.as_array().is_some_and(|l| !l.is_empty()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let logs = logs().await;
    assert_eq!(logs[0]["payload"]["result"], "Error", "{logs}");
    assert!(off.lock().unwrap().is_empty(), "the disabled hook delivered nothing");
    let (_, hooks) = api.call(reqwest::Method::GET, "/hooks?includeExecutionStats=true", Value::Null).await;
    let stats = |hook_id: &str| {
        hooks.as_array().unwrap().iter().find(|h| h["id"] == hook_id).unwrap()["executionStats"].clone()
    };
    assert_eq!(stats(dead_id), json!({"successCount": 0, "requestCount": 1}));

    // Membership: the delta of the change, no `data`.
    let user_id = user["id"].as_str().unwrap();
    let (status, _) =
        api.call(reqwest::Method::POST, "/organizations/acmeorg00001/users", json!({"userIds": [user_id]})).await;
    assert_eq!(status, 201);
    until("the membership delivery", || on.lock().unwrap().len() == 2).await;
    let (headers, raw) = on.lock().unwrap()[1].clone();
    let payload: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(payload["event"], "Organization.Membership.Updated");
    assert_eq!(
        (payload["organizationId"].as_str(), payload["addedUserIds"].clone()),
        (Some("acmeorg00001"), json!([user_id]))
    );
    assert!(payload.get("removedUserIds").is_none() && payload.get("data").is_none(), "{payload}");
    assert_eq!(payload["matchedRoute"], "/organizations/:id/users");
    assert!(headers["logto-signature-sha-256"].to_str().unwrap().len() == 64);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_seeded_hook_delivers_from_the_start() {
    let (url, inbox) = receiver(None).await;
    let mut seed = demo_tenant::seed();
    seed.hooks.push(logto_emulator::seed::SeedHook {
        name: "seeded".into(),
        events: vec!["User.Deleted".into()],
        url,
        signing_key: Some("seeded-signing-key".into()),
    });
    let trent = seed.users.iter().find(|u| u.username == "trent").unwrap().id.clone();
    let emu = logto_emulator::Emulator::new(&seed).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    assert_eq!(api.call(reqwest::Method::DELETE, &format!("/users/{trent}"), Value::Null).await.0, 204);
    until("the deletion's delivery", || !inbox.lock().unwrap().is_empty()).await;
    let (headers, raw) = inbox.lock().unwrap()[0].clone();
    let payload: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(
        (payload["event"].as_str(), payload["data"]["username"].as_str()),
        (Some("User.Deleted"), Some("trent"))
    );
    // Signed with the seeded key, over the raw body.
    assert_eq!(
        headers["logto-signature-sha-256"].to_str().unwrap(),
        logto_emulator::hooks::deliver::sign("seeded-signing-key", raw.as_bytes())
    );
    let err = Seed::parse("bad.json", r#"{"hooks":[{"name":"x","events":["User.Exploded"],"url":"http://h/"}]}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("hooks[0].events") && err.contains("not a Logto hook event"), "{err}");
}

#[tokio::test]
async fn the_control_api_sets_a_hook_with_a_known_key_idempotently() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let http = reqwest::Client::new();
    let body =
        json!({"name": "backend", "events": ["User.Deleted"], "url": "http://127.0.0.1:9/hook", "signingKey": "k1"});
    for _ in 0..2 {
        let r = http.post(format!("{}/_emulator/hooks", emu.endpoint)).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
    let hooks = emu.state.tenant.read(|s| s.hooks.clone());
    assert_eq!((hooks.len(), hooks[0].signing_key.expose()), (1, "k1"));
    let bad = json!({"name": "x", "events": ["Nope"], "url": "http://h/", "signingKey": "k"});
    let r = http.post(format!("{}/_emulator/hooks", emu.endpoint)).json(&bad).send().await.unwrap();
    assert_eq!(r.status(), 400);
}
