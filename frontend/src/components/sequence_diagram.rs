//! The last request drawn as a sequence diagram (SVG), hop by hop, from how the SPA got its token and
//! the backend's `Server-Timing`; below it the same hops as a list, readable at any width and by
//! screen readers.

use leptos::prelude::*;
use logto_leptos::TokenSource;
use shared::server_timing::{self, TimingEntry};

use crate::config::API_RESOURCE;
use crate::trace::Trace;

const PARTICIPANTS: [&str; 5] = ["SPA", "Logto", "Backend", "Database", "Management API"];
const SPA: usize = 0;
const LOGTO: usize = 1;
const BACKEND: usize = 2;
const DATABASE: usize = 3;
const MANAGEMENT: usize = 4;
// Whole pixels: integer attributes keep float formatting out of the WASM (about 10 KB).
const COLUMN: i32 = 140;
const ROW: i32 = 46;
const TOP: i32 = 64;

/// One arrow of the diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct Hop {
    pub id: &'static str,
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub ms: Option<f64>,
    /// Served from a cache: drawn dashed.
    pub cached: bool,
}

fn timing(trace: &Trace, hop: server_timing::Hop) -> Option<&TimingEntry> {
    trace.hops.iter().find(|h| h.hop() == Some(hop))
}

/// The hops of `trace`, in order: SPA → Logto → SPA → backend → database → Logto token →
/// Management API → SPA, each as far as the request went.
pub fn hops(trace: &Trace) -> Vec<Hop> {
    let mut hops = vec![];
    match trace.token_source {
        TokenSource::Refreshed => {
            hops.push(Hop {
                id: "token",
                from: SPA,
                to: LOGTO,
                label: match &trace.organization_id {
                    Some(org) => format!("refresh_token grant, resource={API_RESOURCE}, organization_id={org}"),
                    None => format!("refresh_token grant, resource={API_RESOURCE}"),
                },
                ms: Some(trace.token_ms),
                cached: false,
            });
            hops.push(Hop {
                id: "token-response",
                from: LOGTO,
                to: SPA,
                label: if trace.organization_id.is_some() {
                    "organization-level access token (JWT)".into()
                } else {
                    "access token (JWT)".into()
                },
                ms: None,
                cached: false,
            });
        }
        source => hops.push(Hop {
            id: "token",
            from: SPA,
            to: SPA,
            label: if source == TokenSource::OtherTab {
                "access token shared by another tab · cache hit".into()
            } else {
                "access token from memory · cache hit".into()
            },
            ms: Some(trace.token_ms),
            cached: true,
        }),
    }
    let retried = if trace.retried { " (sent again after a 401)" } else { "" };
    hops.push(Hop {
        id: "request",
        from: SPA,
        to: BACKEND,
        label: format!("{} {}{retried}", trace.method, trace.path),
        ms: None,
        cached: false,
    });
    let backend_hops = [
        (server_timing::Hop::Verify, BACKEND, "verify JWT"),
        (server_timing::Hop::Db, DATABASE, "query"),
        (server_timing::Hop::M2mToken, LOGTO, "M2M token"),
        (server_timing::Hop::ManagementApi, MANAGEMENT, "profiles"),
    ];
    for (hop, to, what) in backend_hops {
        if let Some(t) = timing(trace, hop) {
            let cached = t.did_no_work();
            hops.push(Hop {
                id: hop.name(),
                from: BACKEND,
                to,
                label: format!("{what} · {}", t.description),
                ms: Some(t.duration_ms),
                cached,
            });
        }
    }
    hops.push(Hop {
        id: "response",
        from: BACKEND,
        to: SPA,
        label: format!("HTTP {}", trace.status),
        ms: Some(trace.round_trip_ms),
        cached: false,
    });
    hops
}

fn x(column: usize) -> i32 {
    70 + column as i32 * COLUMN
}

/// The diagram's width, in its own units (the SVG scales to the page; these do not change).
fn diagram_width() -> i32 {
    x(PARTICIPANTS.len() - 1) + 70
}

/// A generous width of one character of the 12 px labels, so an estimate never falls short.
const CHAR_WIDTH: i32 = 7;
/// The lines a label may take; each line above the arrow moves up by this much.
const MAX_LINES: usize = 2;
const LINE_HEIGHT: i32 = 13;

