//! `/`: what this app is.

use leptos::prelude::*;
use leptos_router::components::A;
use logto_leptos::Logto;

#[component]
pub fn Home() -> impl IntoView {
    let logto = Logto::expect();
    view! {
        <h1>"Logto + Rust, end to end"</h1>
        <p>"This app signs you in with Logto (authorization code with PKCE), then asks Logto for an access token \
            for one API (" <code>"resource="</code> "), so the token is a JWT the backend can verify. The backend \
            checks it, reads the most-followed users from its own database, gets its own machine-to-machine token \
            and asks Logto's Management API for their profiles."</p>
        <ul>
            <li><A href="/top-users">"Most followed"</A>": the list, with follow buttons."</li>
            <li>"Organization (in the header, for members of an organization): the same list within one organization, \
                asked with an organization-level access token."</li>
            <li><A href="/profile">"Profile"</A>": what your ID token and access token say about you."</li>
            <li><A href="/sequence">"Sequence"</A>": the last request drawn hop by hop, with times and cache hits."</li>
        </ul>
        {move || (!logto.state.get().is_signed_in()).then(|| view! {
            <p>"Sign in to start. On the local emulator every demo user's password is " <code>"demo-password"</code> "."</p>
        })}
    }
}
