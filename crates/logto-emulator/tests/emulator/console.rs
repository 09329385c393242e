//! The console (issue 28), over HTTP as a browser uses it: every page renders under its strict
//! CSP; a form changes the tenant through the same Management API call as outside (the hook
//! fires, the data file keeps it); forms from elsewhere or without the page's token are refused;
//! tenant text is escaped; tokens are decoded and judged; `--no-control` removes it all.

use logto_emulator::state::Options;
use logto_emulator::RunningEmulator;
use serde_json::json;

use crate::hooks::{receiver, until};

const CONSOLE: &str = "/_emulator/console";

fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn page(emu: &RunningEmulator, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let r = browser().get(format!("{}{CONSOLE}{path}", emu.endpoint)).send().await.unwrap();
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    (status, headers, r.text().await.unwrap())
}

/// The forms' token, read from a page as the browser has it.
fn csrf(html: &str) -> String {
    let start = html.find(r#"name="csrf" value=""#).expect("a form on the page") + r#"name="csrf" value=""#.len();
    html[start..].split('"').next().unwrap().to_string()
}

async fn post(emu: &RunningEmulator, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let r =
        browser().post(format!("{}{CONSOLE}{path}", emu.endpoint)).header("sec-fetch-site", "same-origin").form(form);
    r.send().await.unwrap()
}

fn user_id(emu: &RunningEmulator, name: &str) -> String {
    emu.state.tenant.read(|s| s.user_by_identifier(name).unwrap().id.clone())
}

#[tokio::test]
async fn every_page_renders_under_a_strict_csp() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let alice = user_id(&emu, "alice");
    for path in [
        "",
        "/users",
        "/users?q=ali&page=1",
        &format!("/users/{alice}"),
        "/organizations",
        "/organizations/acmeorg00001",
        "/applications",
        "/applications/spa4topusers000000001",
        "/resources",
        "/sessions",
        "/tokens",
        "/webhooks",
        "/outbox",
        "/requests?status=2xx",
        "/controls",
    ] {
        let (status, headers, html) = page(&emu, path).await;
        assert_eq!(status, 200, "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!html.contains("<script>") && !html.contains(" on"), "{path}: no inline script or handler");
        assert!(html.contains("<h1>"), "{path}");
    }
    // A browser opening /_emulator/ lands on the console; a program still gets the JSON index.
    let r = browser().get(format!("{}/_emulator/", emu.endpoint)).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, CONSOLE));
    let r = browser().get(format!("{}/_emulator", emu.endpoint)).header("accept", "text/html").send().await.unwrap();
    assert_eq!(r.status(), 303);
    let index: serde_json::Value =
        browser().get(format!("{}/_emulator", emu.endpoint)).send().await.unwrap().json().await.unwrap();
    assert!(index["POST /_emulator/reset"].is_string());
}

/// A change in the console is the Management API's `PATCH /api/users/{id}`: the webhook fires
/// with Logto's payload, and the data file keeps the change.
#[tokio::test]
async fn a_console_edit_fires_the_webhook_and_persists() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("emulator.db");
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).data_file(&file).spawn().await.unwrap();
    let (url, inbox) = receiver(None).await;
    let hook = json!({"name": "console-test", "events": ["User.Data.Updated"], "url": url, "signingKey": "k-123"});
    let r = reqwest::Client::new().post(format!("{}/_emulator/hooks", emu.endpoint)).json(&hook).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let bob = user_id(&emu, "bob");
    let (_, _, html) = page(&emu, &format!("/users/{bob}")).await;
    let token = csrf(&html);
    let r = post(
        &emu,
        &format!("/users/{bob}/profile"),
        &[("csrf", &token), ("name", "Bob Renamed"), ("primaryEmail", "bob@example.com"), ("avatar", "")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().ends_with("?done=saved"));
    until("the webhook delivery", || !inbox.lock().unwrap().is_empty()).await;
    let (headers, body) = inbox.lock().unwrap()[0].clone();
    let payload: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (payload["event"].as_str(), payload["data"]["name"].as_str()),
        (Some("User.Data.Updated"), Some("Bob Renamed"))
    );
    assert_eq!(payload["matchedRoute"], "/users/:userId");
    assert!(headers.contains_key("logto-signature-sha-256"));
    // The delivery is on the webhooks page with the signature it was sent with.
    let signature = headers["logto-signature-sha-256"].to_str().unwrap().to_string();
    let (_, _, html) = page(&emu, "/webhooks").await;
    assert!(html.contains(&signature) && html.contains("User.Data.Updated"));
    drop(emu);
    let again = logto_emulator::Emulator::new(&demo_tenant::seed()).data_file(&file).spawn().await.unwrap();
    let name = again.state.tenant.read(|s| s.user(&bob).unwrap().name.clone());
    assert_eq!(name.as_deref(), Some("Bob Renamed"), "the data file kept it");
}

