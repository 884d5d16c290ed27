//! The ChatFlow visitor widget. `widget.js` (the loader a site owner embeds) paints the
//! launcher from the public config at once, then loads this wasm when the browser is
//! idle (or at the first hover or click) and calls [`mount`], which takes over the
//! launcher and adds the panel, all inside the loader's shadow root.
//!
//! What it is not: it does no network I/O yet (the chat transport arrives with the
//! real-time issue) and it never parses HTML from anyone: every text is set as text.

mod components;
mod i18n;
mod state;

use wasm_bindgen::prelude::*;

pub use state::Config;

/// Mounts the widget into `container` (an element inside the loader's shadow root).
/// `open` opens the panel at once (the visitor clicked before the wasm arrived).
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen]
pub fn mount(
    container: web_sys::HtmlElement,
    lang: String,
    button_text: String,
    welcome_message: String,
    offline_message: String,
    agents_online: bool,
    show_powered_by: bool,
    logo_url: Option<String>,
    open: bool,
) {
    let config = Config {
        lang: i18n::Lang::parse(&lang),
        button_text,
        welcome_message,
        offline_message,
        agents_online,
        show_powered_by,
        logo_url: logo_url.filter(|u| u.starts_with("https://") || u.starts_with("http://")),
    };
    leptos::mount::mount_to(container, move || components::app(config, open)).forget();
}
