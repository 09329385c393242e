//! Organization administration through the backend (issue 25), against the emulator's demo
//! organizations (Acme: alice its only admin, carol and others members, bob a guest). Organization
//! tokens come from a real grant (the refresh grant with `organization_id` and no `resource`), as the
//! SPA's Members page asks for them; every refusal is checked for its status, code and fixed words.

use serde_json::{json, Value};
use shared::{InvitationSummary, MembersResponse, PendingInvitation};

use crate::helpers::{parts, spawn_app, spawn_app_with, TestApp};

const ACME: &str = "acmeorg00001";
const GLOBEX: &str = "globex000001";

async fn org_token(app: &TestApp, username: &str, org: &str) -> String {
    demo_tenant::organization_token(&app.emulator.endpoint, username, org).await.unwrap()
}

fn url(app: &TestApp, path: &str) -> String {
    format!("{}/api{path}", app.backend)
}

async fn members(app: &TestApp, org: &str, token: &str) -> reqwest::Response {
    app.http.get(url(app, &format!("/organizations/{org}/members"))).bearer_auth(token).send().await.unwrap()
}

async fn invite(app: &TestApp, org: &str, token: &str, body: Value) -> reqwest::Response {
    app.http
        .post(url(app, &format!("/organizations/{org}/invitations")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn set_roles(app: &TestApp, org: &str, token: &str, user: &str, roles: &[&str]) -> reqwest::Response {
    let path = format!("/organizations/{org}/members/{user}/roles");
    app.http.put(url(app, &path)).bearer_auth(token).json(&json!({"roles": roles})).send().await.unwrap()
}

async fn remove(app: &TestApp, org: &str, token: &str, user: &str) -> reqwest::Response {
    app.http.delete(url(app, &format!("/organizations/{org}/members/{user}"))).bearer_auth(token).send().await.unwrap()
}

fn user_id(app: &TestApp, username: &str) -> String {
    app.emulator.state.tenant.read(|s| s.user_by_identifier(username).unwrap().id.clone())
}

/// The last email the emulator's outbox holds for `to`.
async fn last_email(app: &TestApp, to: &str) -> Value {
    let r = reqwest::get(format!("{}/_emulator/outbox?to={to}", app.emulator.endpoint)).await.unwrap();
    r.json::<Vec<Value>>().await.unwrap().into_iter().next().unwrap_or(Value::Null)
}

/// A user with an email and a password, made through the emulator's Management API.
async fn new_user(app: &TestApp, username: &str, email: &str) -> String {
    let admin = demo_tenant::mint_admin_token(&app.emulator.endpoint).await.unwrap();
    let body = json!({"username": username, "primaryEmail": email, "password": demo_tenant::DEMO_PASSWORD});
    let r = app.http.post(format!("{}/api/users", app.emulator.endpoint)).bearer_auth(admin).json(&body).send().await;
    let user: Value = r.unwrap().json().await.unwrap();
    user["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn admins_see_emails_and_invitations_members_read_guests_are_refused() {
    let app = spawn_app().await;
    let alice = org_token(&app, "alice", ACME).await;
    let r = members(&app, ACME, &alice).await;
    assert_eq!(r.status(), 200);
    let page: MembersResponse = r.json().await.unwrap();
    assert!(page.can_manage && page.total == 12 && page.members.len() == 12, "{page:?}");
    let alice_row = page.members.iter().find(|m| m.username.as_deref() == Some("alice")).unwrap();
    assert_eq!(
        (alice_row.roles.clone(), alice_row.email.as_deref()),
        (vec!["admin".to_string()], Some("alice@example.com"))
    );
    assert!(page.roles.contains(&"admin".to_string()) && page.roles.contains(&"guest".to_string()));
    assert!(!page.roles.contains(&"backend".to_string()), "machine-to-machine roles are not offered");

    // A member reads, without emails, roles to give or invitations.
    let carol = org_token(&app, "carol", ACME).await;
    let page: MembersResponse = members(&app, ACME, &carol).await.json().await.unwrap();
    assert!(!page.can_manage && page.members.iter().all(|m| m.email.is_none()));
    assert!(page.roles.is_empty() && page.invitations.is_empty());

    // Paging.
    let r = app.http.get(url(&app, &format!("/organizations/{ACME}/members?page=2&page_size=5"))).bearer_auth(&carol);
    let page: MembersResponse = r.send().await.unwrap().json().await.unwrap();
    assert_eq!((page.members.len(), page.page, page.total), (5, 2, 12));
    for bad in ["page=0", "page_size=0", "page_size=101", "page=x"] {
        let r = app.http.get(url(&app, &format!("/organizations/{ACME}/members?{bad}"))).bearer_auth(&carol);
        let (status, _, body) = parts(r.send().await.unwrap()).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }

    // The guest role holds no read:members: refused, with the RFC 6750 challenge.
    let bob = org_token(&app, "bob", ACME).await;
    let (status, challenge, body) = parts(members(&app, ACME, &bob).await).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("auth.insufficient_scope")));
    assert!(challenge.contains("insufficient_scope"), "{challenge}");
}

/// The forged-token matrix of the organization-permission routes.
#[tokio::test]
async fn only_an_organization_token_for_this_organization_with_the_permission_passes() {
    let app = spawn_app().await;
    // An organization token for Globex on Acme's route: its audience is Globex's.
    let globex = org_token(&app, "alice", GLOBEX).await;
    let (status, challenge, _) = parts(members(&app, ACME, &globex).await).await;
    assert_eq!(status, 401);
    assert!(challenge.contains("invalid_token"));
    // An organization-level API token (aud = the API) instead of an organization token.
    let api = demo_tenant::organization_api_token(&app.emulator.endpoint, "alice", ACME).await.unwrap();
    assert_eq!(members(&app, ACME, &api).await.status(), 401);
    // A plain API token.
    let plain = app.sign_in("alice").await;
    assert_eq!(members(&app, ACME, plain.access_token()).await.status(), 401);
    // No token, and garbage.
    let none = app.http.get(url(&app, &format!("/organizations/{ACME}/members"))).send().await.unwrap();
    assert_eq!(none.status(), 401);
    assert_eq!(members(&app, ACME, "a.b.c").await.status(), 401);
    // A member (read:members, no manage:members) cannot write.
    let carol = org_token(&app, "carol", ACME).await;
    let (status, _, body) =
        parts(invite(&app, ACME, &carol, json!({"email": "x@example.com", "role": "member"})).await).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("auth.insufficient_scope")));
    let dave = user_id(&app, "dave");
    assert_eq!(remove(&app, ACME, &carol, &dave).await.status(), 403);
    assert_eq!(set_roles(&app, ACME, &carol, &dave, &["admin"]).await.status(), 403);
}

