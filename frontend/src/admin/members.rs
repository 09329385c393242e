//! `/organizations/{id}/members`: who is in one of the user's organizations, with their roles, asked
//! with an organization token for it (`read:members`). Those whose role holds `manage:members` also
//! get a role picker and "Remove" per member, an invite form and the pending invitations; the
//! backend checks that permission with Logto again at each change.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use logto_leptos::{Logto, Protected};
use shared::{InviteRequest, MembersResponse, RolesRequest};

use super::api::{self, admin_request, admin_write};
use crate::components::sign_in_prompt::SignInPrompt;
use crate::organizations::MyOrganizations;

#[component]
pub fn Members() -> impl IntoView {
    let params = use_params_map();
    let orgs = MyOrganizations::expect();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    view! {
        <h1>"Members of " <span data-testid="organization-name">{move || orgs.name_of(&id.get())}</span></h1>
        <p><a rel="external" href=move || format!("/organizations/{}/top-users", id.get())>"Most followed in this organization"</a></p>
        <Protected fallback=|| view! { <SignInPrompt what="your organization's members"/> }>
            {move || view! { <Table org=id.get()/> }}
        </Protected>
    }
}

#[component]
fn Table(org: String) -> impl IntoView {
    let logto = Logto::expect();
    let org = StoredValue::new(org);
    let page = RwSignal::new(None::<Result<MembersResponse, String>>);
    // The outcome of the last change, announced to screen readers.
    let said = RwSignal::new(None::<Result<String, String>>);
    let load =
        move || leptos::task::spawn_local(async move { page.set(Some(api::members(logto, &org.get_value()).await)) });
    load();
    // Runs a change, says how it went, and reads the members again.
    let change = move |request: logto_leptos::ApiRequest, done: String| {
        leptos::task::spawn_local(async move {
            let result = admin_write(logto, &org.get_value(), request).await;
            if result.is_err() {
                // Drawn anew from what the backend holds: a refused role change must not leave the
                // picker on the value it refused.
                page.set(None);
            }
            said.set(Some(result.map(|()| done)));
            load();
        })
    };
    view! {
        {move || said.get().map(|r| match r {
            Ok(text) => view! { <p class="note" role="status" data-testid="admin-said">{text}</p> }.into_any(),
            Err(text) => view! { <p class="error" role="alert" data-testid="admin-error">{text}</p> }.into_any(),
        })}
        {move || match page.get() {
            None => view! { <p role="status">"Loading the members…"</p> }.into_any(),
            Some(Err(message)) => view! { <p class="error" role="alert" data-testid="members-error">{message}</p> }.into_any(),
            Some(Ok(p)) => {
                let manage = p.can_manage;
                let roles = StoredValue::new(p.roles.clone());
                let rows = p.members.into_iter().map(|m| {
                    let label = m.name.clone().or(m.username.clone()).unwrap_or_else(|| m.id.clone());
                    let current = m.roles.first().cloned().unwrap_or_default();
                    let (who, uid) = (StoredValue::new(label.clone()), StoredValue::new(m.id.clone()));
                    let pick = move |ev| {
                        let role = event_target_value(&ev);
                        let body = RolesRequest { roles: vec![role.clone()] };
                        let path = format!("/members/{}/roles", uid.get_value());
                        let request = admin_request("PUT", &org.get_value(), &path).json(&body);
                        change(request, format!("{} is now {role}.", who.get_value()));
                    };
                    let remove = move |_| {
                        let question = format!("Remove {} from the organization?", who.get_value());
                        if window().confirm_with_message(&question).unwrap_or(false) {
                            let request = admin_request("DELETE", &org.get_value(), &format!("/members/{}", uid.get_value()));
                            change(request, format!("{} was removed.", who.get_value()));
                        }
                    };
                    view! {
                        <tr data-testid="member-row">
                            <td>{label.clone()}</td>
                            <td>{m.username.clone().unwrap_or_default()}</td>
                            {manage.then(|| view! { <td>{m.email.clone().unwrap_or_default()}</td> })}
                            <td>{if manage {
                                view! {
                                    <select aria-label=format!("Role of {label}") on:change=pick>
                                        {roles.get_value().into_iter().map(|r| {
                                            let selected = r == current;
                                            view! { <option selected=selected>{r}</option> }
                                        }).collect_view()}
                                    </select>
                                }.into_any()
                            } else {
                                view! { <span>{m.roles.join(", ")}</span> }.into_any()
                            }}</td>
                            {manage.then(|| view! {
                                <td><button class="secondary" on:click=remove aria-label=format!("Remove {label}")>"Remove"</button></td>
                            })}
                        </tr>
                    }
                }).collect_view();
                view! {
                    <p>{p.total} " members." {(!manage).then_some(" You can see them; only the organization's admins can change them.")}</p>
                    <div class="scroll" role="region" aria-label="Members" tabindex="0">
                        <table class="members" data-testid="members">
                            <thead><tr>
                                <th scope="col">"Name"</th><th scope="col">"Username"</th>
                                {manage.then(|| view! { <th scope="col">"Email"</th> })}
                                <th scope="col">"Role"</th>
                                {manage.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    {manage.then(|| view! {
                        <Invite roles=roles.get_value() change org=org.get_value()/>
                        <Pending invitations=p.invitations.clone() change org=org.get_value()/>
                    })}
                }.into_any()
            }
        }}
    }
}

/// The invite form: an email and a role.
#[component]
fn Invite(
    roles: Vec<String>,
    change: impl Fn(logto_leptos::ApiRequest, String) + Copy + 'static,
    org: String,
) -> impl IntoView {
    let org = StoredValue::new(org);
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(roles.iter().find(|r| *r == "member").cloned().unwrap_or_default());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = InviteRequest { email: email.get_untracked().trim().to_string(), role: role.get_untracked() };
        let said = format!("Invitation sent to {}.", body.email);
        change(admin_request("POST", &org.get_value(), "/invitations").json(&body), said);
        email.set(String::new());
    };
    view! {
        <h2>"Invite someone"</h2>
        <form on:submit=submit data-testid="invite-form">
            <label for="invite-email">"Email"</label>
            <input id="invite-email" type="email" required autocomplete="off"
                prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
            <label for="invite-role">"Role"</label>
            <select id="invite-role" on:change=move |ev| role.set(event_target_value(&ev))>
                {roles.into_iter().map(|r| {
                    let selected = r == role.get_untracked();
                    view! { <option selected=selected>{r}</option> }
                }).collect_view()}
            </select>
            <button type="submit">"Send invitation"</button>
        </form>
    }
}

/// Invitations waiting for their invitee, each with "Revoke".
#[component]
fn Pending(
    invitations: Vec<shared::PendingInvitation>,
    change: impl Fn(logto_leptos::ApiRequest, String) + Copy + 'static,
    org: String,
) -> impl IntoView {
    let org = StoredValue::new(org);
    view! {
        <h2>"Pending invitations"</h2>
        {if invitations.is_empty() {
            view! { <p>"None."</p> }.into_any()
        } else {
            view! {
                <ul data-testid="invitations">
                    {invitations.into_iter().map(|i| {
                        let (id, email) = (StoredValue::new(i.id.clone()), StoredValue::new(i.email.clone()));
                        let revoke = move |_| {
                            let request = admin_request("DELETE", &org.get_value(), &format!("/invitations/{}", id.get_value()));
                            change(request, format!("The invitation to {} was revoked.", email.get_value()));
                        };
                        view! {
                            <li>{i.email.clone()} " (" {i.roles.join(", ")} ") "
                                <button class="secondary" on:click=revoke aria-label=format!("Revoke the invitation to {}", i.email)>"Revoke"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
