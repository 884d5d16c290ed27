//! The ChatFlow visitor widget. `loader/widget.js` (the one script a site owner embeds)
//! fetches the public config, paints the launcher inside a shadow root at once, evaluates
//! the triggers, and loads this wasm only once the visitor engages (a hover, focus, touch
//! or click on the launcher), a trigger fires, or a conversation is already under way. It
//! then calls [`mount`]: the app adopts the loader's launcher button and adds the panel
//! beside it.
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
use wasm_bindgen::JsCast;
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
    adopt_styles(&root);
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

/// The panel's stylesheet, added to the loader's shadow root beside the launcher's.
const PANEL_CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/panel.css"));

fn adopt_styles(root: &HtmlElement) {
    let Some(shadow) = root.get_root_node().dyn_into::<web_sys::ShadowRoot>().ok() else {
        return;
    };
    // A constructed sheet (allowed by CSPs that forbid inline styles), else a <style>.
    let adopted = web_sys::CssStyleSheet::new().ok().and_then(|sheet| {
        sheet.replace_sync(PANEL_CSS).ok()?;
        let sheets = js_sys::Array::from(&shadow.adopted_style_sheets());
        sheets.push(&sheet);
        shadow.set_adopted_style_sheets(&sheets);
        Some(())
    });
    if adopted.is_none() {
        if let Some(style) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("style").ok())
        {
            style.set_text_content(Some(PANEL_CSS));
            let _ = shadow.append_child(&style);
        }
    }
}