#[tokio::test]
async fn an_admin_invites_and_the_invitee_accepts() {
    let app = spawn_app().await;
    let alice = org_token(&app, "alice", ACME).await;
    let email = "nina@example.com";
    let r = invite(&app, ACME, &alice, json!({"email": email, "role": "member"})).await;
    assert_eq!(r.status(), 201);
    let sent: PendingInvitation = r.json().await.unwrap();
    assert_eq!((sent.email.as_str(), sent.roles.clone()), (email, vec!["member".to_string()]));

    // Logto emailed the link to the SPA's invitation page (the emulator's outbox).
    let mail = last_email(&app, email).await;
    assert_eq!(mail["type"], "OrganizationInvitation");
    let link = format!("http://localhost:8080/admin/invitations/{}?email=nina%40example.com", sent.id);
    assert_eq!(mail["payload"]["link"], link);
    assert_eq!(mail["payload"]["organization"]["name"], "Acme");

    // The admin's page lists it; the invitee's page learns only what it needs.
    let page: MembersResponse = members(&app, ACME, &alice).await.json().await.unwrap();
    assert_eq!(page.invitations.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), [sent.id.as_str()]);
    let summary = app.http.get(url(&app, &format!("/invitations/{}", sent.id))).send().await.unwrap();
    let summary: InvitationSummary = summary.json().await.unwrap();
    assert_eq!(
        (summary.organization_name.as_str(), summary.status.as_str(), summary.email_masked.as_str()),
        ("Acme", "Pending", "n***@e******.com")
    );

    // Refusals: the same address again, a member's address, not an address, an unknown role.
    for (body, status, code) in [
        (json!({"email": "NINA@example.com", "role": "member"}), 409, "invitation.already_invited"),
        (json!({"email": "carol@example.com", "role": "member"}), 409, "invitation.already_member"),
        (json!({"email": "not an address", "role": "member"}), 400, "guard.invalid_input"),
        (json!({"email": "z@example.com", "role": "<script>"}), 400, "organization.unknown_role"),
        (json!({"mail": "z@example.com"}), 400, "guard.invalid_input"),
    ] {
        let (got, _, answer) = parts(invite(&app, ACME, &alice, body.clone()).await).await;
        assert_eq!((got, answer["code"].as_str()), (status, Some(code)), "{body}");
        assert!(!answer["message"].as_str().unwrap().contains("script"), "no echo: {answer}");
    }

    // Someone else signed in cannot accept it; the invitee can, once.
    let carol = app.sign_in("carol").await;
    let accept = |token: String| {
        let request = app.http.post(url(&app, &format!("/invitations/{}/accept", sent.id))).bearer_auth(token);
        async move { parts(request.send().await.unwrap()).await }
    };
    let (status, _, body) = accept(carol.access_token().to_string()).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("invitation.wrong_user")));
    let nina = new_user(&app, "nina", email).await;
    let signed_in = app.sign_in("nina").await;
    let (status, _, body) = accept(signed_in.access_token().to_string()).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("Accepted")), "{body}");
    let (status, _, body) = accept(signed_in.access_token().to_string()).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("invitation.not_pending")));

    // At once in the members list (the cache changed with the write) and in the ranking's members.
    let page: MembersResponse = members(&app, ACME, &alice).await.json().await.unwrap();
    let row = page.members.iter().find(|m| m.id == nina).expect("nina is a member");
    assert_eq!(row.roles, ["member"]);
    assert!(page.invitations.is_empty());
    let token = demo_tenant::organization_api_token(&app.emulator.endpoint, "nina", ACME).await.unwrap();
    let top = app.http.get(url(&app, &format!("/organizations/{ACME}/top-users"))).bearer_auth(token).send().await;
    assert_eq!(top.unwrap().status(), 200, "nina reads Acme's list with her new role");
}

