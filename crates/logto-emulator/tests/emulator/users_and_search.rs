//! Users' and lists' rules Logto's own suite checks (issue 29), each as Logto 1.42 answers it:
//! search modes (`utils/search.ts`) on users, roles, applications and the lists under them; phone
//! numbers (`@logto/shared`'s `PhoneNumberParser`, `queries/user.ts` `hasUserWithNormalizedPhone`);
//! imported password digests and password expiration (`routes/admin-user/basics.ts`,
//! `libraries/user-password-verification.ts`); id lists and role types (`routes/role.user.ts`,
//! `role.application.ts`, `applications/application-role.ts`).

use crate::helpers::Api;
use reqwest::Method;
use serde_json::{json, Value};

async fn emulator() -> logto_emulator::RunningEmulator {
    logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap()
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn roles_and_applications_are_searched_as_users_are() {
    let emu = emulator().await;
    let api = Api::new(&emu).await;
    let m2m1 = api
        .ok(Method::POST, "/roles", Some(json!({"name": "t-m2m-001", "description": "d", "type": "MachineToMachine"})))
        .await;
    api.ok(Method::POST, "/roles", Some(json!({"name": "t-m2m-002", "description": "d", "type": "MachineToMachine"})))
        .await;
    api.ok(Method::POST, "/roles", Some(json!({"name": "t-user-001", "description": "d"}))).await;
    let found = api.ok(Method::GET, "/roles?type=MachineToMachine&search=%25m2m-00%25", None).await;
    assert_eq!(names(&found), ["t-m2m-001", "t-m2m-002"]);
    // Without wildcards `like` is whole-value.
    assert_eq!(api.ok(Method::GET, "/roles?search=m2m", None).await, json!([]));

    let app =
        api.ok(Method::POST, "/applications", Some(json!({"name": "srch-app-m2m", "type": "MachineToMachine"}))).await;
    let app_id = app["id"].as_str().unwrap();
    api.ok(Method::POST, &format!("/applications/{app_id}/roles"), Some(json!({"roleIds": [m2m1["id"]]}))).await;
    let left = api
        .ok(
            Method::GET,
            &format!("/roles?type=MachineToMachine&search=%25m2m-00%25&excludeApplicationId={app_id}"),
            None,
        )
        .await;
    assert_eq!(names(&left), ["t-m2m-002"]);
    assert_eq!(
        names(&api.ok(Method::GET, &format!("/applications/{app_id}/roles?search=%25001%25"), None).await),
        ["t-m2m-001"]
    );
    assert_eq!(api.ok(Method::GET, &format!("/applications/{app_id}/roles?search=%25002%25"), None).await, json!([]));
    let apps = api.ok(Method::GET, "/applications?types=MachineToMachine&search=%25srch-app%25", None).await;
    assert_eq!(names(&apps), ["srch-app-m2m"]);
    let role_apps = api
        .ok(Method::GET, &format!("/roles/{}/applications?search=%25nothing%25", m2m1["id"].as_str().unwrap()), None)
        .await;
    assert_eq!(role_apps, json!([]));

    // A non-machine-to-machine app has no roles to list: 422 application.invalid_type.
    let spa = api.ok(Method::POST, "/applications", Some(json!({"name": "s", "type": "SPA"}))).await;
    let (status, body) =
        api.call(Method::GET, &format!("/applications/{}/roles", spa["id"].as_str().unwrap()), None).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("application.invalid_type")));
}

