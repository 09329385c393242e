//! The admin bundle's shell (`/admin/…`): the Logto client (the same session as the app's: this
//! tab's sessionStorage), a header back to the app, and the two pages: an organization's members
//! and an invitation.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use logto_leptos::{AuthState, Logto};

pub mod api;
pub mod invitation;
pub mod members;

use crate::config;
use crate::organizations::MyOrganizations;
use invitation::Invitation;
use members::Members;

/// Where the admin bundle is served.
pub const BASE: &str = "/admin";

#[component]
pub fn Admin() -> impl IntoView {
    let logto = Logto::provide(config::logto());
    MyOrganizations::provide(logto);
    let sign_out = move |_| leptos::task::spawn_local(async move { logto.sign_out().await });
    view! {
        <Router base=BASE>
            <a class="skip" href="#main">"Skip to content"</a>
            <header>
                // The app is the other bundle: a full page load, not this router's navigation.
                <p class="brand"><a href="/" rel="external">"Top users"</a></p>
                <nav aria-label="Main"><a href="/top-users" rel="external">"Most followed"</a></nav>
                <div class="who">
                    {move || match logto.state.get() {
                        AuthState::SignedIn(claims) => view! {
                            <span data-testid="signed-in-user">"Signed in as " <strong>{claims.display_name()}</strong></span>
                            <button class="secondary" on:click=sign_out>"Sign out"</button>
                        }.into_any(),
                        _ => ().into_any(),
                    }}
                </div>
            </header>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <h2>"Page not found"</h2><p><a href="/" rel="external">"Back to the start"</a></p> }>
                    <Route path=path!("/organizations/:id/members") view=Members/>
                    <Route path=path!("/invitations/:id") view=Invitation/>
                </Routes>
            </main>
        </Router>
    }
}
