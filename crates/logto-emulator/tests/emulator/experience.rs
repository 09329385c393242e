//! Logto's Experience API (issue 29), driven as Logto's own sign-in app and its integration suite
//! drive it (recorded, `tests/fidelity/samples/40a`–`40h`; `packages/core/src/routes/experience/`,
//! `middleware/koa-auto-consent.ts`): `/oidc/auth` → cookie → event → password verification →
//! identification → submit → resume → consent → resume → code; and each refusal on the way.

use logto_emulator::state::Options;
use logto_emulator::RunningEmulator;
use serde_json::{json, Value};

/// A browser without a cookie store of its own: the test carries `_interaction` and `_session`.
struct Browser {
    endpoint: String,
    http: reqwest::Client,
    cookies: Vec<(String, String)>,
}

impl Browser {
    fn new(emu: &RunningEmulator) -> Self {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { endpoint: emu.endpoint.clone(), http, cookies: vec![] }
    }
    fn keep(&mut self, response: &reqwest::Response) {
        for set in response.headers().get_all("set-cookie") {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != name);
            if !value.is_empty() {
                self.cookies.push((name.to_string(), value.to_string()));
            }
        }
    }
    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; ")
    }
    async fn get(&mut self, url: &str) -> (u16, String) {
        let r = self.http.get(url).header("cookie", self.cookie_header()).send().await.unwrap();
        self.keep(&r);
        let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
        (r.status().as_u16(), location)
    }
    async fn api(&mut self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut r = self
            .http
            .request(method, format!("{}/api/experience{path}", self.endpoint))
            .header("cookie", self.cookie_header());
        if let Some(body) = body {
            r = r.json(&body);
        }
        let r = r.send().await.unwrap();
        self.keep(&r);
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }
}

const VERIFIER: &str = "a-code-verifier-that-is-long-enough-for-pkce-0123456789";

fn challenge() -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(VERIFIER.as_bytes()))
}

async fn testing_emulator() -> RunningEmulator {
    logto_emulator::Emulator::new(&demo_tenant::seed())
        .options(Options { integration_test: true, ..Options::default() })
        .spawn()
        .await
        .unwrap()
}

async fn start(browser: &mut Browser) {
    let url = format!(
        "{e}/oidc/auth?client_id=demo-app&redirect_uri={e}/demo-app&response_type=code&scope=openid%20offline_access&state=s1&code_challenge={c}&code_challenge_method=S256",
        e = browser.endpoint,
        c = challenge()
    );
    let (status, location) = browser.get(&url).await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/sign-in"), "{location}");
    assert!(browser.cookie_header().contains("_interaction="), "the interaction cookie");
}

#[tokio::test]
async fn a_password_sign_in_through_the_experience_api_ends_with_a_code() {
    let emu = testing_emulator().await;
    let mut browser = Browser::new(&emu);
    start(&mut browser).await;
    let (status, _) = browser.api(reqwest::Method::PUT, "", Some(json!({"interactionEvent": "SignIn"}))).await;
    assert_eq!(status, 204);
    let password =
        json!({"identifier": {"type": "username", "value": "alice"}, "password": demo_tenant::DEMO_PASSWORD});
    let (status, body) = browser.api(reqwest::Method::POST, "/verification/password", Some(password)).await;
    assert_eq!(status, 200, "{body}");
    let verification = body["verificationId"].as_str().unwrap().to_string();
    let (status, _) =
        browser.api(reqwest::Method::POST, "/identification", Some(json!({"verificationId": verification}))).await;
    assert_eq!(status, 204);
    let (status, body) = browser.api(reqwest::Method::POST, "/submit", None).await;
    assert_eq!(status, 200);
    let resume = body["redirectTo"].as_str().unwrap().to_string();
    assert!(resume.starts_with(&format!("{}/oidc/auth/", emu.endpoint)), "{resume}");

    // The first resume opens the session and asks for consent; first-party apps consent at once.
    let (status, location) = browser.get(&resume).await;
    assert_eq!((status, location.as_str()), (303, "/consent?app_id=demo-app"));
    assert!(browser.cookie_header().contains("_session.sig="));
    let (status, location) = browser.get(&format!("{}/consent", emu.endpoint)).await;
    assert_eq!((status, location.as_str()), (303, resume.as_str()));
    let (status, location) = browser.get(&resume).await;
    assert_eq!(status, 303);
    let callback = url::Url::parse(&location).unwrap();
    assert_eq!(callback.path(), "/demo-app");
    let code = callback.query_pairs().find(|(k, _)| k == "code").unwrap().1.to_string();
    let (status, _, tokens) = crate::helpers::post_token(
        &emu.endpoint,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "demo-app"),
            ("code", &code),
            ("redirect_uri", &format!("{}/demo-app", emu.endpoint)),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    let alice = emu.state.tenant.read(|s| s.user_by_identifier("alice").unwrap().id.clone());
    assert_eq!(crate::helpers::claims(tokens["id_token"].as_str().unwrap())["sub"], alice.as_str());
    // The interaction is used up.
    assert_eq!(browser.get(&resume).await.0, 404);
}

