use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, HtmlInputElement, KeyboardEvent, Node, ShadowRoot};

use super::dom::{anchor, attrs, effect, el, icon, line, on, slot, text};
use super::{composer, header, prechat};
use crate::chat::{Chat, Msg, Trouble};
use crate::i18n::{words, Words};
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
pub fn panel(config: Config, chat: Chat, open: RwSignal<bool>) -> Element {
    let w = words(config.lang);
    let dialog = el("div", "cf-panel", None);
    attrs(
        &dialog,
        &[
            ("data-testid", "cf-panel"),
            ("role", "dialog"),
            ("aria-modal", "true"),
            ("aria-label", w.chat_label),
            ("tabindex", "-1"),
        ],
    );
    header::header(&config, open, &dialog);
    let log = el("div", "cf-messages", Some(&dialog));
    attrs(&log, &[("role", "log"), ("aria-live", "polite")]);
    let greeting = bubble(
        "cf-bubble cf-bubble-agent",
        "cf-greeting",
        0,
        config.greeting(),
        None,
    );
    let _ = log.append_child(&greeting);
    messages(&log, chat, w);
    slot(
        &log,
        move || chat.agent_typing.get(),
        move |typing| typing.then(|| note("cf-typing", "status", "cf-typing", w.typing).into()),
    );
    // One line under the conversation: what went wrong, else thanks for a rating.
    slot(
        &dialog,
        move || {
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
        },
        |shown| shown.map(|(class, role, testid, text)| note(class, role, testid, text).into()),
    );
    // After an agent closes the chat: 1 to 5 stars, then thanks; and an envelope that
    // mails the conversation to the visitor.
    slot(
        &dialog,
        move || {
            chat.closed.get() && (chat.rated.get().is_none() || chat.transcript.get().is_none())
        },
        move |shown| shown.then(|| stars(w, chat).into()),
    );
    // Nobody online and no chat yet: an email lets the agents answer later.
    let offline = !config.agents_online && config.prechat.is_none();
    slot(
        &dialog,
        move || offline && chat.messages.with(Vec::is_empty),
        move |shown| {
            shown.then(|| {
                let input: HtmlInputElement = el("input", "cf-email", None).unchecked_into();
                attrs(
                    &input,
                    &[
                        ("data-testid", "cf-email"),
                        ("type", "email"),
                        ("autocomplete", "email"),
                        ("placeholder", w.email_placeholder),
                        ("aria-label", w.email_placeholder),
                    ],
                );
                let typed = input.clone();
                on(&input, "input", move |_| chat.email.set(typed.value()));
                input.into()
            })
        },
    );
    // The owner's pre-chat form, until it is sent, before the first message.
    let asks = config.prechat.is_some();
    let lang = config.lang;
    let show_powered_by = config.show_powered_by;
    slot(
        &dialog,
        move || asks && !chat.introduced.get() && chat.messages.with(Vec::is_empty),
        move |form_first| {
            Some(if *form_first {
                prechat::form(&config, chat).into()
            } else {
                composer::composer(lang, chat).into()
            })
        },
    );
    // The visitor is told, where they type, that agents see it before it is sent.
    if chat.previewed() {
        let _ = dialog.append_child(&note("cf-powered", "note", "cf-previewed", w.previewed));
    }
    if show_powered_by {
        let _ = dialog.append_child(&note("cf-powered", "note", "cf-powered", w.powered_by));
    }
    follow(&dialog, &log, chat);
    let trapped = dialog.clone();
    on(&dialog, "keydown", move |ev| {
        trap(&trapped, ev.unchecked_into())
    });
    dialog
}

