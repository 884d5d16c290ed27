//! The inbox: chats filtered by status and assignee, kept live by the workspace feed,
//! and the open chat (conversation, reply, assign, close/reopen, tags).

use std::rc::Rc;

use leptos::html::{Input, Select, Textarea};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use shared_types::agents::Agent;
use shared_types::chats::{
    AttachmentType, ChatDetail, ChatStatus, ChatSummary, ConversationMessage, SenderType,
};
use shared_types::ids::ChatId;
use shared_types::realtime::ServerFrame;
use shared_types::{DataList, ListResponse};

use crate::alert;
use crate::api;
use crate::chat_view::{self, chat_words, later, now_ms, seen_seq, Room, TypingNote};
use crate::composer::Composer;
use crate::i18n::{words, Lang, Words};
use crate::icons::{self, icon, Icon};
use crate::live;

/// Which chats the list shows.
#[derive(Clone, Debug, PartialEq)]
struct Filter {
    status: Option<ChatStatus>,
    /// Only chats assigned to this agent ("Mine" is the signed-in agent's id).
    agent: Option<String>,
}

impl Filter {
    fn admits(&self, chat: &ChatSummary) -> bool {
        self.status.is_none_or(|s| s == chat.status)
            && self.agent.as_deref().is_none_or(|agent| {
                chat.assigned_to
                    .as_ref()
                    .is_some_and(|a| a.as_str() == agent)
            })
    }

    /// One page of the list, 100 chats (the API's most).
    fn query(&self, page: u32) -> String {
        let mut q = format!("/v1/chats?limit=100&page={page}");
        if let Some(s) = self.status {
            q.push_str(&format!("&status={}", s.as_str()));
        }
        if let Some(agent) = &self.agent {
            q.push_str(&format!("&agent_id={}", api::encode(agent)));
        }
        q
    }
}

/// Newest activity first, by the stamps the server gives.
fn sort(chats: &mut [ChatSummary]) {
    chats.sort_by(|a, b| b.last_message_at.cmp(&a.last_message_at));
}

