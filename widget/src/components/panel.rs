use leptos::prelude::*;
use leptos::web_sys::KeyboardEvent;

use crate::i18n::words;
use crate::state::Config;

/// The open chat panel: header in the brand colour, the greeting, and the composer.
/// Esc closes it. Sending arrives with the chat transport (real-time issue); until then
/// the composer is disabled rather than pretending to send.
pub fn panel(config: Config, open: RwSignal<bool>) -> impl IntoView {
    let w = words(config.lang);
    let greeting = config.greeting().to_string();
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            open.set(false);
        }
    };
    view! {
        <div
            class="cf-panel"
            data-testid="cf-panel"
            role="dialog"
            aria-modal="false"
            aria-label=w.chat_label
            on:keydown=on_key
        >
            <header class="cf-header">
                {config.logo_url.map(|src| view! { <img class="cf-logo" src=src alt="" /> })}
                <span class="cf-title">{config.button_text.clone()}</span>
                <button
                    class="cf-close"
                    type="button"
                    aria-label=w.close
                    autofocus
                    on:click=move |_| open.set(false)
                >
                    "×"
                </button>
            </header>
            <div class="cf-messages" role="log" aria-live="polite">
                <p class="cf-bubble cf-bubble-agent">{greeting}</p>
            </div>
            {(!config.agents_online).then(|| view! {
                <input class="cf-email" type="email" placeholder=w.offline_email aria-label=w.offline_email />
            })}
            <form class="cf-composer" on:submit=|ev| ev.prevent_default()>
                <textarea
                    class="cf-input"
                    data-testid="cf-input"
                    rows="1"
                    placeholder=w.placeholder
                    aria-label=w.placeholder
                ></textarea>
                <button class="cf-send" type="submit" disabled=true>{w.send}</button>
            </form>
            {config.show_powered_by.then(|| view! { <p class="cf-powered">{w.powered_by}</p> })}
        </div>
    }
}
