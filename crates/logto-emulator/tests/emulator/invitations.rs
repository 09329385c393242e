//! Organization invitations, a member's scopes and bulk member roles, against what real Logto 1.42
//! answered (`tests/fidelity/org-admin/`, each case naming its step) and its source
//! (`packages/core/src/routes/organization-invitation/index.ts`,
//! `packages/core/src/libraries/organization-invitation.ts`).

use logto_emulator::RunningEmulator;
use serde_json::{json, Value};

use crate::helpers::admin_token;

const ACME: &str = "acmeorg00001";

struct Api {
    emu: RunningEmulator,
    token: String,
    http: reqwest::Client,
}

impl Api {
    /// The demo tenant, whose seed gives it an outbox (`"outbox": true`).
    async fn new() -> Self {
        Self::of(demo_tenant::seed()).await
    }

    /// The demo tenant without an outbox: a Logto with no email connector.
    async fn without_outbox() -> Self {
        let mut seed = demo_tenant::seed();
        seed.outbox = false;
        Self::of(seed).await
    }

    async fn of(seed: logto_emulator::Seed) -> Self {
        let emu = logto_emulator::Emulator::new(&seed).spawn().await.unwrap();
        let token = admin_token(&emu.endpoint).await;
        Self { emu, token, http: reqwest::Client::new() }
    }

