//! Logto's audit log (`/api/logs`, `routes/log.ts`) for what the emulator records: each token
//! request (`ExchangeTokenBy.<grant>`, `event-listeners/grant.ts`) with its result, the app, the
//! named app secret it authenticated with (Logto's `applicationSecret`, never the value), the
//! user, the tokens issued and the scope. Kept in memory, newest first, the last 5,000.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde_json::{json, Value};

/// How many entries the log keeps.
const LEN: usize = 5000;

/// The log.
#[derive(Debug, Default)]
pub struct AuditLog {
    entries: Mutex<VecDeque<Value>>,
}

/// Logto's `ExchangeByType` of a `grant_type`.
pub fn exchange_by_type(grant_type: Option<&str>) -> &'static str {
    match grant_type {
        Some("authorization_code") => "AuthorizationCode",
        Some("refresh_token") => "RefreshToken",
        Some("client_credentials") => "ClientCredentials",
        Some("urn:ietf:params:oauth:grant-type:token-exchange") => "TokenExchange",
        Some("urn:ietf:params:oauth:grant-type:device_code") => "DeviceCode",
        _ => "Unknown",
    }
}

/// Which entries a listing wants (`GET /api/logs`'s filters).
#[derive(Debug, Default)]
pub struct LogFilter {
    /// `logKey`: the entry's key.
    pub key: Option<String>,
    /// `userId`.
    pub user_id: Option<String>,
    /// `applicationId`.
    pub application_id: Option<String>,
}

impl AuditLog {
    /// Adds an entry with `key` and `payload` (the key is repeated in the payload, as Logto does).
    pub fn record(&self, key: &str, mut payload: Value, now_ms: i64) {
        payload["key"] = json!(key);
        let entry = json!({"tenantId": "default", "id": crate::ids::standard_id(21), "key": key,
                           "payload": payload, "createdAt": now_ms});
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() == LEN {
            entries.pop_back();
        }
        entries.push_front(entry);
    }

    /// The entries `filter` keeps, newest first.
    pub fn list(&self, filter: &LogFilter) -> Vec<Value> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let matches = |e: &&Value, field: &str, wanted: &Option<String>| {
            wanted.as_deref().is_none_or(|w| e["payload"][field].as_str() == Some(w))
        };
        entries
            .iter()
            .filter(|e| filter.key.as_deref().is_none_or(|k| e["key"] == k))
            .filter(|e| matches(e, "userId", &filter.user_id) && matches(e, "applicationId", &filter.application_id))
            .cloned()
            .collect()
    }

    /// The entry `id`.
    pub fn get(&self, id: &str) -> Option<Value> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).iter().find(|e| e["id"] == id).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_filtered_newest_first_and_capped() {
        let log = AuditLog::default();
        for i in 0..(LEN + 2) {
            log.record(
                "ExchangeTokenBy.ClientCredentials",
                json!({"applicationId": format!("app{}", i % 2)}),
                i as i64,
            );
        }
        log.record("ExchangeTokenBy.RefreshToken", json!({"userId": "u1"}), 99_999);
        let all = log.list(&LogFilter::default());
        assert_eq!(all.len(), LEN);
        assert_eq!(all[0]["key"], "ExchangeTokenBy.RefreshToken");
        assert_eq!(all[0]["payload"]["key"], "ExchangeTokenBy.RefreshToken");
        let filter = LogFilter { application_id: Some("app1".into()), ..LogFilter::default() };
        assert!(log.list(&filter).iter().all(|e| e["payload"]["applicationId"] == "app1"));
        let filter = LogFilter {
            key: Some("ExchangeTokenBy.RefreshToken".into()),
            user_id: Some("u1".into()),
            ..LogFilter::default()
        };
        let one = log.list(&filter);
        assert_eq!(one.len(), 1);
        assert_eq!(log.get(one[0]["id"].as_str().unwrap()), Some(one[0].clone()));
    }
}
