//! The header: the app's name, navigation, and who is signed in (or a sign-in button).

use leptos::prelude::*;
use leptos_router::components::A;
use logto_leptos::{AuthState, Logto};

#[component]
pub fn Header() -> impl IntoView {
    let logto = Logto::expect();
    let sign_in = move |_| logto.start_sign_in();
    let sign_out = move |_| leptos::task::spawn_local(async move { logto.sign_out().await });
    view! {
        <header>
            <p class="brand"><A href="/">"Top users"</A></p>
            <nav aria-label="Main">
                <A href="/top-users">"Most followed"</A>
                <A href="/profile">"Profile"</A>
                <A href="/sequence">"Sequence"</A>
            </nav>
            <div class="who">
                {move || match logto.state.get() {
                    AuthState::SignedIn(claims) => view! {
                        <span data-testid="signed-in-user">"Signed in as " <strong>{claims.display_name()}</strong></span>
                        <button class="secondary" on:click=sign_out>"Sign out"</button>
                    }.into_any(),
                    AuthState::Loading => view! { <span role="status">"Signing in…"</span> }.into_any(),
                    _ => view! { <button on:click=sign_in>"Sign in"</button> }.into_any(),
                }}
            </div>
        </header>
        {move || match logto.state.get() {
            AuthState::SignedOut { message: Some(message) } => view! {
                <p class="banner note" role="status" data-testid="signed-out-message">{message}</p>
            }.into_any(),
            AuthState::Error(message) => view! {
                <p class="banner error" role="alert" data-testid="auth-error">{message}</p>
            }.into_any(),
            _ => ().into_any(),
        }}
    }
}
