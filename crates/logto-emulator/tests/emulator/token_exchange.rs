//! Subject tokens and the token-exchange grant (RFC 8693) as Logto 1.42 serves them (issue 27;
//! recorded in `tests/fidelity/token-exchange/`, steps 403–406 and 420–455;
//! `packages/core/src/routes/subject-token.ts` and `packages/core/src/oidc/grants/token-exchange/`).

use demo_tenant::{API_RESOURCE, DEMO_PASSWORD, SPA_APP_ID};
use logto_emulator::RunningEmulator;
use serde_json::{json, Value};

use crate::helpers::{jwt_parts, post_token};

const GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS: &str = "urn:ietf:params:oauth:token-type:access_token";
const ACME: &str = "acmeorg00001";
const GLOBEX: &str = "globex000001";

struct Api {
    endpoint: String,
    token: String,
}

impl Api {
    async fn new(emu: &RunningEmulator) -> Self {
        Api { endpoint: emu.endpoint.clone(), token: demo_tenant::mint_admin_token(&emu.endpoint).await.unwrap() }
    }
    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r =
            reqwest::Client::new().post(format!("{}/api{path}", self.endpoint)).bearer_auth(&self.token).json(&body);
        let r = r.send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }
    async fn subject_token(&self, user_id: &str) -> String {
        let (status, body) = self.post("/subject-tokens", json!({"userId": user_id})).await;
        assert_eq!(status, 201, "{body}");
        body["subjectToken"].as_str().unwrap().to_string()
    }
    /// An app allowed to exchange tokens; its id and (confidential apps) its secret.
    async fn exchanging_app(&self, app_type: &str) -> (String, Option<String>) {
        let body = json!({"name": "exchange", "type": app_type, "customClientMetadata": {"allowTokenExchange": true},
            "oidcClientMetadata": {"redirectUris": ["http://localhost:8480/cb"], "postLogoutRedirectUris": []}});
        let (status, app) = self.post("/applications", body).await;
        assert_eq!((status, &app["customClientMetadata"]), (200, &json!({"allowTokenExchange": true})), "{app}");
        let id = app["id"].as_str().unwrap().to_string();
        let r = reqwest::Client::new()
            .get(format!("{}/api/applications/{id}/secrets", self.endpoint))
            .bearer_auth(&self.token);
        let secrets: Value = r.send().await.unwrap().json().await.unwrap();
        (id, secrets[0]["value"].as_str().map(String::from))
    }
}

async fn exchange(emu: &RunningEmulator, form: &[(&str, &str)]) -> (u16, Value) {
    let (status, _, body) = post_token(&emu.endpoint, &[&[("grant_type", GRANT)], form].concat()).await;
    (status, body)
}

fn user(emu: &RunningEmulator, name: &str) -> String {
    emu.state.tenant.read(|s| s.user_by_identifier(name).unwrap().id.clone())
}

