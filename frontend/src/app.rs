//! The app shell: auth context, header, routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::auth::{Auth, AuthState};
use crate::pages::{callback::Callback, home::Home};

#[component]
pub fn App() -> impl IntoView {
    let auth = Auth::restore();
    provide_context(auth);
    view! {
        <Router>
            <Header/>
            <main>
                <Routes fallback=|| view! { <p>"Page not found."</p> }>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/callback") view=Callback/>
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn Header() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let sign_in = move |_| {
        leptos::task::spawn_local(async move {
            if let Err(e) = auth.sign_in().await {
                auth.state.set(AuthState::Error(e.to_string()));
            }
        })
    };
    let sign_out = move |_| leptos::task::spawn_local(async move { auth.sign_out().await });
    view! {
        <header>
            <h1>"Top users"</h1>
            {move || match auth.state.get() {
                AuthState::SignedIn(profile) => view! {
                    <div>
                        <span data-testid="signed-in-user">"Signed in as " <strong>{profile.display_name()}</strong></span>
                        " "
                        <button class="secondary" on:click=sign_out>"Sign out"</button>
                    </div>
                }.into_any(),
                _ => view! { <button on:click=sign_in>"Sign in"</button> }.into_any(),
            }}
        </header>
    }
}
