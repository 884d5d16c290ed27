//! `window.ChatFlow`, for the site's own scripts. The loader defines it at once (calls
//! that need the app bring it in); the app replaces the methods below when it mounts,
//! and the loader fires `chatflow:ready` on window then:
//!
//! ```js
//! ChatFlow.open(); ChatFlow.close(); ChatFlow.toggle();
//! ChatFlow.identify({ name: "Ali", email: "ali@example.com", metadata: { plan: "pro" } });
//! ChatFlow.on("opened", () => …); ChatFlow.on("message", (m) => …);
//! ```
//!
//! Events are also `chatflow:<name>` CustomEvents on window (`detail` carries the data).

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CustomEvent, CustomEventInit};

use crate::chat::Chat;
use leptos::prelude::*;

/// Dispatches `chatflow:<name>` on window.
pub fn emit(name: &str, detail: &JsValue) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let init = CustomEventInit::new();
    init.set_detail(detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(&format!("chatflow:{name}"), &init) {
        let _ = window.dispatch_event(&event);
    }
}

fn method(target: &Object, name: &str, f: Closure<dyn Fn(JsValue, JsValue)>) {
    let _ = Reflect::set(target, &JsValue::from_str(name), f.as_ref());
    // The API lives as long as the page.
    f.forget();
}

/// Installs `window.ChatFlow`.
pub fn install(chat: Chat) {
    let Some(window) = web_sys::window() else {
        return;
    };
    // The loader's object, so references the site already holds keep working; its `on`
    // (window events) stays as it is.
    let api = Reflect::get(&window, &JsValue::from_str("ChatFlow"))
        .ok()
        .and_then(|a| a.dyn_into::<Object>().ok())
        .unwrap_or_default();
    let open = chat.open;
    method(&api, "open", Closure::new(move |_, _| open.set(true)));
    method(&api, "close", Closure::new(move |_, _| open.set(false)));
    method(
        &api,
        "toggle",
        Closure::new(move |_, _| open.update(|o| *o = !*o)),
    );
    method(
        &api,
        "identify",
        Closure::new(move |visitor: JsValue, _| {
            if visitor.is_object() {
                chat.identify(visitor);
            }
        }),
    );
    let _ = Reflect::set(&window, &JsValue::from_str("ChatFlow"), &api);
}
