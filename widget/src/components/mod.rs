//! One component per concern. The launcher button is painted by the loader before the
//! wasm arrives; [`launcher`] adopts it. The panel and its parts are built node by node
//! ([`dom`]: each `view!` shape cost the wasm its own copy of Leptos's rendering code)
//! and kept current by signals and effects.

mod composer;
mod dom;
mod header;
mod launcher;
mod panel;
mod prechat;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, KeyboardEvent};

use crate::chat::Chat;
use crate::state::Config;

/// A trigger's message, shown beside the launcher until the visitor opens the chat.
pub type Nudge = RwSignal<Option<String>>;

/// The whole widget: the adopted launcher and, while `open`, the panel, in `root` (the
/// loader's `.cf-root`), where Esc is heard from anywhere in the widget.
pub fn app(config: Config, chat: Chat, nudge: Nudge, root: HtmlElement, launcher: HtmlElement) {
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
    // A trigger's message, beside the launcher; a click opens the chat. A new message
    // replaces the shown one.
    let mut shown = 0u32;
    dom::slot(
        &root,
        move || match nudge.with(Option::is_some) && !open.get() {
            true => {
                shown += 1;
                shown
            }
            false => 0,
        },
        move |shown| {
            let text = nudge.get_untracked().filter(|_| *shown != 0)?;
            let button = dom::el("button", "cf-nudge", None);
            dom::attrs(&button, &[("data-testid", "cf-nudge"), ("type", "button")]);
            button.set_text_content(Some(&text));
            dom::on(&button, "click", move |_| open.set(true));
            Some(button.into())
        },
    );
    if !open.get_untracked() {
        warm_up(config.clone(), chat);
    }
    dom::slot(
        &root,
        move || open.get(),
        move |is_open| is_open.then(|| panel::panel(config.clone(), chat, open).into()),
    );
}

/// Builds the panel once, detached, and throws it away, just after the app comes in
/// closed (on a hover or a focus, before the click). The browser compiles each wasm
/// function on its first call; without this that first call is the click, and
/// compiling the panel's code was about a quarter of the time from click to composer
/// (17 of 62 ms under 4× CPU throttling, Chromium's trace).
fn warm_up(config: Config, chat: Chat) {
    let build = Closure::once_into_js(move || {
        let owner = Owner::new();
        owner.with(|| {
            // A signal of its own: the real `open` must not hear this panel's close button.
            let open = RwSignal::new(true);
            untrack(|| drop(panel::panel(config, chat, open)));
        });
        owner.cleanup();
    });
    if let Some(window) = web_sys::window() {
        // After the task that mounted the app, so a click already queued goes first.
        let _ =
            window.set_timeout_with_callback_and_timeout_and_arguments_0(build.unchecked_ref(), 0);
    }
}

/// Feather-style stroke paths (24×24): a paperclip and an ×. Inline SVG, never a font
/// glyph: a page without an emoji font would show an empty box.
pub const PAPERCLIP: &str = "M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5";
pub const CROSS: &str = "M18 6 6 18M6 6l12 12";
/// A filled star.
pub const STAR: &str = "M12 2l3.1 6.3 6.9 1-5 4.9 1.2 6.8-6.2-3.2-6.2 3.2L7 14.2 2 9.3l6.9-1z";
/// A filled envelope: its flap and its body.
pub const ENVELOPE: &str = "M2 5h20v1.5l-10 6.5L2 6.5zM2 9l10 6.5L22 9v10H2z";
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
