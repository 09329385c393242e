//! [`Protected`]: renders its children only for a signed-in user, and nothing protected while the
//! state is not known yet.

use leptos::prelude::*;

use crate::{AuthState, Logto};

#[derive(Clone, Copy, PartialEq)]
enum Gate {
    Unknown,
    Open,
    Closed,
}

/// A route guard: `children` when signed in; `fallback` when signed out or failed; a status line
/// while the sign-in is being finished.
#[component]
pub fn Protected(
    /// What a signed-out visitor sees instead.
    #[prop(into, optional)]
    fallback: ViewFn,
    children: ChildrenFn,
) -> impl IntoView {
    let logto = Logto::expect();
    // A memo, so children are not rebuilt when only the claims change.
    let gate = Memo::new(move |_| match logto.state.get() {
        AuthState::Loading => Gate::Unknown,
        AuthState::SignedIn(_) => Gate::Open,
        AuthState::SignedOut { .. } | AuthState::Error(_) => Gate::Closed,
    });
    move || match gate.get() {
        Gate::Unknown => view! { <p role="status" aria-live="polite">"Checking your sign-in…"</p> }.into_any(),
        Gate::Open => children().into_any(),
        Gate::Closed => fallback.run().into_any(),
    }
}
