//! The emulator embedded in a program (as in a test): started on an ephemeral port with the built-in
//! seed, a user signed in through its sign-in page as a browser would, and the access token's
//! claims printed. `cargo run -p logto-emulator --example embedded`.
//!
//! As a binary instead: `cargo run -p logto-emulator` (http://localhost:3001, `--help` for options).

use logto_emulator::testkit::{self, API_RESOURCE, DEMO_PASSWORD};
use logto_emulator::Seed;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = logto_emulator::spawn(&Seed::default_seed()).await?;
    println!("Logto emulator at {} (issuer {})", emulator.endpoint, emulator.issuer());
    let scopes = "openid profile offline_access read:top-users";
    let alice = testkit::sign_in(&emulator.endpoint, "alice", DEMO_PASSWORD, scopes, Some(API_RESOURCE)).await?;
    let claims = alice.access_token().split('.').nth(1).ok_or("not a JWT")?;
    use base64::Engine as _;
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(claims)?;
    println!("alice's access token for {API_RESOURCE}: {}", String::from_utf8_lossy(&claims));
    Ok(())
}
