use leptos::prelude::*;

use crate::state::Config;

/// The round (or square) button in the page's corner; styles come from the loader's
/// stylesheet and the config's CSS custom properties.
pub fn launcher(config: Config, open: RwSignal<bool>) -> impl IntoView {
    view! {
        <button
            class="cf-launcher"
            data-testid="cf-launcher"
            type="button"
            aria-haspopup="dialog"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)
        >
            <span class="cf-launcher-icon" aria-hidden="true"></span>
            <span class="cf-launcher-text">{config.button_text}</span>
        </button>
    }
}
