//! The emulator as a development tool: the user picker, the binary's start and its seed checks.

use demo_tenant::SPA_APP_ID;
use logto_emulator::Options;

async fn open_sign_in(endpoint: &str, http: &reqwest::Client) -> String {
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let r = http
        .get(format!("{endpoint}/oidc/auth"))
        .query(&[
            ("client_id", SPA_APP_ID),
            ("redirect_uri", demo_tenant::SPA_REDIRECT_URI),
            ("response_type", "code"),
            ("scope", "openid"),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    r.headers()["location"].to_str().unwrap().split("interaction=").nth(1).unwrap().to_string()
}

#[tokio::test]
async fn the_user_picker_signs_in_without_a_password_unless_turned_off() {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let interaction = open_sign_in(&emu.endpoint, &http).await;
    let page = http
        .get(format!("{}/sign-in?interaction={interaction}", emu.endpoint))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"name="pick" value="grace""#), "the picker lists seeded users");
    let r = http
        .post(format!("{}/sign-in", emu.endpoint))
        .form(&[("interaction", interaction.as_str()), ("pick", "grace")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().contains("code="));

    let locked = logto_emulator::Emulator::new(&demo_tenant::seed())
        .options(Options { user_picker: false, ..Options::default() })
        .spawn()
        .await
        .unwrap();
    let interaction = open_sign_in(&locked.endpoint, &http).await;
    let page = http
        .get(format!("{}/sign-in?interaction={interaction}", locked.endpoint))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains(r#"name="pick""#));
    let r = http
        .post(format!("{}/sign-in", locked.endpoint))
        .form(&[("interaction", interaction.as_str()), ("pick", "grace")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "with the picker off, a pick is no sign-in");
}

#[test]
fn an_invalid_seed_stops_the_start_naming_file_field_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("bad-seed.json");
    std::fs::write(&seed, r#"{"users":[{"id":"abc","username":"x","password":"p"}]}"#).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_logto-emulator"))
        .args(["--port", "0", "--seed"])
        .arg(&seed)
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad-seed.json") && stderr.contains("users[0].id") && stderr.contains("12-character"),
        "{stderr}"
    );
}

#[test]
fn the_ready_banner_is_one_structured_event_with_log_format_json_and_the_default_is_a_bare_logto() {
    use std::io::{BufRead, BufReader};
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_logto-emulator"))
        .args(["--in-memory", "--port", &port.to_string()])
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let first = BufReader::new(child.stdout.take().unwrap()).lines().next();
    let _ = child.kill();
    let _ = child.wait();
    let event: serde_json::Value = serde_json::from_str(&first.unwrap().unwrap()).expect("a JSON line");
    let fields = &event["fields"];
    assert_eq!((event["level"].as_str(), fields["message"].as_str()), (Some("INFO"), Some("Logto emulator ready")));
    let endpoint = format!("http://localhost:{port}");
    assert_eq!(fields["endpoint"], endpoint.as_str());
    assert_eq!(fields["issuer"], format!("{endpoint}/oidc"));
    assert_eq!(fields["listening"], format!("127.0.0.1:{port}"));
    assert!(fields["key_id"].is_string(), "{event}");
    // Without --seed: a bare Logto, no users, only the bootstrap app to provision it with.
    assert_eq!((fields["users"].as_u64(), fields["sign_in_as"].as_str()), (Some(0), Some("")), "{event}");
}
