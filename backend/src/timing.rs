//! The `Server-Timing` header (W3C): one entry per hop of a request, with its duration and how it
//! was served, so the SPA can draw the request's path.

use std::fmt::Write;
use std::time::Duration;

#[derive(Debug, Default)]
pub struct ServerTiming {
    entries: Vec<(&'static str, Duration, String)>,
}

impl ServerTiming {
    pub fn add(&mut self, name: &'static str, elapsed: Duration, description: impl Into<String>) {
        self.entries.push((name, elapsed, description.into()));
    }

    /// `verify;dur=0.412;desc="cache hit", db;dur=1.204;desc="…"`.
    pub fn header_value(&self) -> String {
        let mut out = String::new();
        for (i, (name, elapsed, description)) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{name};dur={:.3}", elapsed.as_secs_f64() * 1000.0);
            if !description.is_empty() {
                let _ = write!(out, ";desc=\"{}\"", description.replace(['"', '\\'], "'"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_entries() {
        let mut t = ServerTiming::default();
        t.add("verify", Duration::from_micros(412), "cache hit");
        t.add("db", Duration::from_millis(2), "");
        assert_eq!(t.header_value(), r#"verify;dur=0.412;desc="cache hit", db;dur=2.000"#);
    }
}