    /// Status, content type and body (JSON, or the text as a JSON string).
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, String, Value) {
        let mut r = self
            .http
            .request(method.parse().unwrap(), format!("{}/api{path}", self.emu.endpoint))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        let status = r.status().as_u16();
        let kind = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let text = r.text().await.unwrap();
        (status, kind, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    fn id_of(&self, username: &str) -> String {
        self.emu.state.tenant.read(|s| s.user_by_identifier(username).unwrap().id.clone())
    }

    fn role_id(&self, name: &str) -> String {
        self.emu.state.tenant.read(|s| s.org_roles.iter().find(|r| r.name == name).unwrap().id.clone())
    }

    fn in_a_week(&self) -> i64 {
        self.emu.state.clock.now_ms() + 7 * 24 * 3600 * 1000
    }
}

const FOREIGN_KEY: &str = r#"{"code":"entity.relation_foreign_key_not_found","message":"Cannot find one or more foreign keys. Please check the input and ensure that all referenced entities exist."}"#;

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[tokio::test]
async fn invitations_are_made_listed_and_refused_as_logto_does() {
    let api = Api::without_outbox().await;
    let (alice, member) = (api.id_of("alice"), api.role_id("member"));
    let expires = api.in_a_week();

    // 313: with an inviter and a role.
    let body = json!({"inviterId": alice, "invitee": "newbie@example.com", "organizationId": ACME,
        "expiresAt": expires, "organizationRoleIds": [member]});
    let (status, _, first) = api.call("POST", "/organization-invitations", Some(body)).await;
    assert_eq!(status, 201, "{first}");
    let mut keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "acceptedUserId",
            "createdAt",
            "expiresAt",
            "id",
            "invitee",
            "inviterId",
            "organizationId",
            "organizationRoles",
            "status",
            "tenantId",
            "updatedAt"
        ]
    );
    assert_eq!(first["id"].as_str().unwrap().len(), 21);
    assert_eq!((first["status"].as_str(), &first["acceptedUserId"]), (Some("Pending"), &Value::Null));
    assert_eq!(first["organizationRoles"], json!([{"id": member, "name": "member"}]));
    // 314: no inviter, no roles; 325: the invitee kept as given.
    let body = json!({"invitee": "Second@Example.com", "organizationId": ACME, "expiresAt": expires});
    let (status, _, second) = api.call("POST", "/organization-invitations", Some(body)).await;
    assert_eq!((status, &second["inviterId"], &second["organizationRoles"]), (201, &Value::Null, &json!([])));
    assert_eq!(second["invitee"], "Second@Example.com");

    // 316–323: the refusals, body for body.
    let refusals = [
        (
            json!({"invitee": "x@example.com", "organizationId": ACME, "expiresAt": expires, "organizationRoleIds": ["nosuchrole000"]}),
            422,
            json(FOREIGN_KEY),
        ),
        (
            json!({"invitee": "x@example.com", "organizationId": "nosuchorg000", "expiresAt": expires}),
            422,
            json(FOREIGN_KEY),
        ),
        (
            json!({"inviterId": "nosuchuser00", "invitee": "x@example.com", "organizationId": ACME, "expiresAt": expires}),
            422,
            json(FOREIGN_KEY),
        ),
        (
            json!({"invitee": "not-an-email", "organizationId": ACME, "expiresAt": expires}),
            400,
            json(
                r#"{"code":"guard.invalid_input","data":{"issues":[{"validation":"email","code":"invalid_string","message":"Invalid email","path":["invitee"]}],"name":"ZodError"},"details":"Error in key path \"invitee\": (invalid_string) Invalid email","message":"The request body is invalid."}"#,
            ),
        ),
        (
            json!({"invitee": "x@example.com", "organizationId": ACME, "expiresAt": 1_000}),
            400,
            json(
                r#"{"code":"request.invalid_input","message":"Input is invalid. The value of `expiresAt` must be in the future."}"#,
            ),
        ),
        (
            json!({"invitee": "x@example.com", "organizationId": ACME}),
            400,
            json(
                r#"{"code":"guard.invalid_input","data":{"issues":[{"code":"invalid_type","expected":"number","received":"undefined","path":["expiresAt"],"message":"Required"}],"name":"ZodError"},"details":"Error in key path \"expiresAt\": (invalid_type) Expected number but received undefined.","message":"The request body is invalid."}"#,
            ),
        ),
        (
            json!({"invitee": "ALICE@example.com", "organizationId": ACME, "expiresAt": expires}),
            422,
            json(
                r#"{"code":"request.invalid_input","message":"Input is invalid. The invitee is already a member of the organization."}"#,
            ),
        ),
        (
            json!({"invitee": "x@example.com", "organizationId": ACME, "expiresAt": expires, "messagePayload": {"link": "https://app.example.com/i"}}),
            501,
            json(r#"{"code":"connector.not_found","message":"Cannot find any available connector for type: Email."}"#),
        ),
    ];
    for (body, want_status, want) in refusals {
        let (status, _, answer) = api.call("POST", "/organization-invitations", Some(body.clone())).await;
        assert_eq!((status, &answer), (want_status, &want), "{body}");
    }

    // 324, 327–331: nothing refused was stored; newest first; exact filters, the invitee's case-insensitive.
    let (_, _, all) = api.call("GET", "/organization-invitations", None).await;
    let ids: Vec<&str> = all.as_array().unwrap().iter().filter_map(|i| i["id"].as_str()).collect();
    assert_eq!(ids, [second["id"].as_str().unwrap(), first["id"].as_str().unwrap()]);
    for (query, count) in [
        (format!("organizationId={ACME}"), 2),
        ("organizationId=globex000001".to_string(), 0),
        (format!("inviterId={alice}"), 1),
        ("invitee=NEWBIE%40example.com".to_string(), 1),
    ] {
        let (_, _, found) = api.call("GET", &format!("/organization-invitations?{query}"), None).await;
        assert_eq!(found.as_array().unwrap().len(), count, "{query}");
    }

    // 332–333, 358–360: get, delete, and the unknown.
    let not_found = json(r#"{"code":"entity.not_found","message":"The resource does not exist."}"#);
    let path = format!("/organization-invitations/{}", second["id"].as_str().unwrap());
    assert_eq!(api.call("GET", &path, None).await.2, second);
    assert_eq!(api.call("DELETE", &path, None).await.0, 204);
    let (status, _, answer) = api.call("GET", &path, None).await;
    assert_eq!((status, answer), (404, not_found));
    assert_eq!(api.call("DELETE", &path, None).await.0, 404);

    // 356–357: sending the message again needs an email connector (here, no outbox).
    let message = format!("/organization-invitations/{}/message", first["id"].as_str().unwrap());
    assert_eq!(api.call("POST", &message, Some(json!({"link": "x"}))).await.0, 501);
    assert_eq!(api.call("POST", "/organization-invitations/nosuch/message", Some(json!({}))).await.0, 404);
}

#[tokio::test]
async fn accepting_joins_with_the_roles_and_every_ending_is_final() {
    let api = Api::new().await;
    let member = api.role_id("member");
    let (url, inbox) = crate::hooks::receiver(None).await;
    let hook = json!({"name": "m", "events": ["Organization.Membership.Updated"], "config": {"url": url}});
    assert_eq!(api.call("POST", "/hooks", Some(hook)).await.0, 201);
    let invite = |invitee: &str, expires_at: i64| json!({"invitee": invitee, "organizationId": ACME, "expiresAt": expires_at, "organizationRoleIds": [member]});
    let (_, _, invitation) =
        api.call("POST", "/organization-invitations", Some(invite("newbie@example.com", api.in_a_week()))).await;
    let status_path = format!("/organization-invitations/{}/status", invitation["id"].as_str().unwrap());

    // 334, 335, 337, 338, 340.
    let rule =
        |reason: &str| json!({"code": "request.invalid_input", "message": format!("Input is invalid. {reason}")});
    let cases = [
        (
            json!({"status": "Accepted"}),
            422,
            Some(rule("The `acceptedUserId` is required when accepting an invitation.")),
        ),
        (
            json!({"status": "Accepted", "acceptedUserId": api.id_of("bob")}),
            422,
            Some(rule("The accepted user must have the same email as the invitee.")),
        ),
        (json!({"status": "Accepted", "acceptedUserId": "nosuchuser00"}), 404, None),
        (json!({"status": "Expired"}), 400, None),
        (json!({"status": "Pending"}), 400, None),
    ];
    for (body, want_status, want) in cases {
        let (status, _, answer) = api.call("PUT", &status_path, Some(body.clone())).await;
        assert_eq!(status, want_status, "{body}: {answer}");
        if let Some(want) = want {
            assert_eq!(answer, want, "{body}");
        }
    }
    let (status, _, _) =
        api.call("PUT", "/organization-invitations/nosuchinvite/status", Some(json!({"status": "Revoked"}))).await;
    assert_eq!(status, 404);

    // 341–344: the invitee, now a user with that email (any case), accepts: a member with the role,
    // and Organization.Membership.Updated names them (no `data`).
    let (_, _, newbie) =
        api.call("POST", "/users", Some(json!({"username": "newbie", "primaryEmail": "Newbie@Example.com"}))).await;
    let newbie = newbie["id"].as_str().unwrap().to_string();
    let (status, _, accepted) =
        api.call("PUT", &status_path, Some(json!({"status": "Accepted", "acceptedUserId": newbie}))).await;
    assert_eq!(
        (status, accepted["status"].as_str(), accepted["acceptedUserId"].as_str()),
        (200, Some("Accepted"), Some(newbie.as_str()))
    );
    assert!(accepted["updatedAt"].as_i64() >= invitation["updatedAt"].as_i64());
    let (_, _, roles) = api.call("GET", &format!("/organizations/{ACME}/users/{newbie}/roles"), None).await;
    assert_eq!(roles.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect::<Vec<_>>(), ["member"]);
    crate::hooks::until("the membership delivery", || inbox.lock().unwrap().len() == 1).await;
    let delivered: Value = serde_json::from_str(&inbox.lock().unwrap()[0].1).unwrap();
    assert_eq!(
        (delivered["organizationId"].as_str(), &delivered["addedUserIds"], delivered["matchedRoute"].as_str()),
        (Some(ACME), &json!([newbie]), Some("/organization-invitations/:id/status"))
    );
    assert_eq!((delivered["method"].as_str(), delivered["status"].as_i64()), (Some("PUT"), Some(200)));
    assert!(delivered.get("data").is_none() && delivered["params"] == json!({"id": invitation["id"]}));

    // 347, 351: an ending is final. 348: the member cannot be invited again.
    let final_words = rule("The status of the invitation cannot be changed anymore.");
    for body in [json!({"status": "Accepted", "acceptedUserId": newbie}), json!({"status": "Revoked"})] {
        assert_eq!(api.call("PUT", &status_path, Some(body)).await.2, final_words);
    }
    assert_eq!(
        api.call("POST", "/organization-invitations", Some(invite("newbie@example.com", api.in_a_week()))).await.0,
        422
    );

    // 349: revoking a pending one (no webhook); an expired one reads Expired and is final too.
    let (_, _, other) =
        api.call("POST", "/organization-invitations", Some(invite("other@example.com", api.in_a_week()))).await;
    let other_status = format!("/organization-invitations/{}/status", other["id"].as_str().unwrap());
    let (status, _, revoked) = api.call("PUT", &other_status, Some(json!({"status": "Revoked"}))).await;
    assert_eq!((status, revoked["status"].as_str(), &revoked["acceptedUserId"]), (200, Some("Revoked"), &Value::Null));
    let soon = api.emu.state.clock.now_ms() + 1_000;
    let (_, _, short) = api.call("POST", "/organization-invitations", Some(invite("late@example.com", soon))).await;
    api.emu.state.clock.advance_ms(2_000);
    let short_path = format!("/organization-invitations/{}", short["id"].as_str().unwrap());
    assert_eq!(api.call("GET", &short_path, None).await.2["status"], "Expired");
    assert_eq!(
        api.call("PUT", &format!("{short_path}/status"), Some(json!({"status": "Revoked"}))).await.2,
        final_words
    );
    assert_eq!(inbox.lock().unwrap().len(), 1, "no delivery for a revocation");
}

#[tokio::test]
async fn a_members_scopes_and_bulk_roles() {
    let api = Api::new().await;
    let (alice, bob, trent) = (api.id_of("alice"), api.id_of("bob"), api.id_of("trent"));

    // 361–364: alice, Acme's admin, holds the admin role's organization permissions; a non-member and
    // an unknown organization have none (200, never 404).
    let (status, _, scopes) = api.call("GET", &format!("/organizations/{ACME}/users/{alice}/scopes"), None).await;
    let mut names: Vec<&str> = scopes.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!((status, names), (200, vec!["manage:members", "read:members"]));
    let keys: Vec<&str> = scopes[0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 4, "tenantId, id, name, description: {keys:?}");
    for path in [
        format!("/organizations/{ACME}/users/{trent}/scopes"),
        format!("/organizations/nosuchorg000/users/{alice}/scopes"),
    ] {
        let (status, _, answer) = api.call("GET", &path, None).await;
        assert_eq!((status, answer), (200, json!([])), "{path}");
    }

    // 365–369: bob (a guest) gets the member role in bulk, twice: 201 text/plain Created.
    let member = api.role_id("member");
    let bulk = |users: Value, roles: Value| json!({"userIds": users, "organizationRoleIds": roles});
    let path = format!("/organizations/{ACME}/users/roles");
    for _ in 0..2 {
        let answer = api.call("POST", &path, Some(bulk(json!([bob]), json!([member])))).await;
        assert_eq!(answer, (201, "text/plain; charset=utf-8".into(), Value::String("Created".into())));
    }
    let (_, _, roles) = api.call("GET", &format!("/organizations/{ACME}/users/{bob}/roles"), None).await;
    let mut names: Vec<&str> = roles.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["guest", "member"]);
    assert_eq!(api.call("POST", &path, Some(bulk(json!([trent]), json!([member])))).await.2, json(FOREIGN_KEY));
    assert_eq!(api.call("POST", &path, Some(bulk(json!([bob]), json!(["nosuchrole000"])))).await.2, json(FOREIGN_KEY));
    let (status, _, empty) = api.call("POST", &path, Some(bulk(json!([]), json!([member])))).await;
    assert_eq!(
        (status, empty),
        (
            400,
            json(
                r#"{"code":"guard.invalid_input","data":{"issues":[{"code":"too_small","minimum":1,"type":"array","inclusive":true,"exact":false,"message":"Array must contain at least 1 element(s)","path":["userIds"]}],"name":"ZodError"},"details":"Error in key path \"userIds\": (too_small) Array must contain at least 1 element(s)","message":"The request body is invalid."}"#
            )
        )
    );
}

