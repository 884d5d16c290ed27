//! The open chat: the conversation, page by page, with the room's live frames (typing,
//! read, new messages), the reply box, the actions (assign, close, reopen, tags, notes)
//! and the visitor's side (details, the contact's other chats, the mails sent). Drawn
//! by this binary into the inbox's chat column; the inbox keeps which chat is open.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::html::{Input, Textarea};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use shared_types::chats::{
    AttachmentType, ChatDetail, ChatStatus, ChatSummary, ConversationMessage, SenderType,
};
use shared_types::realtime::ServerFrame;
use shared_types::DataList;
use wasm_bindgen::JsValue;

use crate::api;
use crate::chat_view::{self, chat_words, now_ms, seen_seq, TypingNote};
use crate::composer::Composer;
use crate::i18n::{status_word, words, Lang};
use crate::icons::{self, icon, Icon};
use crate::socket::{later, Socket};

/// Where the chat takes the frames the inbox's feed heard (`MountedChat::hear`), filled
/// by the open chat and dropped with it.
pub type Ears = Rc<RefCell<Option<Box<dyn Fn(ServerFrame)>>>>;

/// Opens another chat, or none (the Back button): the inbox's to decide, in the main
/// console's wasm.
#[derive(Clone, Copy)]
pub struct Select(StoredValue<js_sys::Function, LocalStorage>);

impl Select {
    pub fn new(f: js_sys::Function) -> Select {
        Select(StoredValue::new_local(f))
    }

    fn pick(self, chat: Option<String>) {
        let chat = chat.map(JsValue::from).unwrap_or(JsValue::NULL);
        self.0.with_value(|f| drop(f.call1(&JsValue::NULL, &chat)));
    }
}

/// Only web and same-origin links become `href`s: never `javascript:`, `data:` or a
/// protocol-relative `//host`.
fn safe_url(url: &str) -> bool {
    url.starts_with("https://")
        || url.starts_with("http://")
        || (url.starts_with('/') && !url.starts_with("//"))
}

/// Adds a message to the open chat unless it has its seq already (a resumed or
/// repeated frame, or the same message from the feed and the room); true when it was
/// new and from the visitor, i.e. something to mark read.
fn merge(messages: RwSignal<Vec<ConversationMessage>>, message: ConversationMessage) -> bool {
    let fresh = messages.with_untracked(|m| m.iter().all(|x| x.seq != message.seq));
    if !fresh {
        return false;
    }
    let from_visitor = message.sender.kind == SenderType::Visitor;
    messages.update(|m| {
        m.push(message);
        m.sort_by_key(|x| x.seq);
    });
    from_visitor
}

/// The messages after the last one shown, page by page (the API gives 100 at most):
/// on open the whole chat, after a reconnect what was missed.
async fn load_after(base: &str, messages: RwSignal<Vec<ConversationMessage>>) {
    const PAGE: usize = 100;
    loop {
        let after = messages.with_untracked(|m| m.last().map(|x| x.seq).unwrap_or(0));
        let path = format!("{base}/messages?limit={PAGE}&after={after}");
        let Ok(list) = api::call::<DataList<ConversationMessage>>("GET", &path, None).await else {
            return;
        };
        let full = list.data.len() == PAGE;
        for msg in list.data {
            merge(messages, msg);
        }
        // A message that came live meanwhile moves `after` on; one that did not
        // arrive (a short page) ends it.
        if !full {
            return;
        }
    }
}

fn mark_read(chat_id: String) {
    spawn_local(async move {
        let path = format!("/v1/chats/{}/read", api::encode(&chat_id));
        let _ = api::call::<serde::de::IgnoredAny>("POST", &path, None).await;
    });
}