#[tokio::test]
async fn posix_and_similar_to_modes_and_their_refusals() {
    let emu = emulator().await;
    let api = Api::new(&emu).await;
    for name in ["Jerry Swift Jr", "Jerry Swift Jr Jr"] {
        api.ok(Method::POST, "/users", Some(json!({"name": name}))).await;
    }
    // Logto's own hybrid-search pattern: lookahead, one "Jr" after "Jerry".
    let q = "search.name=%5EJerry((%3F!Jr).)*Jr%7B1%7D((%3F!Jr).)*%24&mode.name=posix&isCaseSensitive=true";
    let hits = api.ok(Method::GET, &format!("/users?{q}"), None).await;
    assert_eq!(names(&hits), ["Jerry Swift Jr"]);
    let (status, body) = api.call(Method::GET, "/users?search.name=%25Jr%25&mode.name=similar_to", None).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("request.invalid_input")));
    assert!(body["message"].as_str().unwrap().contains("case-insensitive"));
    for hostile in ["search.name=x&mode=similar%20to", "search.email=x", "search=x&joint=and1", "search=(&mode=posix"] {
        let (status, body) = api.call(Method::GET, &format!("/users?{hostile}"), None).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("request.invalid_input")), "{hostile}");
        let message = body["message"].as_str().unwrap();
        assert!(
            !message.contains("and1") && !message.contains("email") && !message.contains("similar to"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn phone_numbers_are_checked_and_the_trunk_zero_conflicts() {
    let emu = emulator().await;
    let api = Api::new(&emu).await;
    let (status, body) = api.call(Method::POST, "/users", Some(json!({"primaryPhone": "99999"}))).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("user.invalid_phone")));
    let first = api.ok(Method::POST, "/users", Some(json!({"primaryPhone": "61412345678"}))).await;
    let (status, body) = api.call(Method::POST, "/users", Some(json!({"primaryPhone": "610412345678"}))).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("user.phone_already_in_use")));
    let other = api.ok(Method::POST, "/users", Some(json!({"username": "phoneless"}))).await;
    let other_path = format!("/users/{}", other["id"].as_str().unwrap());
    let (status, body) = api.call(Method::PATCH, &other_path, Some(json!({"primaryPhone": "610412345678"}))).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("user.phone_already_in_use")));
    let (status, body) = api.call(Method::PATCH, &other_path, Some(json!({"primaryPhone": "99999"}))).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("user.invalid_phone")));
    // The owner may change its own number's form.
    api.ok(
        Method::PATCH,
        &format!("/users/{}", first["id"].as_str().unwrap()),
        Some(json!({"primaryPhone": "610412345678"})),
    )
    .await;
    // `{}` sets nothing: 422 entity.invalid_input, and the user is unchanged.
    let (status, body) = api.call(Method::PATCH, &other_path, Some(json!({}))).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("entity.invalid_input")));
    assert_eq!(api.ok(Method::GET, &other_path, None).await["username"], "phoneless");
}

#[tokio::test]
async fn imported_digests_sign_in_and_passwords_expire() {
    let emu = emulator().await;
    let api = Api::new(&emu).await;
    // Logto's own examples: MD5 and a legacy sha512 of "password".
    let md5 = api
        .ok(Method::POST, "/users", Some(json!({"username": "md5user", "passwordDigest": "5f4dcc3b5aa765d61d8327deb882cf99", "passwordAlgorithm": "MD5"})))
        .await;
    let md5_path = format!("/users/{}", md5["id"].as_str().unwrap());
    assert_eq!(md5["hasPassword"], true);
    assert_eq!(
        api.call(Method::POST, &format!("{md5_path}/password/verify"), Some(json!({"password": "password"}))).await.0,
        204
    );
    assert_eq!(
        api.call(Method::POST, &format!("{md5_path}/password/verify"), Some(json!({"password": "Password"}))).await.0,
        422
    );
    let exported = api.ok(Method::GET, &format!("{md5_path}?includePasswordHash=true"), None).await;
    assert_eq!(
        (exported["passwordDigest"].as_str(), exported["passwordAlgorithm"].as_str()),
        (Some("5f4dcc3b5aa765d61d8327deb882cf99"), Some("MD5"))
    );
    assert!(api.ok(Method::GET, &md5_path, None).await.get("passwordDigest").is_none());
    let legacy = r#"["sha512", ["@"], "b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86"]"#;
    let user =
        api.ok(Method::POST, "/users", Some(json!({"passwordDigest": legacy, "passwordAlgorithm": "Legacy"}))).await;
    let path = format!("/users/{}/password/verify", user["id"].as_str().unwrap());
    assert_eq!(api.call(Method::POST, &path, Some(json!({"password": "password"}))).await.0, 204);

    for (body, code) in [
        (json!({"passwordDigest": "a".repeat(257), "passwordAlgorithm": "MD5"}), "guard.invalid_input"),
        (json!({"password": "x", "passwordDigest": "a", "passwordAlgorithm": "MD5"}), "user.password_and_digest"),
        (json!({"passwordDigest": "a"}), "user.password_algorithm_required"),
        (
            json!({"passwordDigest": "$2b$10$x", "passwordAlgorithm": "Bcrypt"}),
            "password.unsupported_encryption_method",
        ),
        (json!({"passwordDigest": "[1]", "passwordAlgorithm": "Legacy"}), "password.invalid_legacy_password_format"),
    ] {
        let (status, answer) = api.call(Method::POST, "/users", Some(body.clone())).await;
        assert_eq!((status, answer["code"].as_str()), (400, Some(code)), "{body}");
    }

    // Expiring needs the policy on; a new password clears the mark.
    let expire = format!("{md5_path}/password/expiration");
    let (status, body) = api.call(Method::PATCH, &expire, Some(json!({"isExpired": true}))).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("sign_in_experiences.password_expiration_not_enabled")));
    api.ok(
        Method::PATCH,
        "/sign-in-exp",
        Some(json!({"passwordExpiration": {"enabled": true, "validPeriodDays": 90}})),
    )
    .await;
    api.ok(Method::PATCH, &expire, Some(json!({"isExpired": true}))).await;
    assert!(emu.state.tenant.read(|s| s.user_by_identifier("md5user").unwrap().is_password_expired));
    api.ok(Method::PATCH, &format!("{md5_path}/password"), Some(json!({"password": "new-Passw0rd!"}))).await;
    assert!(!emu.state.tenant.read(|s| s.user_by_identifier("md5user").unwrap().is_password_expired));
}

