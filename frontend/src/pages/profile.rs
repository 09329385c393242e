//! `/profile`: the ID token's claims (who you are) and the access token's (what the backend is told),
//! side by side and labelled.

use leptos::prelude::*;
use logto_leptos::{Logto, Protected};

use crate::components::claims_table::ClaimsTable;
use crate::components::sign_in_prompt::SignInPrompt;
use crate::config::API_RESOURCE;

#[component]
pub fn Profile() -> impl IntoView {
    view! {
        <h1>"Profile"</h1>
        <Protected fallback=|| view! { <SignInPrompt what="your profile"/> }>
            <Claims/>
        </Protected>
    }
}

#[component]
fn Claims() -> impl IntoView {
    let logto = Logto::expect();
    let access = RwSignal::new(None::<Result<serde_json::Value, String>>);
    leptos::task::spawn_local(async move {
        let result = match logto.access_token(API_RESOURCE).await {
            Ok(_) => {
                logto.access_token_claims(API_RESOURCE).ok_or_else(|| "The access token is not a JWT.".to_string())
            }
            Err(e) => Err(e.to_string()),
        };
        access.set(Some(result));
    });
    let id_claims = logto.id_token_claims().unwrap_or_default();
    view! {
        <section>
            <h2>"ID token"</h2>
            <p>"Issued to this app at sign-in and verified here (signature, issuer, audience, nonce). It says who you are; it is never sent to the API."</p>
            <ClaimsTable caption="ID token claims".into() claims=id_claims testid="id-token-claims"/>
        </section>
        <section>
            <h2>"Access token for " <code>{API_RESOURCE}</code></h2>
            <p>"A JWT for one API (its audience), got with the refresh token. The backend verifies it and checks its scopes; decoded here without verifying, for display."</p>
            {move || match access.get() {
                None => view! { <p role="status">"Getting the access token…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(claims)) => view! {
                    <ClaimsTable caption="Access token claims".into() claims testid="access-token-claims"/>
                }.into_any(),
            }}
        </section>
    }
}
