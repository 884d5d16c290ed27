use leptos::prelude::*;

use crate::i18n::words;
use crate::state::Config;

/// The panel's header in the brand colour: the owner's logo (if any), the button text as
/// the title, whether anyone is online, and the close button.
pub fn header(config: &Config, open: RwSignal<bool>) -> impl IntoView {
    let w = words(config.lang);
    let (status, status_class) = if config.agents_online {
        (w.online, "cf-status cf-online")
    } else {
        (w.offline, "cf-status")
    };
    // Decorative (the title beside it names the chat). The empty `alt` also keeps a
    // logo that fails to load from showing as a broken image (an error handler here
    // would cost visitors 230 B of wasm for an owner's typo).
    let logo = config.logo_url.clone().map(|src| {
        view! { <img class="cf-logo" src=src alt="" /> }
    });
    view! {
        <header class="cf-header">
            {logo}
            <div class="cf-heading">
                <span class="cf-title">{config.button_text.clone()}</span>
                <span class=status_class>{status}</span>
            </div>
            <button
                class="cf-close"
                type="button"
                aria-label=w.close
                on:click=move |_| open.set(false)
            >
                {super::icon("cf-icon", super::CROSS)}
            </button>
        </header>
    }
}