/// Where a hop's label starts and how it is anchored: beside self-steps and arrows leaving the first
/// column (nothing to their left), else centred on the arrow. With the width it may take before it
/// would leave the diagram.
fn label_place(from: usize, to: usize) -> (i32, &'static str, i32) {
    let (x1, x2) = (x(from), x(to));
    let width = diagram_width();
    if from == to {
        (x1 + 46, "start", width - (x1 + 46) - 4)
    } else if x1.min(x2) == x(0) {
        (x(0) + 6, "start", width - (x(0) + 6) - 4)
    } else {
        let middle = (x1 + x2) / 2;
        (middle, "middle", 2 * (width - middle).min(middle) - 8)
    }
}

/// `text` in at most [`MAX_LINES`] lines of at most `max_chars`, broken at spaces; what still does
/// not fit ends in `…` (the list below the diagram has every label whole).
fn wrap(text: &str, max_chars: usize) -> Vec<String> {
    let max_chars = max_chars.max(8);
    let mut lines: Vec<String> = vec![];
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= max_chars => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        let last = &mut lines[MAX_LINES - 1];
        let keep: String = last.chars().take(max_chars - 1).collect();
        *last = format!("{keep}…");
    }
    for line in &mut lines {
        if line.chars().count() > max_chars {
            *line = format!("{}…", line.chars().take(max_chars - 1).collect::<String>());
        }
    }
    lines
}

/// `12.3 ms`, by integer arithmetic (see above).
fn millis(ms: f64) -> String {
    let tenths = (ms.max(0.0) * 10.0).round() as u64;
    format!("{}.{} ms", tenths / 10, tenths % 10)
}

fn duration(ms: Option<f64>) -> String {
    ms.map(millis).unwrap_or_default()
}

