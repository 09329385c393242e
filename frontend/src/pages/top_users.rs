//! `/top-users`: the ten most-followed users (avatar, name, followers) with a Follow/Unfollow button
//! for users whose token carries `write:follows`. [`List`] also draws an organization's list
//! (`pages::organization`).

use leptos::prelude::*;
use logto_leptos::{Logto, Protected};
use shared::TopUser;

use crate::api;
use crate::components::sign_in_prompt::SignInPrompt;
use crate::config::{API_RESOURCE, WRITE_FOLLOWS};
use crate::organizations::Listing;
use crate::trace::LastTrace;

#[component]
pub fn TopUsers() -> impl IntoView {
    view! {
        <h1>"Most followed"</h1>
        <Protected fallback=|| view! { <SignInPrompt what="the most-followed users"/> }>
            <List listing=Listing::Everyone/>
        </Protected>
    }
}

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    /// The users, and why some profiles are missing when Logto did not answer in time.
    Loaded(Option<String>),
    Failed(String),
}

/// Whether the user may follow, and whom they follow among the listed users.
#[derive(Clone, PartialEq)]
enum Follows {
    Unknown,
    NotAllowed,
    /// The followed ids (at most the ten listed; a `Vec` is smaller in WASM than a set).
    Known(Vec<String>),
    Failed(String),
}

/// The list of `listing`. Following is the user's own act, not the organization's: it always goes with
/// the plain API token, and its button shows when that token carries `write:follows`.
#[component]
pub fn List(listing: Listing) -> impl IntoView {
    let logto = Logto::expect();
    let last = LastTrace::expect();
    let load = RwSignal::new(Load::Loading);
    let users = RwSignal::new(Vec::<TopUser>::new());
    let follows = RwSignal::new(Follows::Unknown);
    // A memo, so a changed follower count does not rebuild the list (and take the keyboard focus).
    let empty = Memo::new(move |_| users.with(Vec::is_empty));
    let me = StoredValue::new(logto.state.get_untracked().claims().map(|c| c.sub()).unwrap_or_default());

    let listing = StoredValue::new(listing);
    let fetch = move || {
        load.set(Load::Loading);
        leptos::task::spawn_local(async move {
            match api::top_users(logto, last, &listing.get_value()).await {
                Ok(r) => {
                    users.set(r.users);
                    load.set(Load::Loaded(r.partial));
                }
                Err(e) => {
                    load.set(Load::Failed(e));
                    return;
                }
            }
            let may_follow = logto.access_token(API_RESOURCE).await.is_ok_and(|t| t.has_scope(WRITE_FOLLOWS));
            if !may_follow {
                follows.set(Follows::NotAllowed);
                return;
            }
            let ids: Vec<String> = users.get_untracked().into_iter().map(|u| u.id).collect();
            follows.set(match api::following(logto, &ids).await {
                Ok(list) => Follows::Known(list),
                Err(e) => Follows::Failed(e),
            });
        });
    };
    fetch();

    view! {
        <button class="secondary" on:click=move |_| fetch() disabled=move || load.get() == Load::Loading>
            "Reload the list"
        </button>
        {move || match load.get() {
            Load::Loading => view! { <p role="status" aria-live="polite">"Loading the top users…"</p> }.into_any(),
            Load::Failed(message) => view! {
                <div class="error" role="alert" data-testid="top-users-error">
                    <p>{message}</p>
                    <button on:click=move |_| fetch()>"Try again"</button>
                </div>
            }.into_any(),
            Load::Loaded(partial) => view! {
                {partial.map(|why| view! {
                    <p class="note" role="status" data-testid="partial">
                        "Some profiles could not be loaded from Logto, so those users show their id only (" {why} ")."
                    </p>
                })}
                {move || match follows.get() {
                    Follows::NotAllowed => Some(view! {
                        <p class="note" data-testid="cannot-follow">"Your access token has no " <code>{WRITE_FOLLOWS}</code>
                            " permission, so following is off for you."</p>
                    }.into_any()),
                    Follows::Failed(e) => Some(view! { <p class="error" role="alert">{e}</p> }.into_any()),
                    _ => None,
                }}
                {move || if empty.get() {
                    view! { <p>"Nobody has followers yet."</p> }.into_any()
                } else {
                    view! {
                        <ol class="top-users" aria-label="Top users by followers">
                            <For each=move || users.get().into_iter().enumerate() key=|(_, u)| u.id.clone() let:item>
                                <Row rank=item.0 + 1 user=item.1 users follows me=me.get_value()/>
                            </For>
                        </ol>
                    }.into_any()
                }}
            }.into_any(),
        }}
    }
}

