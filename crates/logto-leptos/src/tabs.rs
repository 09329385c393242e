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
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::claims::text;
use crate::{AuthError, SignOutReason, TokenFor};

/// What one tab tells the others of the same session.
///
/// Sent as JSON built and read through `serde_json::Value` by hand: a derived (de)serializer for
/// this enum cost about 5 KB of brotli'd WASM (measured with scripts/bundle-size.sh), while `Value`'s
/// is in the bundle anyway.
#[derive(Debug, Clone, PartialEq)]
pub enum TabMessage {
    /// A refresh happened: the rotated refresh token and the access token it brought.
    Tokens {
        session: String,
        refresh_token: String,
        target: TokenFor,
        access_token: String,
        scope: String,
        /// Lifetime in ms, so each tab computes expiry on its own clock.
        lifetime_ms: f64,
    },
    /// The session ended (sign-out, or the grant is gone).
    SignedOut { session: String, reason: SignOutReason },
}

impl TabMessage {
    pub fn session(&self) -> &str {
        match self {
            TabMessage::Tokens { session, .. } | TabMessage::SignedOut { session, .. } => session,
        }
    }

    pub fn to_json(&self) -> String {
        match self {
            TabMessage::Tokens { session, refresh_token, target, access_token, scope, lifetime_ms } => json!({
                "type": "tokens", "session": session, "refreshToken": refresh_token, "target": target.key(),
                "accessToken": access_token, "scope": scope, "lifetimeMs": lifetime_ms,
            }),
            TabMessage::SignedOut { session, reason } => {
                json!({"type": "signedOut", "session": session, "reason": reason.wire()})
            }
        }
        .to_string()
    }

    /// The message in `json`, or `None` when it is not a well-formed one.
    pub fn from_json(json: &str) -> Option<Self> {
        let v: Value = serde_json::from_str(json).ok()?;
        let field = |name: &str| text(&v, name);
        Some(match v.get("type")?.as_str()? {
            "tokens" => TabMessage::Tokens {
                session: field("session")?,
                refresh_token: field("refreshToken")?,
                target: TokenFor::try_from(field("target")?).ok()?,
                access_token: field("accessToken")?,
                scope: field("scope")?,
                lifetime_ms: v.get("lifetimeMs")?.as_f64()?,
            },
            "signedOut" => TabMessage::SignedOut {
                session: field("session")?,
                reason: SignOutReason::from_wire(&field("reason")?)?,
            },
            _ => return None,
        })
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
            if let Some(message) = event.data().as_string().and_then(|s| TabMessage::from_json(&s)) {
                on_message(message);
            }
        });
        channel.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        // The channel lives as long as the page.
        handler.forget();
        Some(Self { channel })
    }

    pub fn post(&self, message: &TabMessage) {
        let _ = self.channel.post_message(&JsValue::from_str(&message.to_json()));
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
    fn messages_round_trip_and_malformed_ones_are_dropped() {
        let m = TabMessage::SignedOut { session: "s1".into(), reason: SignOutReason::SessionEnded };
        assert_eq!(m.to_json(), r#"{"reason":"sessionEnded","session":"s1","type":"signedOut"}"#);
        assert_eq!(TabMessage::from_json(r#"{"reason":"bye","session":"s1","type":"signedOut"}"#), None);
        assert_eq!(TabMessage::from_json(&m.to_json()), Some(m));
        let t = TabMessage::Tokens {
            session: "s1".into(),
            refresh_token: "r".into(),
            target: TokenFor::organization_api("https://api", "o1"),
            access_token: "a".into(),
            scope: "read:x".into(),
            lifetime_ms: 3_600_000.0,
        };
        assert_eq!(TabMessage::from_json(&t.to_json()), Some(t));
        for bad in [
            r#"{"type":"other","session":"s"}"#,
            r#"{"type":"signedOut","session":"s"}"#,
            "[1]",
            "not json",
            r#"{"type":"tokens","session":"s","refreshToken":"r","target":"nope","accessToken":"a","scope":"","lifetimeMs":1}"#,
        ] {
            assert_eq!(TabMessage::from_json(bad), None, "{bad}");
        }
    }
}
