use leptos::either::{Either, EitherOf3};
use leptos::ev::KeyboardEvent;
use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, ShadowRoot};

use super::{composer, header, prechat};
use crate::chat::{Chat, Trouble};
use crate::i18n::words;
use crate::state::Config;
use crate::text::{initials, pieces, Piece};

/// Links in messages open in a new tab without telling the target who sent the visitor
/// or giving it a handle on this page, and pass no ranking.
const LINK_REL: &str = "noopener noreferrer nofollow";

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
    // On opening, the caret goes to the composer; after that the newest message (or
    // the typing dots) stays in view. One effect (each is its own code in the wasm).
    Effect::new(move |opened: Option<bool>| {
        chat.messages.track();
        chat.agent_typing.track();
        let Some(el) = log.get() else {
            return false;
        };
        el.set_scroll_top(el.scroll_height());
        if opened != Some(true) {
            if let Some(dialog) = dialog.get_untracked() {
                let input = dialog
                    .query_selector(".cf-prechat input, .cf-input")
                    .ok()
                    .flatten()
                    .and_then(|i| i.dyn_into::<HtmlElement>().ok());
                let _ = input.unwrap_or_else(|| dialog.into()).focus();
            }
        }
        true
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
    // One flat list of bubbles and the attachments after them (a list inside each
    // message would add another copy of the list-rendering code to the wasm).
    let messages = move || {
        let mut last_author: Option<String> = None;
        chat.messages
            .get()
            .into_iter()
            .flat_map(move |m| {
                // The agent's name (and initials) above the first of their replies in a row.
                let byline = if m.mine {
                    last_author = None;
                    None
                } else if m.author.is_some() && m.author != last_author {
                    last_author = m.author.clone();
                    m.author.clone()
                } else {
                    None
                };
                let (class, side) = if m.mine {
                    ("cf-bubble cf-bubble-visitor", "cf-file cf-mine")
                } else {
                    ("cf-bubble cf-bubble-agent", "cf-file")
                };
                let alt = m.text.clone();
                let files = m.files.into_iter().map(move |f| {
                    if f.image {
                        EitherOf3::B(view! {
                            <img class=side data-testid="cf-image" src=f.url alt=alt.clone() />
                        })
                    } else {
                        EitherOf3::C(view! {
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
                });
                let byline = byline.map(|name| {
                    EitherOf3::A(Either::Left(view! {
                        <p class="cf-author" data-testid="cf-author">
                            <span class="cf-avatar" aria-hidden="true">{initials(&name)}</span>
                            {name}
                        </p>
                    }))
                });
                let at = Some(m.at).filter(|t| !t.is_empty());
                byline
                    .into_iter()
                    .chain(std::iter::once(EitherOf3::A(Either::Right(bubble(
                        class,
                        "cf-message",
                        m.seq,
                        m.text,
                        at,
                    )))))
                    .chain(files)
            })
            .collect_view()
    };
    let typing = move || {
        chat.agent_typing
            .get()
            .then(|| note("cf-typing", "status", "cf-typing", w.typing))
    };
    // One line under the conversation: what went wrong, else thanks for a rating.
    let notice = move || {
        let trouble = chat.trouble.get().map(|t| {
            let text = match t {
                Trouble::NotSent => w.not_sent,
                Trouble::TooFast => w.too_fast,
                Trouble::TooLarge => w.too_large,
                Trouble::WrongType => w.wrong_type,
            };
            ("cf-trouble", "alert", "cf-trouble", text)
        });
        let thanks = chat.closed.get() && chat.rated.get().is_some();
        let mailed = chat.transcript.get().map(|sent| {
            let text = if sent {
                w.transcript_sent
            } else {
                w.transcript_failed
            };
            ("cf-rating", "status", "cf-transcript-note", text)
        });
        trouble
            .or(mailed)
            .or(thanks.then_some(("cf-rating", "status", "cf-rated", w.thanks)))
            .map(|(class, role, testid, text)| note(class, role, testid, text))
    };
    let greeting = config.greeting().to_string();
    // After an agent closes the chat: 1 to 5 stars, then thanks; and an envelope that
    // mails the conversation to the visitor. One button shape and one click handler for
    // all six: each new shape costs the wasm kilobytes.
    let stars = move || {
        let rating = chat.rated.get().is_none();
        (chat.closed.get() && (rating || chat.transcript.get().is_none())).then(|| {
            let button = move |n: u8| {
                const IDS: [&str; 6] = [
                    "cf-transcript",
                    "cf-rate-1",
                    "cf-rate-2",
                    "cf-rate-3",
                    "cf-rate-4",
                    "cf-rate-5",
                ];
                const OF_FIVE: [&str; 6] = ["", "1/5", "2/5", "3/5", "4/5", "5/5"];
                let i = usize::from(n);
                let (label, path) = match n {
                    0 => (w.transcript, super::ENVELOPE),
                    _ => (OF_FIVE[i], super::STAR),
                };
                view! {
                    <button
                        class="cf-star"
                        type="button"
                        data-testid=IDS[i]
                        aria-label=label
                        on:click=move |_| leptos::task::spawn_local(chat.after_close(n))
                    >
                        {super::icon("cf-icon cf-fill", path)}
                    </button>
                }
            };
            view! {
                <div class="cf-rating" role="group" aria-label=w.rate_prompt>
                    {note("cf-rating-prompt", "none", "cf-rate-prompt", w.rate_prompt)}
                    {(button(1), button(2), button(3), button(4), button(5))}
                    {button(0)}
                </div>
            }
        })
    };
    // Nobody online and no chat yet: an email lets the agents answer later.
    let offline = !config.agents_online && config.prechat.is_none();
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
    // The owner's pre-chat form, until it is sent, before the first message.
    let asks = config.prechat.is_some();
    let form_first = move || asks && !chat.introduced.get() && chat.messages.with(Vec::is_empty);
    let (form_config, lang) = (config.clone(), config.lang);
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
                {bubble("cf-bubble cf-bubble-agent", "cf-greeting", 0, greeting, None)}
                {messages}
                {typing}
            </div>
            {notice}
            {stars}
            {email}
            {move || {
                if form_first() {
                    Either::Left(prechat::form(&form_config, chat))
                } else {
                    Either::Right(composer::composer(lang, chat))
                }
            }}
            {config.show_powered_by.then(|| note("cf-powered", "note", "cf-powered", w.powered_by))}
        </div>
    }
}

/// A line of the widget's own text. One function for all of them, so they share one
/// view shape: each distinct shape adds its own copy of Leptos's rendering code to the
/// wasm every visitor downloads.
pub(super) fn note(
    class: &'static str,
    role: &'static str,
    testid: &'static str,
    text: &'static str,
) -> impl IntoView {
    view! { <p class=class role=role data-testid=testid>{text}</p> }
}

/// A chat bubble (the greeting and every message share this one view shape): its
/// `http(s)` links clickable, its time (when it has one) shown on hover or focus.
fn bubble(
    class: &'static str,
    testid: &'static str,
    seq: u64,
    text: String,
    at: Option<String>,
) -> impl IntoView {
    let tab = at.as_ref().map(|_| "0");
    let parts = pieces(&text)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => Either::Left(t),
            Piece::Link(url) => {
                let href = url.clone();
                Either::Right(view! {
                    <a href=href target="_blank" rel=LINK_REL data-testid="cf-link">{url}</a>
                })
            }
        })
        .collect_view();
    view! {
        <p class=class data-testid=testid data-seq=seq data-time=at.clone() title=at tabindex=tab>
            {parts}
        </p>
    }
}
