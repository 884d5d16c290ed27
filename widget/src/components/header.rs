use leptos::prelude::*;
use web_sys::{Element, Node};

use super::dom::{attrs, el, icon, line, on};
use crate::i18n::words;
use crate::state::Config;

/// The panel's header in the brand colour: the owner's logo (if any), the button text as
/// the title, whether anyone is online, and the close button.
pub fn header(config: &Config, open: RwSignal<bool>, parent: &Node) -> Element {
    let w = words(config.lang);
    let (status, status_class) = if config.agents_online {
        (w.online, "cf-status cf-online")
    } else {
        (w.offline, "cf-status")
    };
    let header = el("header", "cf-header", Some(parent));
    // Decorative (the title beside it names the chat). The empty `alt` also keeps a
    // logo that fails to load from showing as a broken image (an error handler here
    // would cost visitors wasm for an owner's typo).
    if let Some(src) = &config.logo_url {
        attrs(
            &el("img", "cf-logo", Some(&header)),
            &[("src", src), ("alt", "")],
        );
    }
    let heading = el("div", "cf-heading", Some(&header));
    line("span", "cf-title", &config.button_text, &heading);
    line("span", status_class, status, &heading);
    let close = el("button", "cf-close", Some(&header));
    attrs(&close, &[("type", "button"), ("aria-label", w.close)]);
    on(&close, "click", move |_| open.set(false));
    icon("cf-icon", super::CROSS, &close);
    header
}
