//! `/sequence`: the last request to the backend as a sequence diagram; one can be made from here.

use leptos::prelude::*;
use logto_leptos::{Logto, Protected};

use crate::api;
use crate::components::sequence_diagram::SequenceDiagram;
use crate::components::sign_in_prompt::SignInPrompt;
use crate::organizations::Listing;
use crate::trace::LastTrace;

#[component]
pub fn Sequence() -> impl IntoView {
    view! {
        <h1>"Sequence"</h1>
        <p>"The guide's sequence diagram, drawn from your last request: how the SPA got its access token, then the \
            backend's hops from its " <code>"Server-Timing"</code> " header."</p>
        <Protected fallback=|| view! { <SignInPrompt what="your requests"/> }>
            <Diagram/>
        </Protected>
    }
}

#[component]
fn Diagram() -> impl IntoView {
    let logto = Logto::expect();
    let last = LastTrace::expect();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // The same list as the last request (an organization's, if it was), else everyone's.
    let listing = move || match last.0.with(|t| t.as_ref().and_then(|t| t.organization_id.clone())) {
        Some(id) => Listing::Organization(id),
        None => Listing::Everyone,
    };
    let run = move |_| {
        busy.set(true);
        let listing = listing();
        leptos::task::spawn_local(async move {
            error.set(api::top_users(logto, last, &listing).await.err());
            busy.set(false);
        });
    };
    view! {
        <button on:click=run disabled=move || busy.get()>
            {move || if busy.get() { "Sending…".to_string() } else { format!("Send GET {} now", listing().path()) }}
        </button>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || match last.0.get() {
            Some(trace) => view! { <SequenceDiagram trace/> }.into_any(),
            None => view! { <p data-testid="no-trace">"No request yet: send one, or open the Most followed page."</p> }.into_any(),
        }}
    }
}
