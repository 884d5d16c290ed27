//! The ChatFlow visitor widget. `loader/widget.js` (the one script a site owner embeds)
//! fetches the public config, paints the launcher inside a shadow root at once, evaluates
//! the triggers, and loads this wasm only once the visitor engages (a hover, focus, touch
//! or click on the launcher), a trigger fires, or a conversation is already under way. It
//! then calls [`mount`]: the app adopts the loader's launcher button and adds the panel
//! beside it. The panel's stylesheet (`panel.css`) comes with the glue, which adopts it
//! into the shadow root and draws a plain-DOM panel if the visitor clicks before the
//! wasm is compiled (`loader/shell.mjs`); the app's panel then takes its place.
//!
//! The conversation lives in [`chat`] over [`transport`]. The widget never parses HTML
//! from anyone: every string the owner or a visitor wrote is inserted as a text node.

mod api;
mod chat;
mod components;
mod i18n;
mod state;
mod text;
mod transport;

use std::cell::Cell;

use leptos::prelude::{RwSignal, Set};
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

pub use state::{Config, PublicConfig};

/// Starts the app inside the loader's shadow root. Called once, by the loader.
///
/// - `root`: the loader's `.cf-root` element; the panel is appended to it.
/// - `launcher`: the loader's `[data-testid=cf-launcher]` button. It stays in place (no
///   flicker, focus and hover survive); the app wires its click and `aria-expanded`.
/// - `config`: the object the loader parsed from `GET /v1/public/widgets/{id}`, so the
///   config is fetched once.
/// - `lang`: a language tag from `data-lang` or `<html lang>`; see [`i18n::Lang::parse`].
/// - `open`: open the panel at once (the visitor clicked before the wasm arrived).
/// - `nudge`: the message of the trigger whose firing brought the app, if one did.
#[wasm_bindgen]
pub fn mount(
    root: HtmlElement,
    launcher: HtmlElement,
    config: &PublicConfig,
    lang: &str,
    open: bool,
    nudge: Option<String>,
) {
    let lang = i18n::Lang::parse(lang);
    let endpoint = transport::Endpoint {
        api: config.api_base().unwrap_or_default(),
        workspace_id: config.workspace().unwrap_or_default(),
        lang: lang.code(),
    };
    let preview = config.typing_preview().unwrap_or(false);
    let config = Config::from_js(config, lang);
    let keys = root.clone();
    // The widget lives as long as the page: nothing ever unmounts it.
    leptos::mount::mount_to(root, move || {
        let chat = chat::Chat::start(endpoint, open, preview);
        CHAT.set(Some(chat));
        let nudge = RwSignal::new(nudge);
        NUDGE.set(Some(nudge));
        api::install(chat);
        components::app(config, chat, nudge, keys, launcher)
    })
    .forget();
}

thread_local! {
    static NUDGE: Cell<Option<components::Nudge>> = const { Cell::new(None) };
    static CHAT: Cell<Option<chat::Chat>> = const { Cell::new(None) };
}

/// Shows an agent's invitation (from the presence beat's answer, see loader/widget.js):
/// its text beside the launcher and as the agent's first message in the panel. The
/// visitor's answer starts the chat with it.
#[wasm_bindgen]
pub fn invite(id: String, text: String, agent_name: String) {
    if let Some(chat) = CHAT.get() {
        chat.invited(id, text.clone(), agent_name);
        nudge(text);
    }
}

/// Shows a trigger's message beside the launcher; the loader calls it when a trigger
/// fires after the app is in (it evaluates the triggers, see loader/widget.js).
#[wasm_bindgen]
pub fn nudge(message: String) {
    if let Some(nudge) = NUDGE.get() {
        nudge.set(Some(message));
    }
}
