//! Learning which recorded values correspond to which emulated ones (ids, tokens, codes), and
//! comparing a recorded response with the emulator's.

use std::collections::{BTreeSet, HashMap};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::Value;

use super::recorded::Response;

/// Keys whose values are times or random per issuance: only their type is compared.
const VOLATILE: &[&str] = &[
    "createdAt",
    "updatedAt",
    "lastSignInAt",
    "created_at",
    "updated_at",
    "iat",
    "exp",
    "jti",
    "expiresAt",
    "auth_time",
    "at_hash",
];

/// Recorded value → the emulator's value for the same thing.
#[derive(Default)]
pub struct Mapping {
    pub values: HashMap<String, String>,
}

/// Looks like an id, token, code or key: long, with no spaces or separators.
fn opaque(s: &str) -> bool {
    s.len() >= 10 && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.~".contains(c))
}

fn has_digit(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
}

pub fn is_jwt(s: &str) -> bool {
    s.starts_with("eyJ") && s.matches('.').count() == 2
}

/// The key names of a JWT's header and payload.
fn jwt_names(token: &str) -> Option<(BTreeSet<String>, BTreeSet<String>)> {
    let mut parts = token.split('.');
    let mut names = || -> Option<BTreeSet<String>> {
        let v: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts.next()?).ok()?).ok()?;
        Some(v.as_object()?.keys().cloned().collect())
    };
    Some((names()?, names()?))
}

impl Mapping {
    /// `s` with every learned recorded value replaced by its emulated counterpart (longest first).
    pub fn substitute(&self, s: &str) -> String {
        let mut keys: Vec<&String> = self.values.keys().filter(|k| s.contains(k.as_str())).collect();
        keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
        let mut out = s.to_string();
        for k in keys {
            out = out.replace(k.as_str(), &self.values[k]);
        }
        out
    }

    fn learn(&mut self, recorded: &str, emulated: &str) {
        // A digit on either side tells a random id from a word (a random id may lack one by chance).
        if recorded != emulated && opaque(recorded) && opaque(emulated) && (has_digit(recorded) || has_digit(emulated))
        {
            self.values.entry(recorded.to_string()).or_insert_with(|| emulated.to_string());
        }
    }

    pub fn learn_json(&mut self, recorded: &Value, emulated: &Value) {
        match (recorded, emulated) {
            (Value::Object(r), Value::Object(e)) => {
                for (k, rv) in r {
                    if let Some(ev) = e.get(k) {
                        self.learn_json(rv, ev);
                    }
                }
            }
            (Value::Array(r), Value::Array(e)) => r.iter().zip(e).for_each(|(r, e)| self.learn_json(r, e)),
            (Value::String(r), Value::String(e)) => self.learn(r, e),
            _ => {}
        }
    }

    /// Query values of two redirect locations, paired by name.
    pub fn learn_location(&mut self, recorded: &str, emulated: &str) {
        let pairs = |l: &str| -> HashMap<String, String> {
            url::Url::parse(l)
                .or_else(|_| url::Url::parse(&format!("http://x{l}")))
                .map(|u| u.query_pairs().into_owned().collect())
                .unwrap_or_default()
        };
        let (r, e) = (pairs(recorded), pairs(emulated));
        for (k, rv) in &r {
            if let Some(ev) = e.get(k) {
                self.learn(rv, ev);
            }
        }
    }