#[tokio::test]
async fn id_lists_hold_ids_and_m2m_roles_are_not_for_users() {
    let emu = emulator().await;
    let api = Api::new(&emu).await;
    let user_role = api.ok(Method::POST, "/roles", Some(json!({"name": "u", "description": "d"}))).await;
    let m2m_role = api
        .ok(Method::POST, "/roles", Some(json!({"name": "m", "description": "d", "type": "MachineToMachine"})))
        .await;
    let (u, m) = (user_role["id"].as_str().unwrap(), m2m_role["id"].as_str().unwrap());
    for (path, body) in [
        (format!("/roles/{u}/users"), json!({"userIds": [""]})),
        (format!("/roles/{m}/applications"), json!({"applicationIds": [""]})),
        (format!("/roles/{u}/scopes"), json!({"scopeIds": [""]})),
        (format!("/roles/{u}/users"), json!({"userIds": []})),
    ] {
        assert_eq!(api.call(Method::POST, &path, Some(body)).await.0, 400, "{path}");
    }
    let alice = emu.state.tenant.read(|s| s.user_by_identifier("alice").unwrap().id.clone());
    let (status, body) = api.call(Method::POST, &format!("/roles/{m}/users"), Some(json!({"userIds": [alice]}))).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("entity.db_constraint_violated")));
    assert_eq!(api.ok(Method::GET, &format!("/roles/{m}/users"), None).await, json!([]));
}

#[tokio::test]
async fn default_roles_go_to_every_new_user_and_scoped_roles_fire_their_scopes_hook() {
    let emu = emulator().await;
    let api = Api::new(&emu).await;
    let role =
        api.ok(Method::POST, "/roles", Some(json!({"name": "starter", "description": "d", "isDefault": true}))).await;
    let plain = api.ok(Method::POST, "/roles", Some(json!({"name": "plain", "description": "d"}))).await;
    let patched = api
        .ok(Method::PATCH, &format!("/roles/{}", plain["id"].as_str().unwrap()), Some(json!({"isDefault": true})))
        .await;
    assert_eq!(patched["isDefault"], true);
    let user = api.ok(Method::POST, "/users", Some(json!({"username": "fresh"}))).await;
    let roles = api.ok(Method::GET, &format!("/users/{}/roles", user["id"].as_str().unwrap()), None).await;
    let mut ids: Vec<&str> = roles.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    let mut want = vec![role["id"].as_str().unwrap(), plain["id"].as_str().unwrap()];
    want.sort_unstable();
    assert_eq!(ids, want);

    // `POST /roles` with scopeIds: Role.Created, then Role.Scopes.Updated with the scopes.
    let hook = api
        .ok(Method::POST, "/hooks", Some(json!({"name": "h", "events": ["Role.Created", "Role.Scopes.Updated"], "config": {"url": "http://127.0.0.1:9/"}})))
        .await;
    let resource =
        api.ok(Method::POST, "/resources", Some(json!({"name": "r", "indicator": "https://r.example"}))).await;
    let scope = api
        .ok(
            Method::POST,
            &format!("/resources/{}/scopes", resource["id"].as_str().unwrap()),
            Some(json!({"name": "read:r"})),
        )
        .await;
    let scoped = api
        .ok(Method::POST, "/roles", Some(json!({"name": "scoped", "description": "d", "scopeIds": [scope["id"]]})))
        .await;
    let logs_path =
        format!("/hooks/{}/recent-logs?logKey=TriggerHook.Role.Scopes.Updated", hook["id"].as_str().unwrap());
    let logs = api.hook_logs(&logs_path).await;
    let body = &logs[0]["payload"]["hookRequest"]["body"];
    assert_eq!(body["roleId"], scoped["id"]);
    assert_eq!(body["data"], json!([scope]));
    assert_eq!(body["path"], "/roles");
}
