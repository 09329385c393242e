//! The emulator embedded in a program, as in a test: started on an ephemeral port with a seed of
//! your own (one API, one SPA, one user with a role), the user signed in through its sign-in page as
//! a browser would, and the access token's claims printed.
//! `cargo run -p logto-emulator --example embedded`.
//!
//! As a binary instead: `cargo run -p logto-emulator -- --seed my-seed.json` (http://localhost:3001;
//! without `--seed`, a bare Logto).

use logto_emulator::{testkit, Seed};

const SEED: &str = r#"{
  "resources": [{ "name": "Things API", "indicator": "https://api.example.com", "accessTokenTtl": 3600,
                  "scopes": [{ "name": "read:things", "description": "Read things" }] }],
  "roles": [{ "name": "Reader", "description": "Reads things", "type": "User",
              "scopes": { "https://api.example.com": ["read:things"] } }],
  "applications": [{ "id": "myspa0000000000000001", "name": "My SPA", "type": "SPA",
                     "redirectUris": ["http://localhost:8080/callback"] }],
  "users": [{ "id": "u0000000000a", "username": "ada", "password": "a-password", "roles": ["Reader"] }]
}"#;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let seed = Seed::parse("embedded.rs", SEED)?;
    let emulator = logto_emulator::Emulator::new(&seed).spawn().await?;
    println!("Logto emulator at {} (issuer {})", emulator.endpoint, emulator.issuer());
    let (app, redirect) = ("myspa0000000000000001", "http://localhost:8080/callback");
    let scopes = "openid offline_access read:things";
    let api = "https://api.example.com";
    let ada = testkit::sign_in_to(&emulator.endpoint, app, redirect, "ada", "a-password", scopes, Some(api)).await?;
    let claims = ada.access_token().split('.').nth(1).ok_or("not a JWT")?;
    use base64::Engine as _;
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(claims)?;
    println!("ada's access token for {api}: {}", String::from_utf8_lossy(&claims));
    Ok(())
}
