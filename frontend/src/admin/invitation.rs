//! `/invitations/{id}`: the page an invitation email's link opens. It shows which organization
//! invites and whether the invitation still stands (no token needed), lets the invitee sign in or
//! create their account with their address filled in, accepts, and then the organization is in the
//! switcher at once: no second sign-in.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use logto_leptos::{AuthState, Logto, SignInOptions};
use shared::InvitationSummary;

use super::api;
use crate::organizations::MyOrganizations;

#[component]
pub fn Invitation() -> impl IntoView {
    let logto = Logto::expect();
    let orgs = MyOrganizations::expect();
    let params = use_params_map();
    let query = use_query_map();
    let id = StoredValue::new(params.with_untracked(|p| p.get("id").unwrap_or_default()));
    // The link carries the invitee's address, to fill in on Logto's page.
    let email = StoredValue::new(query.with_untracked(|q| q.get("email")));
    let summary = RwSignal::new(None::<Result<InvitationSummary, String>>);
    let outcome = RwSignal::new(None::<Result<InvitationSummary, String>>);
    leptos::task::spawn_local(async move { summary.set(Some(api::invitation(&id.get_value()).await)) });
    let start = move |sign_up: bool| {
        logto.start_sign_in_with(SignInOptions { login_hint: email.get_value(), sign_up });
    };
    let accept = move |_| {
        leptos::task::spawn_local(async move {
            let result = api::accept(logto, &id.get_value()).await;
            if result.is_ok() {
                orgs.reload(logto);
            }
            outcome.set(Some(result));
        })
    };
    view! {
        {move || match summary.get() {
            None => view! { <p role="status">"Loading the invitation…"</p> }.into_any(),
            Some(Err(message)) => view! {
                <h1>"Invitation"</h1><p class="error" role="alert" data-testid="invitation-error">{message}</p>
            }.into_any(),
            Some(Ok(s)) if s.status != "Pending" && outcome.get().is_none() => view! {
                <h1>"Join " {s.organization_name}</h1>
                <p class="error" role="alert" data-testid="invitation-closed">{match s.status.as_str() {
                    "Accepted" => "This invitation was accepted already.",
                    "Revoked" => "This invitation was revoked: ask the organization's admin for a new one.",
                    _ => "This invitation has expired: ask the organization's admin for a new one.",
                }}</p>
            }.into_any(),
            Some(Ok(s)) => {
                let (org_id, name) = (s.organization_id.clone(), s.organization_name.clone());
                view! {
                    <h1>"Join " {name.clone()}</h1>
                    <p>"You are invited to " <strong>{name.clone()}</strong> " as " <strong>{s.email_masked.clone()}</strong> "."</p>
                    {move || match (outcome.get(), logto.state.get()) {
                        (Some(Ok(_)), _) => view! {
                            <p class="note" role="status" data-testid="invitation-accepted">"You are a member of " {name.clone()} " now. "
                                <a rel="external" href=format!("/organizations/{org_id}/top-users")>"See its most-followed members"</a></p>
                        }.into_any(),
                        (Some(Err(message)), _) => view! {
                            <p class="error" role="alert" data-testid="invitation-error">{message}</p>
                        }.into_any(),
                        (None, AuthState::SignedIn(_)) => view! {
                            <button on:click=accept data-testid="accept">"Accept the invitation"</button>
                        }.into_any(),
                        (None, _) => view! {
                            <p>"Sign in with the invited address, or create your account with it."</p>
                            <button on:click=move |_| start(true) data-testid="create-account">"Create account"</button>
                            " "
                            <button class="secondary" on:click=move |_| start(false)>"Sign in"</button>
                        }.into_any(),
                    }}
                }.into_any()
            }
        }}
    }
}