#[tokio::test]
async fn the_experience_api_refuses_as_logto_does() {
    let emu = testing_emulator().await;
    let mut browser = Browser::new(&emu);
    // No interaction cookie.
    let (status, body) = browser.api(reqwest::Method::PUT, "", Some(json!({"interactionEvent": "SignIn"}))).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("session.not_found")));
    start(&mut browser).await;
    browser.api(reqwest::Method::PUT, "", Some(json!({"interactionEvent": "SignIn"}))).await;
    let (status, _) = browser.api(reqwest::Method::PUT, "", Some(json!({"interactionEvent": "Sometimes"}))).await;
    assert_eq!(status, 400);
    // Wrong password and unknown user alike: 422 session.invalid_credentials.
    for (who, password) in [("alice", "wrong"), ("nobody", "x")] {
        let body = json!({"identifier": {"type": "username", "value": who}, "password": password});
        let (status, body) = browser.api(reqwest::Method::POST, "/verification/password", Some(body)).await;
        assert_eq!((status, body["code"].as_str()), (422, Some("session.invalid_credentials")));
    }
    let (status, body) =
        browser.api(reqwest::Method::POST, "/identification", Some(json!({"verificationId": "nope"}))).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("session.verification_session_not_found")));
    let (status, body) = browser.api(reqwest::Method::POST, "/submit", None).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("session.identifier_not_found")));
    // A suspended user: 401 user.suspended.
    let bob = emu.state.tenant.read(|s| s.user_by_identifier("bob").unwrap().id.clone());
    emu.state.tenant.set_user_suspended(&bob, true, 0).unwrap();
    let body = json!({"identifier": {"type": "username", "value": "bob"}, "password": demo_tenant::DEMO_PASSWORD});
    let (status, body) = browser.api(reqwest::Method::POST, "/verification/password", Some(body)).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("user.suspended")));
    // A resume before the submit goes back to the sign-in.
    let uid = browser.cookies.iter().find(|(n, _)| n == "_interaction").unwrap().1.clone();
    let (status, location) = browser.get(&format!("{}/oidc/auth/{uid}", emu.endpoint)).await;
    assert_eq!((status, location), (303, format!("/sign-in?interaction={uid}")));
    // A forged session signature is no session.
    browser.cookies.push(("_session".into(), "made-up".into()));
    browser.cookies.push(("_session.sig".into(), "forged".into()));
    let (status, _) = browser.get(&format!("{}/consent", emu.endpoint)).await;
    assert_eq!(status, 400, "no signed-in interaction to consent to");
}

#[tokio::test]
async fn demo_app_exists_only_in_the_integration_test_mode() {
    let testing = testing_emulator().await;
    assert!(testing.state.tenant.read(|s| s.applications.contains_key("demo-app")));
    let plain = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    assert!(plain.state.tenant.read(|s| !s.applications.contains_key("demo-app")));
}

/// The admin API of the emulator, for the registration tests.
async fn admin(emu: &RunningEmulator) -> crate::helpers::Api<'_> {
    crate::helpers::Api::new(emu).await
}

