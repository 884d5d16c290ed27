use leptos::either::Either;
use leptos::ev::KeyboardEvent;
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, ShadowRoot};

use super::{composer, header};
use crate::chat::{Chat, Trouble};
use crate::i18n::words;
use crate::state::Config;

/// What Tab can reach inside the panel.
const FOCUSABLE: &str =
    "button:not([disabled]),textarea:not([disabled]),input:not([hidden]):not([disabled]),a[href]";

/// The open chat panel (a dialog): header, the greeting, the composer and the "Powered
/// by" line. Opening puts the caret in the composer, so a visitor can type at once;
/// Tab and Shift+Tab then cycle inside the panel (the page behind is not reachable
/// until Esc or the close button, and on a phone the panel is all there is), and
/// launcher.rs returns focus to the launcher when it closes.
pub fn panel(config: Config, chat: Chat, open: RwSignal<bool>) -> impl IntoView {
    let w = words(config.lang);
    let dialog = NodeRef::<Div>::new();
    let log = NodeRef::<Div>::new();
    Effect::new(move || {
        if let Some(el) = dialog.get() {
            let input = el
                .query_selector(".cf-input")
                .ok()
                .flatten()
                .and_then(|i| i.dyn_into::<HtmlElement>().ok());
            let _ = input.unwrap_or_else(|| el.into()).focus();
        }
    });
    let trap = move |ev: KeyboardEvent| {
        if ev.key() != "Tab" {
            return;
        }
        let Some(el) = dialog.get_untracked() else {
            return;
        };
        let Ok(list) = el.query_selector_all(FOCUSABLE) else {
            return;
        };
        let (Some(first), Some(last)) = (list.get(0), list.get(list.length().saturating_sub(1)))
        else {
            return;
        };
        let active: JsValue = el
            .get_root_node()
            .dyn_into::<ShadowRoot>()
            .ok()
            .and_then(|r| r.active_element())
            .map_or(JsValue::NULL, Into::into);
        let (edge, to) = if ev.shift_key() {
            (
                active == ***first || active == *AsRef::<JsValue>::as_ref(&el),
                last,
            )
        } else {
            (active == ***last, first)
        };
        if edge {
            ev.prevent_default();
            if let Ok(to) = to.dyn_into::<HtmlElement>() {
                let _ = to.focus();
            }
        }
    };
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
                let side = if m.mine { "cf-file cf-mine" } else { "cf-file" };
                let alt = m.text.clone();
                let files = m
                    .files
                    .into_iter()
                    .map(|f| {
                        if f.image {
                            Either::Left(view! {
                                <img class=side data-testid="cf-image" src=f.url alt=alt.clone() />
                            })
                        } else {
                            Either::Right(view! {
                                <a
                                    class=side
                                    data-testid="cf-file"
                                    href=f.url
                                    target="_blank"
                                    rel="noopener"
                                    download=""
                                >
                                    {w.download}
                                </a>
                            })
                        }
                    })
                    .collect_view();
                view! {
                    <p class=class data-testid="cf-message" data-seq=m.seq>{m.text}</p>
                    {files}
                }
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
                Trouble::TooLarge => w.too_large,
                Trouble::WrongType => w.wrong_type,
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
            aria-modal="true"
            aria-label=w.chat_label
            tabindex="-1"
            on:keydown=trap
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
