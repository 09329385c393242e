//! `/callback`: Logto redirects here with `code` and `state`.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use logto_leptos::Logto;

#[component]
pub fn Callback() -> impl IntoView {
    let logto = Logto::expect();
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let search = window().location().search().unwrap_or_default();
    leptos::task::spawn_local(async move {
        match logto.handle_callback(&search).await {
            // Back to the page sign-in started from (in full when it is the admin bundle's); from the
            // start page, to the list.
            Ok(Some(back)) if back.starts_with("/admin/") => {
                let _ = window().location().replace(&back);
            }
            Ok(back) => navigate(back.as_deref().unwrap_or("/top-users"), Default::default()),
            Err(e) => error.set(Some(e.to_string())),
        }
    });
    view! {
        {move || match error.get() {
            None => view! { <p role="status" aria-live="polite">"Finishing sign-in…"</p> }.into_any(),
            Some(_) => view! { <p><a href="/">"Back to the start"</a></p> }.into_any(),
        }}
    }
}