#[tokio::test]
async fn subject_tokens_are_made_and_exchanged_as_logto_does() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let alice = user(&emu, "alice");
    let (spa, _) = api.exchanging_app("SPA").await;

    // 420–423: the subject token, and its refusals.
    let (status, body) =
        api.post("/subject-tokens", json!({"userId": alice, "context": {"reason": "ticket 42"}})).await;
    assert_eq!((status, body["expiresIn"].as_i64()), (201, Some(600)), "{body}");
    let token = body["subjectToken"].as_str().unwrap();
    assert!(token.starts_with("sub_") && token.len() == 25, "{token}");
    let (status, body) = api.post("/subject-tokens", json!({"userId": "nosuchuser00"})).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("entity.relation_foreign_key_not_found")));
    assert_eq!(api.post("/subject-tokens", json!({})).await.0, 400);
    let r = reqwest::Client::new().post(format!("{}/api/subject-tokens", emu.endpoint)).json(&json!({"userId": alice}));
    assert_eq!(r.send().await.unwrap().status(), 401);

    // 430, 431: no resource: an opaque token, no refresh or ID token; used once.
    let subject = api.subject_token(&alice).await;
    let (status, body) =
        exchange(&emu, &[("client_id", &spa), ("subject_token", &subject), ("subject_token_type", ACCESS)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["scope"].as_str(), body["token_type"].as_str(), body["expires_in"].as_i64()),
        (Some(""), Some("Bearer"), Some(3600))
    );
    assert!(
        !body["access_token"].as_str().unwrap().contains('.')
            && body.get("refresh_token").is_none()
            && body.get("id_token").is_none()
    );
    let (status, body) =
        exchange(&emu, &[("client_id", &spa), ("subject_token", &subject), ("subject_token_type", ACCESS)]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));

    // 432: a resource: a JWT with the scopes alice holds among those asked, Logto's claims exactly.
    let subject = api.subject_token(&alice).await;
    let form = [
        ("client_id", spa.as_str()),
        ("subject_token", &subject),
        ("subject_token_type", ACCESS),
        ("resource", API_RESOURCE),
        ("scope", "read:top-users not:held"),
    ];
    let (status, body) = exchange(&emu, &form).await;
    assert_eq!(status, 200, "{body}");
    let (header, claims) = jwt_parts(body["access_token"].as_str().unwrap());
    assert_eq!(header["typ"], "at+jwt");
    let mut keys: Vec<&str> = claims.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["aud", "client_id", "exp", "iat", "iss", "jti", "scope", "sub"]);
    assert_eq!(
        (claims["sub"].as_str(), claims["client_id"].as_str(), claims["scope"].as_str()),
        (Some(alice.as_str()), Some(spa.as_str()), Some("read:top-users"))
    );

    // 433–435: organizations.
    let subject = api.subject_token(&alice).await;
    let form = [
        ("client_id", spa.as_str()),
        ("subject_token", &subject),
        ("subject_token_type", ACCESS),
        ("organization_id", ACME),
        ("scope", "read:members"),
    ];
    let (_, body) = exchange(&emu, &form).await;
    let claims = jwt_parts(body["access_token"].as_str().unwrap()).1;
    assert_eq!(
        (claims["aud"].as_str(), claims["scope"].as_str()),
        (Some("urn:logto:organization:acmeorg00001"), Some("read:members"))
    );
    let subject = api.subject_token(&alice).await;
    let form = [
        ("client_id", spa.as_str()),
        ("subject_token", &subject),
        ("subject_token_type", ACCESS),
        ("organization_id", ACME),
        ("resource", API_RESOURCE),
        ("scope", "read:top-users"),
    ];
    let claims = jwt_parts(exchange(&emu, &form).await.1["access_token"].as_str().unwrap()).1;
    assert_eq!((claims["aud"].as_str(), claims["organization_id"].as_str()), (Some(API_RESOURCE), Some(ACME)));
    let bob = api.subject_token(&user(&emu, "bob")).await;
    let (status, body) = exchange(
        &emu,
        &[("client_id", &spa), ("subject_token", &bob), ("subject_token_type", ACCESS), ("organization_id", GLOBEX)],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (403, Some("access_denied")));

    // 436: an app not allowed to exchange.
    let subject = api.subject_token(&alice).await;
    let (status, body) =
        exchange(&emu, &[("client_id", SPA_APP_ID), ("subject_token", &subject), ("subject_token_type", ACCESS)]).await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (400, Some("requested grant type is not allowed for this client"))
    );

    // 438, 440: a confidential app authenticates; the token is the user's, the client the app's.
    let (m2m, secret) = api.exchanging_app("MachineToMachine").await;
    let (status, body) =
        exchange(&emu, &[("client_id", &m2m), ("subject_token", &subject), ("subject_token_type", ACCESS)]).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));
    let form = [
        ("client_id", m2m.as_str()),
        ("client_secret", secret.as_deref().unwrap()),
        ("subject_token", &subject),
        ("subject_token_type", ACCESS),
        ("resource", API_RESOURCE),
    ];
    let (status, body) = exchange(&emu, &form).await;
    assert_eq!(status, 200, "{body}");
    let claims = jwt_parts(body["access_token"].as_str().unwrap()).1;
    assert_eq!((claims["sub"].as_str(), claims["client_id"].as_str()), (Some(alice.as_str()), Some(m2m.as_str())));
}