#[tokio::test]
async fn invitations_are_revoked_and_unknown_ones_are_404_without_echo() {
    let app = spawn_app().await;
    let alice = org_token(&app, "alice", ACME).await;
    let sent: PendingInvitation =
        invite(&app, ACME, &alice, json!({"email": "olga@example.com", "role": "guest"})).await.json().await.unwrap();
    let revoke = |id: &str| {
        app.http.delete(url(&app, &format!("/organizations/{ACME}/invitations/{id}"))).bearer_auth(&alice).send()
    };
    assert_eq!(revoke(&sent.id).await.unwrap().status(), 204);
    let (status, _, body) = parts(revoke(&sent.id).await.unwrap()).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("invitation.not_pending")));
    let summary: InvitationSummary =
        app.http.get(url(&app, &format!("/invitations/{}", sent.id))).send().await.unwrap().json().await.unwrap();
    assert_eq!(summary.status, "Revoked");
    // Globex's admin cannot revoke Acme's invitations.
    let grace = org_token(&app, "grace", GLOBEX).await;
    let r = app.http.delete(url(&app, &format!("/organizations/{GLOBEX}/invitations/{}", sent.id))).bearer_auth(grace);
    assert_eq!(parts(r.send().await.unwrap()).await.2["code"], "invitation.not_found");
    for hostile in ["%3Cscript%3E", "..%2F..%2Fusers", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "zzzzzzzzzzzz"] {
        let (status, _, body) =
            parts(app.http.get(url(&app, &format!("/invitations/{hostile}"))).send().await.unwrap()).await;
        assert_eq!((status, body["code"].as_str()), (404, Some("invitation.not_found")), "{hostile}");
        assert!(!body.to_string().contains("script") && !body.to_string().contains("zzzz"), "{body}");
    }
}

