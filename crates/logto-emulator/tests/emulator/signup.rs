//! Sign-up on the emulator's page (issue 24), as Logto 1.42's sign-in experience with email sign-up
//! and verification runs it over the Experience API (`packages/core/src/routes/experience/`;
//! recorded in `tests/fidelity/org-admin/407-421`): `first_screen=register` and `login_hint` open
//! the form with the email filled in, the password policy refuses in words, the code goes to the
//! outbox as Logto's `Register` message, a wrong code is refused, the right one makes a real user
//! (`User.Created` with `interactionEvent: "Register"`, then `PostRegister`), signed in and sent
//! back to the app with a code. A password sign-in fires `PostSignIn`.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use demo_tenant::{mint_admin_token, SPA_APP_ID, SPA_REDIRECT_URI};
use logto_emulator::{Emulator, RunningEmulator, Seed};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::hooks::{receiver, until, Inbox};

fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_string()
}

fn interaction_of(location: &str) -> String {
    let url = url::Url::parse(&format!("http://x{location}")).unwrap();
    url.query_pairs().find(|(k, _)| k == "interaction").unwrap().1.into_owned()
}

/// `/oidc/auth` for the SPA with `extra` parameters; the emulator's redirect.
async fn authorize(emu: &RunningEmulator, extra: &[(&str, &str)]) -> (String, String) {
    let verifier = "a-verifier-of-enough-length-for-pkce-0123456789";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let mut auth = url::Url::parse(&format!("{}/oidc/auth", emu.endpoint)).unwrap();
    auth.query_pairs_mut()
        .append_pair("client_id", SPA_APP_ID)
        .append_pair("redirect_uri", SPA_REDIRECT_URI)
        .append_pair("response_type", "code")
        .append_pair("scope", "openid offline_access profile email")
        .append_pair("prompt", "consent")
        .append_pair("state", "st4te")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .extend_pairs(extra);
    let r = browser().get(auth).send().await.unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    (location(&r), verifier.to_string())
}

async fn hooked(emu: &RunningEmulator, events: &[&str]) -> Inbox {
    let (url, inbox) = receiver(None).await;
    let token = mint_admin_token(&emu.endpoint).await.unwrap();
    let r = reqwest::Client::new()
        .post(format!("{}/api/hooks", emu.endpoint))
        .bearer_auth(token)
        .json(&json!({"name": "signup", "events": events, "config": {"url": url}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    inbox
}

async fn post_form(emu: &RunningEmulator, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    browser().post(format!("{}{path}", emu.endpoint)).form(form).send().await.unwrap()
}

async fn outbox(emu: &RunningEmulator, to: &str) -> Vec<Value> {
    let r = reqwest::get(format!("{}/_emulator/outbox?to={to}", emu.endpoint)).await.unwrap();
    r.json::<Vec<Value>>().await.unwrap()
}

#[tokio::test]
async fn a_person_signs_up_with_the_code_from_the_outbox() {
    let emu = Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let inbox = hooked(&emu, &["User.Created", "PostRegister", "PostSignIn"]).await;
    let email = "nia@oa.example.com";

    // first_screen=register opens the form, the email filled in from login_hint (recorded 409).
    let (page, verifier) = authorize(&emu, &[("first_screen", "register"), ("login_hint", email)]).await;
    assert!(page.starts_with("/register?interaction="), "{page}");
    let uid = interaction_of(&page);
    let html = browser().get(format!("{}{page}", emu.endpoint)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"value="nia@oa.example.com""#), "{html}");

    // The policy refuses in words; nothing is sent.
    for (password, words) in [("short1", "too short"), ("password123", "well known"), ("nia-is-me-42", "email's name")]
    {
        let form = [("interaction", uid.as_str()), ("email", email), ("password", password), ("confirm", password)];
        let r = post_form(&emu, "/register", &form).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains(words), "{password}");
    }
    let mismatch = [("interaction", uid.as_str()), ("email", email), ("password", "a-good-one-77"), ("confirm", "x")];
    assert!(post_form(&emu, "/register", &mismatch).await.text().await.unwrap().contains("do not match"));
    assert!(outbox(&emu, email).await.is_empty());

    // A good password: the code goes out as Logto's Register message (recorded 412).
    let good = [
        ("interaction", uid.as_str()),
        ("email", email),
        ("password", "lighthouse-keeper-77"),
        ("confirm", "lighthouse-keeper-77"),
    ];
    let r = post_form(&emu, "/register", &good).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Verify your email"));
    let sent = outbox(&emu, email).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["type"], "Register");
    assert_eq!(sent[0]["payload"]["application"]["id"], SPA_APP_ID);
    assert_eq!(sent[0]["payload"]["locale"], "en");
    let code = sent[0]["payload"]["code"].as_str().unwrap().to_string();
    assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()), "{code}");

    // A wrong code is refused and the account not made (recorded 413).
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = post_form(&emu, "/register/verify", &[("interaction", uid.as_str()), ("code", wrong)]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("wrong"));
    assert!(emu.state.tenant.read(|s| s.user_by_identifier(email).is_none()));

    // The right code: a real user, signed in, back to the app with a code.
    let r = post_form(&emu, "/register/verify", &[("interaction", uid.as_str()), ("code", code.as_str())]).await;
    assert_eq!(r.status(), 303);
    let callback = location(&r);
    assert!(callback.starts_with(SPA_REDIRECT_URI) && callback.contains("state=st4te"), "{callback}");
    assert!(r.headers()["set-cookie"].to_str().unwrap().starts_with("_session="));
    let code = url::Url::parse(&callback).unwrap().query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    let tokens = reqwest::Client::new()
        .post(format!("{}/oidc/token", emu.endpoint))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", SPA_APP_ID),
            ("code", &code),
            ("code_verifier", &verifier),
            ("redirect_uri", SPA_REDIRECT_URI),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(tokens.status(), 200);
    let user = emu.state.tenant.read(|s| s.user_by_identifier(email).cloned()).expect("the user exists");
    assert!(user.last_sign_in_at.is_some() && user.username.is_none() && user.password.is_some());

    // The hooks a sign-up fires (recorded 420, 421), and no PostSignIn.
    until("two deliveries", || inbox.lock().unwrap().len() >= 2).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let bodies: Vec<Value> = inbox.lock().unwrap().iter().map(|(_, b)| serde_json::from_str(b).unwrap()).collect();
    let events: Vec<&str> = bodies.iter().map(|b| b["event"].as_str().unwrap()).collect();
    assert_eq!(events.len(), 2, "{events:?}");
    let created = bodies.iter().find(|b| b["event"] == "User.Created").unwrap();
    assert_eq!(created["interactionEvent"], "Register");
    assert_eq!(created["applicationId"], SPA_APP_ID);
    assert_eq!(created["data"]["primaryEmail"], email);
    assert!(created["data"].get("hasPassword").is_none());
    let registered = bodies.iter().find(|b| b["event"] == "PostRegister").unwrap();
    assert_eq!(registered["userId"], json!(user.id));
    assert_eq!(registered["user"]["lastSignInAt"], json!(user.last_sign_in_at));
    assert_eq!(registered["application"]["type"], "SPA");
    assert_ne!(registered["sessionId"], Value::Null);
}