#[tokio::test]
async fn subject_and_actor_tokens_are_checked_and_the_actor_is_named() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let alice = user(&emu, "alice");
    let (spa, _) = api.exchanging_app("SPA").await;
    let grace = demo_tenant::sign_in(
        &emu.endpoint,
        "grace",
        DEMO_PASSWORD,
        "openid profile offline_access read:top-users",
        Some(API_RESOURCE),
    )
    .await
    .unwrap();
    let grace_id = user(&emu, "grace");

    // 443, 444, 445, 449, 449b, 450: the subject token's refusals.
    let base = |subject: &str| {
        vec![
            ("client_id", spa.clone()),
            ("subject_token", subject.to_string()),
            ("subject_token_type", ACCESS.to_string()),
        ]
    };
    let as_refs = |form: &Vec<(&'static str, String)>| form.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    for bad in ["sub_nosuchsubjecttoken000", "definitely-not-a-token", "a.b.c"] {
        let form = as_refs(&base(bad));
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(exchange(&emu, &form).await.1["error"], "invalid_grant", "{bad}");
    }
    let subject = api.subject_token(&alice).await;
    let (status, body) = exchange(
        &emu,
        &[
            ("client_id", &spa),
            ("subject_token", &subject),
            ("subject_token_type", "urn:ietf:params:oauth:token-type:id_token"),
        ],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    let (_, body) = exchange(&emu, &[("client_id", &spa), ("subject_token_type", ACCESS)]).await;
    assert_eq!(body["error_description"], "missing required parameter 'subject_token'");
    let subject = api.subject_token(&alice).await;
    let (_, body) = exchange(
        &emu,
        &[
            ("client_id", &spa),
            ("subject_token", &subject),
            ("subject_token_type", ACCESS),
            ("resource", "https://nosuch.example.com"),
        ],
    )
    .await;
    assert_eq!(body["error"], "invalid_target");
    let subject = api.subject_token(&alice).await;
    emu.state.clock.advance_ms(601_000);
    let (_, body) =
        exchange(&emu, &[("client_id", &spa), ("subject_token", &subject), ("subject_token_type", ACCESS)]).await;
    assert_eq!(body["error"], "invalid_grant", "subject tokens live 600 s");

    // 446, 448: an access token of this issuer is a subject token too (a JWT, an opaque one).
    let grace = demo_tenant::sign_in(
        &emu.endpoint,
        "grace",
        DEMO_PASSWORD,
        "openid profile offline_access read:top-users",
        Some(API_RESOURCE),
    )
    .await
    .unwrap_or(grace);
    for subject in [grace.access_token(), grace.opaque_access_token()] {
        let (status, body) = exchange(
            &emu,
            &[
                ("client_id", &spa),
                ("subject_token", subject),
                ("subject_token_type", ACCESS),
                ("resource", API_RESOURCE),
            ],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(jwt_parts(body["access_token"].as_str().unwrap()).1["sub"], json!(grace_id));
    }

    // 451: grace acts for alice: the JWT names her in `act`.
    let subject = api.subject_token(&alice).await;
    let form = [
        ("client_id", spa.as_str()),
        ("subject_token", &subject),
        ("subject_token_type", ACCESS),
        ("resource", API_RESOURCE),
        ("actor_token", grace.opaque_access_token()),
        ("actor_token_type", ACCESS),
    ];
    let (status, body) = exchange(&emu, &form).await;
    assert_eq!(status, 200, "{body}");
    let claims = jwt_parts(body["access_token"].as_str().unwrap()).1;
    assert_eq!((claims["sub"].as_str(), &claims["act"]), (Some(alice.as_str()), &json!({"sub": grace_id})));

    // 452, 499: without a resource the exchanged token is opaque, and introspection names the actor.
    let subject = api.subject_token(&alice).await;
    let form = [
        ("client_id", spa.as_str()),
        ("subject_token", &subject),
        ("subject_token_type", ACCESS),
        ("scope", "openid"),
        ("actor_token", grace.opaque_access_token()),
        ("actor_token_type", ACCESS),
    ];
    let (_, body) = exchange(&emu, &form).await;
    let opaque = body["access_token"].as_str().unwrap();
    let r = reqwest::Client::new()
        .post(format!("{}/oidc/token/introspection", emu.endpoint))
        .form(&[("client_id", spa.as_str()), ("token", opaque)])
        .send()
        .await
        .unwrap();
    let described: Value = r.json().await.unwrap();
    assert_eq!(
        (&described["sub"], &described["act"], &described["scope"]),
        (&json!(alice), &json!({"sub": grace_id}), &json!("openid"))
    );

    // 453–455: an actor token without openid, without its type, or a JWT: invalid_grant.
    let no_openid =
        demo_tenant::sign_in(&emu.endpoint, "grace", DEMO_PASSWORD, "profile offline_access", None).await.unwrap();
    for (actor, actor_type) in [
        (no_openid.opaque_access_token(), Some(ACCESS)),
        (grace.opaque_access_token(), None),
        (grace.access_token(), Some(ACCESS)),
    ] {
        let subject = api.subject_token(&alice).await;
        let mut form = vec![
            ("client_id", spa.as_str()),
            ("subject_token", &subject),
            ("subject_token_type", ACCESS),
            ("actor_token", actor),
        ];
        if let Some(t) = actor_type {
            form.push(("actor_token_type", t));
        }
        assert_eq!(exchange(&emu, &form).await.1["error"], "invalid_grant");
    }
}

/// 460–481: personal access tokens, and exchanging them.
#[tokio::test]
async fn personal_access_tokens_are_kept_exchanged_and_deleted() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let alice = user(&emu, "alice");
    let (spa, _) = api.exchanging_app("SPA").await;
    let path = format!("/users/{alice}/personal-access-tokens");
    let call = |method: reqwest::Method, path: String, body: Option<Value>| {
        let mut r =
            reqwest::Client::new().request(method, format!("{}/api{path}", emu.endpoint)).bearer_auth(&api.token);
        if let Some(body) = body {
            r = r.json(&body);
        }
        async move {
            let r = r.send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };

    // 460–464, 471: create, and its refusals.
    let (status, ci) = api.post(&path, json!({"name": "ci-token"})).await;
    assert_eq!((status, &ci["expiresAt"], &ci["userId"]), (201, &Value::Null, &json!(alice)), "{ci}");
    let value = ci["value"].as_str().unwrap().to_string();
    assert!(value.starts_with("pat_") && value.len() == 36, "{value}");
    let later = emu.state.clock.now_ms() + 3_600_000;
    assert_eq!(api.post(&path, json!({"name": "short-lived", "expiresAt": later})).await.0, 201);
    let (status, body) = api.post(&path, json!({"name": "ci-token"})).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("user.personal_access_token_name_exists")));
    let (status, body) = api.post(&path, json!({"name": "stale", "expiresAt": emu.state.clock.now_ms() - 1})).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (400, Some("Input is invalid. The value of `expiresAt` must be in the future."))
    );
    let (status, body) = api.post("/users/nosuchuser00/personal-access-tokens", json!({"name": "x"})).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("entity.relation_foreign_key_not_found")));
    assert_eq!(api.post(&path, json!({})).await.0, 400);

    // 465–469: list (values included, newest first), rename two ways.
    let (status, list) = call(reqwest::Method::GET, path.clone(), None).await;
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!((status, names), (200, vec!["short-lived", "ci-token"]));
    assert_eq!(list[1]["value"], json!(value));
    let (status, body) = call(reqwest::Method::GET, "/users/nosuchuser00/personal-access-tokens".into(), None).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("entity.not_found")));
    let (status, body) =
        call(reqwest::Method::PATCH, format!("{path}/short-lived"), Some(json!({"name": "short-lived-2"}))).await;
    assert_eq!((status, body["name"].as_str()), (200, Some("short-lived-2")));
    let (status, body) = call(
        reqwest::Method::PATCH,
        path.clone(),
        Some(json!({"currentName": "short-lived-2", "name": "short-lived-3"})),
    )
    .await;
    assert_eq!((status, body["name"].as_str()), (200, Some("short-lived-3")));
    let (status, body) =
        call(reqwest::Method::PATCH, format!("{path}/nosuchname"), Some(json!({"name": "whatever"}))).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("entity.not_exists")));

    // 472–476: exchanged, again and again; not as an access token; without a resource, opaque.
    const PAT: &str = "urn:logto:token-type:personal_access_token";
    for _ in 0..2 {
        let form = [
            ("client_id", spa.as_str()),
            ("subject_token", &value),
            ("subject_token_type", PAT),
            ("resource", API_RESOURCE),
            ("scope", "read:top-users"),
        ];
        let (status, body) = exchange(&emu, &form).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(jwt_parts(body["access_token"].as_str().unwrap()).1["sub"], json!(alice));
    }
    let (_, body) =
        exchange(&emu, &[("client_id", &spa), ("subject_token", &value), ("subject_token_type", ACCESS)]).await;
    assert_eq!(body["error"], "invalid_grant");
    let (_, body) = exchange(
        &emu,
        &[("client_id", &spa), ("subject_token", &value), ("subject_token_type", PAT), ("scope", "openid profile")],
    )
    .await;
    assert_eq!(
        (body["scope"].as_str(), body["access_token"].as_str().is_some_and(|t| !t.contains('.'))),
        (Some("openid profile"), true)
    );

    // 477–481: deleted by path and by body, then refused.
    assert_eq!(call(reqwest::Method::DELETE, format!("{path}/ci-token"), None).await.0, 204);
    let (status, body) = call(reqwest::Method::DELETE, format!("{path}/ci-token"), None).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("entity.not_found")));
    let (_, body) =
        exchange(&emu, &[("client_id", &spa), ("subject_token", &value), ("subject_token_type", PAT)]).await;
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(api.post(&format!("{path}/delete"), json!({"name": "short-lived-3"})).await.0, 204);
    assert_eq!(api.post(&format!("{path}/delete"), json!({"name": "short-lived-3"})).await.0, 404);

    // A deleted user's tokens go with them.
    let (_, kept) = api.post(&path, json!({"name": "kept"})).await;
    assert!(kept["value"].is_string());
    assert_eq!(call(reqwest::Method::DELETE, format!("/users/{alice}"), None).await.0, 204);
    assert!(emu.state.tenant.read(|s| s.personal_access_tokens.is_empty()));
}

