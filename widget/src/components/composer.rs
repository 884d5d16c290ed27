use leptos::ev::KeyboardEvent;
use leptos::html::{Input, Textarea};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::chat::Chat;
use crate::i18n::{words, Lang};

/// Where the visitor types. Enter sends, Shift+Enter starts a new line. The text stays
/// in the box until the server has stored it, so nothing typed is lost to a failure.
/// Once the chat has begun, a paperclip button sends a file (see `Chat::attach`).
pub fn composer(lang: Lang, chat: Chat) -> impl IntoView {
    let w = words(lang);
    let input = NodeRef::<Textarea>::new();
    let picker = NodeRef::<Input>::new();
    let picked = move |_| {
        let Some(el) = picker.get_untracked() else {
            return;
        };
        let file = el.files().and_then(|list| list.get(0));
        // Cleared so that picking the same file again (after an error) is a change.
        el.set_value("");
        if let Some(file) = file {
            spawn_local(chat.attach(file));
        }
    };
    let attach = move || {
        chat.messages.with(|m| !m.is_empty()).then(|| {
            view! {
                <input
                    node_ref=picker
                    type="file"
                    data-testid="cf-picker"
                    hidden=true
                    on:change=picked
                />
                <button
                    class="cf-attach"
                    data-testid="cf-attach"
                    type="button"
                    title=w.attach
                    aria-label=w.attach
                    disabled=move || chat.sending.get()
                    on:click=move |_| {
                        if let Some(el) = picker.get_untracked() {
                            el.click();
                        }
                    }
                >
                    {super::icon("cf-icon", super::PAPERCLIP)}
                </button>
            }
        })
    };
    let send = move || {
        let Some(el) = input.get_untracked() else {
            return;
        };
        let text = el.value();
        if text.trim().is_empty() || chat.sending.get_untracked() {
            return;
        }
        spawn_local(async move {
            if chat.send(text.trim().to_string()).await {
                el.set_value("");
            }
            let _ = el.focus();
        });
    };
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };
    view! {
        <div class="cf-composer">
            {attach}
            <textarea
                node_ref=input
                class="cf-input"
                data-testid="cf-input"
                rows="1"
                placeholder=w.placeholder
                aria-label=w.placeholder
                on:keydown=on_key
                on:input=move |_| chat.typing()
            ></textarea>
            <button
                class="cf-send"
                data-testid="cf-send"
                type="button"
                disabled=move || chat.sending.get()
                on:click=move |_| send()
            >
                {w.send}
            </button>
        </div>
    }
}
