//! One component per concern: the launcher and the panel.

mod launcher;
mod panel;

use leptos::prelude::*;

use crate::state::Config;

/// The whole widget: launcher and (when open) panel, sharing one `open` signal.
pub fn app(config: Config, open_at_start: bool) -> impl IntoView {
    let open = RwSignal::new(open_at_start);
    let config = StoredValue::new(config);
    view! {
        {move || open.get().then(|| panel::panel(config.get_value(), open))}
        {launcher::launcher(config.get_value(), open)}
    }
}
