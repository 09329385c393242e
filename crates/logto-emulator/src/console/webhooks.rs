//! Webhooks and their deliveries: each delivery's event, payload, signature, the receiver's
//! status and time, newest first; send one again (the same body, signed again, queued as any).

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Extension;
use serde_json::Value;

use super::form::{done, failed, ConsoleForm};
use super::html::{button_form, esc, json_block, page, time, Notice};
use super::Console;
use crate::state::AppState;

const WEBHOOKS: &str = "/_emulator/console/webhooks";

/// A delivery's body as it was sent: the logged request body, serialized as the emulator
/// serializes payloads (keys in order), so the signature matches the one sent.
fn body_of(log: &Value) -> String {
    log["payload"]["hookRequest"]["body"].to_string()
}

pub(super) async fn index(
    State(state): State<AppState>,
    Extension(console): Extension<Console>,
    Query(notice): Query<Notice>,
) -> Response {
    let hooks = state.tenant.read(|store| store.hooks.clone());
    let hooks_rows: String = hooks
        .iter()
        .map(|h| {
            format!(
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                esc(&h.name),
                esc(&h.url),
                esc(&h.events.join(", ")),
                if h.enabled { "Enabled" } else { "Disabled" }
            )
        })
        .collect();
    let mut deliveries: Vec<(Value, &crate::model::Hook)> =
        hooks.iter().flat_map(|h| state.deliveries.logs(&h.id).into_iter().map(move |l| (l, h))).collect();
    deliveries.sort_by_key(|(log, _)| std::cmp::Reverse(log["createdAt"].as_i64().unwrap_or(0)));
    let rows: String = deliveries
        .iter()
        .take(200)
        .map(|(log, hook)| {
            let payload = &log["payload"];
            let event = log["key"].as_str().unwrap_or_default().trim_start_matches("TriggerHook.");
            let status = payload["response"]["statusCode"]
                .as_u64()
                .map(|s| s.to_string())
                .unwrap_or_else(|| payload["error"].as_str().unwrap_or("no answer").to_string());
            let ok = payload["result"] == "Success";
            let signature = crate::hooks::deliver::sign(hook.signing_key.expose(), body_of(log).as_bytes());
            format!(
                r#"<tr><td>{time}</td><td>{hook}</td><td>{event}</td><td><span class="tag {class}">{status}</span></td><td><details><summary>Payload and signature</summary><p>logto-signature-sha-256: <code class="wrap">{signature}</code></p>{payload}</details></td><td>{resend}</td></tr>"#,
                time = time(log["createdAt"].as_i64().unwrap_or(0)),
                hook = esc(&hook.name),
                event = esc(event),
                class = if ok { "ok" } else { "warn" },
                status = esc(&status),
                payload = json_block(&payload["hookRequest"]["body"]),
                resend = button_form(
                    &console,
                    &format!("{WEBHOOKS}/{}/deliveries/{}/resend", esc(&hook.id), esc(log["id"].as_str().unwrap_or_default())),
                    "Send again",
                    "secondary",
                    None,
                ),
            )
        })
        .collect();
    let body = format!(
        r#"<section class="card" aria-labelledby="hooks"><h2 id="hooks">Webhooks</h2>{hooks}</section><section class="card" aria-labelledby="deliveries"><h2 id="deliveries">Deliveries</h2>{deliveries}</section>"#,
        hooks = if hooks.is_empty() {
            "<p>No webhook.</p>".to_string()
        } else {
            format!(
                r#"<div class="scroll"><table><thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Events</th><th scope="col">State</th></tr></thead><tbody>{hooks_rows}</tbody></table></div>"#
            )
        },
        deliveries = if rows.is_empty() {
            "<p>No delivery yet.</p>".to_string()
        } else {
            format!(
                r#"<div class="scroll"><table><thead><tr><th scope="col">Sent</th><th scope="col">Webhook</th><th scope="col">Event</th><th scope="col">Receiver's status</th><th scope="col">Payload</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead><tbody>{rows}</tbody></table></div>"#
            )
        },
    );
    page("Webhooks", "/webhooks", &notice, &body)
}

pub(super) async fn resend(
    State(state): State<AppState>,
    Path((hook_id, log_id)): Path<(String, String)>,
    _form: ConsoleForm,
) -> Response {
    let Some(hook) = state.tenant.read(|store| store.hooks.iter().find(|h| h.id == hook_id).cloned()) else {
        return failed(WEBHOOKS, "console.not_found");
    };
    let Some(log) = state.deliveries.logs(&hook.id).into_iter().find(|l| l["id"] == log_id.as_str()) else {
        return failed(WEBHOOKS, "console.not_found");
    };
    let event = log["key"].as_str().unwrap_or_default().trim_start_matches("TriggerHook.").to_string();
    state.deliveries.enqueue(hook, &event, body_of(&log), state.clock.now_ms());
    done(WEBHOOKS, "resent")
}
