//! A token's claims as a two-column table; times (`exp`, `iat`, …) also shown as dates.

use leptos::prelude::*;
use serde_json::Value;

const TIME_CLAIMS: [&str; 6] = ["exp", "iat", "nbf", "auth_time", "updated_at", "created_at"];

fn show(name: &str, value: &Value) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match value.as_f64().filter(|_| TIME_CLAIMS.contains(&name)) {
        Some(n) => {
            // Logto's `created_at`/`updated_at` are in ms; JWT times in seconds.
            let ms = if n > 1e11 { n } else { n * 1000.0 };
            let date = js_sys::Date::new(&ms.into()).to_iso_string();
            format!("{text} ({})", String::from(date))
        }
        None => text,
    }
}

#[component]
pub fn ClaimsTable(caption: String, claims: Value, #[prop(into)] testid: String) -> impl IntoView {
    let rows: Vec<(String, String)> =
        claims.as_object().map(|o| o.iter().map(|(k, v)| (k.clone(), show(k, v))).collect()).unwrap_or_default();
    view! {
        <table class="claims" data-testid=testid>
            <caption>{caption}</caption>
            <thead><tr><th scope="col">"Claim"</th><th scope="col">"Value"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|(k, v)| view! { <tr><th scope="row">{k}</th><td>{v}</td></tr> }).collect_view()}
            </tbody>
        </table>
    }
}
