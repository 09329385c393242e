//! The header: the app's name, navigation, the organization switcher (for members of at least one
//! organization), and who is signed in (or a sign-in button).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use logto_leptos::{AuthState, Logto};

use crate::organizations::{organization_in_path, MyOrganizations};
use crate::trace::LastTrace;

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
            <OrganizationSwitcher/>
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
            AuthState::SignedOut { reason: Some(reason) } => view! {
                <p class="banner note" role="status" data-testid="signed-out-message">{reason.message()}</p>
            }.into_any(),
            AuthState::Error(message) => view! {
                <p class="banner error" role="alert" data-testid="auth-error">{message}</p>
            }.into_any(),
            _ => ().into_any(),
        }}
    }
}

/// A `<select>` of the user's organizations; choosing one opens its list, "Everyone" the tenant's.
/// Hidden for a user in no organization.
#[component]
fn OrganizationSwitcher() -> impl IntoView {
    let orgs = MyOrganizations::expect();
    let location = use_location();
    let navigate = use_navigate();
    let last = LastTrace::expect();
    // The organization of the page, or, on a page of no list (the sequence, the profile), the one
    // the last request went to: the switcher says where the list the diagram shows came from.
    let current = move || {
        location.pathname.with(|p| match organization_in_path(p) {
            Some(id) => id.to_string(),
            None if p.starts_with("/top-users") => String::new(),
            None => last.0.with(|t| t.as_ref().and_then(|t| t.organization_id.clone())).unwrap_or_default(),
        })
    };
    let on_change = move |ev| {
        let id = event_target_value(&ev);
        let to = if id.is_empty() { "/top-users".to_string() } else { format!("/organizations/{id}/top-users") };
        navigate(&to, Default::default());
    };
    move || {
        let list = orgs.0.get();
        (!list.is_empty()).then(|| {
            let options = list
                .into_iter()
                .map(|o| view! { <option value=o.id.clone() selected=move || current() == o.id>{o.name.clone()}</option> })
                .collect_view();
            view! {
                <label class="org-switcher">"Organization "
                    <select data-testid="org-switcher" on:change=on_change.clone()>
                        <option value="" selected=move || current().is_empty()>"Everyone (no organization)"</option>
                        {options}
                    </select>
                </label>
            }
        })
    }
}
