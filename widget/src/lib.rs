//! The ChatFlow visitor widget. `loader/widget.js` (the one script a site owner embeds)
//! fetches the public config, paints the launcher inside a shadow root at once, then loads
//! this wasm when the browser is idle (or at the first hover, focus or click) and calls
//! [`mount`]: the app adopts the loader's launcher button and adds the panel beside it.
//!
//! The conversation lives in [`chat`] over [`transport`]. The widget never parses HTML
//! from anyone: every string the owner or a visitor wrote is inserted as a text node.

mod api;
mod chat;
mod components;
mod i18n;
mod state;
mod transport;
mod triggers;

use leptos::prelude::RwSignal;
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
    adopt_styles(&root);
    let triggers = config.triggers();
    let config = Config::from_js(config, i18n::Lang::parse(lang));
    let keys = root.clone();
    // The widget lives as long as the page: nothing ever unmounts it.
    leptos::mount::mount_to(root, move || {
        let workspace_id = endpoint.workspace_id.clone();
        let chat = chat::Chat::start(endpoint, open);
        let nudge = RwSignal::new(None);
        triggers::arm(triggers, workspace_id, chat.open, nudge);
        api::install(chat);
        components::app(config, chat, nudge, keys, launcher)
    })
    .forget();
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
