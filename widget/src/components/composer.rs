use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement, KeyboardEvent, Node};

use super::dom::{attrs, effect, el, flag, fragment, icon, on, slot};
use crate::chat::Chat;
use crate::i18n::{words, Lang, Words};

/// Where the visitor types. Enter sends, Shift+Enter starts a new line. The text stays
/// in the box until the server has stored it, so nothing typed is lost to a failure.
/// Once the chat has begun, a paperclip button sends a file (see `Chat::attach`).
pub fn composer(lang: Lang, chat: Chat) -> Element {
    let w = words(lang);
    let root = el("div", "cf-composer", None);
    slot(
        &root,
        move || chat.messages.with(|m| !m.is_empty()),
        move |begun| begun.then(|| attach(w, chat)),
    );
    let input: HtmlTextAreaElement = el("textarea", "cf-input", Some(&root)).unchecked_into();
    attrs(
        &input,
        &[
            ("data-testid", "cf-input"),
            ("rows", "1"),
            ("placeholder", w.placeholder),
            ("aria-label", w.placeholder),
        ],
    );
    let button = el("button", "cf-send", Some(&root));
    attrs(&button, &[("data-testid", "cf-send"), ("type", "button")]);
    button.set_text_content(Some(w.send));
    disabled_while_sending(&button, chat);
    let typed = input.clone();
    on(&input, "keydown", move |ev| {
        let ev: KeyboardEvent = ev.unchecked_into();
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send(&typed, chat);
        }
    });
    let drafted = input.clone();
    on(&input, "input", move |_| {
        chat.typing();
        chat.draft(drafted.value());
    });
    on(&button, "click", move |_| send(&input, chat));
    root
}

fn send(input: &HtmlTextAreaElement, chat: Chat) {
    let text = input.value();
    if text.trim().is_empty() || chat.sending.get_untracked() {
        return;
    }
    let el = input.clone();
    spawn_local(async move {
        if chat.send(text.trim().to_string()).await {
            el.set_value("");
        }
        let _ = el.focus();
    });
}

/// A control that cannot be used while a message or file is on its way.
pub(super) fn disabled_while_sending(e: &Element, chat: Chat) {
    let e = e.clone();
    effect(move || flag(&e, "disabled", chat.sending.get()));
}

/// The file picker (hidden) and the paperclip that opens it.
fn attach(w: &'static Words, chat: Chat) -> Node {
    let both = fragment();
    let picker: HtmlInputElement = el("input", "", Some(&both)).unchecked_into();
    attrs(&picker, &[("type", "file"), ("data-testid", "cf-picker")]);
    flag(&picker, "hidden", true);
    let picked = picker.clone();
    on(&picker, "change", move |_| {
        let file = picked.files().and_then(|list| list.get(0));
        // Cleared so that picking the same file again (after an error) is a change.
        picked.set_value("");
        if let Some(file) = file {
            spawn_local(chat.attach(file));
        }
    });
    let button = el("button", "cf-attach", Some(&both));
    attrs(
        &button,
        &[
            ("data-testid", "cf-attach"),
            ("type", "button"),
            ("title", w.attach),
            ("aria-label", w.attach),
        ],
    );
    disabled_while_sending(&button, chat);
    on(&button, "click", move |_| picker.click());
    icon("cf-icon", super::PAPERCLIP, &button);
    both
}
