use leptos::html::Div;
use leptos::prelude::*;

use super::{composer, header};
use crate::i18n::words;
use crate::state::Config;

/// The open chat panel (a non-modal dialog): header, the greeting, the composer and the
/// "Powered by" line. Focus moves into it when it opens, so keyboard and screen-reader
/// users land in the dialog; launcher.rs returns focus to the launcher when it closes.
pub fn panel(config: Config, open: RwSignal<bool>) -> impl IntoView {
    let w = words(config.lang);
    let dialog = NodeRef::<Div>::new();
    Effect::new(move || {
        if let Some(el) = dialog.get() {
            let _ = el.focus();
        }
    });
    let greeting = config.greeting().to_string();
    view! {
        <div
            node_ref=dialog
            class="cf-panel"
            data-testid="cf-panel"
            role="dialog"
            aria-label=w.chat_label
            tabindex="-1"
        >
            {header::header(&config, open)}
            <div class="cf-messages" role="log" aria-live="polite">
                <p class="cf-bubble cf-bubble-agent">{greeting}</p>
            </div>
            {composer::composer(config.lang)}
            {config.show_powered_by.then(|| view! { <p class="cf-powered">{w.powered_by}</p> })}
        </div>
    }
}
