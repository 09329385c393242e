//! Coordination between this app's tabs: a Web Lock so only one tab at a time refreshes, and a
//! BroadcastChannel on which the tab that refreshed hands the new tokens to the others.
//!
//! Ordering: the refreshing tab posts its message before it releases the lock, so the next tab
//! normally reads the new refresh token when it gets the lock. The two travel on different channels,
//! so in the rare case the message comes second that tab refreshes with the spent token within
//! Logto's 3-second reuse interval, which Logto accepts; both tabs then converge on the newest token.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::AuthError;

/// What one tab tells the others of the same session.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum TabMessage {
    /// A refresh happened: the rotated refresh token and the access token it brought.
    #[serde(rename_all = "camelCase")]
    Tokens {
        session: String,
        refresh_token: String,
        resource: String,
        access_token: String,
        scope: String,
        /// Lifetime in ms, so each tab computes expiry on its own clock.
        lifetime_ms: f64,
    },
    /// The session ended (sign-out, or the grant is gone).
    #[serde(rename_all = "camelCase")]
    SignedOut { session: String, message: String },
}

impl TabMessage {
    pub fn session(&self) -> &str {
        match self {
            TabMessage::Tokens { session, .. } | TabMessage::SignedOut { session, .. } => session,
        }
    }
}

/// This tab's end of the channel.
pub struct Channel {
    channel: web_sys::BroadcastChannel,
}

impl Channel {
    /// Opens `name` and calls `on_message` for every well-formed message from another tab.
    pub fn open(name: &str, on_message: impl Fn(TabMessage) + 'static) -> Option<Self> {
        let channel = web_sys::BroadcastChannel::new(name).ok()?;
        let handler = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(message) = event.data().as_string().and_then(|s| serde_json::from_str(&s).ok()) {
                on_message(message);
            }
        });
        channel.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        // The channel lives as long as the page.
        handler.forget();
        Some(Self { channel })
    }

    pub fn post(&self, message: &TabMessage) {
        if let Ok(json) = serde_json::to_string(message) {
            let _ = self.channel.post_message(&JsValue::from_str(&json));
        }
    }
}

/// `navigator.locks`, where the browser has it (secure contexts: https and localhost).
fn lock_manager() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    Reflect::get(&navigator, &"locks".into()).ok().filter(|l| !l.is_undefined() && !l.is_null())
}

/// Runs `work` while holding the Web Lock `name`, which no other tab (or task in this tab) of this
/// origin holds meanwhile. Without Web Locks it just runs `work`: the caller's in-tab lock still
/// serialises this tab.
pub async fn with_lock<T, F>(name: &str, work: F) -> Result<T, AuthError>
where
    T: 'static,
    F: Future<Output = T> + 'static,
{
    let request = lock_manager().and_then(|locks| {
        let request: Function = Reflect::get(&locks, &"request".into()).ok()?.dyn_into().ok()?;
        Some((locks, request))
    });
    let Some((locks, request)) = request else { return Ok(work.await) };
    let result: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
    let slot = result.clone();
    let mut work = Some(work);
    // Called once the lock is granted; the lock is held until the returned promise settles.
    let granted = Closure::once_into_js(move |_lock: JsValue| -> Promise {
        let work = work.take();
        wasm_bindgen_futures::future_to_promise(async move {
            if let Some(work) = work {
                *slot.borrow_mut() = Some(work.await);
            }
            Ok(JsValue::UNDEFINED)
        })
    });
    let refused = || AuthError::Browser("the browser refused the Web Lock for the token refresh".into());
    let promise = request.call2(&locks, &JsValue::from_str(name), &granted).map_err(|_| refused())?;
    JsFuture::from(Promise::from(promise)).await.map_err(|_| refused())?;
    let value = result.borrow_mut().take();
    value.ok_or_else(refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_with_their_type_tag() {
        let m = TabMessage::SignedOut { session: "s1".into(), message: "bye".into() };
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"type":"signedOut","session":"s1","message":"bye"}"#);
        assert_eq!(serde_json::from_str::<TabMessage>(&json).unwrap(), m);
        assert!(serde_json::from_str::<TabMessage>(r#"{"type":"other"}"#).is_err());
    }
}
