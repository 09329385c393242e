//! `/callback`: Logto redirects here with `code` and `state`.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::auth::Auth;

#[component]
pub fn Callback() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let search = window().location().search().unwrap_or_default();
    leptos::task::spawn_local(async move {
        match auth.handle_callback(&search).await {
            Ok(()) => navigate("/", Default::default()),
            Err(e) => error.set(Some(e.to_string())),
        }
    });
    view! {
        {move || match error.get() {
            None => view! { <p aria-live="polite">"Finishing sign-in…"</p> }.into_any(),
            Some(e) => view! {
                <p class="error" role="alert">{e}</p>
                <p><a href="/">"Back to the start"</a></p>
            }.into_any(),
        }}
    }
}
