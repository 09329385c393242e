//! Sending hook payloads: a bounded queue drained by a worker that POSTs each one (at most
//! eight at a time, each cut after [`TIMEOUT`]), signs it, and keeps the outcome.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::sync::{mpsc, Semaphore};

use crate::ids::standard_id;
use crate::model::Hook;

/// Deliveries waiting; past this, new ones are dropped (and logged as failed) rather than queued.
const QUEUE: usize = 1024;
/// Receivers answered at once.
const CONCURRENCY: usize = 8;
/// A receiver's time to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Recent logs kept per hook.
const LOGS: usize = 100;

/// Lowercase hex HMAC-SHA256 of `body` keyed by `signing_key` (Logto's `logto-signature-sha-256`).
pub fn sign(signing_key: &str, body: &[u8]) -> String {
    // HMAC takes keys of any length: new_from_slice cannot fail for it.
    let mut mac = match Hmac::<Sha256>::new_from_slice(signing_key.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(body);
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// One payload for one hook.
struct Delivery {
    hook: Hook,
    event: String,
    body: String,
    created_at_ms: i64,
}

#[derive(Default)]
struct Outcomes {
    logs: HashMap<String, VecDeque<Value>>,
    /// `(successCount, requestCount)` per hook.
    stats: HashMap<String, (u64, u64)>,
}

/// The delivery queue and each hook's recent logs and execution stats (in memory).
#[derive(Clone, Default)]
pub struct Deliveries {
    sender: Arc<OnceLock<mpsc::Sender<Delivery>>>,
    outcomes: Arc<Mutex<Outcomes>>,
}

impl Deliveries {
    /// Queues `body` (the payload, already serialized) for `hook`. Never waits: a full queue drops it.
    pub fn enqueue(&self, hook: Hook, event: &str, body: String, created_at_ms: i64) {
        let sender = self.sender.get_or_init(|| self.start());
        let delivery = Delivery { hook, event: event.to_string(), body, created_at_ms };
        if let Err(mpsc::error::TrySendError::Full(d) | mpsc::error::TrySendError::Closed(d)) =
            sender.try_send(delivery)
        {
            tracing::warn!(hook = %d.hook.id, event = %d.event, "webhook queue full: delivery dropped");
            self.record(&d, Err("the emulator's delivery queue was full".into()));
        }
    }

    fn start(&self) -> mpsc::Sender<Delivery> {
        let (sender, mut receiver) = mpsc::channel::<Delivery>(QUEUE);
        let this = self.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::builder().timeout(TIMEOUT).build().unwrap_or_default();
            let slots = Arc::new(Semaphore::new(CONCURRENCY));
            while let Some(delivery) = receiver.recv().await {
                let Ok(permit) = slots.clone().acquire_owned().await else { break };
                let (http, this) = (http.clone(), this.clone());
                tokio::spawn(async move {
                    let outcome = post(&http, &delivery.hook, &delivery.body).await;
                    this.record(&delivery, outcome);
                    drop(permit);
                });
            }
        });
        sender
    }

    fn record(&self, d: &Delivery, outcome: Result<(u16, Value), String>) {
        let key = format!("TriggerHook.{}", d.event);
        let request = serde_json::from_str::<Value>(&d.body).unwrap_or(Value::Null);
        let mut payload = json!({"key": key, "hookId": d.hook.id, "hookRequest": {"body": request}});
        let success = matches!(outcome, Ok((status, _)) if (200..300).contains(&status));
        match outcome {
            Ok((status, body)) => {
                payload["result"] = json!(if success { "Success" } else { "Error" });
                payload["response"] = json!({"statusCode": status, "body": body});
            }
            Err(error) => {
                payload["result"] = json!("Error");
                payload["error"] = json!(error);
            }
        }
        let log = json!({"id": standard_id(21), "key": key, "payload": payload, "createdAt": d.created_at_ms});
        let mut outcomes = self.outcomes.lock().unwrap_or_else(|p| p.into_inner());
        let logs = outcomes.logs.entry(d.hook.id.clone()).or_default();
        logs.push_front(log);
        logs.truncate(LOGS);
        let stats = outcomes.stats.entry(d.hook.id.clone()).or_default();
        stats.1 += 1;
        if success {
            stats.0 += 1;
        }
    }

    /// A hook's recent logs, newest first.
    pub fn logs(&self, hook_id: &str) -> Vec<Value> {
        let outcomes = self.outcomes.lock().unwrap_or_else(|p| p.into_inner());
        outcomes.logs.get(hook_id).map(|l| l.iter().cloned().collect()).unwrap_or_default()
    }

    /// `{successCount, requestCount}` of a hook.
    pub fn stats(&self, hook_id: &str) -> Value {
        let outcomes = self.outcomes.lock().unwrap_or_else(|p| p.into_inner());
        let (success, requests) = outcomes.stats.get(hook_id).copied().unwrap_or_default();
        json!({"successCount": success, "requestCount": requests})
    }
}

/// POSTs a signed payload to the hook's URL: the status and the body (JSON when it is JSON).
pub async fn post(http: &reqwest::Client, hook: &Hook, body: &str) -> Result<(u16, Value), String> {
    let mut request = http
        .post(&hook.url)
        .header("content-type", "application/json")
        .header("user-agent", "Logto (https://logto.io/)")
        .header("logto-signature-sha-256", sign(hook.signing_key.expose(), body.as_bytes()));
    for (name, value) in &hook.headers {
        request = request.header(name, value);
    }
    let response = request.body(body.to_string()).send().await.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::String(text))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_lowercase_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
