//! One component per concern. The launcher button is painted by the loader before the
//! wasm arrives; [`launcher`] adopts it. The panel and its parts are Leptos views.
//!
//! Keep every element in a `view!` dynamic (an attribute from a variable, a handler, or a
//! text child from a variable): Leptos builds fully static subtrees from an `innerHTML`
//! template, which host pages enforcing Trusted Types (`require-trusted-types-for
//! 'script'`) refuse, and the widget would break on them.

mod composer;
mod header;
mod launcher;
mod panel;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, KeyboardEvent};

use crate::chat::Chat;
use crate::state::Config;
use crate::triggers::Nudge;

/// The whole widget: the adopted launcher and, while `open`, the panel.
/// `root` is the loader's `.cf-root`, where Esc is heard from anywhere in the widget.
pub fn app(
    config: Config,
    chat: Chat,
    nudge: Nudge,
    root: HtmlElement,
    launcher: HtmlElement,
) -> impl IntoView {
    let open = chat.open;
    launcher::adopt(launcher, chat);
    close_on_escape(&root, open);
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        if is_open {
            nudge.set(None);
            chat.unread.set(0);
            chat.mark_read();
            if was_open == Some(false) || was_open.is_none() {
                crate::api::emit("opened", &JsValue::NULL);
            }
        } else if was_open == Some(true) {
            crate::api::emit("closed", &JsValue::NULL);
        }
        is_open
    });
    // A trigger's message, beside the launcher; a click opens the chat.
    let nudge_view = move || {
        nudge.get().filter(|_| !open.get()).map(|text| {
            view! {
                <button
                    class="cf-nudge"
                    data-testid="cf-nudge"
                    type="button"
                    on:click=move |_| open.set(true)
                >
                    {text}
                </button>
            }
        })
    };
    view! {
        {nudge_view}
        {move || open.get().then(|| panel::panel(config.clone(), chat, open))}
    }
}

/// Esc closes the panel while focus is anywhere in the widget (the launcher or the
/// panel); keys pressed in the host page never reach the shadow root's elements.
fn close_on_escape(root: &HtmlElement, open: RwSignal<bool>) {
    let on_key = Closure::<dyn Fn(KeyboardEvent)>::new(move |ev: KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            ev.stop_propagation();
            open.set(false);
        }
    });
    // A failure here only loses the shortcut; the close button still works.
    let _ = root.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    // The listener lives as long as the page, like the widget.
    on_key.forget();
}