#[tokio::test]
async fn roles_change_and_members_leave_but_never_the_last_admin() {
    let app = spawn_app().await;
    let alice_token = org_token(&app, "alice", ACME).await;
    let (alice, carol, dave) = (user_id(&app, "alice"), user_id(&app, "carol"), user_id(&app, "dave"));

    // The only admin can neither demote nor remove herself.
    for r in
        [set_roles(&app, ACME, &alice_token, &alice, &["member"]).await, remove(&app, ACME, &alice_token, &alice).await]
    {
        let (status, _, body) = parts(r).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("organization.last_admin")));
    }
    // Promote carol; then alice may step down, and carol demotes her.
    assert_eq!(set_roles(&app, ACME, &alice_token, &carol, &["admin"]).await.status(), 204);
    let carol_token = org_token(&app, "carol", ACME).await;
    assert_eq!(set_roles(&app, ACME, &carol_token, &alice, &["member"]).await.status(), 204);

    // alice's token still says manage:members; Logto no longer does: refused, RFC 6750.
    let (status, challenge, body) = parts(remove(&app, ACME, &alice_token, &dave).await).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("auth.permission_revoked")), "{body}");
    assert!(challenge.contains("insufficient_scope") && challenge.contains("manage:members"), "{challenge}");

    // dave, made a guest, is refused Acme's list at once though his token still says read:top-users.
    let daves = demo_tenant::organization_api_token(&app.emulator.endpoint, "dave", ACME).await.unwrap();
    let top =
        |token: String| app.http.get(url(&app, &format!("/organizations/{ACME}/top-users"))).bearer_auth(token).send();
    assert_eq!(top(daves.clone()).await.unwrap().status(), 200);
    assert_eq!(set_roles(&app, ACME, &carol_token, &dave, &["guest"]).await.status(), 204);
    let (status, challenge, body) = parts(top(daves.clone()).await.unwrap()).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("auth.permission_revoked")), "{body}");
    assert!(challenge.contains("read:top-users"), "{challenge}");

    // carol removes dave: gone from the list at once; his follows stay his.
    assert_eq!(remove(&app, ACME, &carol_token, &dave).await.status(), 204);
    let page: MembersResponse = members(&app, ACME, &carol_token).await.json().await.unwrap();
    assert!(page.members.iter().all(|m| m.id != dave) && page.total == 11);
    let (status, _, body) = parts(remove(&app, ACME, &carol_token, &dave).await).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("organization.not_member")));

    // Hostile ids and bodies: fixed words, no echo.
    let (status, _, body) = parts(remove(&app, ACME, &carol_token, "%3Cscript%3E").await).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("user.invalid_id")));
    let r = app.http.put(url(&app, &format!("/organizations/{ACME}/members/{alice}/roles"))).bearer_auth(&carol_token);
    let (status, _, body) = parts(r.body("{\"roles\": \"admin\"}").send().await.unwrap()).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("guard.invalid_input")));
    let (status, _, body) = parts(set_roles(&app, ACME, &carol_token, &alice, &["owner"]).await).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("organization.unknown_role")));

    // Each action is counted.
    let metrics = app.http.get(format!("{}/metrics", app.backend)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains(r#"organization_admin_actions_total{action="remove_member",result="ok"} 1"#), "{metrics}");
    assert!(metrics.contains(r#"organization_admin_actions_total{action="set_roles",result="refused"}"#));
}

#[tokio::test]
async fn invitations_are_rate_limited_per_organization() {
    let app = spawn_app_with(|c| c.rate_limit_invitations = "2/h".parse().unwrap()).await;
    let alice = org_token(&app, "alice", ACME).await;
    for i in 0..2 {
        let r = invite(&app, ACME, &alice, json!({"email": format!("p{i}@example.com"), "role": "member"})).await;
        assert_eq!(r.status(), 201);
    }
    let r = invite(&app, ACME, &alice, json!({"email": "p9@example.com", "role": "member"})).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    // Globex has its own allowance.
    let grace = org_token(&app, "grace", GLOBEX).await;
    assert_eq!(invite(&app, GLOBEX, &grace, json!({"email": "p9@example.com", "role": "member"})).await.status(), 201);
}

#[tokio::test]
async fn without_an_email_connector_nothing_is_kept() {
    let mut seed = demo_tenant::seed();
    seed.outbox = false;
    seed.sign_up = None;
    let emulator = logto_emulator::Emulator::new(&seed).spawn().await.unwrap();
    let app = crate::helpers::spawn_app_on(emulator).await;
    let alice = org_token(&app, "alice", ACME).await;
    let (status, _, body) =
        parts(invite(&app, ACME, &alice, json!({"email": "q@example.com", "role": "member"})).await).await;
    assert_eq!((status, body["code"].as_str()), (503, Some("invitation.cannot_send")));
    assert!(app.emulator.state.tenant.read(|s| s.invitations.is_empty()), "the unsent invitation is gone");
}

/// Logto failing under the admin routes: fixed words and 503 `logto.unavailable`, never Logto's
/// text, and nothing half done.
#[tokio::test]
async fn when_logto_fails_the_admin_routes_say_so_in_fixed_words() {
    let app = spawn_app().await;
    let alice = org_token(&app, "alice", ACME).await;
    let fault = |path: &str| json!({"path": path, "status": 500});
    let faults = format!("{}/_emulator/faults", app.emulator.endpoint);
    // The actor's permissions cannot be had: nothing is sent.
    app.http.post(&faults).json(&fault("/api/organizations/*/users/*/scopes")).send().await.unwrap();
    let (status, _, body) =
        parts(invite(&app, ACME, &alice, json!({"email": "r@example.com", "role": "member"})).await).await;
    assert_eq!((status, body["code"].as_str()), (503, Some("logto.unavailable")), "{body}");
    assert!(!body["message"].as_str().unwrap().contains("500"), "{body}");
    assert!(app.emulator.state.tenant.read(|s| s.invitations.is_empty()));
    app.http.delete(&faults).send().await.unwrap();
    // Logto refuses the role change itself.
    let carol = user_id(&app, "carol");
    app.http
        .post(&faults)
        .json(&json!({"path": "/api/organizations/*/users/*/roles", "method": "PUT", "status": 500}))
        .send()
        .await
        .unwrap();
    let (status, _, body) = parts(set_roles(&app, ACME, &alice, &carol, &["admin"]).await).await;
    assert_eq!((status, body["code"].as_str()), (503, Some("logto.unavailable")), "{body}");
    app.http.delete(&faults).send().await.unwrap();
    // An invitation lookup while Logto is down.
    app.http.post(&faults).json(&fault("/api/organization-invitations/*")).send().await.unwrap();
    let r = app.http.get(url(&app, "/invitations/abcdefghijkl")).send().await.unwrap();
    assert_eq!(parts(r).await.2["code"], "logto.unavailable");
}

/// The organization list's check of the caller's roles now must not make a list served from the
/// members cache fail while Logto is down: without the roles, the token's word stands.
#[tokio::test]
async fn the_list_stays_up_from_the_cache_when_the_roles_cannot_be_had() {
    let app = spawn_app().await;
    let carol = org_token(&app, "carol", ACME).await;
    // The members cached (carol reads the Members page: no roles needed for a member).
    assert_eq!(members(&app, ACME, &carol).await.status(), 200);
    let faults = format!("{}/_emulator/faults", app.emulator.endpoint);
    app.http.post(&faults).json(&json!({"path": "/api/organization-roles*", "status": 500})).send().await.unwrap();
    let token = demo_tenant::organization_api_token(&app.emulator.endpoint, "carol", ACME).await.unwrap();
    let r = app.http.get(url(&app, &format!("/organizations/{ACME}/top-users"))).bearer_auth(token).send().await;
    assert_eq!(r.unwrap().status(), 200);
    app.http.delete(&faults).send().await.unwrap();
}