#[component]
pub fn ChatPane(
    id: String,
    me: String,
    me_name: String,
    lang: Lang,
    select: Select,
    ears: Ears,
) -> impl IntoView {
    let w = words(lang);
    let cw = chat_words(lang);
    // The team's canned replies, offered by the composer after `/`; read each time a
    // chat opens, so one added in the other tab is there.
    let canned = RwSignal::new(Vec::<shared_types::canned::CannedResponse>::new());
    let messages = RwSignal::new(Vec::<ConversationMessage>::new());
    let detail = RwSignal::new(None::<ChatDetail>);
    let emails = RwSignal::new(Vec::<shared_types::email::EmailAttempt>::new());
    let private_notes = RwSignal::new(Vec::<shared_types::notes::ChatNote>::new());
    // What the inbox's feed heard about this chat: notes other agents write, and
    // messages (the room's socket brings them too; whichever is first counts).
    {
        let id = id.clone();
        *ears.borrow_mut() = Some(Box::new(move |frame| match frame {
            ServerFrame::NoteCreated { note } if note.chat_id.as_str() == id => {
                // Our own note came back from the composer already; each shows once.
                private_notes.update(|list| {
                    if list.iter().all(|n| n.id != note.id) {
                        list.push(note);
                    }
                });
            }
            ServerFrame::MessageCreated { chat_id, message } if chat_id.as_str() == id => {
                let new_from_visitor = merge(messages, message);
                if new_from_visitor {
                    mark_read(id.clone());
                }
            }
            _ => {}
        }));
    }
    let error = RwSignal::new(None::<String>);
    // What the visitor has read (the detail's count, then the room's read frames) and
    // whether they are typing now.
    let read_seq = RwSignal::new(0u64);
    let typing = RwSignal::new(false);
    let typing_until = StoredValue::new(0f64);
    // The visitor's unsent draft, while the workspace's typing preview is on.
    let draft = RwSignal::new(String::new());
    let base = format!("/v1/chats/{}", api::encode(&id));
    // The contact's other chats, one click away; loaded once its id is known.
    let past = RwSignal::new(Vec::<ChatSummary>::new());
    let contact_id =
        Memo::new(move |_| detail.with(|d| d.as_ref().and_then(|d| d.visitor.contact_id.clone())));
    {
        let id = id.clone();
        Effect::new(move |_| {
            let Some(contact) = contact_id.get() else {
                return;
            };
            let id = id.clone();
            spawn_local(async move {
                let path = format!("/v1/contacts/{}", api::encode(&contact));
                if let Ok(found) =
                    api::call::<shared_types::contacts::ContactDetail>("GET", &path, None).await
                {
                    past.set(
                        found
                            .chats
                            .into_iter()
                            .filter(|c| c.id.as_str() != id)
                            .collect(),
                    );
                }
            });
        });
    }

    // After the room's socket reconnects: what was sent while it was away.
    let fetch_after = {
        let base = base.clone();
        move || {
            let base = base.clone();
            spawn_local(async move { load_after(&base, messages).await });
        }
    };
    {
        let base = base.clone();
        let id = id.clone();
        spawn_local(async move {
            if let Ok(d) = api::call::<ChatDetail>("GET", &base, None).await {
                read_seq.update(|r| *r = (*r).max(d.visitor_read_seq));
                detail.set(Some(d));
            }
            load_after(&base, messages).await;
            mark_read(id);
            let path = format!("{base}/notes");
            if let Ok(list) =
                api::call::<DataList<shared_types::notes::ChatNote>>("GET", &path, None).await
            {
                // A note written (here or live) while the list was on its way stays.
                private_notes.update(|shown| {
                    let fresh: Vec<_> = shown
                        .drain(..)
                        .filter(|n| list.data.iter().all(|m| m.id != n.id))
                        .collect();
                    *shown = list.data;
                    shown.extend(fresh);
                });
            }
            let path = "/v1/canned-responses";
            if let Ok(list) =
                api::call::<DataList<shared_types::canned::CannedResponse>>("GET", path, None).await
            {
                canned.set(list.data);
            }
            let path = format!("{base}/emails");
            if let Ok(list) =
                api::call::<DataList<shared_types::email::EmailAttempt>>("GET", &path, None).await
            {
                emails.set(list.data);
            }
        });
    }

    let on_frame = {
        let id = id.clone();
        move |frame: ServerFrame| match frame {
            ServerFrame::Typing {
                sender: SenderType::Visitor,
                is_typing,
                ..
            } => {
                typing.set(is_typing);
                if is_typing {
                    let until = now_ms() + f64::from(chat_view::TYPING_EXPIRES_MS);
                    typing_until.set_value(until);
                    later(chat_view::TYPING_EXPIRES_MS, move || {
                        let expired = typing_until
                            .try_with_value(|u| now_ms() >= *u)
                            .unwrap_or(false);
                        if expired {
                            typing.try_set(false);
                        }
                    });
                }
            }
            ServerFrame::Read {
                reader: SenderType::Visitor,
                seq,
                ..
            } => {
                read_seq.update(|r| *r = (*r).max(seq));
            }
            ServerFrame::TypingPreview { text, .. } => draft.set(text),
            ServerFrame::MessageCreated { message, .. } => {
                if message.sender.kind == SenderType::Visitor {
                    typing.set(false);
                    draft.set(String::new());
                }
                if merge(messages, message) {
                    mark_read(id.clone());
                }
            }
            _ => {}
        }
    };
    // Not on the first open: the chat was just fetched.
    let opened_before = StoredValue::new(false);
    let on_open = move || {
        if opened_before.get_value() {
            fetch_after();
        }
        opened_before.set_value(true);
    };
    let room = StoredValue::new_local(Some(Socket::open(
        Some(id.clone()),
        Box::new(move |_, frame| on_frame(frame)),
        Box::new(on_open),
    )));
    // Shut as the chat closes, not whenever the arena drops it.
    on_cleanup(move || drop(room.try_update_value(Option::take)));
    let seen = Memo::new(move |_| messages.with(|m| seen_seq(m, read_seq.get())));

    let patch = {
        let base = base.clone();
        move |body: serde_json::Value| {
            let base = base.clone();
            spawn_local(async move {
                match api::call::<ChatDetail>("PATCH", &base, Some(&body)).await {
                    Ok(d) => {
                        error.set(None);
                        read_seq.update(|r| *r = (*r).max(d.visitor_read_seq));
                        detail.set(Some(d));
                    }
                    Err(f) => error.set(Some(f.text(lang, w))),
                }
            });
        }
    };

    let tags = NodeRef::<Input>::new();
    let notes = NodeRef::<Textarea>::new();
    let (p1, p2, p3, p4, p5) = (
        patch.clone(),
        patch.clone(),
        patch.clone(),
        patch.clone(),
        patch,
    );
    let me_id = me.clone();
    let status = move || detail.with(|d| d.as_ref().map(|d| d.status));

    // On a narrow screen the visitor's details are one button away; wide, always there.
    let info = RwSignal::new(false);
    let title = move || {
        detail
            .with(|d| {
                d.as_ref()
                    .and_then(|d| d.visitor.name.clone().or(d.visitor.email.clone()))
            })
            .unwrap_or_else(|| w.visitor.to_string())
    };
    let visitor_name = move || detail.with(|d| d.as_ref().and_then(|d| d.visitor.name.clone()));
    let who = move |m: &ConversationMessage| match m.sender.kind {
        SenderType::Visitor => visitor_name().unwrap_or_else(|| w.visitor.to_string()),
        _ => m
            .sender
            .name
            .clone()
            .unwrap_or_else(|| m.sender.kind.as_str().to_string()),
    };

    view! {
        <div class="pane">
            <header class="pane-head">
                <button type="button" class="back icon-button" aria-label=w.back title=w.back
                    on:click=move |_| select.pick(None)>{icon(Icon::Back)}</button>
                <span class="avatar" aria-hidden="true" style=move || format!("--hue: {}", icons::hue(&title()))>
                    {move || icons::initials(&title())}
                </span>
                <h2 class="chat-title">
                    <span data-testid="chat-visitor">{title}</span>
                    {move || detail.with(|d| d.as_ref().is_some_and(|d| {
                        let v = &d.visitor;
                        !v.verified && (v.email.is_some() || v.user_id.is_some())
                    })).then(|| view! {
                        <span class="unverified" data-testid="visitor-unverified" title=w.unverified_hint>{w.unverified}</span>
                    })}
                </h2>
                <span class=move || format!("status pill {}", status().map(|s| s.as_str()).unwrap_or_default())
                    data-testid="chat-status">
                    {move || status().map(|s| status_word(s, w)).unwrap_or_default()}
                </span>
                <div class="actions">
                    <button type="button" data-testid="assign-me"
                        disabled=move || detail.with(|d| d.as_ref().is_some_and(|d| d.assigned_to.as_ref().is_some_and(|a| a.as_str() == me_id)))
                        on:click=move |_| p1(json!({"assigned_to": me.clone()}))>{w.assign_to_me}</button>
                    <Show when=move || status() != Some(ChatStatus::Closed)
                        fallback=move || { let p = p3.clone(); view! {
                            <button type="button" data-testid="reopen-chat"
                                on:click=move |_| p(json!({"status": "active"}))>{w.reopen}</button>
                        }}>
                        {let p = p2.clone(); view! {
                            <button type="button" data-testid="close-chat"
                                on:click=move |_| p(json!({"status": "closed"}))>{icon(Icon::Check)} " " {w.close}</button>
                        }}
                    </Show>
                    <button type="button" class="info-toggle icon-button" data-testid="details-toggle"
                        aria-label=w.details title=w.details aria-expanded=move || info.get().to_string()
                        on:click=move |_| info.update(|v| *v = !*v)>{icon(Icon::Info)}</button>
                </div>
            </header>
            <div class="pane-body" class:show-info=move || info.get()>
                <div class="conversation">
                    <p class="error" role="alert" data-testid="chat-error">{move || error.get().unwrap_or_default()}</p>
                    <ol class="messages" data-testid="messages">
                        <For each=move || messages.get() key=|m| m.seq let:m>
                            <li class=format!("msg {}", m.sender.kind.as_str()) data-testid="chat-message"
                                style:order=(m.seq * 2).to_string()>
                                <span class="text">{m.text.clone()}</span>
                                {m.attachments.iter().filter(|a| safe_url(&a.url)).map(|a| {
                                    let (url, src) = (a.url.clone(), a.url.clone());
                                    match a.kind {
                                        AttachmentType::Image => view! {
                                            <a href=url target="_blank" rel="noopener noreferrer" data-testid="attachment">
                                                <img src=src alt="" loading="lazy" />
                                            </a>
                                        }.into_any(),
                                        AttachmentType::File => view! {
                                            <a href=url target="_blank" rel="noopener noreferrer" class="file" data-testid="attachment">
                                                {icon(Icon::Paperclip)} " " {w.attachment}
                                            </a>
                                        }.into_any(),
                                    }
                                }).collect_view()}
                                <span class="meta">
                                    <span class="who">{who(&m)}</span> " · "
                                    <time class="when" data-testid="message-time" datetime=m.created_at.clone()>
                                        {crate::i18n::local_time(&m.created_at, lang)}
                                    </time>
                                    {move || (seen.get() == Some(m.seq)).then(|| view! {
                                        " · " {icon(Icon::Check)} <span class="seen" data-testid="seen">{cw.seen}</span>
                                    })}
                                </span>
                            </li>
                        </For>
                        // Each note right after the message before it: orders interleave them
                        // without merging the two lists.
                        <For each=move || private_notes.get() key=|n| n.id.clone() let:n>
                            <li class="msg note" data-testid="chat-note"
                                style:order={let at = n.created_at.clone(); move || {
                                    let before = messages.with(|all| all.iter()
                                        .filter(|m| m.created_at <= at).map(|m| m.seq).max().unwrap_or(0));
                                    (before * 2 + 1).to_string()
                                }}>
                                <span class="text">{n.text.clone()}</span>
                                <span class="meta">
                                    {icon(Icon::Lock)} " "
                                    <span class="who">{format!("{} · {}", n.author.name, cw.internal)}</span> " · "
                                    <time class="when" datetime=n.created_at.clone()>
                                        {crate::i18n::local_time(&n.created_at, lang)}
                                    </time>
                                </span>
                            </li>
                        </For>
                    </ol>
                    <TypingNote typing=typing draft=draft cw=cw />
                    <Composer chat_id=id room=room w=w cw=cw lang=lang error=error canned=canned
                        detail=detail me_name=me_name notes=private_notes />
                </div>
                <aside class="sidebar" aria-label=w.details data-testid="chat-sidebar">
                    <dl class="visitor" data-testid="visitor-details">
                        {move || detail.with(|d| d.as_ref().map(|d| {
                            let v = &d.visitor;
                            [(w.email, v.email.clone()), (w.phone, v.phone.clone())]
                                .into_iter()
                                .filter_map(|(label, value)| value.map(|value| view! { <dt>{label}</dt><dd>{value}</dd> }))
                                .collect_view()
                        }))}
                        {move || detail.with(|d| d.as_ref().map(|d| {
                            let v = &d.visitor;
                            [(cw.country, v.country.clone()), (cw.browser, v.browser.clone())]
                                .into_iter()
                                .filter_map(|(label, value)| value.map(|value| view! { <dt>{label}</dt><dd data-testid="visitor-origin">{value}</dd> }))
                                .collect_view()
                        }))}
                        {move || detail.with(|d| {
                            let url = d.as_ref()?.page_url.clone()?;
                            let href = chat_view::page_href(&url)?.to_string();
                            Some(view! {
                                <dt>{cw.page}</dt>
                                <dd><a href=href target="_blank" rel="noopener noreferrer" data-testid="visitor-page">{url}</a></dd>
                            })
                        })}
                    </dl>
                    <form class="tags" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        let value = tags.get_untracked().map(|t| t.value()).unwrap_or_default();
                        let list: Vec<&str> = value.split(',').map(str::trim).filter(|t| !t.is_empty()).collect();
                        p4(json!({"tags": list}));
                    }>
                        <label>{w.tags}
                            <input node_ref=tags type="text" data-testid="tags-input" placeholder=w.tags
                                prop:value=move || detail.with(|d| d.as_ref().map(|d| d.tags.join(", ")).unwrap_or_default()) />
                        </label>
                        <button type="submit" data-testid="tags-save">{w.save}</button>
                    </form>
                    <form class="notes" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        let value = notes.get_untracked().map(|t| t.value()).unwrap_or_default();
                        p5(json!({"notes": value}));
                    }>
                        <label>{w.notes}
                            <textarea node_ref=notes rows="3" data-testid="notes-input" placeholder=w.notes
                                prop:value=move || detail.with(|d| d.as_ref().and_then(|d| d.notes.clone()).unwrap_or_default())></textarea>
                        </label>
                        <button type="submit" data-testid="notes-save">{w.save}</button>
                    </form>
                    <Show when=move || past.with(|p| !p.is_empty())>
                        <section class="past-chats" data-testid="contact-chats">
                            <h3>{cw.past_chats}</h3>
                            <ul>
                                <For each=move || past.get() key=|c| c.id.as_str().to_string() let:c>
                                    {
                                        let target = c.id.as_str().to_string();
                                        view! {
                                            <li>
                                                <button type="button" class="link" data-testid="contact-chat" data-past-chat=target.clone()
                                                    on:click=move |_| select.pick(Some(target.clone()))>
                                                    <time datetime=c.last_message_at.clone()>{crate::i18n::local_time(&c.last_message_at, lang)}</time>
                                                    " · " {status_word(c.status, w)}
                                                </button>
                                            </li>
                                        }
                                    }
                                </For>
                            </ul>
                        </section>
                    </Show>
                    <Show when=move || emails.with(|e| !e.is_empty())>
                        <details class="emails" data-testid="chat-emails">
                            <summary>{move || format!("{} ({})", cw.emails, emails.with(Vec::len))}</summary>
                            <ul>
                                <For each=move || emails.get() key=|e| e.id.clone() let:e>
                                    <li data-testid="chat-email" data-status=e.status.as_str()>
                                        {chat_view::mail_kind(cw, e.kind)} " · " {e.to.clone()} " · "
                                        <time datetime=e.created_at.clone()>{crate::i18n::local_time(&e.created_at, lang)}</time>
                                        {(e.status == shared_types::email::EmailStatus::Failed).then(|| view! {
                                            " · " <span class="error">{cw.mail_failed} {e.error.clone().map(|r| format!(": {r}"))}</span>
                                        })}
                                    </li>
                                </For>
                            </ul>
                        </details>
                    </Show>
                </aside>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_links_are_web_or_ours_only() {
        assert!(safe_url("https://cdn.example/a.png"));
        assert!(safe_url("/v1/files/file_1/a.png"));
        assert!(!safe_url("javascript:alert(1)"));
        assert!(!safe_url("data:text/html,x"));
        assert!(!safe_url("//evil.example/x"));
    }
}
