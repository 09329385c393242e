//! `/`: what this is when signed out; the top users when signed in.

use leptos::prelude::*;
use shared::TopUser;

use crate::api;
use crate::auth::{Auth, AuthState};

#[component]
pub fn Home() -> impl IntoView {
    let auth = expect_context::<Auth>();
    view! {
        {move || match auth.state.get() {
            AuthState::SignedIn(_) => view! { <TopUsers/> }.into_any(),
            AuthState::Error(message) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
            AuthState::SignedOut => view! {
                <p>"Sign in with Logto to see the ten most-followed users. The list comes from this app's backend, \
                    which checks your access token, reads its own database and asks Logto's Management API for the profiles."</p>
            }.into_any(),
        }}
    }
}

#[derive(Clone)]
enum Load {
    Loading,
    /// The users, and why some profiles are missing when Logto did not answer in time.
    Loaded(Vec<TopUser>, Option<String>),
    Failed(String),
}

#[component]
fn TopUsers() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let load = RwSignal::new(Load::Loading);
    leptos::task::spawn_local(async move {
        load.set(match api::top_users(auth).await {
            Ok(r) => Load::Loaded(r.users, r.partial),
            Err(e) => Load::Failed(e),
        });
    });
    view! {
        <h2>"Most followed"</h2>
        {move || match load.get() {
            Load::Loading => view! { <p aria-live="polite">"Loading the top users…"</p> }.into_any(),
            Load::Failed(message) => view! { <p class="error" role="alert" data-testid="top-users-error">{message}</p> }.into_any(),
            Load::Loaded(users, _) if users.is_empty() => view! { <p>"Nobody has followers yet."</p> }.into_any(),
            Load::Loaded(users, partial) => view! {
                {partial.map(|why| view! {
                    <p class="note" role="status" data-testid="partial">
                        "Some profiles could not be loaded from Logto, so those users show their id only (" {why} ")."
                    </p>
                })}
                <ol class="top-users" aria-label="Top users by followers">
                    {users.into_iter().enumerate().map(|(i, u)| {
                        let name = u.name.clone().or(u.username.clone()).unwrap_or_else(|| u.id.clone());
                        view! {
                            <li data-testid="top-user" data-user-id=u.id.clone()>
                                <span class="rank">{i + 1}"."</span>
                                <img src=u.avatar.clone().unwrap_or_default() alt="" width="40" height="40"/>
                                <span class="who">
                                    <span class="name">{name}</span>
                                    <span class="username">{u.username.map(|n| format!("@{n}")).unwrap_or_default()}</span>
                                </span>
                                <span class="followers" data-testid="followers">{u.followers}" followers"</span>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }.into_any(),
        }}
    }
}
