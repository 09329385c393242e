//! The webhook side of the replay: a receiver where the recording's listened, and the comparison of
//! what it received with the recorded deliveries (`*-webhook-*.received.txt`): headers, the signature
//! (lowercase hex HMAC-SHA256 of the raw body with the hook's signing key), and the JSON body.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use super::compare::{compare_json, Mapping};
use super::Row;

type Received = Arc<Mutex<Vec<(HeaderMap, String)>>>;

pub struct Receiver {
    received: Received,
}

impl Receiver {
    /// Listens on `addr`, answering every delivery 200 `{"received": true}` as the recording's did.
    pub async fn start(addr: &str) -> Self {
        let received: Received = Default::default();
        let store = received.clone();
        let app = Router::new().route(
            "/hook",
            post(move |headers: HeaderMap, body: String| {
                let store = store.clone();
                async move {
                    store.lock().unwrap().push((headers, body));
                    Json(json!({"received": true}))
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap_or_else(|e| panic!("{addr}: {e}"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { received }
    }

    /// Waits (up to two seconds) until `n` deliveries have arrived.
    pub async fn wait_for(&self, n: usize) {
        for _ in 0..200 {
            if self.received.lock().unwrap().len() >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// A recorded delivery: its headers and body.
fn parse(text: &str) -> (Vec<(String, String)>, String) {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let headers = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (headers, body.trim().to_string())
}

fn hmac_hex(key: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

pub fn compare_deliveries(dir: &Path, receiver: &Receiver, map: &Mapping) -> Vec<Row> {
    let received = receiver.received.lock().unwrap().clone();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".received.txt").map(String::from))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let (headers, body) = parse(&std::fs::read_to_string(dir.join(format!("{name}.received.txt"))).unwrap());
            let recorded: Value = serde_json::from_str(&body).unwrap();
            let header = |k: &str| headers.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
            let mut diffs = Vec::new();
            // The delivery of the same event to the same path (a test delivery has a fake path).
            let path = map.substitute(recorded["path"].as_str().unwrap_or(""));
            let ours = received.iter().find(|(_, b)| {
                serde_json::from_str::<Value>(b).is_ok_and(|v| v["event"] == recorded["event"] && v["path"] == path)
            });
            match ours {
                None => diffs.push(format!("no {} delivery received", recorded["event"])),
                Some((their_headers, their_body)) => {
                    let get = |k: &str| their_headers.get(k).and_then(|v| v.to_str().ok());
                    for k in ["user-agent", "content-type"] {
                        if header(k) != get(k) {
                            diffs.push(format!("{k}: {:?} ≠ {:?}", header(k), get(k)));
                        }
                    }
                    // The recorded signing key, mapped to the emulator's hook's.
                    let key = map.substitute("Q7Mv5HygTitvHs4DmPAli26a5WSdsebp");
                    if get("logto-signature-sha-256") != Some(hmac_hex(&key, their_body).as_str()) {
                        diffs.push("logto-signature-sha-256: not the HMAC of the body".into());
                    }
                    let ours: Value = serde_json::from_str(their_body).unwrap();
                    let mut json_diffs = Vec::new();
                    compare_json("body", &recorded, &ours, map, &mut json_diffs);
                    // As in recent-logs: the recorded server saw an IPv4-mapped IPv6 address.
                    diffs.extend(json_diffs.into_iter().filter(|d| !d.starts_with("body.ip:")));
                }
            }
            let verdict = if diffs.is_empty() { "same" } else { "DIFFERENT" };
            Row { name: format!("{name} (delivery)"), verdict, note: diffs.join("; ") }
        })
        .collect()
}