/// On opening, the caret goes to the composer (or the pre-chat form); after that the
/// newest message (or the typing dots) stays in view. An `Effect`, so that it first runs
/// once the panel is in the page.
fn follow(dialog: &Element, log: &Element, chat: Chat) {
    let (dialog, log) = (dialog.clone(), log.clone());
    Effect::new(move |opened: Option<bool>| {
        chat.messages.track();
        chat.agent_typing.track();
        log.set_scroll_top(log.scroll_height());
        if opened != Some(true) {
            let input = dialog
                .query_selector(".cf-prechat input, .cf-input")
                .ok()
                .flatten()
                .and_then(|i| i.dyn_into::<HtmlElement>().ok());
            let _ = input
                .unwrap_or_else(|| dialog.clone().unchecked_into())
                .focus();
        }
        true
    });
}

/// Tab and Shift+Tab cycle inside the dialog.
fn trap(dialog: &Element, ev: KeyboardEvent) {
    if ev.key() != "Tab" {
        return;
    }
    let Ok(list) = dialog.query_selector_all(FOCUSABLE) else {
        return;
    };
    let (Some(first), Some(last)) = (list.get(0), list.get(list.length().saturating_sub(1))) else {
        return;
    };
    let active: JsValue = dialog
        .get_root_node()
        .dyn_into::<ShadowRoot>()
        .ok()
        .and_then(|r| r.active_element())
        .map_or(JsValue::NULL, Into::into);
    let (edge, to) = if ev.shift_key() {
        (
            active == ***first || active == *AsRef::<JsValue>::as_ref(dialog),
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
}

/// The conversation in `log`: each message's byline (the agent's name and initials
/// above the first of their replies in a row), its bubble and its attachments. Messages
/// only ever join (in `seq` order), so what is already shown stays as it is (its nodes,
/// and so a bubble's focus) up to the first message that differs.
fn messages(log: &Node, chat: Chat, w: &'static Words) {
    let end = anchor(log);
    let log = log.clone();
    // Per message shown: its id, whether it has the byline, and its nodes.
    let mut shown: Vec<(String, bool, Vec<Node>)> = Vec::new();
    effect(move || {
        chat.messages.with(|all| {
            let bylines = bylines(all);
            let same = shown
                .iter()
                .zip(all.iter().zip(&bylines))
                .take_while(|((id, had, _), (m, byline))| *id == m.id && *had == byline.is_some())
                .count();
            for (_, _, nodes) in shown.drain(same..) {
                for n in nodes {
                    let _ = log.remove_child(&n);
                }
            }
            for (m, byline) in all.iter().zip(bylines).skip(same) {
                let nodes = message(m, byline, w);
                for n in &nodes {
                    let _ = log.insert_before(n, Some(&end));
                }
                shown.push((m.id.clone(), byline.is_some(), nodes));
            }
        })
    });
}

/// The agent's name to show above each message: on the first of an agent's replies in a
/// row (the visitor's own messages end a row).
fn bylines(all: &[Msg]) -> Vec<Option<&str>> {
    let mut last_author: Option<&str> = None;
    all.iter()
        .map(|m| {
            if m.mine {
                last_author = None;
                None
            } else if m.author.is_some() && m.author.as_deref() != last_author {
                last_author = m.author.as_deref();
                last_author
            } else {
                None
            }
        })
        .collect()
}

fn message(m: &Msg, byline: Option<&str>, w: &Words) -> Vec<Node> {
    let mut nodes: Vec<Node> = Vec::new();
    if let Some(name) = byline {
        let p = el("p", "cf-author", None);
        attrs(&p, &[("data-testid", "cf-author")]);
        let avatar = line("span", "cf-avatar", &initials(name), &p);
        attrs(&avatar, &[("aria-hidden", "true")]);
        text(&p, name);
        nodes.push(p.into());
    }
    let (class, side) = if m.mine {
        ("cf-bubble cf-bubble-visitor", "cf-file cf-mine")
    } else {
        ("cf-bubble cf-bubble-agent", "cf-file")
    };
    let at = Some(m.at.as_str()).filter(|t| !t.is_empty());
    nodes.push(bubble(class, "cf-message", m.seq, &m.text, at).into());
    for f in &m.files {
        let file = if f.image {
            let img = el("img", side, None);
            attrs(
                &img,
                &[
                    ("data-testid", "cf-image"),
                    ("src", &f.url),
                    ("alt", &m.text),
                ],
            );
            img
        } else {
            let a = el("a", side, None);
            attrs(
                &a,
                &[
                    ("data-testid", "cf-file"),
                    ("href", &f.url),
                    ("target", "_blank"),
                    ("rel", "noopener"),
                    ("download", ""),
                ],
            );
            a.set_text_content(Some(w.download));
            a
        };
        nodes.push(file.into());
    }
    nodes
}

/// The stars (1 to 5) and the envelope (0, mail me the conversation): one button shape
/// and one click handler for all six.
fn stars(w: &'static Words, chat: Chat) -> Element {
    const IDS: [&str; 6] = [
        "cf-transcript",
        "cf-rate-1",
        "cf-rate-2",
        "cf-rate-3",
        "cf-rate-4",
        "cf-rate-5",
    ];
    const OF_FIVE: [&str; 6] = ["", "1/5", "2/5", "3/5", "4/5", "5/5"];
    let group = el("div", "cf-rating", None);
    attrs(&group, &[("role", "group"), ("aria-label", w.rate_prompt)]);
    let _ = group.append_child(&note(
        "cf-rating-prompt",
        "none",
        "cf-rate-prompt",
        w.rate_prompt,
    ));
    for n in [1u8, 2, 3, 4, 5, 0] {
        let i = usize::from(n);
        let (label, path) = match n {
            0 => (w.transcript, super::ENVELOPE),
            _ => (OF_FIVE[i], super::STAR),
        };
        let button = el("button", "cf-star", Some(&group));
        attrs(
            &button,
            &[
                ("type", "button"),
                ("data-testid", IDS[i]),
                ("aria-label", label),
            ],
        );
        on(&button, "click", move |_| {
            leptos::task::spawn_local(chat.after_close(n))
        });
        icon("cf-icon cf-fill", path, &button);
    }
    group
}

/// A line of the widget's own text.
pub(super) fn note(
    class: &'static str,
    role: &'static str,
    testid: &'static str,
    text: &'static str,
) -> Element {
    let p = el("p", class, None);
    attrs(&p, &[("role", role), ("data-testid", testid)]);
    p.set_text_content(Some(text));
    p
}

/// A chat bubble (the greeting and every message): its `http(s)` links clickable, its
/// time (when it has one) shown on hover or focus.
fn bubble(class: &str, testid: &str, seq: u64, body: &str, at: Option<&str>) -> Element {
    let p = el("p", class, None);
    attrs(
        &p,
        &[("data-testid", testid), ("data-seq", &seq.to_string())],
    );
    if let Some(at) = at {
        attrs(&p, &[("data-time", at), ("title", at), ("tabindex", "0")]);
    }
    for piece in pieces(body) {
        match piece {
            Piece::Text(t) => text(&p, &t),
            Piece::Link(url) => {
                let a = line("a", "", &url, &p);
                attrs(
                    &a,
                    &[
                        ("href", &url),
                        ("target", "_blank"),
                        ("rel", LINK_REL),
                        ("data-testid", "cf-link"),
                    ],
                );
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: &str, mine: bool, author: Option<&str>) -> Msg {
        Msg {
            id: id.into(),
            seq: 0,
            text: String::new(),
            mine,
            author: author.map(String::from),
            at: String::new(),
            files: Vec::new(),
        }
    }

    #[test]
    fn an_agents_name_heads_each_row_of_their_replies() {
        let all = [
            msg("a", false, Some("Dilnoza")),
            msg("b", false, Some("Dilnoza")),
            msg("c", false, Some("Aziz")),
            msg("d", true, None),
            msg("e", false, Some("Aziz")),
            msg("f", false, None),
            msg("g", false, Some("Aziz")),
        ];
        assert_eq!(
            bylines(&all),
            [
                Some("Dilnoza"),
                None,
                Some("Aziz"),
                None,
                Some("Aziz"),
                None,
                None
            ]
        );
    }
}
