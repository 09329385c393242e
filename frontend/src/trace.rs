//! What the last call to the backend went through, for the sequence view: how the access token was
//! had (and how long that took), the backend's `Server-Timing` hops, and the round trip as the SPA
//! saw it. Never the token itself.

use leptos::prelude::*;
use logto_leptos::TokenSource;
use shared::server_timing::TimingEntry;

#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub method: &'static str,
    pub path: String,
    /// The organization the token was asked for (`organization_id`), if any.
    pub organization_id: Option<String>,
    pub token_source: TokenSource,
    pub token_ms: f64,
    /// The SPA's own view of the request to the backend, in ms.
    pub round_trip_ms: f64,
    pub status: u16,
    /// Whether a 401 made the SPA refresh and send it again.
    pub retried: bool,
    pub hops: Vec<TimingEntry>,
}

/// The last trace, shared by the pages.
#[derive(Clone, Copy)]
pub struct LastTrace(pub RwSignal<Option<Trace>>);

impl LastTrace {
    pub fn provide() {
        provide_context(LastTrace(RwSignal::new(None)));
    }

    pub fn expect() -> Self {
        expect_context()
    }
}