#[component]
pub fn SequenceDiagram(trace: Trace) -> impl IntoView {
    let hops = hops(&trace);
    let height = TOP + ROW * hops.len() as i32 + ROW / 2;
    let width = diagram_width();
    let summary = format!(
        "{} {} answered HTTP {} after {}, in {} hops.",
        trace.method,
        trace.path,
        trace.status,
        millis(trace.round_trip_ms),
        hops.len()
    );
    let arrows = hops
        .iter()
        .enumerate()
        .map(|(i, hop)| {
            let y = TOP + ROW * i as i32 + ROW * 4 / 5;
            let class = if hop.cached { "hop cached" } else { "hop" };
            let text = format!("{} {}", hop.label, duration(hop.ms));
            let (x1, x2) = (x(hop.from), x(hop.to));
            let line = if hop.from == hop.to {
                // A step inside one participant: a small loop to its right.
                let d = format!("M{x1},{} h40 v14 h-36", y - 7);
                view! { <path class="arrow" d=d marker-end="url(#head)"/> }.into_any()
            } else {
                let end = if x2 > x1 { x2 - 4 } else { x2 + 4 };
                view! { <line class="arrow" x1=x1 y1=y x2=end y2=y marker-end="url(#head)"/> }.into_any()
            };
            // Wrapped to the room it has, so no label runs past the diagram's edge (issue 22).
            let (label_x, anchor, room) = label_place(hop.from, hop.to);
            let lines = wrap(&text, (room / CHAR_WIDTH) as usize);
            let first_y = y - 9 - LINE_HEIGHT * (lines.len() as i32 - 1);
            let tspans = lines
                .into_iter()
                .enumerate()
                .map(|(i, line)| {
                    let dy = if i == 0 { 0 } else { LINE_HEIGHT };
                    view! { <tspan x=label_x dy=dy>{line}</tspan> }
                })
                .collect_view();
            view! {
                <g class=class data-testid="hop" data-hop=hop.id>
                    {line}
                    <text x=label_x y=first_y text-anchor=anchor>{tspans}</text>
                </g>
            }
        })
        .collect_view();
    let lifelines = PARTICIPANTS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            view! {
                <g class="participant">
                    <rect x=x(i) - 62 y="8" width="124" height="30" rx="6"/>
                    <text x=x(i) y="28" text-anchor="middle">{*name}</text>
                    <line class="lifeline" x1=x(i) y1="38" x2=x(i) y2=height/>
                </g>
            }
        })
        .collect_view();
    let list = hops
        .iter()
        .map(|hop| {
            let cached = if hop.cached { " (cache)" } else { "" };
            view! {
                <li data-testid="hop-item" data-hop=hop.id>
                    <strong>{PARTICIPANTS[hop.from]} " → " {PARTICIPANTS[hop.to]}</strong>
                    ": " {hop.label.clone()} " " {duration(hop.ms)} {cached}
                </li>
            }
        })
        .collect_view();
    view! {
        <figure class="sequence">
            <svg viewBox=format!("0 0 {width} {height}") role="img" aria-labelledby="seq-title seq-desc"
                 data-testid="sequence-diagram">
                <title id="seq-title">"Sequence of the last request"</title>
                <desc id="seq-desc">{summary.clone()}</desc>
                <defs>
                    <marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z"/>
                    </marker>
                </defs>
                {lifelines}
                {arrows}
            </svg>
            <figcaption>{summary}" Dashed arrows were served from a cache."</figcaption>
        </figure>
        <ol class="hops" aria-label="Hops of the last request">{list}</ol>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 22, item 10: the verify hop's label ("verify JWT · verified (signature, claims,
    /// organization)") ran past the right edge. Every label, placed and wrapped, stays inside.
    #[test]
    fn every_label_fits_inside_the_diagram() {
        let long = "verify JWT · verified (signature, claims, organization) 12.3 ms";
        for (from, to) in [(BACKEND, BACKEND), (SPA, LOGTO), (BACKEND, MANAGEMENT), (BACKEND, SPA), (SPA, SPA)] {
            let (start, anchor, room) = label_place(from, to);
            let lines = wrap(long, (room / CHAR_WIDTH) as usize);
            assert!(!lines.is_empty() && lines.len() <= MAX_LINES, "{lines:?}");
            for line in &lines {
                let w = line.chars().count() as i32 * CHAR_WIDTH;
                let (left, right) = if anchor == "start" { (start, start + w) } else { (start - w / 2, start + w / 2) };
                assert!(left >= 0 && right <= diagram_width(), "{from}→{to}: {line:?} spans {left}..{right}");
            }
        }
        assert_eq!(wrap("a b", 10), ["a b"]);
        assert_eq!(wrap("aaaa bbbb cccc dddd eeee ffff", 9), ["aaaa bbbb", "cccc ddd…"]);
    }

    fn trace(source: TokenSource, header: &str) -> Trace {
        Trace {
            method: "GET",
            path: "/api/top-users".into(),
            organization_id: None,
            token_source: source,
            token_ms: 12.0,
            round_trip_ms: 30.0,
            status: 200,
            retried: false,
            hops: shared::server_timing::parse(header),
        }
    }

    #[test]
    fn a_cold_request_has_every_hop_of_the_guides_diagram() {
        let t = trace(
            TokenSource::Refreshed,
            r#"verify;dur=1.2;desc="verified (signature, claims)", db;dur=0.8;desc="top 10 of follower_counts", m2m-token;dur=9;desc="client credentials", management-api;dur=7;desc="1 request""#,
        );
        let ids: Vec<&str> = hops(&t).iter().map(|h| h.id).collect();
        assert_eq!(
            ids,
            ["token", "token-response", "request", "verify", "db", "m2m-token", "management-api", "response"]
        );
        assert!(hops(&t).iter().all(|h| !h.cached));
    }

    #[test]
    fn an_organization_request_shows_the_organization_token_hop() {
        let mut t = trace(TokenSource::Refreshed, r#"verify;dur=1;desc="verified (signature, claims, organization)""#);
        t.organization_id = Some("acmeorg00001".into());
        let hops = hops(&t);
        assert!(hops[0].label.ends_with("organization_id=acmeorg00001"), "{}", hops[0].label);
        assert_eq!(hops[1].label, "organization-level access token (JWT)");
    }

    #[test]
    fn cache_hits_are_marked() {
        let t = trace(TokenSource::Memory, r#"verify;dur=0.1;desc="cache hit", db;dur=0.1;desc="cache hit""#);
        let hops = hops(&t);
        assert_eq!(hops.iter().filter(|h| h.cached).count(), 3, "{hops:?}");
        assert_eq!(hops[0].from, hops[0].to, "a token from memory stays in the SPA");
    }
}
