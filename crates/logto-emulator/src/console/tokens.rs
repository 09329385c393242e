//! Decode a token: paste any token; see a JWT's header and claims, checked as the emulator checks
//! them now (signature by `kid`, issuer, expiry on the emulator's clock, audience, subject), or
//! what the emulator knows of an opaque one (introspection, personal access tokens). The token is
//! posted, never put in a URL, and the answer is not kept.

use axum::extract::{Query, State};
use axum::response::Response;
use axum::Extension;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

use super::form::ConsoleForm;
use super::html::{csrf, esc, json_block, page, time, Notice};
use super::Console;
use crate::seed::MANAGEMENT_API_INDICATOR;
use crate::state::AppState;

const TOKENS: &str = "/_emulator/console/tokens";

fn form(console: &Console) -> String {
    format!(
        r#"<form method="post" action="{TOKENS}" class="stack">{}<label for="token">A token (JWT, opaque access or refresh token, personal access token)</label>
<textarea id="token" name="token" rows="5" required spellcheck="false" autocomplete="off"></textarea><button type="submit">Decode</button></form>"#,
        csrf(console)
    )
}

pub(super) async fn index(Extension(console): Extension<Console>, Query(notice): Query<Notice>) -> Response {
    page("Decode a token", "/tokens", &notice, &form(&console))
}

pub(super) async fn decode(
    State(state): State<AppState>,
    Extension(console): Extension<Console>,
    form_data: ConsoleForm,
) -> Response {
    let token = form_data.get("token").unwrap_or_default();
    let result = if token.split('.').count() == 3 { jwt(&state, token) } else { opaque(&state, token) };
    let body = format!(
        r#"{}<section class="card" aria-labelledby="result"><h2 id="result">What it is</h2>{result}</section>"#,
        form(&console)
    );
    page("Decode a token", "/tokens", &Notice::default(), &body)
}

