//! The inbox's views: the filters, the search box, the rows, the keys, and the column
//! the on-demand binary draws the open chat into. What they show is `super::model`'s.

use leptos::html::Select;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared_types::agents::Agent;
use shared_types::chats::{ChatSummary, SenderType};
use shared_types::realtime::ServerFrame;
use shared_types::{DataList, ListResponse};

use console_core::on_demand::ChatContext;
use console_core::socket::{later, Socket};

use crate::alert;
use crate::api;
use crate::i18n::{status_word, words, Lang, Words};
use crate::icons::{self, icon, Icon};
use crate::on_demand::{self, OnDemandChat};

use super::model::{ChatList, InboxState};

/// How long after the list's first page arrives the on-demand binary is fetched: after
/// the rows are painted, not competing with them.
const PREFETCH_AFTER_MS: i32 = 500;

#[component]
pub fn Inbox(
    me: String,
    me_name: String,
    lang: Lang,
    visitors: RwSignal<Vec<shared_types::presence::OnlineVisitor>>,
) -> impl IntoView {
    let w = words(lang);
    let me_name = StoredValue::new(me_name);
    // Whom chats can be filtered by; an operator refused the list keeps only "Mine".
    let agents = RwSignal::new(Vec::<Agent>::new());
    // Whether the list's first page has come: until then it is the only request, so
    // that the server answers it first (the feed, the agents and the on-demand binary
    // wait for it).
    let listed = RwSignal::new(false);
    // A mail's link opens its chat: `#chat=<id>`.
    let linked = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .and_then(|h| h.strip_prefix("#chat=").map(str::to_string))
        .filter(|id| id.starts_with("chat_"));
    let state = InboxState::new(linked);
    let InboxState {
        list,
        filter,
        selected,
    } = state;
    // The open chat, drawn by the on-demand binary: the feed's frames about it go there.
    let pane = StoredValue::new(None::<u32>);
    let me = StoredValue::new(me);

    Effect::new(move || {
        let unread = list.with(ChatList::unread);
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&alert::title(unread));
        }
    });
    Effect::new(move || {
        filter.track();
        state.reload(move || {
            if !listed.get_untracked() {
                listed.set(true);
            }
        });
    });
    Effect::new(move || {
        if let Some(open) = selected.get() {
            list.update(|l| l.read(&open));
        }
    });

    let on_frame = move |text: &str, frame| match frame {
        ServerFrame::ChatUpdated { chat } => {
            let who = chat
                .visitor_name
                .clone()
                .unwrap_or_else(|| w.visitor.to_string());
            if state.update(chat) {
                alert::new_chat(w.new_chat, &who);
            }
        }
        // Only the open chat shows messages and notes; the list learns of messages
        // through chat.updated (unread counts).
        ServerFrame::MessageCreated { .. } | ServerFrame::NoteCreated { .. } => {
            if let Some(pane) = pane.get_value() {
                on_demand::tell(pane, text);
            }
        }
        frame => {
            visitors.update(|list| {
                crate::visitors::apply(list, &frame);
            });
        }
    };
    // After every connect the loaded pages are fetched again: frames sent while the
    // socket was away are gone, and on the first connect so are those sent between
    // the list's fetch and the socket opening. It lasts as long as the page (signing
    // out reloads it).
    let feed = StoredValue::new_local(None::<Socket>);
    Effect::new(move |_| {
        if !listed.get() || feed.with_value(Option::is_some) {
            return;
        }
        feed.set_value(Some(Socket::open(
            None,
            Box::new(on_frame),
            Box::new(move || {
                state.refetch();
                crate::visitors::refresh(visitors);
            }),
        )));
        spawn_local(async move {
            if let Ok(list) = api::call::<DataList<Agent>>("GET", "/v1/agents", None).await {
                agents.set(list.data);
            }
        });
        // The open chat and the other tabs, once the list is on screen.
        later(PREFETCH_AFTER_MS, on_demand::prefetch);
    });

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
                    <For each=move || list.with(|l| l.chats().to_vec()) key=|c| (c.id.clone(), c.unread_count, c.status, c.assigned_to.clone(), c.last_message_at.clone()) let:chat>
                        <ChatRow chat=chat selected=selected w=w lang=lang />
                    </For>
                </ul>
                <Show when=move || list.with(ChatList::has_more)>
                    <button type="button" class="more" data-testid="load-more" on:click=move |_| state.load_more()>
                        {w.load_more}
                    </button>
                </Show>
                <Show when=move || list.with(|l| l.chats().is_empty())>
                    <p class="empty">{w.no_chats}</p>
                </Show>
            </section>
            <section class="chat" aria-live="polite">
                {move || match selected.get() {
                    None => view! { <p class="empty">{w.pick_chat}</p> }.into_any(),
                    Some(id) => view! {
                        <OnDemandChat selected=selected pane=pane context=ChatContext {
                            chat_id: id,
                            lang,
                            me: me.get_value(),
                            me_name: me_name.get_value(),
                        } />
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