#[component]
pub fn Inbox(
    me: String,
    me_name: String,
    lang: Lang,
    visitors: RwSignal<Vec<shared_types::presence::OnlineVisitor>>,
) -> impl IntoView {
    let w = words(lang);
    // The team's canned replies, offered by the composer after `/`; read again each
    // time a chat opens, so one added in the other tab is there.
    let canned = RwSignal::new(Vec::<shared_types::canned::CannedResponse>::new());
    let me_name = StoredValue::new(me_name);
    let filter = RwSignal::new(Filter {
        status: None,
        agent: None,
    });
    // Whom chats can be filtered by; an operator refused the list keeps only "Mine".
    let agents = RwSignal::new(Vec::<Agent>::new());
    spawn_local(async move {
        if let Ok(list) = api::call::<DataList<Agent>>("GET", "/v1/agents", None).await {
            agents.set(list.data);
        }
    });
    let chats = RwSignal::new(Vec::<ChatSummary>::new());
    // A mail's link opens its chat: `#chat=<id>`.
    let linked = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .and_then(|h| h.strip_prefix("#chat=").map(str::to_string))
        .filter(|id| id.starts_with("chat_"));
    let selected = RwSignal::new(linked);
    let messages = RwSignal::new(Vec::<ConversationMessage>::new());
    // Notes other agents write reach every open console over the feed; the open chat
    // takes those about it.
    let heard_note = RwSignal::new(None::<shared_types::notes::ChatNote>);
    let me = StoredValue::new(me);

    // Every chat this page has heard of: a frame about any other is a new chat.
    let seen = StoredValue::new(std::collections::HashSet::<ChatId>::new());
    let remember = move |list: &[ChatSummary]| {
        seen.update_value(|s| s.extend(list.iter().map(|c| c.id.clone())));
    };
    Effect::new(move || {
        let unread = chats.with(|c| c.iter().map(|c| c.unread_count).sum::<u32>());
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&alert::title(unread));
        }
    });
    // Pages loaded so far and how many there are.
    let page = RwSignal::new(1u32);
    let pages = RwSignal::new(1u64);
    let reload = move || {
        let path = filter.get_untracked().query(1);
        spawn_local(async move {
            if let Ok(list) = api::call::<ListResponse<ChatSummary>>("GET", &path, None).await {
                page.set(1);
                pages.set(list.pagination.pages);
                remember(&list.data);
                chats.set(list.data);
            }
        });
    };
    let load_more = move |_| {
        let next = page.get_untracked() + 1;
        let path = filter.get_untracked().query(next);
        spawn_local(async move {
            if let Ok(list) = api::call::<ListResponse<ChatSummary>>("GET", &path, None).await {
                page.set(next);
                pages.set(list.pagination.pages);
                remember(&list.data);
                // Live updates may have moved a chat already; each appears once.
                chats.update(|c| {
                    for chat in list.data {
                        if c.iter().all(|x| x.id != chat.id) {
                            c.push(chat);
                        }
                    }
                });
            }
        });
    };
    Effect::new(move || {
        filter.track();
        reload();
    });
    // Every page loaded so far, again, in one swap: after a reconnect the list must
    // neither shrink back to the first page nor keep what changed while away.
    let refetch = move || {
        let asked = filter.get_untracked();
        let loaded = page.get_untracked();
        spawn_local(async move {
            let mut all = Vec::new();
            let mut total = 1;
            for p in 1..=loaded {
                let path = asked.query(p);
                match api::call::<ListResponse<ChatSummary>>("GET", &path, None).await {
                    Ok(list) => {
                        total = list.pagination.pages;
                        all.extend(list.data);
                    }
                    // Half a list is worse than the old one; the next reconnect tries again.
                    Err(_) => return,
                }
            }
            // The filter changed or "Load more" ran meanwhile: their lists are newer.
            if asked != filter.get_untracked() || loaded != page.get_untracked() {
                return;
            }
            // A chat that moved up a page while paging comes back twice.
            let mut ids = std::collections::HashSet::new();
            all.retain(|c| ids.insert(c.id.clone()));
            if let Some(open) = selected.get_untracked() {
                read_locally(&mut all, &open);
            }
            remember(&all);
            pages.set(total);
            chats.set(all);
        });
    };
    // The open chat is being read: its badge goes at once, not after the server's echo.
    Effect::new(move || {
        if let Some(open) = selected.get() {
            chats.update(|list| read_locally(list, &open));
        }
    });

    let on_frame: Rc<dyn Fn(ServerFrame)> = Rc::new(move |frame| match frame {
        ServerFrame::ChatUpdated { chat } => {
            let is_new = seen
                .try_update_value(|s| s.insert(chat.id.clone()))
                .unwrap_or(false);
            if is_new && chat.status == ChatStatus::Active {
                let who = chat
                    .visitor_name
                    .clone()
                    .unwrap_or_else(|| w.visitor.to_string());
                alert::new_chat(w.new_chat, &who);
            }
            let keep = filter.get_untracked().admits(&chat);
            let mut chat = chat;
            if selected.get_untracked().as_deref() == Some(chat.id.as_str()) {
                chat.unread_count = 0;
            }
            chats.update(|list| {
                list.retain(|c| c.id != chat.id);
                if keep {
                    list.push(chat);
                    sort(list);
                }
            });
        }
        // Only the open chat shows messages; the others learn of them through
        // chat.updated (unread counts).
        ServerFrame::MessageCreated { chat_id, message } => {
            let open = selected.get_untracked().as_deref() == Some(chat_id.as_str());
            // The chat's room socket brings it too; whichever is first counts.
            if open && merge(messages, message) {
                mark_read(chat_id.as_str().to_string());
            }
        }
        ServerFrame::NoteCreated { note } => heard_note.set(Some(note)),
        frame => {
            visitors.update(|list| {
                crate::visitors::apply(list, &frame);
            });
        }
    });
    // After every connect the loaded pages are fetched again: frames sent while the
    // socket was away are gone, and on the first connect so are those sent between
    // the list's fetch and the socket opening.
    live::follow(
        on_frame,
        Rc::new(move || {
            refetch();
            crate::visitors::refresh(visitors);
        }),
    );

    let status_select = NodeRef::<Select>::new();
    let on_status = move |_| {
        let value = status_select
            .get_untracked()
            .map(|s| s.value())
            .unwrap_or_default();
        filter.update(|f| f.status = value.parse().ok());
    };
    let on_mine = move |ev: leptos::ev::Event| {
        let agent = event_target_checked(&ev).then(|| me.get_value());
        filter.update(|f| f.agent = agent);
    };
    let on_agent = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        filter.update(|f| f.agent = (!value.is_empty()).then_some(value));
    };
    // The search box: while it holds text, its hits replace the list. An answer that
    // comes back after the agent typed on is dropped.
    let query = RwSignal::new(String::new());
    let hits = RwSignal::new(Vec::<shared_types::search::SearchHit>::new());
    let on_search = move |ev: leptos::ev::Event| {
        let q = event_target_value(&ev);
        query.set(q.clone());
        if q.trim().is_empty() {
            hits.set(Vec::new());
            return;
        }
        spawn_local(async move {
            let path = format!("/v1/search?q={}&limit=50", api::encode(q.trim()));
            let found =
                api::call::<ListResponse<shared_types::search::SearchHit>>("GET", &path, None)
                    .await;
            if query.get_untracked() == q {
                hits.set(found.map(|f| f.data).unwrap_or_default());
            }
        });
    };
    let searching = move || query.with(|q| !q.trim().is_empty());
    let is_mine = move || filter.with(|f| f.agent.as_deref() == Some(me.get_value().as_str()));
    let chosen = move || filter.with(|f| f.agent.clone().unwrap_or_default());
    // The keys of every agent's day: j/k walk the list, r replies, e closes, ? lists
    // them. Never while typing in a field, and only while the inbox is the tab shown.
    let help = RwSignal::new(false);
    let inbox_root = NodeRef::<leptos::html::Div>::new();
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() {
            return;
        }
        let shown = inbox_root
            .get_untracked()
            .is_some_and(|root| root.offset_parent().is_some());
        if !shown || typing_in_a_field() {
            return;
        }
        let key = ev.key();
        match key.as_str() {
            // A held key repeats; walking one chat per press keeps the reads bounded.
            "j" | "k" if ev.repeat() => ev.prevent_default(),
            "j" | "k" => {
                // The order the agent sees, rows as painted.
                let order = painted_rows();
                let now = selected.get_untracked();
                let at = now
                    .as_ref()
                    .and_then(|id| order.iter().position(|c| c == id));
                let next = match (at, key == "j") {
                    (None, _) => order.first(),
                    (Some(i), true) => order.get(i + 1).or(order.get(i)),
                    (Some(i), false) => order.get(i.saturating_sub(1)),
                };
                if let Some(next) = next.cloned() {
                    ev.prevent_default();
                    selected.set(Some(next));
                }
            }
            "r" => {
                ev.prevent_default();
                focus_testid("reply-input");
            }
            "e" => {
                ev.prevent_default();
                click_testid("close-chat");
            }
            "?" => {
                ev.prevent_default();
                help.update(|h| *h = !*h);
            }
            "Escape" => help.set(false),
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());

    view! {
        <div class="inbox" node_ref=inbox_root class:has-chat=move || selected.get().is_some()>
            <section class="list" aria-label=w.inbox>
                <div class="filters">
                    <select node_ref=status_select data-testid="filter-status" on:change=on_status
                        aria-label="status">
                        <option value="">{w.all}</option>
                        <option value="active">{w.active}</option>
                        <option value="assigned">{w.assigned}</option>
                        <option value="closed">{w.closed}</option>
                    </select>
                    <label class="mine">
                        <input type="checkbox" data-testid="filter-mine" on:change=on_mine
                            prop:checked=is_mine />
                        {w.mine}
                    </label>
                    <select data-testid="filter-agent" aria-label=w.agents on:change=on_agent
                        prop:value=chosen>
                        <option value="">{w.anyone}</option>
                        <For each=move || agents.get() key=|a| a.id.clone() let:agent>
                            <option value=agent.id.as_str().to_string()
                                selected=move || chosen() == agent.id.as_str()>
                                {agent.name.clone()}
                            </option>
                        </For>
                    </select>
                </div>
                <input type="search" class="search" data-testid="inbox-search" aria-label=w.search
                    placeholder=w.search on:input=on_search prop:value=move || query.get() />
                <Show when=searching>
                    <ul data-testid="search-results" class="search-results">
                        <For each=move || hits.get() key=|h| h.chat_id.clone() let:hit>
                            {
                                let target = hit.chat_id.clone();
                                let who = hit.visitor_name.clone().or(hit.visitor_email.clone()).unwrap_or_else(|| w.visitor.to_string());
                                view! {
                                    <li>
                                        <button type="button" class="hit" data-testid="search-hit" data-hit-chat=target.clone()
                                            on:click=move |_| selected.set(Some(target.clone()))>
                                            <strong>{who}</strong>
                                            // The server escaped the text; only its <mark>s are markup.
                                            <span class="snippet" inner_html=hit.snippet.clone()></span>
                                        </button>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                    <Show when=move || hits.with(Vec::is_empty)>
                        <p class="empty" data-testid="search-empty">{w.no_results}</p>
                    </Show>
                </Show>
                <ul data-testid="chat-list" hidden=searching>
                    <For each=move || chats.get() key=|c| (c.id.clone(), c.unread_count, c.status, c.assigned_to.clone(), c.last_message_at.clone()) let:chat>
                        <ChatRow chat=chat selected=selected w=w lang=lang />
                    </For>
                </ul>
                <Show when=move || u64::from(page.get()) < pages.get()>
                    <button type="button" class="more" data-testid="load-more" on:click=load_more>
                        {w.load_more}
                    </button>
                </Show>
                <Show when=move || chats.with(Vec::is_empty)>
                    <p class="empty">{w.no_chats}</p>
                </Show>
            </section>
            <section class="chat" aria-live="polite">
                {move || match selected.get() {
                    None => view! { <p class="empty">{w.pick_chat}</p> }.into_any(),
                    Some(id) => view! {
                        <ChatPane id=id me=me.get_value() me_name=me_name.get_value() w=w lang=lang
                            selected=selected messages=messages canned=canned heard_note=heard_note />
                    }.into_any(),
                }}
            </section>
            <Show when=move || help.get()>
                <div class="dialog-backdrop" on:click=move |_| help.set(false)>
                    <div class="dialog card" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title"
                        data-testid="shortcuts" on:click=|ev| ev.stop_propagation()>
                        <h2 id="shortcuts-title">{icon(Icon::Keyboard)} " " {w.shortcuts}</h2>
                        <dl class="shortcuts">
                            {w.shortcut_rows.iter().map(|(key, what)| view! {
                                <dt><kbd>{*key}</kbd></dt><dd>{*what}</dd>
                            }).collect_view()}
                        </dl>
                        <button type="button" data-testid="shortcuts-close" autofocus
                            on:click=move |_| help.set(false)>{icon(Icon::Close)} " " {w.close}</button>
                    </div>
                </div>
            </Show>
        </div>
    }
}

/// The chat ids of the list's rows, top to bottom.
fn painted_rows() -> Vec<String> {
    let Some(rows) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all("[data-testid=\"chat-row\"]").ok())
    else {
        return Vec::new();
    };
    (0..rows.length())
        .filter_map(|i| rows.item(i))
        .filter_map(|node| {
            use wasm_bindgen::JsCast;
            node.dyn_into::<web_sys::Element>()
                .ok()?
                .get_attribute("data-chat-id")
        })
        .collect()
}

