use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use crate::chat::Chat;

/// Adopts the loader's launcher button (painted before the wasm arrived, so it is not
/// rendered a second time): a click toggles the panel, `aria-expanded` follows `open`,
/// and closing the panel returns focus to the button so keyboard users are not lost.
/// Agents' messages that arrived while closed show as a count on the button.
pub fn adopt(button: HtmlElement, chat: Chat) {
    let open = chat.open;
    let toggle = Closure::<dyn Fn()>::new(move || open.update(|o| *o = !*o));
    // A failure here leaves the loader's own click handler, which does nothing harmful.
    let _ = button.add_event_listener_with_callback("click", toggle.as_ref().unchecked_ref());
    // The button lives as long as the page.
    toggle.forget();

    // One effect for the count and the state (each effect is its own code in the wasm).
    Effect::new(move |was_open: Option<bool>| {
        match chat.unread.get() {
            0 => {
                let _ = button.remove_attribute("data-unread");
            }
            n => {
                let _ = button.set_attribute("data-unread", &n.min(99).to_string());
            }
        }
        let is_open = open.get();
        let _ = button.set_attribute("aria-expanded", if is_open { "true" } else { "false" });
        if was_open == Some(true) && !is_open {
            let _ = button.focus();
        }
        is_open
    });
}
