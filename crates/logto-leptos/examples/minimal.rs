//! A minimal Leptos app with `logto-leptos`: sign in with Logto, call an API with an access token for
//! it, sign out. Built for the browser:
//! `cargo build -p logto-leptos --example minimal --target wasm32-unknown-unknown`, then serve it with
//! wasm-bindgen's output on a page whose `/callback` is a redirect URI of your SPA application in
//! Logto (the workspace's `frontend/` is the full app, served by `trunk serve`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use logto_leptos::{ApiRequest, AuthState, Logto, LogtoConfig};

const LOGTO_ENDPOINT: &str = "http://localhost:3001";
const APP_ID: &str = "spa4topusers000000001";
const API: &str = "https://api.example.com";
const API_BASE: &str = "http://localhost:3000";

#[component]
fn App() -> impl IntoView {
    let logto = Logto::provide(
        LogtoConfig::new(LOGTO_ENDPOINT, APP_ID)
            .scopes(["openid", "profile", "offline_access", "read:top-users"])
            .resource(API),
    );
    let location = window().location();
    if location.pathname().unwrap_or_default() == "/callback" {
        // Back from Logto's sign-in page: exchange the code, then leave the callback URL.
        let search = location.search().unwrap_or_default();
        spawn_local(async move {
            if logto.handle_callback(&search).await.is_ok() {
                let _ = window().location().replace("/");
            }
        });
    }
    let answer = RwSignal::new(String::new());
    let call_api = move |_| {
        spawn_local(async move {
            let text = match logto.fetch(API, ApiRequest::get(format!("{API_BASE}/api/top-users"))).await {
                Ok(fetched) => format!("the API answered {}", fetched.response.status()),
                Err(e) => e.to_string(),
            };
            answer.set(text);
        })
    };
    view! {
        {move || match logto.state.get() {
            AuthState::Loading => view! { <p>"Signing in…"</p> }.into_any(),
            AuthState::SignedIn(claims) => view! {
                <p>"Signed in as " {claims.name().unwrap_or_else(|| claims.sub())}</p>
                <button on:click=call_api>"Call the API"</button>
                <button on:click=move |_| spawn_local(async move { logto.sign_out().await })>"Sign out"</button>
            }
            .into_any(),
            AuthState::SignedOut { reason } => view! {
                <p>{reason.map(|r| r.message())}</p>
                <button on:click=move |_| logto.start_sign_in()>"Sign in"</button>
            }
            .into_any(),
            AuthState::Error(message) => view! { <p role="alert">{message}</p> }.into_any(),
        }}
        <p>{move || answer.get()}</p>
    }
}

fn main() {
    leptos::mount::mount_to_body(App);
}
