//! The ChatFlow visitor widget. `loader/widget.js` (the one script a site owner embeds)
//! fetches the public config, paints the launcher inside a shadow root at once, then loads
//! this wasm when the browser is idle (or at the first hover, focus or click) and calls
//! [`mount`]: the app adopts the loader's launcher button and adds the panel beside it.
//!
//! The conversation lives in [`chat`] over [`transport`]. The widget never parses HTML
//! from anyone: every string the owner or a visitor wrote is inserted as a text node.

mod chat;
mod components;
mod i18n;
mod state;
mod transport;

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
#[wasm_bindgen]
pub fn mount(
    root: HtmlElement,
    launcher: HtmlElement,
    config: &PublicConfig,
    lang: &str,
    open: bool,
) {
    let endpoint = transport::Endpoint {
        api: config.api_base().unwrap_or_default(),
        workspace_id: config.workspace().unwrap_or_default(),
    };
    let config = Config::from_js(config, i18n::Lang::parse(lang));
    let keys = root.clone();
    // The widget lives as long as the page: nothing ever unmounts it.
    leptos::mount::mount_to(root, move || {
        let chat = chat::Chat::start(endpoint);
        components::app(config, chat, keys, launcher, open)
    })
    .forget();
}