#[tokio::test]
async fn sign_up_refusals_and_the_sign_in_hook() {
    let emu = Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let inbox = hooked(&emu, &["PostSignIn"]).await;

    // An email that has an account already (alice's): refused before any code goes out.
    let alice = emu.state.tenant.read(|s| s.user_by_identifier("alice").unwrap().primary_email.clone().unwrap());
    let (page, _) = authorize(&emu, &[("first_screen", "register")]).await;
    let uid = interaction_of(&page);
    let taken = [
        ("interaction", uid.as_str()),
        ("email", alice.as_str()),
        ("password", "lighthouse-keeper-77"),
        ("confirm", "lighthouse-keeper-77"),
    ];
    let r = post_form(&emu, "/register", &taken).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("existing account"));
    assert!(outbox(&emu, &alice).await.iter().all(|m| m["type"] != "Register"));
    let bad = [("interaction", uid.as_str()), ("email", "not-an-email"), ("password", "x"), ("confirm", "x")];
    assert!(post_form(&emu, "/register", &bad).await.text().await.unwrap().contains("valid email"));

    // A code for a request that is gone, and a request nobody made.
    let r = post_form(&emu, "/register/verify", &[("interaction", "nope"), ("code", "123456")]).await;
    assert_eq!(r.status(), 400);
    let r = post_form(
        &emu,
        "/register",
        &[("interaction", "nope"), ("email", "a@b.example"), ("password", "x"), ("confirm", "x")],
    )
    .await;
    assert_eq!(r.status(), 400);

    // Without first_screen the sign-in page comes first, with its link to the form.
    let (page, _) = authorize(&emu, &[("login_hint", "alice")]).await;
    assert!(page.starts_with("/sign-in?interaction="), "{page}");
    let html = browser().get(format!("{}{page}", emu.endpoint)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Create account") && html.contains(r#"value="alice""#), "{html}");

    // A password sign-in fires PostSignIn with interactionEvent SignIn.
    let uid = interaction_of(&page);
    let form = [("interaction", uid.as_str()), ("username", "alice"), ("password", demo_tenant::DEMO_PASSWORD)];
    assert_eq!(post_form(&emu, "/sign-in", &form).await.status(), 303);
    until("PostSignIn", || !inbox.lock().unwrap().is_empty()).await;
    let body: Value = serde_json::from_str(&inbox.lock().unwrap()[0].1).unwrap();
    assert_eq!((body["event"].as_str(), body["interactionEvent"].as_str()), (Some("PostSignIn"), Some("SignIn")));
    assert_eq!(body["user"]["username"], "alice");
}