/// `routes/applications/application.ts` (`assertThirdPartyApplicationTokenExchangeDisabled`):
/// a third-party app can never be allowed to exchange tokens, and only sign-in apps can be
/// third-party.
#[tokio::test]
async fn third_party_apps_cannot_enable_token_exchange() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let app = |app_type: &str, exchange: bool| {
        json!({"name": "partner", "type": app_type, "isThirdParty": true,
               "customClientMetadata": {"allowTokenExchange": exchange},
               "oidcClientMetadata": {"redirectUris": ["http://localhost:8480/cb"], "postLogoutRedirectUris": []}})
    };
    let (status, body) = api.post("/applications", app("SPA", true)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("application.third_party_application_cannot_enable_token_exchange"))
    );
    let (status, body) = api.post("/applications", app("MachineToMachine", false)).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("application.invalid_third_party_application_type")));
    // Neither refusal left an application behind.
    assert_eq!(emu.state.tenant.read(|s| s.applications.values().filter(|a| a.name == "partner").count()), 0);

    let (status, partner) = api.post("/applications", app("Traditional", false)).await;
    assert_eq!((status, partner["isThirdParty"].as_bool()), (200, Some(true)), "{partner}");
    // Its token endpoint refuses the grant as it does for any app not allowed it.
    let id = partner["id"].as_str().unwrap();
    let r =
        reqwest::Client::new().get(format!("{}/api/applications/{id}/secrets", emu.endpoint)).bearer_auth(&api.token);
    let secrets: Value = r.send().await.unwrap().json().await.unwrap();
    let secret = secrets[0]["value"].as_str().unwrap();
    let subject = api.subject_token(&user(&emu, "alice")).await;
    let (status, body) = exchange(
        &emu,
        &[("client_id", id), ("client_secret", secret), ("subject_token", &subject), ("subject_token_type", ACCESS)],
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")), "{body}");
}

