//! The `logto-cli` binary against an emulator that holds only a bootstrap M2M application, as a
//! fresh Logto does.

use std::path::Path;
use std::process::Output;

use logto_emulator::seed::BOOTSTRAP_SEED;
use logto_emulator::{RunningEmulator, Seed};

const BOOTSTRAP_ID: &str = "m2mbootstrap000000001";
const BOOTSTRAP_SECRET: &str = "bootstrap-m2m-secret-0123456789";

async fn fresh_logto() -> RunningEmulator {
    logto_emulator::Emulator::new(&Seed::parse("bootstrap.json", BOOTSTRAP_SEED).unwrap()).spawn().await.unwrap()
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("logto-cli-test-").tempdir().unwrap()
}

/// Runs the binary with the given credentials and arguments (off the async runtime's threads).
async fn cli(endpoint: &str, id: &str, secret: &str, args: &[&str]) -> Output {
    cli_with(endpoint, id, secret, &[], args).await
}

/// [`cli`] with more environment variables.
async fn cli_with(endpoint: &str, id: &str, secret: &str, vars: &[(&str, &str)], args: &[&str]) -> Output {
    let (endpoint, id, secret) = (endpoint.to_string(), id.to_string(), secret.to_string());
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_logto-cli"))
            .env("LOGTO_ENDPOINT", endpoint)
            .env("LOGTO_M2M_APP_ID", id)
            .env("LOGTO_M2M_APP_SECRET", secret)
            .env_remove("LOGTO_TENANT")
            .env_remove("LOGTO_EXCHANGE_APP_ID")
            .env_remove("LOGTO_EXCHANGE_APP_SECRET")
            .envs(vars)
            .args(args)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

async fn ok(emu: &RunningEmulator, args: &[&str]) -> String {
    let out = cli(&emu.endpoint, BOOTSTRAP_ID, BOOTSTRAP_SECRET, args).await;
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

async fn fails(endpoint: &str, id: &str, secret: &str, args: &[&str]) -> String {
    let out = cli(endpoint, id, secret, args).await;
    assert!(!out.status.success(), "{args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

fn counts(emu: &RunningEmulator) -> (usize, usize, usize) {
    emu.state.tenant.read(|store| (store.applications.len(), store.roles.len(), store.resources.len()))
}

fn env_arg(path: &Path) -> String {
    path.display().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn provision_creates_everything_once_and_rerunning_is_a_no_op() {
    let emu = fresh_logto().await;
    let dir = temp_dir();
    let env = dir.path().join(".env");

    let plan = ok(&emu, &["provision", "--dry-run", "--env-file", &env_arg(&env)]).await;
    assert!(plan.contains("would create API resource https://api.example.com"), "{plan}");
    assert_eq!(counts(&emu), (1, 1, 1), "a dry run changes nothing");
    assert!(!env.exists());

    let first = ok(&emu, &["provision", "--env-file", &env_arg(&env)]).await;
    assert!(first.contains("created  SPA application") && first.contains("found    Management API role"), "{first}");
    assert_eq!(counts(&emu), (4, 2, 2), "SPA, backend and support apps, User role, API resource");
    let written = std::fs::read_to_string(&env).unwrap();
    let vars: std::collections::HashMap<_, _> = logto_cli::provision::parse_env(&written).into_iter().collect();
    assert_eq!(vars["LOGTO_ENDPOINT"], emu.endpoint);
    assert_eq!(vars["LOGTO_MANAGEMENT_RESOURCE"], "https://default.logto.app/api");
    // The backend's webhook, and its signing key for the backend.
    let hook = emu.state.tenant.read(|s| s.hooks[0].clone());
    assert_eq!(hook.url, "http://localhost:3000/api/webhooks/logto");
    // Every event the backend's lists follow (issue 26).
    let events: Vec<&str> = hook.events.iter().map(String::as_str).collect();
    for event in ["User.Data.Updated", "User.Deleted", "User.Created", "User.SuspensionStatus.Updated"] {
        assert!(events.contains(&event), "{event} in {events:?}");
    }
    assert!(events.contains(&"Organization.Membership.Updated") && events.contains(&"Organization.Deleted"));
    assert_eq!(vars["LOGTO_WEBHOOK_SIGNING_KEY"], hook.signing_key.expose());
    assert!(first.contains("created  webhook Top users backend"), "{first}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&env).unwrap().permissions().mode() & 0o777, 0o600, "the file holds a secret");
    }

    let again = ok(&emu, &["provision", "--env-file", &env_arg(&env)]).await;
    assert!(again.contains("Nothing to change."), "{again}");
    assert!(!again.contains("created"), "{again}");
    assert_eq!(counts(&emu), (4, 2, 2));
    assert_eq!(std::fs::read_to_string(&env).unwrap(), written);

    // The written credentials work: the provisioned backend app can use the Management API too.
    let listed =
        cli(&emu.endpoint, &vars["LOGTO_M2M_APP_ID"], &vars["LOGTO_M2M_APP_SECRET"], &["users", "list", "--json"])
            .await;
    assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));
}

#[tokio::test(flavor = "multi_thread")]
async fn users_and_roles_commands() {
    let emu = fresh_logto().await;
    let dir = temp_dir();
    ok(&emu, &["provision", "--env-file", &env_arg(&dir.path().join(".env"))]).await;
    for name in ["carol", "dave", "erin"] {
        ok(&emu, &["users", "create", "--username", name, "--password", "pw-123456", "--name", &format!("{name} X")])
            .await;
    }
    let created: serde_json::Value = serde_json::from_str(
        &ok(&emu, &["users", "create", "--username", "frank", "--email", "frank@example.com", "--json"]).await,
    )
    .unwrap();
    let frank = created["id"].as_str().unwrap().to_string();

    let table = ok(&emu, &["users", "list", "--page-size", "2"]).await;
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 5, "header + four users across two pages:\n{table}");
    assert!(lines[0].starts_with("ID") && lines[1].contains("frank"), "newest first:\n{table}");

    let found: serde_json::Value =
        // "ave X" (a name's end): a space is not in the id alphabet, so no random id can match too
        // (plain "ave" failed once here: a user's random 12-character id contained it).
        serde_json::from_str(&ok(&emu, &["users", "search", "ave X", "--json"]).await).unwrap();
    assert_eq!(found.as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect::<Vec<_>>(), ["dave"]);

    let assigned = ok(&emu, &["roles", "assign", "--user", &frank, "--role", "User"]).await;
    assert!(assigned.contains("assigned role"), "{assigned}");
    let has_role = emu.state.tenant.read(|s| s.user(&frank).map(|u| u.role_ids.len()));
    assert_eq!(has_role, Some(1));

    let got: serde_json::Value = serde_json::from_str(&ok(&emu, &["users", "get", &frank, "--json"]).await).unwrap();
    assert_eq!(got["primaryEmail"], "frank@example.com");
    ok(&emu, &["users", "delete", &frank]).await;
    let gone = fails(&emu.endpoint, BOOTSTRAP_ID, BOOTSTRAP_SECRET, &["users", "get", &frank]).await;
    assert!(gone.contains("entity.not_found"), "{gone}");
    let dup = fails(&emu.endpoint, BOOTSTRAP_ID, BOOTSTRAP_SECRET, &["users", "create", "--username", "carol"]).await;
    assert!(dup.contains("user.username_already_in_use"), "{dup}");
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_name_the_fix() {
    let emu = fresh_logto().await;
    let bad_secret = fails(&emu.endpoint, BOOTSTRAP_ID, "wrong", &["users", "list"]).await;
    assert!(bad_secret.contains("LOGTO_M2M_APP_SECRET") && bad_secret.contains("invalid_client"), "{bad_secret}");

    let tenant = cli(&emu.endpoint, BOOTSTRAP_ID, BOOTSTRAP_SECRET, &["--tenant", "abc123", "users", "list"]).await;
    let tenant = String::from_utf8(tenant.stderr).unwrap();
    assert!(tenant.contains("https://abc123.logto.app/api") && tenant.contains("--tenant"), "{tenant}");

    let unreachable = fails("http://127.0.0.1:9", BOOTSTRAP_ID, BOOTSTRAP_SECRET, &["users", "list"]).await;
    assert!(unreachable.contains("LOGTO_ENDPOINT"), "{unreachable}");
    // The cause is kept (it was "…/oidc/token: client error" before).
    assert!(unreachable.to_lowercase().contains("connection refused"), "{unreachable}");

    // An M2M app without the Management API role gets a token without `all`.
    let roleless = emu.state.tenant.change_in_memory(|store| {
        let mut app = store.applications[BOOTSTRAP_ID].clone();
        app.id = "m2mnorole000000000001".into();
        app.role_ids.clear();
        store.applications.insert(app.id.clone(), app);
        "m2mnorole000000000001"
    });
    let no_all = fails(&emu.endpoint, roleless, BOOTSTRAP_SECRET, &["users", "list"]).await;
    assert!(no_all.contains("`all`"), "{no_all}");
}

/// Found against real Logto: with more than 20 roles, `provision` missed its own role on the second run
/// and `roles assign` said the role did not exist, because only the first page of roles was read.
#[tokio::test(flavor = "multi_thread")]
async fn roles_beyond_the_first_page_are_found() {
    let emu = fresh_logto().await;
    emu.state.tenant.change_in_memory(|store| {
        for i in 0..45 {
            store.roles.push(logto_emulator::model::Role {
                id: format!("manyroles{i:012}"),
                name: format!("team-{i:02}"),
                description: "one of many".into(),
                role_type: logto_emulator::model::RoleType::User,
                scopes: vec![],
                is_default: false,
            });
        }
    });
    let dir = temp_dir();
    let env = env_arg(&dir.path().join(".env"));
    ok(&emu, &["provision", "--env-file", &env]).await;
    let roles_after_first = counts(&emu).1;
    let again = ok(&emu, &["provision", "--env-file", &env]).await;
    assert_eq!(counts(&emu).1, roles_after_first, "no duplicate role on the second run:\n{again}");
    let created: serde_json::Value =
        serde_json::from_str(&ok(&emu, &["users", "create", "--username", "gina", "--json"]).await).unwrap();
    let gina = created["id"].as_str().unwrap();
    let assigned = ok(&emu, &["roles", "assign", "--user", gina, "--role", "team-44"]).await;
    assert!(assigned.contains("assigned role"), "{assigned}");
}

#[tokio::test(flavor = "multi_thread")]
async fn orgs_commands_and_the_organization_role_provision_creates() {
    let emu = fresh_logto().await;
    let dir = temp_dir();
    let env = env_arg(&dir.path().join(".env"));
    // An `admin` role made by hand, without `manage:members`: provision adds what it lacks.
    let by_hand = ok(&emu, &["orgs", "roles", "create", "--name", "admin"]).await;
    assert!(by_hand.contains("admin"), "{by_hand}");
    let first = ok(&emu, &["provision", "--env-file", &env]).await;
    for line in [
        "created  organization permission read:members",
        "created  organization permission manage:members",
        "found    organization role admin",
        "created  2 organization permission(s) on organization role admin",
        "created  2 API permission(s) on organization role admin",
        "created  organization role member",
    ] {
        assert!(first.contains(line), "{line} in {first}");
    }
    assert!(first.contains("with read:members and API permissions read:top-users"), "{first}");
    let again = ok(&emu, &["provision", "--env-file", &env]).await;
    assert!(again.contains("found    organization role member") && again.contains("Nothing to change"), "{again}");
    assert!(again.contains("found    organization permission manage:members"), "{again}");
    let (admin, member) = emu.state.tenant.read(|s| {
        let names = |role: &str| {
            let role = s.org_roles.iter().find(|r| r.name == role).unwrap();
            let mut names: Vec<String> =
                role.scope_ids.iter().filter_map(|id| s.org_scope(id)).map(|x| x.name.clone()).collect();
            names.sort();
            (names, role.resource_scope_ids.len())
        };
        (names("admin"), names("member"))
    });
    assert_eq!(admin, (vec!["manage:members".to_string(), "read:members".to_string()], 2));
    assert_eq!(member, (vec!["read:members".to_string()], 2));

    let created: serde_json::Value = serde_json::from_str(
        &ok(&emu, &["orgs", "create", "--name", "Acme", "--description", "Acme Inc.", "--json"]).await,
    )
    .unwrap();
    assert_eq!(created["name"], "Acme");
    let user: serde_json::Value =
        serde_json::from_str(&ok(&emu, &["users", "create", "--username", "hank", "--json"]).await).unwrap();
    let hank = user["id"].as_str().unwrap();
    ok(&emu, &["orgs", "members", "add", "Acme", "--user", hank]).await;
    let assigned = ok(&emu, &["orgs", "roles", "assign", "--org", "Acme", "--user", hank, "--role", "member"]).await;
    assert!(assigned.contains("assigned organization role"), "{assigned}");
    let table = ok(&emu, &["orgs", "members", "list", "Acme"]).await;
    assert!(table.lines().nth(1).is_some_and(|l| l.contains("hank") && l.ends_with("member")), "{table}");
    let listed = ok(&emu, &["orgs", "list"]).await;
    assert!(listed.contains("Acme Inc."), "{listed}");

    let nope = fails(&emu.endpoint, BOOTSTRAP_ID, BOOTSTRAP_SECRET, &["orgs", "members", "list", "Nope"]).await;
    assert!(nope.contains("no organization \"Nope\""), "{nope}");
    // Issue 22, item 15: each refusal says what to do, and `orgs create --json` shows what Logto
    // returned (createdAt, isMfaRequired; no organizationRoles Logto did not send).
    assert!(created["createdAt"].is_i64() && created["isMfaRequired"] == false, "{created}");
    assert!(created.get("organizationRoles").is_none(), "{created}");
    let fail = |args: &'static [&'static str]| fails(&emu.endpoint, BOOTSTRAP_ID, BOOTSTRAP_SECRET, args);
    let user: serde_json::Value =
        serde_json::from_str(&ok(&emu, &["users", "create", "--username", "ida", "--json"]).await).unwrap();
    let ida = user["id"].as_str().unwrap();
    let out = cli(
        &emu.endpoint,
        BOOTSTRAP_ID,
        BOOTSTRAP_SECRET,
        &["orgs", "roles", "assign", "--org", "Acme", "--user", ida, "--role", "member"],
    )
    .await;
    let not_member = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && not_member.contains("orgs members add"), "{not_member}");
    let unknown = fail(&["orgs", "members", "add", "Acme", "--user", "nosuchuser00"]).await;
    assert!(unknown.contains("no user nosuchuser00") && unknown.contains("nobody was added"), "{unknown}");
    let bad = fail(&["orgs", "members", "add", "Acme", "--user", "BAD-ID"]).await;
    assert!(bad.contains("not a Logto user id"), "{bad}");
    let log_before = emu.state.request_log().len();
    let bad = fail(&["users", "get", "BAD-ID"]).await;
    assert!(bad.contains("not a Logto user id"), "{bad}");
    assert_eq!(emu.state.request_log().len(), log_before, "nothing sent for a malformed id");

    // Invitations: made with a role, listed, revoked; emailing one needs an email connector.
    let invited: serde_json::Value = serde_json::from_str(
        &ok(&emu, &["orgs", "invite", "Acme", "zoe@example.com", "--role", "member", "--expires", "2d", "--json"])
            .await,
    )
    .unwrap();
    assert_eq!(
        (invited["status"].as_str(), invited["organizationRoles"][0]["name"].as_str()),
        (Some("Pending"), Some("member"))
    );
    let week = emu.state.clock.now_ms() + 2 * 86_400_000;
    assert!((invited["expiresAt"].as_i64().unwrap() - week).abs() < 60_000, "{invited}");
    let listed = ok(&emu, &["orgs", "invitations", "list", "--org", "Acme", "--status", "pending"]).await;
    assert!(listed.lines().nth(1).is_some_and(|l| l.contains("zoe@example.com") && l.contains("member")), "{listed}");
    let id = invited["id"].as_str().unwrap();
    assert!(ok(&emu, &["orgs", "invitations", "revoke", id])
        .await
        .contains("revoked the invitation of zoe@example.com"));
    let revoked = ok(&emu, &["orgs", "invitations", "list", "--status", "revoked"]).await;
    assert!(revoked.contains(id), "{revoked}");
    let mail =
        fail(&["orgs", "invite", "Acme", "yan@example.com", "--send", "--link", "https://app.example.com/i"]).await;
    assert!(mail.contains("no email connector") && mail.contains("without --send"), "{mail}");
    let bad = fail(&["orgs", "invite", "Acme", "yan@example.com", "--expires", "soon"]).await;
    assert!(bad.contains("7d"), "{bad}");

    // The organization template: permissions and roles, created, listed, deleted.
    ok(&emu, &["orgs", "scopes", "create", "--name", "invite:members", "--description", "Invite people"]).await;
    let scopes = ok(&emu, &["orgs", "scopes", "list"]).await;
    assert!(scopes.contains("invite:members") && scopes.contains("Invite people"), "{scopes}");
    let guest: serde_json::Value = serde_json::from_str(
        &ok(&emu, &["orgs", "roles", "create", "--name", "guest", "--scope", "invite:members", "--json"]).await,
    )
    .unwrap();
    assert_eq!((guest["name"].as_str(), guest["scopes"][0]["name"].as_str()), (Some("guest"), Some("invite:members")));
    let roles = ok(&emu, &["orgs", "roles", "list"]).await;
    assert!(roles.lines().any(|l| l.contains("guest") && l.ends_with("invite:members")), "{roles}");
    let missing = fail(&["orgs", "roles", "create", "--name", "x", "--scope", "no:such"]).await;
    assert!(missing.contains("no organization permission \"no:such\""), "{missing}");
    ok(&emu, &["orgs", "roles", "delete", "guest"]).await;
    ok(&emu, &["orgs", "scopes", "delete", "invite:members"]).await;
    assert!(!ok(&emu, &["orgs", "roles", "list"]).await.contains("guest"));
    assert!(!ok(&emu, &["orgs", "scopes", "list"]).await.contains("invite:members"));

    ok(&emu, &["orgs", "members", "remove", "Acme", "--user", hank]).await;
    ok(&emu, &["orgs", "delete", "Acme"]).await;
    assert!(emu.state.tenant.read(|s| s.organizations.is_empty()));
}

/// Issue 27: a user's personal access tokens from the command line.
#[tokio::test(flavor = "multi_thread")]
async fn users_pat_create_list_delete() {
    let emu = fresh_logto().await;
    let user: serde_json::Value =
        serde_json::from_str(&ok(&emu, &["users", "create", "--username", "patowner", "--json"]).await).unwrap();
    let id = user["id"].as_str().unwrap();
    let created = ok(&emu, &["users", "pat", "create", id, "--name", "ci", "--expires", "30d"]).await;
    let value = created.lines().nth(1).unwrap_or_default().to_string();
    assert!(created.starts_with("created personal access token ci") && value.starts_with("pat_"), "{created}");
    let table = ok(&emu, &["users", "pat", "list", id]).await;
    let row = table.lines().nth(1).unwrap();
    assert!(row.starts_with("ci") && row.contains(&format!("pat_…{}", &value[value.len() - 4..])), "{table}");
    assert!(!table.contains(&value), "the table shortens the value");
    let listed: serde_json::Value =
        serde_json::from_str(&ok(&emu, &["users", "pat", "list", id, "--json"]).await).unwrap();
    assert_eq!(listed[0]["value"], value.as_str());
    assert!(listed[0]["expiresAt"].is_i64());
    let taken =
        fails(&emu.endpoint, BOOTSTRAP_ID, BOOTSTRAP_SECRET, &["users", "pat", "create", id, "--name", "ci"]).await;
    assert!(taken.contains("name already exists") || taken.contains("personal_access_token_name_exists"), "{taken}");
    assert!(ok(&emu, &["users", "pat", "delete", id, "--name", "ci"])
        .await
        .contains("deleted personal access token ci"));
    assert_eq!(ok(&emu, &["users", "pat", "list", id]).await.lines().count(), 1, "the header alone");
}

/// Issue 27: `users impersonate` prints an access token of the user through the support app
/// `provision` made (Logto's token exchange); an app not allowed to exchange is told apart.
#[tokio::test(flavor = "multi_thread")]
async fn users_impersonate_prints_a_token_of_the_user() {
    let emu = fresh_logto().await;
    let dir = temp_dir();
    let env = dir.path().join(".env");
    let first = ok(&emu, &["provision", "--env-file", &env_arg(&env)]).await;
    assert!(first.contains("created  token-exchange application Top users support"), "{first}");
    let vars: std::collections::HashMap<_, _> =
        logto_cli::provision::parse_env(&std::fs::read_to_string(&env).unwrap()).into_iter().collect();
    let user: serde_json::Value =
        serde_json::from_str(&ok(&emu, &["users", "create", "--username", "erin", "--json"]).await).unwrap();
    let id = user["id"].as_str().unwrap();
    ok(&emu, &["roles", "assign", "--user", id, "--role", "User"]).await;

    let support = [
        ("LOGTO_EXCHANGE_APP_ID", vars["LOGTO_EXCHANGE_APP_ID"].as_str()),
        ("LOGTO_EXCHANGE_APP_SECRET", vars["LOGTO_EXCHANGE_APP_SECRET"].as_str()),
    ];
    let args = ["users", "impersonate", id, "--resource", "https://api.example.com", "--scope", "read:top-users"];
    let out = cli_with(&emu.endpoint, BOOTSTRAP_ID, BOOTSTRAP_SECRET, &support, &args).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let payload = token.split('.').nth(1).unwrap();
    use base64::Engine;
    let claims: serde_json::Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    assert_eq!((claims["sub"].as_str(), claims["aud"].as_str()), (Some(id), Some("https://api.example.com")));
    assert_eq!((claims["scope"].as_str(), claims["client_id"].as_str()), (Some("read:top-users"), Some(support[0].1)));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expires in"));

    // The bootstrap app may not exchange tokens: the error names the settings to fix.
    let bootstrap = [("LOGTO_EXCHANGE_APP_ID", BOOTSTRAP_ID), ("LOGTO_EXCHANGE_APP_SECRET", BOOTSTRAP_SECRET)];
    let out = cli_with(&emu.endpoint, BOOTSTRAP_ID, BOOTSTRAP_SECRET, &bootstrap, &args).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("LOGTO_EXCHANGE_APP_ID"), "{stderr}");
    // An unknown API resource.
    let mut unknown = args;
    unknown[4] = "https://nope.example.com";
    let out = cli_with(&emu.endpoint, BOOTSTRAP_ID, BOOTSTRAP_SECRET, &support, &unknown).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("no API resource"), "{stderr}");
}
