//! The app shell: the Logto client and the last trace in context, the header, the routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use logto_leptos::Logto;

use crate::components::header::Header;
use crate::config;
use crate::organizations::MyOrganizations;
use crate::pages::organization::OrganizationTopUsers;
use crate::pages::{callback::Callback, home::Home, profile::Profile, sequence::Sequence, top_users::TopUsers};
use crate::trace::LastTrace;

#[component]
pub fn App() -> impl IntoView {
    let logto = Logto::provide(config::logto());
    LastTrace::provide();
    MyOrganizations::provide(logto);
    view! {
        <Router>
            <a class="skip" href="#main">"Skip to content"</a>
            <Header/>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <h2>"Page not found"</h2><p><a href="/">"Back to the start"</a></p> }>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/top-users") view=TopUsers/>
                    <Route path=path!("/organizations/:id/top-users") view=OrganizationTopUsers/>
                    <Route path=path!("/profile") view=Profile/>
                    <Route path=path!("/sequence") view=Sequence/>
                    <Route path=path!("/callback") view=Callback/>
                </Routes>
            </main>
        </Router>
    }
}