#[tokio::test]
async fn the_deprecated_impersonation_token_type_takes_subject_tokens_only() {
    // Logto's `TokenExchangeTokenType.ImpersonationToken` (`grants/token-exchange/account.ts`), as
    // its `oidc/dpop-disabled` test sends it.
    const IMPERSONATION: &str = "urn:logto:token-type:impersonation_token";
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let (spa, _) = api.exchanging_app("SPA").await;
    let subject = api.subject_token(&user(&emu, "alice")).await;
    fn form<'a>(client: &'a str, token: &'a str) -> [(&'a str, &'a str); 3] {
        [("client_id", client), ("subject_token", token), ("subject_token_type", IMPERSONATION)]
    }
    let (status, body) = exchange(&emu, &form(&spa, &subject)).await;
    assert_eq!(status, 200, "{body}");
    // Used up, and an opaque access token is no impersonation token.
    assert_eq!(exchange(&emu, &form(&spa, &subject)).await.1["error"], "invalid_grant");
    let signed_in =
        demo_tenant::sign_in(&emu.endpoint, "alice", demo_tenant::DEMO_PASSWORD, "openid", None).await.unwrap();
    assert_eq!(exchange(&emu, &form(&spa, signed_in.opaque_access_token())).await.1["error"], "invalid_grant");
}