#[component]
fn Row(
    rank: usize,
    user: TopUser,
    users: RwSignal<Vec<TopUser>>,
    follows: RwSignal<Follows>,
    me: String,
) -> impl IntoView {
    let logto = Logto::expect();
    let name = user.name.clone().or(user.username.clone()).unwrap_or_else(|| user.id.clone());
    let id = user.id.clone();
    let followers = {
        let id = id.clone();
        Memo::new(move |_| users.with(|list| list.iter().find(|u| u.id == id).map(|u| u.followers).unwrap_or_default()))
    };
    // Logto's default is no avatar (`avatar: null`): the name's initial on a disc instead of a
    // broken image.
    let avatar = match user.avatar.clone().filter(|a| !a.is_empty()) {
        Some(src) => view! { <img src=src alt="" width="40" height="40"/> }.into_any(),
        None => {
            // ASCII case only: char::to_uppercase would bring Unicode's case tables into the bundle.
            let initial: String = name.chars().next().map(|c| c.to_ascii_uppercase()).into_iter().collect();
            view! { <span class="avatar-initial" aria-hidden="true" data-testid="avatar-initial">{initial}</span> }
                .into_any()
        }
    };
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let following = {
        let id = id.clone();
        Memo::new(move |_| match follows.get() {
            Follows::Known(set) => Some(set.contains(&id)),
            _ => None,
        })
    };
    let toggle = {
        let id = id.clone();
        move |_| {
            // Not `disabled` while busy: that would take the keyboard focus away.
            if busy.get_untracked() {
                return;
            }
            let Some(now) = following.get_untracked() else { return };
            let id = id.clone();
            busy.set(true);
            leptos::task::spawn_local(async move {
                match api::set_following(logto, &id, !now).await {
                    Ok(r) => {
                        error.set(None);
                        users.update(|list| {
                            if let Some(u) = list.iter_mut().find(|u| u.id == id) {
                                u.followers = r.followers;
                            }
                        });
                        follows.update(|f| {
                            if let Follows::Known(set) = f {
                                set.retain(|f| f != &id);
                                if r.following {
                                    set.push(id.clone());
                                }
                            }
                        });
                    }
                    Err(e) => error.set(Some(e)),
                }
                busy.set(false);
            });
        }
    };
    let is_me = id == me;
    let pressed = move || following.get().unwrap_or(false);
    let button_label = format!("Follow {name}");
    view! {
        <li data-testid="top-user" data-user-id=id.clone()>
            <span class="rank" aria-hidden="true">{rank}"."</span>
            {avatar}
            <span class="who">
                <span class="name">{name.clone()}</span>
                <span class="username">{user.username.map(|n| format!("@{n}")).unwrap_or_default()}</span>
            </span>
            <span class="followers">
                <span data-testid="followers">{followers}</span>
                {move || followers_word(followers.get())}
            </span>
            // Built once and updated in place, so a keyboard user keeps focus on it.
            <Show when=move || following.get().is_some() && !is_me>
                <button class=move || if pressed() { "follow secondary" } else { "follow" } data-testid="follow"
                        aria-pressed=move || if pressed() { "true" } else { "false" } aria-label=button_label.clone()
                        aria-disabled=move || if busy.get() { "true" } else { "false" } on:click=toggle.clone()>
                    {move || if pressed() { "Unfollow" } else { "Follow" }}
                </button>
            </Show>
        </li>
        {move || error.get().map(|e| view! { <li class="error" role="alert">{e}</li> })}
    }
}

/// " follower" or " followers", after the count.
fn followers_word(count: i64) -> &'static str {
    if count == 1 {
        " follower"
    } else {
        " followers"
    }
}

#[cfg(test)]
mod tests {
    /// Issue 22, item 9: "1 followers" read wrong.
    #[test]
    fn one_follower_is_singular() {
        assert_eq!(super::followers_word(1), " follower");
        assert_eq!(super::followers_word(0), " followers");
        assert_eq!(super::followers_word(24), " followers");
    }
}