#[tokio::test]
async fn a_tenant_without_sign_up_offers_none() {
    let mut seed: Seed = demo_tenant::seed();
    seed.sign_up = None;
    let emu = Emulator::new(&seed).spawn().await.unwrap();
    // first_screen=register falls back to the sign-in page, which has no link; the form is 404.
    let (page, _) = authorize(&emu, &[("first_screen", "register")]).await;
    assert!(page.starts_with("/sign-in?"), "{page}");
    let html = browser().get(format!("{}{page}", emu.endpoint)).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("Create account"));
    let r =
        browser().get(format!("{}/register?interaction={}", emu.endpoint, interaction_of(&page))).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

/// Organization just-in-time provisioning (`routes/organization/jit/`, `provisionByEmail`): the
/// routes keep email domains and default roles; a sign-up with a verified email of such a domain
/// joins the organization with those roles.
#[tokio::test]
async fn a_verified_sign_up_joins_the_organizations_provisioning_its_domain() {
    let emu = Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let token = mint_admin_token(&emu.endpoint).await.unwrap();
    let api = |method: reqwest::Method, path: &str, body: Option<Value>| {
        let mut r = reqwest::Client::new()
            .request(method, format!("{}/api/organizations/acmeorg00001{path}", emu.endpoint))
            .bearer_auth(&token);
        if let Some(body) = body {
            r = r.json(&body);
        }
        r.send()
    };
    let r = api(reqwest::Method::POST, "/jit/email-domains", Some(json!({"emailDomain": "JIT.example.com"})))
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.json::<Value>().await.unwrap()["emailDomain"], "jit.example.com");
    let again = api(reqwest::Method::POST, "/jit/email-domains", Some(json!({"emailDomain": "jit.example.com"})))
        .await
        .unwrap();
    assert_eq!(again.status(), 422);
    // Spaces alone are no domain, added or in a replacement (found by the fuzz: "\r").
    let blank = api(reqwest::Method::POST, "/jit/email-domains", Some(json!({"emailDomain": "\r"}))).await.unwrap();
    assert_eq!(blank.status(), 400);
    let blank = api(reqwest::Method::PUT, "/jit/email-domains", Some(json!({"emailDomains": [" "]}))).await.unwrap();
    assert_eq!(blank.status(), 400);
    let member_role = emu.state.tenant.read(|s| s.org_roles.iter().find(|r| r.name == "member").unwrap().id.clone());
    let r =
        api(reqwest::Method::POST, "/jit/roles", Some(json!({"organizationRoleIds": [member_role]}))).await.unwrap();
    assert_eq!(r.status(), 201);
    let r =
        api(reqwest::Method::POST, "/jit/roles", Some(json!({"organizationRoleIds": ["nosuchrole"]}))).await.unwrap();
    assert_eq!(r.status(), 422);
    let roles: Value = api(reqwest::Method::GET, "/jit/roles", None).await.unwrap().json().await.unwrap();
    assert_eq!(roles[0]["id"], member_role.as_str());
    assert_eq!(api(reqwest::Method::DELETE, "/jit/email-domains/other.example.com", None).await.unwrap().status(), 404);

    let email = "newcomer@jit.example.com";
    let (page, _) = authorize(&emu, &[("first_screen", "register")]).await;
    let uid = interaction_of(&page);
    let form = [
        ("interaction", uid.as_str()),
        ("email", email),
        ("password", "lighthouse-keeper-77"),
        ("confirm", "lighthouse-keeper-77"),
    ];
    assert_eq!(post_form(&emu, "/register", &form).await.status(), 200);
    let code = outbox(&emu, email).await[0]["payload"]["code"].as_str().unwrap().to_string();
    let r = post_form(&emu, "/register/verify", &[("interaction", uid.as_str()), ("code", code.as_str())]).await;
    assert_eq!(r.status(), 303);
    let joined = emu.state.tenant.read(|s| {
        let user = s.user_by_identifier(email).unwrap().id.clone();
        s.organization("acmeorg00001").unwrap().member(&user).map(|m| m.role_ids.clone())
    });
    assert_eq!(joined, Some(vec![member_role]), "joined with the JIT role");

    let r = api(reqwest::Method::PUT, "/jit/email-domains", Some(json!({"emailDomains": []}))).await.unwrap();
    assert_eq!(r.status(), 204);
    let domains: Value = api(reqwest::Method::GET, "/jit/email-domains", None).await.unwrap().json().await.unwrap();
    assert_eq!(domains, json!([]));
}
