//! Pattern 1 feeding pattern 2: `logto-cli provision` against a fresh Logto (only a bootstrap M2M
//! app), then the backend runs on exactly the configuration it wrote.

use std::collections::HashMap;

use logto_cli::provision::{self, Options};
use logto_emulator::seed::BOOTSTRAP_SEED;
use logto_emulator::testkit;
use logto_emulator::Seed;
use logto_management::{ManagementClient, ManagementConfig, NewUser};
use shared::TopUsersResponse;

use logto_cli::users::Impersonation;

use crate::helpers::{parts, LogCapture, SCOPES};

#[tokio::test]
async fn a_provisioned_logto_runs_the_whole_stack() {
    let emu =
        logto_emulator::Emulator::new(&Seed::parse("bootstrap.json", BOOTSTRAP_SEED).unwrap()).spawn().await.unwrap();
    let dir = tempfile::Builder::new().prefix("provisioned-").tempdir().unwrap();
    let admin = ManagementClient::new(ManagementConfig::new(
        &emu.endpoint,
        "m2mbootstrap000000001",
        "bootstrap-m2m-secret-0123456789",
    ))
    .unwrap();
    let opts = Options::for_stack(&emu.endpoint, logto_management::OSS_MANAGEMENT_RESOURCE, &dir.path().join(".env"));
    provision::run(&admin, &opts).await.unwrap();
    let env: HashMap<String, String> =
        provision::parse_env(&std::fs::read_to_string(&opts.env_file).unwrap()).into_iter().collect();

    // Two users: carol with the User role, dave without; carol follows dave.
    let mut ids = HashMap::new();
    for name in ["carol", "dave"] {
        let new = NewUser {
            username: Some(name.into()),
            password: Some("pw-123456".into()),
            name: Some(format!("{name} X")),
            ..Default::default()
        };
        ids.insert(name, admin.create_user(&new).await.unwrap().id);
    }
    let ctx = logto_cli::error::Context {
        endpoint: &emu.endpoint,
        management_resource: logto_management::OSS_MANAGEMENT_RESOURCE,
    };
    logto_cli::users::assign_role(&admin, &ids["carol"], "User", &ctx).await.unwrap();

    // The emulator's defaults of the other tests, with what `logto-cli provision` wrote.
    let mut config = crate::helpers::test_config(&emu, dir.path());
    config.api_resource = env["LOGTO_API_RESOURCE"].clone();
    config.m2m_app_id = env["LOGTO_M2M_APP_ID"].clone();
    config.m2m_app_secret = env["LOGTO_M2M_APP_SECRET"].clone().into();
    config.management_resource = env["LOGTO_MANAGEMENT_RESOURCE"].clone();
    config.seed_demo_data = false;
    config.webhook_signing_key = Some(env["LOGTO_WEBHOOK_SIGNING_KEY"].clone().into());
    config.exchange_app_id = Some(env["LOGTO_EXCHANGE_APP_ID"].clone());
    assert_eq!(env["LOGTO_ENDPOINT"], emu.endpoint, "provision wrote the emulator's endpoint");
    let server = backend::startup::build(&config).await.unwrap();
    let backend = format!("http://{}", server.local_addr().unwrap());
    tokio::spawn(server.run(std::future::pending()));
    let db = backend::db::connect(config.database_url.expose()).await.unwrap();
    backend::db::follow(&db, &ids["carol"], &ids["dave"]).await.unwrap();

    let spa = &env["LOGTO_SPA_APP_ID"];
    let sign_in = |user: &'static str| {
        testkit::sign_in_to(
            &emu.endpoint,
            spa,
            "http://localhost:8080/callback",
            user,
            "pw-123456",
            SCOPES,
            Some(&env["LOGTO_API_RESOURCE"]),
        )
    };
    let carol = sign_in("carol").await.unwrap();
    let http = reqwest::Client::new();
    let response = http.get(format!("{backend}/api/top-users")).bearer_auth(carol.access_token()).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: TopUsersResponse = response.json().await.unwrap();
    assert_eq!(body.users.len(), 1);
    assert_eq!((body.users[0].name.as_deref(), body.users[0].followers), (Some("dave X"), 1));

    let dave = sign_in("dave").await.unwrap();
    let (status, _, _) =
        parts(http.get(format!("{backend}/api/top-users")).bearer_auth(dave.access_token()).send().await.unwrap())
            .await;
    assert_eq!(status, 403, "dave holds no role");

    // The webhook provision made, pointed at this backend by a second run: a rename in Logto shows in
    // the next list, with the signing key the .env holds.
    let mut opts = opts.clone();
    opts.webhook_url = format!("{backend}/api/webhooks/logto");
    let report = provision::run(&admin, &opts).await.unwrap();
    assert!(report.lines.iter().any(|l| l.contains("updated  webhook")), "{:?}", report.lines);
    let patch = http
        .patch(format!("{}/api/users/{}", emu.endpoint, ids["dave"]))
        .bearer_auth(admin.access_token().await.unwrap().0)
        .json(&serde_json::json!({"name": "dave Renamed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), 200);
    let hook_id = emu.state.tenant.read(|s| s.hooks[0].id.clone());
    assert!(testkit::delivered(&emu.state, &hook_id, 1).await, "the rename was delivered");
    let body: TopUsersResponse = http
        .get(format!("{backend}/api/top-users"))
        .bearer_auth(carol.access_token())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body.users[0].name.as_deref(), Some("dave Renamed"));

    // Support staff act as carol (`logto-cli users impersonate`, through the app provision made
    // for it): her list reads, her follows are refused, and the log names the app and carol.
    let logs = LogCapture::start();
    let ask = Impersonation {
        user: &ids["carol"],
        resource: env["LOGTO_API_RESOURCE"].clone(),
        scopes: vec!["read:top-users".into(), "write:follows".into()],
        organization: None,
        reason: Some("ticket 7".into()),
        app_id: &env["LOGTO_EXCHANGE_APP_ID"],
        app_secret: logto_management::ClientSecret::new(env["LOGTO_EXCHANGE_APP_SECRET"].clone()),
    };
    let token = logto_cli::users::impersonate(&admin, ask, &ctx).await.unwrap();
    assert_eq!(token.scope, "read:top-users write:follows");
    let read = http.get(format!("{backend}/api/top-users")).bearer_auth(&token.access_token).send().await.unwrap();
    assert_eq!(read.status(), 200);
    let follow = http.post(format!("{backend}/api/users/{}/follow", ids["dave"])).bearer_auth(&token.access_token);
    let (status, _, body) = parts(follow.send().await.unwrap()).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("auth.impersonation_refused")), "{body}");
    let line = logs.text().lines().find(|l| l.contains("impersonated request")).map(String::from);
    let line = line.unwrap_or_else(|| panic!("no impersonation line in {}", logs.text()));
    assert!(line.contains(&format!("actor=application:{}", env["LOGTO_EXCHANGE_APP_ID"])), "{line}");
    assert!(line.contains(&format!("subject={}", ids["carol"])), "{line}");
    assert!(!line.contains(&token.access_token), "no token in the log");
}
