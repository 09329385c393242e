//! What a protected page shows a visitor who is not signed in.

use leptos::prelude::*;
use logto_leptos::Logto;

#[component]
pub fn SignInPrompt(what: &'static str) -> impl IntoView {
    let logto = Logto::expect();
    let sign_in = move |_| logto.start_sign_in();
    view! {
        <p data-testid="sign-in-prompt">"Sign in to see " {what} "."</p>
        <button on:click=sign_in>"Sign in with Logto"</button>
    }
}