/// Whether the keyboard is writing into a field, where j or e are letters.
fn typing_in_a_field() -> bool {
    let Some(active) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
    else {
        return false;
    };
    let tag = active.tag_name().to_ascii_lowercase();
    matches!(tag.as_str(), "input" | "textarea" | "select")
        || active.get_attribute("contenteditable").is_some()
}

fn by_testid(testid: &str) -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    web_sys::window()?
        .document()?
        .query_selector(&format!("[data-testid=\"{testid}\"]"))
        .ok()??
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

fn focus_testid(testid: &str) {
    if let Some(e) = by_testid(testid) {
        let _ = e.focus();
    }
}

fn click_testid(testid: &str) {
    if let Some(e) = by_testid(testid) {
        e.click();
    }
}

#[component]
fn ChatRow(
    chat: ChatSummary,
    selected: RwSignal<Option<String>>,
    w: &'static Words,
    lang: Lang,
) -> impl IntoView {
    let id = chat.id.as_str().to_string();
    let when = crate::i18n::short_time(&chat.last_message_at, lang);
    let moment = crate::i18n::local_time(&chat.last_message_at, lang);
    let name = chat
        .visitor_name
        .clone()
        .or(chat.visitor_email.clone())
        .unwrap_or_else(|| w.visitor.to_string());
    let avatar = icons::initials(&name);
    let hue = format!("--hue: {}", icons::hue(&name));
    let preview = match chat.last_message_text.as_deref().map(str::trim) {
        Some("") => w.attachment.to_string(),
        Some(text) => text.lines().next().unwrap_or_default().to_string(),
        None => String::new(),
    };
    let by_agent = chat.last_message_sender == Some(SenderType::Agent);
    let unread = chat.unread_count;
    let status = status_word(chat.status, w);
    let status_class = format!("status {}", chat.status.as_str());
    let current = {
        let id = id.clone();
        move || selected.get().as_deref() == Some(id.as_str())
    };
    let open = {
        let id = id.clone();
        move |_| selected.set(Some(id.clone()))
    };
    view! {
        <li>
            <button type="button" class="row" class:unread={unread > 0} data-testid="chat-row" data-chat-id=id
                aria-current=move || current().to_string() on:click=open>
                <span class="avatar" style=hue aria-hidden="true">{avatar}</span>
                <span class="row-main">
                    <span class="row-line">
                        <span class="name">{name}</span>
                        // Only a claimed identity can be doubted: an anonymous visitor claims none.
                        {(!chat.visitor_verified && chat.visitor_email.is_some()).then(|| view! {
                            <span class="unverified" data-testid="row-unverified" title=w.unverified_hint>{w.unverified}</span>
                        })}
                        <time class="when" data-testid="chat-row-time" datetime=chat.last_message_at.clone()
                            title=moment>{when}</time>
                    </span>
                    <span class="row-line">
                        <span class="last-line" data-testid="chat-row-preview">
                            {by_agent.then(|| view! { <span class="said">{w.agent_said} " "</span> })}
                            {preview}
                        </span>
                        <span class=status_class data-testid="chat-row-status">{status}</span>
                        {(unread > 0).then(|| view! {
                            <span class="badge" data-testid="unread" aria-label="unread">{unread}</span>
                        })}
                    </span>
                </span>
            </button>
        </li>
    }
}