#[tokio::test]
async fn forms_from_elsewhere_or_without_the_token_are_refused() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let bob = user_id(&emu, "bob");
    let path = format!("{}{CONSOLE}/users/{bob}/delete", emu.endpoint);
    let (_, _, html) = page(&emu, "/users").await;
    let token = csrf(&html);
    let no_token = browser().post(&path).form(&[("x", "1")]).send().await.unwrap();
    let wrong = browser().post(&path).form(&[("csrf", "guess")]).send().await.unwrap();
    let cross =
        browser().post(&path).header("sec-fetch-site", "cross-site").form(&[("csrf", &token)]).send().await.unwrap();
    let other_origin =
        browser().post(&path).header("origin", "http://evil.example").form(&[("csrf", &token)]).send().await.unwrap();
    for r in [no_token, wrong, cross, other_origin] {
        assert_eq!(r.status(), 403);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["code"], "console.form_refused");
    }
    assert!(emu.state.tenant.read(|s| s.user(&bob).is_some()), "nobody was deleted");
    // The console's own form goes through, and asks first in the browser (data-confirm).
    let (_, _, html) = page(&emu, &format!("/users/{bob}")).await;
    assert!(html.contains("data-confirm=\"Delete this user? This cannot be undone.\""));
    let r = post(&emu, &format!("/users/{bob}/delete"), &[("csrf", &token)]).await;
    assert_eq!(r.headers()["location"].to_str().unwrap(), format!("{CONSOLE}/users?done=deleted"));
    assert!(emu.state.tenant.read(|s| s.user(&bob).is_none()));
}

#[tokio::test]
async fn tenant_text_is_escaped_and_refusals_show_logtos_code() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let (_, _, html) = page(&emu, "/users").await;
    let token = csrf(&html);
    let r =
        post(&emu, "/users", &[("csrf", &token), ("username", "console_made"), ("name", "<script>alert(1)</script>")])
            .await;
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.ends_with("?done=created"), "{location}");
    let (_, _, html) = page(&emu, location.trim_start_matches(CONSOLE)).await;
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script>alert"));
    // A taken username: Logto's 422, shown by its code; nothing is echoed from the request.
    let r = post(&emu, "/users", &[("csrf", &token), ("username", "alice")]).await;
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert!(location.ends_with("?error=user.username_already_in_use"), "{location}");
    let (_, _, html) = page(&emu, "/users?error=user.username_already_in_use").await;
    assert!(html.contains("That username is another user&#39;s.") || html.contains("That username is another user's."));
    let (_, _, html) = page(&emu, "/users?error=%3Cb%3Ehi").await;
    assert!(!html.contains("<b>hi") && !html.contains("&lt;b&gt;hi"), "an unknown code is not shown");
}

#[tokio::test]
async fn tokens_are_decoded_and_judged_and_grants_revoked() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let signed_in = demo_tenant::sign_in(
        &emu.endpoint,
        "alice",
        demo_tenant::DEMO_PASSWORD,
        "openid offline_access read:top-users",
        Some(demo_tenant::API_RESOURCE),
    )
    .await
    .unwrap();
    let (_, _, html) = page(&emu, "/tokens").await;
    let token = csrf(&html);
    let judge = |value: String| {
        let (emu, token) = (&emu, token.clone());
        async move { post(emu, "/tokens", &[("csrf", &token), ("token", &value)]).await.text().await.unwrap() }
    };
    let html = judge(signed_in.access_token().to_string()).await;
    assert!(html.contains("would accept this access token now") && html.contains("read:top-users"), "{html}");
    let html = judge(signed_in.refresh_token().to_string()).await;
    assert!(html.contains("A live refresh token of"), "{html}");
    let html = judge(signed_in.id_token().to_string()).await;
    assert!(html.contains("would refuse this token now") && html.contains("not an access token"));
    let html = judge("not-a-token".into()).await;
    assert!(html.contains("knows no live token"));
    // An hour and a bit later the access token has expired.
    emu.state.clock.advance_ms(3_700_000);
    let html = judge(signed_in.access_token().to_string()).await;
    assert!(html.contains("would refuse") && html.contains("expired"));

    // The grant is listed (with a hint of its refresh token, never the value) and revoked.
    let (_, _, html) = page(&emu, "/sessions").await;
    assert!(!html.contains(signed_in.refresh_token()), "no token value on the page");
    let grant = html.split("/_emulator/console/grants/").nth(1).unwrap().split('/').next().unwrap().to_string();
    let r = post(&emu, &format!("/grants/{grant}/revoke"), &[("csrf", &token)]).await;
    assert!(r.headers()["location"].to_str().unwrap().ends_with("?done=revoked"));
    let (status, body) = crate::helpers::refresh(&emu.endpoint, signed_in.refresh_token(), &[]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn no_control_serves_no_console() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed())
        .options(Options { control: false, ..Options::default() })
        .spawn()
        .await
        .unwrap();
    for path in [CONSOLE, "/_emulator/", "/_emulator/reset"] {
        let r = browser().get(format!("{}{path}", emu.endpoint)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
}
