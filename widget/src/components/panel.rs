use leptos::html::Div;
use leptos::prelude::*;

use super::{composer, header};
use crate::chat::{Chat, Trouble};
use crate::i18n::words;
use crate::state::Config;

/// The open chat panel (a non-modal dialog): header, the greeting, the composer and the
/// "Powered by" line. Focus moves into it when it opens, so keyboard and screen-reader
/// users land in the dialog; launcher.rs returns focus to the launcher when it closes.
pub fn panel(config: Config, chat: Chat, open: RwSignal<bool>) -> impl IntoView {
    let w = words(config.lang);
    let dialog = NodeRef::<Div>::new();
    let log = NodeRef::<Div>::new();
    Effect::new(move || {
        if let Some(el) = dialog.get() {
            let _ = el.focus();
        }
    });
    // The newest message (or the typing dots) stays in view.
    Effect::new(move || {
        chat.messages.track();
        chat.agent_typing.track();
        if let Some(el) = log.get() {
            el.set_scroll_top(el.scroll_height());
        }
    });
    let messages = move || {
        chat.messages
            .get()
            .into_iter()
            .map(|m| {
                let class = if m.mine {
                    "cf-bubble cf-bubble-visitor"
                } else {
                    "cf-bubble cf-bubble-agent"
                };
                view! { <p class=class data-testid="cf-message" data-seq=m.seq>{m.text}</p> }
            })
            .collect_view()
    };
    let typing = move || {
        chat.agent_typing.get().then(|| {
            view! { <p class="cf-typing" data-testid="cf-typing" aria-label=w.typing>{"•••"}</p> }
        })
    };
    let trouble = move || {
        chat.trouble.get().map(|t| {
            let text = match t {
                Trouble::NotSent => w.not_sent,
                Trouble::TooFast => w.too_fast,
            };
            view! { <p class="cf-trouble" role="alert" data-testid="cf-trouble">{text}</p> }
        })
    };
    let greeting = config.greeting().to_string();
    // After an agent closes the chat: 1 to 5 stars, then thanks.
    let stars = move || {
        (chat.closed.get() && chat.rated.get().is_none()).then(|| {
            let star = move |n: u8| {
                const IDS: [&str; 5] = [
                    "cf-rate-1",
                    "cf-rate-2",
                    "cf-rate-3",
                    "cf-rate-4",
                    "cf-rate-5",
                ];
                const OF_FIVE: [&str; 5] = ["1/5", "2/5", "3/5", "4/5", "5/5"];
                let i = usize::from(n - 1);
                view! {
                    <button
                        class="cf-star"
                        type="button"
                        data-testid=IDS[i]
                        title=w.rate_star
                        aria-label=OF_FIVE[i]
                        on:click=move |_| leptos::task::spawn_local(chat.rate(n))
                    >
                        {"★"}
                    </button>
                }
            };
            view! {
                <div class="cf-rating" role="group" aria-label=w.rate_prompt>
                    <p class="cf-rating-prompt">{w.rate_prompt}</p>
                    {(1..=5u8).map(star).collect_view()}
                </div>
            }
        })
    };
    let thanks = move || {
        (chat.closed.get() && chat.rated.get().is_some())
            .then(|| view! { <p class="cf-rating" data-testid="cf-rated">{w.thanks}</p> })
    };
    // Nobody online and no chat yet: an email lets the agents answer later.
    let offline = !config.agents_online;
    let email = move || {
        (offline && chat.messages.with(Vec::is_empty)).then(|| {
            view! {
                <input
                    class="cf-email"
                    data-testid="cf-email"
                    type="email"
                    autocomplete="email"
                    placeholder=w.email_placeholder
                    aria-label=w.email_placeholder
                    on:input=move |ev| chat.email.set(event_target_value(&ev))
                />
            }
        })
    };
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
            <div node_ref=log class="cf-messages" role="log" aria-live="polite">
                <p class="cf-bubble cf-bubble-agent">{greeting}</p>
                {messages}
                {typing}
            </div>
            {trouble}
            {stars}
            {thanks}
            {email}
            {composer::composer(config.lang, chat)}
            {config.show_powered_by.then(|| view! { <p class="cf-powered">{w.powered_by}</p> })}
        </div>
    }
}
