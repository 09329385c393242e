//! The `Server-Timing` header of a request: one entry per hop, timed here, written in the format
//! `shared::server_timing` defines (the SPA parses it with the same module).

use std::time::Duration;

use shared::server_timing::{self, Hop, TimingEntry};

#[derive(Debug, Default)]
pub struct ServerTiming {
    entries: Vec<TimingEntry>,
}

impl ServerTiming {
    pub fn add(&mut self, hop: Hop, elapsed: Duration, description: impl Into<String>) {
        self.entries.push(TimingEntry::new(hop.name(), elapsed.as_secs_f64() * 1000.0, description));
    }

    /// The entries so far (for the hop metrics).
    pub fn entries(&self) -> &[TimingEntry] {
        &self.entries
    }

    pub fn header_value(&self) -> String {
        server_timing::format(&self.entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_entries() {
        let mut t = ServerTiming::default();
        t.add(Hop::Verify, Duration::from_micros(412), server_timing::CACHE_HIT);
        t.add(Hop::Db, Duration::from_millis(2), "");
        assert_eq!(t.header_value(), r#"verify;dur=0.412;desc="cache hit", db;dur=2.000"#);
    }
}
