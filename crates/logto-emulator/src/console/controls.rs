//! Controls: the control API's actions in forms: move the clock, add or clear faults, rotate the
//! signing key, reset to the seed (those two ask first).

use axum::extract::{Query, State};
use axum::response::Response;
use axum::Extension;
use serde_json::json;

use super::form::{done, failed, ConsoleForm};
use super::html::{button_form, csrf, esc, or_dash, page, time, Notice};
use super::Console;
use crate::state::AppState;

const CONTROLS: &str = "/_emulator/console/controls";

pub(super) async fn index(
    State(state): State<AppState>,
    Extension(console): Extension<Console>,
    Query(notice): Query<Notice>,
) -> Response {
    let faults = crate::control::faults::list(State(state.clone())).await.0;
    let fault_rows: String = faults
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            format!(
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(f["path"].as_str().unwrap_or_default()),
                or_dash(f["method"].as_str()),
                f["status"]
                    .as_u64()
                    .map(|s| s.to_string())
                    .or_else(|| f["oidcError"].as_str().map(esc))
                    .unwrap_or_else(|| "delay or cut".into()),
                f["count"].as_u64().map(|c| c.to_string()).unwrap_or_else(|| "until cleared".into()),
            )
        })
        .collect();
    let csrf = csrf(&console);
    let body = format!(
        r#"<section class="card" aria-labelledby="clock"><h2 id="clock">Clock</h2><p>The emulator's time: {now} (offset {offset} s from this machine's).</p>
<form method="post" action="{CONTROLS}/clock" class="row">{csrf}<label for="advance">Move it by (seconds; negative goes back)</label><input id="advance" name="seconds" inputmode="numeric" required><button type="submit">Move the clock</button></form>
<form method="post" action="{CONTROLS}/clock" class="row">{csrf}<input type="hidden" name="seconds" value="{back}"><button type="submit" class="secondary">Back to this machine's time</button></form></section>
<section class="card" aria-labelledby="faults"><h2 id="faults">Faults</h2>{fault_table}
<form method="post" action="{CONTROLS}/faults" class="filters">{csrf}<label for="fault-path">Path (* matches anything)</label><input id="fault-path" name="path" required placeholder="/api/users/*">
<label for="fault-method">Method (any when empty)</label><input id="fault-method" name="method">
<label for="fault-status">Status</label><input id="fault-status" name="status" inputmode="numeric" required value="503">
<label for="fault-count">How many requests (until cleared when empty)</label><input id="fault-count" name="count" inputmode="numeric">
<button type="submit">Add the fault</button></form>{clear}</section>
<section class="card" aria-labelledby="keys"><h2 id="keys">Signing key</h2><p>Current key id: <code>{kid}</code></p>{rotate}</section>
<section class="card" aria-labelledby="reset"><h2 id="reset">Reset</h2><p>Back to the seed: every change is lost, every grant and token dropped.</p>{reset}</section>"#,
        now = time(state.clock.now_ms()),
        offset = state.clock.offset_ms() / 1000,
        back = -(state.clock.offset_ms() / 1000),
        fault_table = if fault_rows.is_empty() {
            "<p>No fault in force.</p>".to_string()
        } else {
            format!(
                r#"<div class="scroll"><table><thead><tr><th scope="col">Path</th><th scope="col">Method</th><th scope="col">Answer</th><th scope="col">Requests</th></tr></thead><tbody>{fault_rows}</tbody></table></div>"#
            )
        },
        clear = button_form(&console, &format!("{CONTROLS}/faults/clear"), "Clear every fault", "secondary", None),
        kid = esc(state.signing_key().kid()),
        rotate = button_form(
            &console,
            &format!("{CONTROLS}/keys/rotate"),
            "Rotate the signing key",
            "danger",
            Some("Rotate the signing key? Tokens signed with the old key keep working until it is rotated out again."),
        ),
        reset = button_form(
            &console,
            &format!("{CONTROLS}/reset"),
            "Reset to the seed",
            "danger",
            Some("Reset the tenant to its seed? Every change since is lost."),
        ),
    );
    page("Controls", "/controls", &notice, &body)
}

/// A whole number from a form field.
fn number(form: &ConsoleForm, name: &str) -> Option<i64> {
    form.get(name).and_then(|v| v.parse().ok())
}

pub(super) async fn clock(State(state): State<AppState>, form: ConsoleForm) -> Response {
    let Some(seconds) = number(&form, "seconds").filter(|s| s.unsigned_abs() <= 100 * 365 * 86_400) else {
        return failed(CONTROLS, "console.invalid_number");
    };
    let body = json!({"advanceMs": seconds * 1000}).to_string();
    match crate::control::set_clock(State(state), body.into()).await {
        Ok(_) => done(CONTROLS, "clock"),
        Err(_) => failed(CONTROLS, "console.invalid_number"),
    }
}

pub(super) async fn add_fault(State(state): State<AppState>, form: ConsoleForm) -> Response {
    let mut fault = json!({"path": form.get("path").unwrap_or_default()});
    if let Some(method) = form.get("method") {
        fault["method"] = json!(method.to_ascii_uppercase());
    }
    match (number(&form, "status"), form.get("count").map(|c| c.parse::<u32>())) {
        (Some(status), None) => fault["status"] = json!(status),
        (Some(status), Some(Ok(count))) => {
            fault["status"] = json!(status);
            fault["count"] = json!(count);
        }
        _ => return failed(CONTROLS, "console.invalid_fault"),
    }
    match crate::control::faults::add(State(state), fault.to_string().into()).await {
        Ok(_) => done(CONTROLS, "fault"),
        Err(_) => failed(CONTROLS, "console.invalid_fault"),
    }
}

pub(super) async fn clear_faults(State(state): State<AppState>, _form: ConsoleForm) -> Response {
    crate::control::faults::clear(State(state)).await;
    done(CONTROLS, "faults-cleared")
}

pub(super) async fn rotate_key(State(state): State<AppState>, _form: ConsoleForm) -> Response {
    match crate::control::rotate_key(State(state)).await {
        Ok(_) => done(CONTROLS, "rotated"),
        Err(e) => failed(CONTROLS, e.code),
    }
}

pub(super) async fn reset(State(state): State<AppState>, _form: ConsoleForm) -> Response {
    match crate::control::reset(State(state)).await {
        Ok(_) => done(CONTROLS, "reset"),
        Err(e) => failed(CONTROLS, e.code),
    }
}