#[tokio::test]
async fn registering_makes_the_account_with_the_default_roles_and_fires_the_hooks() {
    // Logto's `role.is-default` and `hook.stats` tests register this way.
    let emu = testing_emulator().await;
    let api = admin(&emu).await;
    let default_role = api
        .ok(reqwest::Method::POST, "/roles", Some(json!({"name": "starter", "description": "d", "isDefault": true})))
        .await;
    assert_eq!(default_role["isDefault"], true);
    let hook = api
        .ok(
            reqwest::Method::POST,
            "/hooks",
            Some(json!({"event": "PostRegister", "config": {"url": "http://127.0.0.1:9/", "retries": 2}})),
        )
        .await;
    assert_eq!((hook["event"].as_str(), hook["config"]["retries"].as_u64()), (Some("PostRegister"), Some(2)));

    // With a new-password-identity record: 201 at identification, then PostRegister on submit.
    let mut browser = Browser::new(&emu);
    start(&mut browser).await;
    browser.api(reqwest::Method::PUT, "", Some(json!({"interactionEvent": "Register"}))).await;
    let taken = json!({"identifier": {"type": "username", "value": "alice"}, "password": "a-fine-Passw0rd"});
    let (status, body) = browser.api(reqwest::Method::POST, "/verification/new-password-identity", Some(taken)).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("user.username_already_in_use")));
    let weak = json!({"identifier": {"type": "username", "value": "newbie"}, "password": "123"});
    let (status, body) = browser.api(reqwest::Method::POST, "/verification/new-password-identity", Some(weak)).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("password.rejected")));
    let good = json!({"identifier": {"type": "username", "value": "newbie"}, "password": "a-fine-Passw0rd"});
    let (_, body) = browser.api(reqwest::Method::POST, "/verification/new-password-identity", Some(good)).await;
    let (status, _) = browser
        .api(reqwest::Method::POST, "/identification", Some(json!({"verificationId": body["verificationId"]})))
        .await;
    assert_eq!(status, 201);
    let newbie = emu.state.tenant.read(|s| s.user_by_identifier("newbie").cloned()).expect("the account");
    assert_eq!(newbie.role_ids, vec![default_role["id"].as_str().unwrap().to_string()]);
    assert!(newbie.password_matches("a-fine-Passw0rd"));
    let (status, body) = browser.api(reqwest::Method::POST, "/submit", None).await;
    assert_eq!(status, 200, "{body}");
    let hook_id = hook["id"].as_str().unwrap();
    let logs = api.hook_logs(&format!("/hooks/{hook_id}/recent-logs?logKey=TriggerHook.PostRegister")).await;
    assert_eq!(logs.as_array().map(Vec::len), Some(1), "the legacy `event` hook got PostRegister");
    let none = api
        .ok(reqwest::Method::GET, &format!("/hooks/{hook_id}/recent-logs?logKey=TriggerHook.PostSignIn"), None)
        .await;
    assert_eq!(none, json!([]));
    let with_stats = api.ok(reqwest::Method::GET, &format!("/hooks/{hook_id}?includeExecutionStats=true"), None).await;
    assert_eq!(with_stats["executionStats"]["requestCount"], 1);

    // From the profile, without a verification record.
    let mut browser = Browser::new(&emu);
    start(&mut browser).await;
    browser.api(reqwest::Method::PUT, "", Some(json!({"interactionEvent": "Register"}))).await;
    let (status, body) = browser.api(reqwest::Method::POST, "/identification", Some(json!({}))).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("user.missing_profile")));
    for (kind, value) in [("username", "profiler"), ("password", "another-Passw0rd")] {
        let (status, _) =
            browser.api(reqwest::Method::POST, "/profile", Some(json!({"type": kind, "value": value}))).await;
        assert_eq!(status, 204);
    }
    let (status, _) = browser.api(reqwest::Method::POST, "/identification", Some(json!({}))).await;
    assert_eq!(status, 201);
    assert!(emu
        .state
        .tenant
        .read(|s| s.user_by_identifier("profiler").is_some_and(|u| u.password_matches("another-Passw0rd"))));

    // A sign-in-only experience refuses registering: 403 auth.forbidden.
    api.ok(reqwest::Method::PATCH, "/sign-in-exp", Some(json!({"signInMode": "SignIn"}))).await;
    let mut browser = Browser::new(&emu);
    start(&mut browser).await;
    let (status, body) = browser.api(reqwest::Method::PUT, "", Some(json!({"interactionEvent": "Register"}))).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("auth.forbidden")));
}
