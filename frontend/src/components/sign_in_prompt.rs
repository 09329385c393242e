//! What a protected page shows a visitor who is not signed in.

use leptos::prelude::*;
use logto_leptos::{AuthState, Logto};

#[component]
pub fn SignInPrompt(what: &'static str) -> impl IntoView {
    let logto = Logto::expect();
    let sign_in = move |_| {
        leptos::task::spawn_local(async move {
            if let Err(e) = logto.sign_in().await {
                logto.state.set(AuthState::Error(e.to_string()));
            }
        })
    };
    view! {
        <p data-testid="sign-in-prompt">"Sign in to see " {what} "."</p>
        <button on:click=sign_in>"Sign in with Logto"</button>
    }
}