fn status_word(status: ChatStatus, w: &Words) -> &'static str {
    match status {
        ChatStatus::Active => w.active,
        ChatStatus::Assigned => w.assigned,
        ChatStatus::Closed => w.closed,
    }
}

/// Only web and same-origin links become `href`s: never `javascript:`, `data:` or a
/// protocol-relative `//host`.
fn safe_url(url: &str) -> bool {
    url.starts_with("https://")
        || url.starts_with("http://")
        || (url.starts_with('/') && !url.starts_with("//"))
}

/// Zeroes the open chat's badge in the list.
fn read_locally(list: &mut [ChatSummary], open: &str) {
    for chat in list.iter_mut().filter(|c| c.id.as_str() == open) {
        chat.unread_count = 0;
    }
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
fn ChatPane(
    id: String,
    me: String,
    me_name: String,
    canned: RwSignal<Vec<shared_types::canned::CannedResponse>>,
    w: &'static Words,
    lang: Lang,
    selected: RwSignal<Option<String>>,
    messages: RwSignal<Vec<ConversationMessage>>,
    heard_note: RwSignal<Option<shared_types::notes::ChatNote>>,
) -> impl IntoView {
    let cw = chat_words(lang);
    let detail = RwSignal::new(None::<ChatDetail>);
    let emails = RwSignal::new(Vec::<shared_types::email::EmailAttempt>::new());
    let private_notes = RwSignal::new(Vec::<shared_types::notes::ChatNote>::new());
    {
        let id = id.clone();
        Effect::new(move |_| {
            let Some(note) = heard_note.get() else {
                return;
            };
            if note.chat_id.as_str() == id {
                // Our own note came back from the composer already; each shows once.
                private_notes.update(|list| {
                    if list.iter().all(|n| n.id != note.id) {
                        list.push(note);
                    }
                });
            }
        });
    }
    let error = RwSignal::new(None::<String>);
    // What the visitor has read (the detail's count, then the room's read frames) and
    // whether they are typing now.
    let read_seq = RwSignal::new(0u64);
    let typing = RwSignal::new(false);
    let typing_until = StoredValue::new(0f64);
    let base = format!("/v1/chats/{}", api::encode(&id));
    messages.set(Vec::new());
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
                private_notes.set(list.data);
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
            ServerFrame::MessageCreated { message, .. } => {
                if message.sender.kind == SenderType::Visitor {
                    typing.set(false);
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
    let room = StoredValue::new_local(Some(Room::open(id.clone(), on_frame, on_open)));
    on_cleanup(move || {
        room.with_value(|r| {
            if let Some(r) = r {
                r.shut();
            }
        })
    });
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
                    on:click=move |_| selected.set(None)>{icon(Icon::Back)}</button>
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
                    <TypingNote typing=typing cw=cw />
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
                                                    on:click=move |_| selected.set(Some(target.clone()))>
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
    use shared_types::ids::{AgentId, ChatId};

    fn chat(status: ChatStatus, assigned_to: Option<&str>) -> ChatSummary {
        ChatSummary {
            id: ChatId::with_suffix("1"),
            visitor_name: None,
            visitor_email: None,
            status,
            assigned_to: assigned_to.map(AgentId::with_suffix),
            unread_count: 0,
            last_message_at: "2026-02-11T14:23:00Z".into(),
            created_at: "2026-02-11T14:23:00Z".into(),
            visitor_verified: false,
            last_message_text: None,
            last_message_sender: None,
        }
    }

    #[test]
    fn a_live_chat_stays_in_the_list_only_while_it_matches_the_filter() {
        let me = AgentId::with_suffix("me");
        let mine = Filter {
            status: Some(ChatStatus::Assigned),
            agent: Some(me.as_str().to_string()),
        };
        assert!(mine.admits(&chat(ChatStatus::Assigned, Some("me"))));
        assert!(!mine.admits(&chat(ChatStatus::Assigned, Some("other"))));
        assert!(!mine.admits(&chat(ChatStatus::Closed, Some("me"))));
        assert!(!mine.admits(&chat(ChatStatus::Active, None)));
        let all = Filter {
            status: None,
            agent: None,
        };
        assert!(all.admits(&chat(ChatStatus::Active, None)));
        assert!(all.admits(&chat(ChatStatus::Closed, Some("other"))));
    }

    #[test]
    fn attachment_links_are_web_or_ours_only() {
        assert!(safe_url("https://cdn.example/a.png"));
        assert!(safe_url("/v1/files/file_1/a.png"));
        assert!(!safe_url("javascript:alert(1)"));
        assert!(!safe_url("data:text/html,x"));
        assert!(!safe_url("//evil.example/x"));
    }

    #[test]
    fn the_filter_is_the_list_query() {
        let f = Filter {
            status: Some(ChatStatus::Closed),
            agent: Some("agent_x".into()),
        };
        assert_eq!(
            f.query(2),
            "/v1/chats?limit=100&page=2&status=closed&agent_id=agent_x"
        );
        let anyone = Filter {
            status: None,
            agent: None,
        };
        assert_eq!(anyone.query(1), "/v1/chats?limit=100&page=1");
    }
}
