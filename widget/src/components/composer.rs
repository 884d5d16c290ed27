use leptos::prelude::*;

use crate::i18n::{words, Lang};

/// Where the visitor types. Sending needs the chat transport (`transport.rs`: visitor
/// session, `POST /v1/visitor/chats`, the realtime socket), which arrives with the visitor
/// chat issue; until then the controls are disabled rather than pretending to send.
pub fn composer(lang: Lang) -> impl IntoView {
    let w = words(lang);
    view! {
        <div class="cf-composer">
            <textarea
                class="cf-input"
                data-testid="cf-input"
                rows="1"
                placeholder=w.placeholder
                aria-label=w.placeholder
                disabled=true
            ></textarea>
            <button class="cf-send" type="button" disabled=true>{w.send}</button>
        </div>
    }
}