    /// Hidden form inputs (`name="xsrf" value="…"`) of two HTML pages.
    pub fn learn_html(&mut self, recorded: &str, emulated: &str) {
        let xsrf = |html: &str| {
            html.split(r#"name="xsrf" value=""#).nth(1).and_then(|s| s.split('"').next()).map(String::from)
        };
        if let (Some(r), Some(e)) = (xsrf(recorded), xsrf(emulated)) {
            self.learn(&r, &e);
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Field names and types everywhere; values too, except volatile ones, after mapping. JWTs are
/// compared by their header and claim names.
pub fn compare_json(path: &str, recorded: &Value, emulated: &Value, map: &Mapping, diffs: &mut Vec<String>) {
    let key = path.rsplit('.').next().unwrap_or("");
    if kind(recorded) != kind(emulated) {
        diffs.push(format!("{path}: {} ≠ {}", kind(recorded), kind(emulated)));
        return;
    }
    match (recorded, emulated) {
        (Value::Object(r), Value::Object(e)) => {
            for k in r.keys().filter(|k| !e.contains_key(*k)) {
                diffs.push(format!("{path}.{k}: missing"));
            }
            for k in e.keys().filter(|k| !r.contains_key(*k)) {
                diffs.push(format!("{path}.{k}: extra"));
            }
            for (k, rv) in r {
                if let Some(ev) = e.get(k) {
                    compare_json(&format!("{path}.{k}"), rv, ev, map, diffs);
                }
            }
        }
        (Value::Array(r), Value::Array(e)) => {
            if r.len() != e.len() {
                diffs.push(format!("{path}: {} items ≠ {}", r.len(), e.len()));
            }
            for (i, (rv, ev)) in r.iter().zip(e).enumerate() {
                compare_json(&format!("{path}[{i}]"), rv, ev, map, diffs);
            }
        }
        _ if VOLATILE.contains(&key) => {}
        // Two JWTs are compared by their names only: this arm must take them even when the names
        // match, so they never reach the value comparison below.
        #[allow(clippy::collapsible_match)]
        (Value::String(r), Value::String(e)) if is_jwt(r) && is_jwt(e) => {
            if jwt_names(r) != jwt_names(e) {
                diffs.push(format!("{path}: JWT header/claim names {:?} ≠ {:?}", jwt_names(r), jwt_names(e)));
            }
        }
        (Value::String(r), Value::String(e)) => {
            let r = map.substitute(r);
            if &r != e {
                diffs.push(format!("{path}: {r:?} ≠ {e:?}"));
            }
        }
        (r, e) if r != e => diffs.push(format!("{path}: {r} ≠ {e}")),
        _ => {}
    }
}

/// The headers that matter, compared after mapping.
pub fn compare_headers(recorded: &Response, emulated: &Response, map: &Mapping, diffs: &mut Vec<String>) {
    let media = |v: Option<&str>| v.map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    if media(recorded.header("content-type")) != media(emulated.header("content-type")) && !recorded.body.is_empty() {
        diffs.push(format!(
            "content-type: {:?} ≠ {:?}",
            recorded.header("content-type"),
            emulated.header("content-type")
        ));
    }
    for name in [
        "www-authenticate",
        "access-control-allow-origin",
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-max-age",
        "access-control-expose-headers",
        "total-number",
        "cache-control",
    ] {
        let (r, e) = (recorded.header(name).map(|v| map.substitute(v)), emulated.header(name).map(String::from));
        // Cache-Control only where Logto sets it on purpose (token endpoint, JWKS).
        if name == "cache-control" && r.is_none() {
            continue;
        }
        if r.as_deref().map(str::to_ascii_lowercase) != e.as_deref().map(str::to_ascii_lowercase) {
            diffs.push(format!("{name}: {r:?} ≠ {e:?}"));
        }
    }
    let (rl, el): (Vec<String>, Vec<String>) = (
        recorded.all("link").iter().map(|v| map.substitute(v)).collect(),
        emulated.all("link").iter().map(|v| v.to_string()).collect(),
    );
    if rl != el {
        diffs.push(format!("link: {rl:?} ≠ {el:?}"));
    }
    if let (Some(r), Some(e)) = (recorded.header("location"), emulated.header("location")) {
        let shape = |l: &str| -> (String, BTreeSet<String>) {
            let u = url::Url::parse(l).or_else(|_| url::Url::parse(&format!("http://relative{l}"))).ok();
            u.map(|u| {
                let base = format!(
                    "{}{}",
                    if l.starts_with('/') { String::new() } else { u.origin().ascii_serialization() },
                    u.path()
                );
                (base, u.query_pairs().map(|(k, _)| k.into_owned()).collect())
            })
            .unwrap_or_default()
        };
        if shape(r) != shape(e) {
            diffs.push(format!("location: {:?} ≠ {:?}", shape(r), shape(e)));
        }
    } else if recorded.header("location").is_some() != emulated.header("location").is_some() {
        diffs.push(format!("location: {:?} ≠ {:?}", recorded.header("location"), emulated.header("location")));
    }
}
