use leptos::ev::SubmitEvent;
use leptos::html::Input;
use leptos::prelude::*;

use crate::chat::Chat;
use crate::i18n::words;
use crate::state::Config;

/// The owner's optional pre-chat form, in the composer's place until it is sent: a
/// name and an email, each required when the owner says so. What the visitor gives
/// goes with the session (`Chat::post`); the site's own `ChatFlow.identify` wins.
pub fn form(config: &Config, chat: Chat) -> impl IntoView {
    let w = words(config.lang);
    let asks = config.prechat.unwrap_or(crate::state::Prechat {
        require_name: false,
        require_email: false,
    });
    let name = NodeRef::<Input>::new();
    let email = NodeRef::<Input>::new();
    let missing = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let value = |r: NodeRef<Input>| r.get_untracked().map(|e| e.value()).unwrap_or_default();
        let (n, e) = (value(name), value(email));
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
    };
    view! {
        <form class="cf-prechat" data-testid="cf-prechat" novalidate=true on:submit=submit>
            <input
                node_ref=name
                class="cf-email"
                data-testid="cf-prechat-name"
                type="text"
                autocomplete="name"
                placeholder=w.name_placeholder
                aria-label=w.name_placeholder
                required=asks.require_name
            />
            <input
                node_ref=email
                class="cf-email"
                data-testid="cf-prechat-email"
                type="email"
                autocomplete="email"
                placeholder=w.email_placeholder
                aria-label=w.email_placeholder
                required=asks.require_email
            />
            {move || {
                missing
                    .get()
                    .then(|| super::panel::note("cf-trouble", "alert", "cf-prechat-missing", w.fill_in))
            }}
            <button class="cf-send cf-start" data-testid="cf-prechat-start" type="submit">
                {w.start}
            </button>
        </form>
    }
}