/// One check's line: passed or not, and why.
fn check(ok: bool, text: &str) -> String {
    let (class, word) = if ok { ("ok", "Passes") } else { ("bad", "Fails") };
    format!(r#"<li class="{class}"><strong>{word}:</strong> {text}</li>"#)
}

fn part(segment: &str) -> Option<Value> {
    serde_json::from_slice::<Value>(&URL_SAFE_NO_PAD.decode(segment).ok()?).ok().filter(Value::is_object)
}

fn jwt(state: &AppState, token: &str) -> String {
    let segments: Vec<&str> = token.split('.').collect();
    let (Some(header), Some(claims)) = (part(segments[0]), part(segments[1])) else {
        return r#"<p class="alert">This is not a JWT: its header or claims are not base64url JSON.</p>"#.into();
    };
    let now = state.clock.now_secs();
    let mut checks = Vec::new();
    let key = header["kid"].as_str().and_then(|kid| state.key_for(kid));
    let signature = URL_SAFE_NO_PAD.decode(segments[2]).unwrap_or_default();
    let signing_input = &token[..segments[0].len() + 1 + segments[1].len()];
    let signed =
        header["alg"] == "ES384" && key.as_ref().is_some_and(|k| k.verify(signing_input.as_bytes(), &signature));
    checks.push(check(
        signed,
        if signed {
            "signed with one of the emulator's keys (ES384, by its kid)"
        } else if key.is_none() {
            "no key of the emulator has this kid (another issuer's token, or a key from before a reset)"
        } else {
            "the signature does not match"
        },
    ));
    let iss_ok = claims["iss"] == state.issuer.as_str();
    checks.push(check(iss_ok, &format!("issuer {}", esc(&state.issuer))));
    match claims["exp"].as_i64() {
        Some(exp) if exp > now => {
            checks.push(check(true, &format!("expires in {} s ({})", exp - now, time(exp * 1000))))
        }
        Some(exp) => checks.push(check(false, &format!("expired {} s ago ({})", now - exp, time(exp * 1000)))),
        None => checks.push(check(false, "no expiry (exp)")),
    }
    let typ = header["typ"].as_str().unwrap_or("").to_ascii_lowercase();
    let access = typ == "at+jwt" || typ == "application/at+jwt";
    checks.push(check(
        access,
        if access {
            "an access token (typ at+jwt)"
        } else {
            "not an access token: an ID token, or another issuer's JWT"
        },
    ));
    let aud = claims["aud"].as_str().unwrap_or_default().to_string();
    let (aud_ok, aud_text) = state.tenant.read(|store| {
        if aud == MANAGEMENT_API_INDICATOR {
            (true, "for the Management API".to_string())
        } else if let Some(org) = aud.strip_prefix("urn:logto:organization:") {
            match store.organization(org) {
                Some(o) => (true, format!("for the organization {}", esc(&o.name))),
                None => (false, "for an organization the tenant does not have".into()),
            }
        } else if let Some(r) = store.resource(&aud) {
            (true, format!("for the API resource {}", esc(&r.name)))
        } else if store.applications.contains_key(&aud) {
            (true, "for an application (an ID token's audience)".into())
        } else {
            (false, "for an audience the tenant does not know".into())
        }
    });
    checks.push(check(aud_ok, &aud_text));
    let sub = claims["sub"].as_str().unwrap_or_default().to_string();
    let (sub_ok, sub_text) = state.tenant.read(|store| match store.user(&sub) {
        Some(u) if u.is_suspended => (false, format!("the subject {} is suspended", esc(super::users::label(u)))),
        Some(u) => (true, format!("the subject is the user {}", super::users::link(u))),
        None if store.applications.contains_key(&sub) => (true, "the subject is an application".into()),
        None => (false, "the subject is neither a user nor an application of the tenant".into()),
    });
    checks.push(check(sub_ok, &sub_text));
    let accepted = signed && iss_ok && access && aud_ok && sub_ok && claims["exp"].as_i64().is_some_and(|e| e > now);
    let verdict = if accepted {
        r#"<p class="notice" role="status">The emulator would accept this access token now.</p>"#
    } else {
        r#"<p class="alert" role="status">The emulator would refuse this token now.</p>"#
    };
    format!(
        r#"{verdict}<ul class="checks">{}</ul><h3>Header</h3>{}<h3>Claims</h3>{}"#,
        checks.concat(),
        json_block(&header),
        json_block(&claims)
    )
}

fn opaque(state: &AppState, token: &str) -> String {
    let now = state.clock.now_secs();
    if let Some(owner) = state.tenant.personal_access_token_owner(token, state.clock.now_ms()) {
        let who = state.tenant.read(|s| s.user(&owner).map(super::users::link)).unwrap_or_else(|| esc(&owner));
        return format!(
            r#"<p class="notice" role="status">A live personal access token of {who}: the token-exchange grant accepts it.</p>"#
        );
    }
    match state.tenant.introspect(token, now) {
        Some(found) => {
            let who = state.tenant.read(|s| s.user(&found.sub).map(super::users::link)).unwrap_or_else(|| esc(&found.sub));
            let kind = if found.access_token { "opaque access token (for /oidc/me)" } else { "refresh token" };
            let actor = found.actor.map(|a| format!(", with <code>{}</code> acting", esc(&a))).unwrap_or_default();
            format!(
                r#"<p class="notice" role="status">A live {kind} of {who}{actor}: the emulator would accept it now.</p><dl><dt>Client</dt><dd><code>{}</code></dd><dt>Scopes</dt><dd>{}</dd><dt>Issued</dt><dd>{}</dd><dt>Expires</dt><dd>{}</dd></dl>"#,
                esc(&found.client_id),
                esc(&found.scope),
                time(found.iat * 1000),
                time(found.exp * 1000)
            )
        }
        None => r#"<p class="alert" role="status">The emulator knows no live token with this value: unknown, expired, used or revoked.</p>"#.into(),
    }
}
