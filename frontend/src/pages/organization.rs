//! `/organizations/{id}/top-users`: the ten most-followed members of one of the user's
//! organizations, asked with an organization-level API token for it.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use logto_leptos::Protected;

use crate::components::sign_in_prompt::SignInPrompt;
use crate::organizations::{Listing, MyOrganizations};
use crate::pages::top_users::List;

#[component]
pub fn OrganizationTopUsers() -> impl IntoView {
    let params = use_params_map();
    let orgs = MyOrganizations::expect();
    // Switching organizations keeps this page and changes the parameter: the list is rebuilt.
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    view! {
        <h1>"Most followed in " <span data-testid="organization-name">{move || orgs.name_of(&id.get())}</span></h1>
        <p><a rel="external" href=move || format!("/admin/organizations/{}/members", id.get())>"Members of this organization"</a></p>
        <p class="note">"Members of this organization only, ranked by followers; your token for it is an \
            organization-level access token, and your organization role decides whether you may read it."</p>
        <Protected fallback=|| view! { <SignInPrompt what="your organization's most-followed members"/> }>
            {move || view! { <List listing=Listing::Organization(id.get())/> }}
        </Protected>
    }
}
