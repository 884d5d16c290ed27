use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, Node};

use super::dom::{attrs, el, flag, on, slot};
use crate::chat::Chat;
use crate::i18n::words;
use crate::state::Config;

/// The owner's optional pre-chat form, in the composer's place until it is sent: a
/// name and an email, each required when the owner says so. What the visitor gives
/// goes with the session (`Chat::post`); the site's own `ChatFlow.identify` wins.
pub fn form(config: &Config, chat: Chat) -> Element {
    let w = words(config.lang);
    let asks = config.prechat.unwrap_or(crate::state::Prechat {
        require_name: false,
        require_email: false,
    });
    let form = el("form", "cf-prechat", None);
    attrs(&form, &[("data-testid", "cf-prechat")]);
    flag(&form, "novalidate", true);
    let field = |testid: &str, kind: &str, autocomplete: &str, placeholder: &str, required| {
        let input: HtmlInputElement = el("input", "cf-email", Some(&form)).unchecked_into();
        attrs(
            &input,
            &[
                ("data-testid", testid),
                ("type", kind),
                ("autocomplete", autocomplete),
                ("placeholder", placeholder),
                ("aria-label", placeholder),
            ],
        );
        flag(&input, "required", required);
        input
    };
    let name = field(
        "cf-prechat-name",
        "text",
        "name",
        w.name_placeholder,
        asks.require_name,
    );
    let email = field(
        "cf-prechat-email",
        "email",
        "email",
        w.email_placeholder,
        asks.require_email,
    );
    let missing = RwSignal::new(false);
    let form_node: &Node = &form;
    slot(
        form_node,
        move || missing.get(),
        move |shown| {
            shown.then(|| {
                super::panel::note("cf-trouble", "alert", "cf-prechat-missing", w.fill_in).into()
            })
        },
    );
    let start = el("button", "cf-send cf-start", Some(&form));
    attrs(
        &start,
        &[("data-testid", "cf-prechat-start"), ("type", "submit")],
    );
    start.set_text_content(Some(w.start));
    on(&form, "submit", move |ev| {
        ev.prevent_default();
        let (n, e) = (name.value(), email.value());
        if (asks.require_name && n.trim().is_empty())
            || (asks.require_email && !e.contains('@'))
            || (!e.trim().is_empty() && !e.contains('@'))
        {
            missing.set(true);
            return;
        }
        chat.name.set(n);
        chat.email.set(e);
        chat.introduced.set(true);
    });
    form
}