/// The outbox: what Logto would hand its email connector for an invitation (recorded, 399–406:
/// the organization and the inviter under the caller's fields), kept, listed newest first, cleared.
#[tokio::test]
async fn invitation_emails_go_to_the_outbox() {
    let api = Api::new().await;
    let alice = api.id_of("alice");
    let outbox = |query: &'static str| {
        let url = format!("{}/_emulator/outbox{query}", api.emu.endpoint);
        async move { reqwest::get(url).await.unwrap().json::<Value>().await.unwrap() }
    };
    let body = json!({"inviterId": alice, "invitee": "uma@example.com", "organizationId": ACME,
        "expiresAt": api.in_a_week(), "messagePayload": {"link": "https://app.example.com/invite?code=abc123"}});
    let (status, _, invitation) = api.call("POST", "/organization-invitations", Some(body)).await;
    assert_eq!(status, 201, "{invitation}");
    let sent = outbox("?to=UMA%40example.com").await;
    assert_eq!(sent.as_array().unwrap().len(), 1, "{sent}");
    assert_eq!(
        (sent[0]["to"].as_str(), sent[0]["type"].as_str()),
        (Some("uma@example.com"), Some("OrganizationInvitation"))
    );
    assert_eq!(
        sent[0]["payload"],
        json!({"organization": {"id": ACME, "name": "Acme", "branding": {}},
               "inviter": {"id": alice, "avatar": format!("{}/avatars/alice.svg", api.emu.endpoint), "name": "Alice Example",
                           "primaryEmail": "alice@example.com", "primaryPhone": null, "username": "alice", "profile": {}},
               "link": "https://app.example.com/invite?code=abc123"})
    );
    // 401–404: sent again, with another locale, then with nothing: the context stays.
    let message = format!("/organization-invitations/{}/message", invitation["id"].as_str().unwrap());
    assert_eq!(
        api.call("POST", &message, Some(json!({"link": "https://app.example.com/x", "locale": "fr"}))).await.0,
        204
    );
    assert_eq!(api.call("POST", &message, Some(json!({}))).await.0, 204);
    let all = outbox("").await;
    assert_eq!(all.as_array().unwrap().len(), 3);
    assert_eq!(all[1]["payload"]["locale"], "fr", "newest first");
    assert!(all[0]["payload"].get("link").is_none() && all[0]["payload"]["organization"]["name"] == "Acme");
    // 405–406: no inviter, no `inviter`; a code passes through.
    let body = json!({"invitee": "wen@example.com", "organizationId": ACME, "expiresAt": api.in_a_week(),
        "messagePayload": {"code": "123456"}});
    assert_eq!(api.call("POST", "/organization-invitations", Some(body)).await.0, 201);
    let wen = outbox("?to=wen%40example.com").await;
    assert!(wen[0]["payload"].get("inviter").is_none() && wen[0]["payload"]["code"] == "123456", "{wen}");
    let cleared = reqwest::Client::new().delete(format!("{}/_emulator/outbox", api.emu.endpoint)).send().await.unwrap();
    assert_eq!(cleared.status(), 204);
    assert_eq!(outbox("").await, json!([]));
}
