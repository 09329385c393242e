//! The `Server-Timing` header (W3C) of `GET /api/top-users`: one entry per hop, with its duration and
//! how it was served. The backend writes it; the SPA reads it to draw the request's path.

use std::fmt::Write;

/// The hops of the guide's sequence that the backend times, by their names in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hop {
    /// The access token checked (signature, claims), or found in the verified-token cache.
    Verify,
    /// The backend's own database read.
    Db,
    /// The machine-to-machine token from Logto (client credentials), or its cache.
    M2mToken,
    /// Logto's Management API.
    ManagementApi,
}

impl Hop {
    /// In the order of the sequence.
    pub const ALL: [Hop; 4] = [Hop::Verify, Hop::Db, Hop::M2mToken, Hop::ManagementApi];

    /// The entry's name in the header.
    pub fn name(self) -> &'static str {
        match self {
            Hop::Verify => "verify",
            Hop::Db => "db",
            Hop::M2mToken => "m2m-token",
            Hop::ManagementApi => "management-api",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Hop::ALL.into_iter().find(|hop| hop.name() == name)
    }
}

/// How a hop was served when a cache answered: the start of its description.
pub const CACHE_HIT: &str = "cache hit";
/// A hop that had nothing to do (the M2M token when every profile was cached).
pub const NOT_NEEDED: &str = "not needed";

/// One hop with its duration and how it was served.
#[derive(Debug, Clone, PartialEq)]
pub struct TimingEntry {
    pub name: String,
    pub duration_ms: f64,
    /// How it was served: "cache hit", "client credentials", …
    pub description: String,
}

impl TimingEntry {
    pub fn new(name: impl Into<String>, duration_ms: f64, description: impl Into<String>) -> Self {
        Self { name: name.into(), duration_ms, description: description.into() }
    }

    /// The hop, when the name is one this version knows.
    pub fn hop(&self) -> Option<Hop> {
        Hop::parse(&self.name)
    }

    pub fn is_cache_hit(&self) -> bool {
        self.description.starts_with(CACHE_HIT)
    }

    /// A cache answered, or there was nothing to do: no request left the backend for this hop.
    pub fn did_no_work(&self) -> bool {
        self.is_cache_hit() || self.description.starts_with(NOT_NEEDED)
    }
}

/// `verify;dur=0.412;desc="cache hit", db;dur=1.204`.
pub fn format(entries: &[TimingEntry]) -> String {
    let mut out = String::new();
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{};dur={:.3}", e.name, e.duration_ms);
        if !e.description.is_empty() {
            let _ = write!(out, ";desc=\"{}\"", e.description.replace(['"', '\\'], "'"));
        }
    }
    out
}

/// The entries of a header value; parameters it does not know and malformed entries are skipped.
pub fn parse(header: &str) -> Vec<TimingEntry> {
    split_outside_quotes(header, ',')
        .into_iter()
        .filter_map(|entry| {
            let mut parts = split_outside_quotes(entry, ';').into_iter();
            let name = parts.next()?.trim();
            if name.is_empty() {
                return None;
            }
            let mut timing = TimingEntry::new(name, 0.0, "");
            for param in parts {
                let (key, value) = param.split_once('=')?;
                let value = value.trim();
                match key.trim() {
                    // serde_json's number parser: the SPA carries it anyway, `str::parse::<f64>` would
                    // add core's own to the WASM.
                    "dur" => timing.duration_ms = serde_json::from_str::<f64>(value).ok()?,
                    "desc" => timing.description = value.trim_matches('"').to_string(),
                    _ => {}
                }
            }
            Some(timing)
        })
        .collect()
}

fn split_outside_quotes(s: &str, separator: char) -> Vec<&str> {
    let (mut parts, mut start, mut quoted) = (vec![], 0, false);
    for (i, c) in s.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == separator && !quoted {
            parts.push(&s[start..i]);
            start = i + 1;
        }
    }
    parts.push(&s[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_formatted_parses_back() {
        let entries = vec![
            TimingEntry::new("verify", 0.412, "cache hit"),
            TimingEntry::new("db", 2.0, ""),
            TimingEntry::new("management-api", 13.5, "1 request (search.id, mode.id=exact)"),
        ];
        let header = format(&entries);
        assert_eq!(
            header,
            r#"verify;dur=0.412;desc="cache hit", db;dur=2.000, management-api;dur=13.500;desc="1 request (search.id, mode.id=exact)""#
        );
        assert_eq!(parse(&header), entries);
        assert!(entries[0].is_cache_hit() && !entries[2].is_cache_hit());
    }

    #[test]
    fn malformed_entries_are_skipped() {
        let parsed = parse(r#", db;dur=abc, verify;dur=1;x=y, ;dur=2"#);
        assert_eq!(parsed, vec![TimingEntry::new("verify", 1.0, "")]);
    }
}
