//! The visitor's conversation: what the panel shows and how it stays current. A chat
//! starts with the visitor's first message (`POST /v1/visitor/chats`); after that the
//! chat's socket brings every message (the visitor's own too, from other tabs), agents'
//! typing, and after a reconnect exactly what was missed (`resume` from the last `seq`).
//! The session (visitor token and chat) is kept per workspace in `localStorage`, so a
//! reload or another tab continues the same conversation.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use shared_types::error::ErrorCode;
use shared_types::files::check_upload;

use crate::transport::{self, call, field, object, text, Endpoint, Failure, Session};

/// One message as the panel shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Msg {
    pub id: String,
    pub seq: u64,
    pub text: String,
    /// Written by this visitor (shown on the right, in the brand colour).
    pub mine: bool,
    /// The agent's display name, on agents' replies.
    pub author: Option<String>,
    /// When it was sent, `HH:MM` in the visitor's zone (shown on hover or focus).
    pub at: String,
    pub files: Vec<File>,
}

/// A message's attachment: an image is shown inline, anything else is a link.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub image: bool,
    /// Always an `http(s)` URL (others are dropped when the message is read).
    pub url: String,
}

/// What went wrong, for the panel to say in the visitor's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trouble {
    /// Sending failed; the text stays in the composer.
    NotSent,
    /// Too many messages too fast (429).
    TooFast,
    /// The picked file is over the upload limit (checked before and by the server).
    TooLarge,
    /// The picked file's type is not accepted.
    WrongType,
}

/// A message's fields as read from the wire, before checking.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Wire {
    pub id: Option<String>,
    pub seq: Option<f64>,
    pub text: Option<String>,
    pub sender_type: Option<String>,
    pub sender_name: Option<String>,
    /// `created_at` in the visitor's zone: (hours, minutes).
    pub clock: Option<(u32, u32)>,
    /// Each attachment's `type` and `url`.
    pub files: Vec<(Option<String>, Option<String>)>,
}

impl Wire {
    /// The message to show, or `None` without an id, a `seq` or a sender. Only
    /// agents' replies carry a name (a blank one counts as none); attachments keep
    /// only `http(s)` URLs.
    pub fn into_msg(self) -> Option<Msg> {
        let kind = self.sender_type?;
        let seq = self.seq.filter(|s| s.is_finite() && *s >= 0.0)?;
        Some(Msg {
            id: self.id?,
            seq: seq as u64,
            text: self.text.unwrap_or_default(),
            mine: kind == "visitor",
            author: self
                .sender_name
                .filter(|n| kind == "agent" && !n.trim().is_empty()),
            at: self
                .clock
                .map(|(h, m)| crate::text::clock(h, m))
                .unwrap_or_default(),
            files: self
                .files
                .into_iter()
                .filter_map(|(kind, url)| {
                    Some(File {
                        image: kind.as_deref() == Some("image"),
                        url: crate::state::safe_url(url)?,
                    })
                })
                .collect(),
        })
    }
}

/// Adds to `all` the messages of `incoming` it does not have (by id), keeping `seq`
/// order (history, frames and a POST's answer may arrive in any order, and the same
/// message twice); returns the ones added.
pub fn merge_into(all: &mut Vec<Msg>, incoming: Vec<Msg>) -> Vec<Msg> {
    let mut added = Vec::new();
    for m in incoming {
        if all.iter().any(|have| have.id == m.id) || added.iter().any(|a: &Msg| a.id == m.id) {
            continue;
        }
        added.push(m);
    }
    all.extend(added.iter().cloned());
    all.sort_by_key(|m| m.seq);
    added
}

impl Trouble {
    fn of(failure: &Failure) -> Trouble {
        match (failure.status, failure.code.as_deref()) {
            (429, _) => Trouble::TooFast,
            (413, _) | (_, Some("FILE-002")) => Trouble::TooLarge,
            (_, Some("FILE-003")) => Trouble::WrongType,
            _ => Trouble::NotSent,
        }
    }
}

/// The conversation's reactive state plus what keeps it current. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Chat {
    /// Whether the panel is open.
    pub open: RwSignal<bool>,
    /// Agents' messages that arrived while the panel was closed (the launcher's badge).
    pub unread: RwSignal<u32>,
    pub messages: RwSignal<Vec<Msg>>,
    pub agent_typing: RwSignal<bool>,
    pub sending: RwSignal<bool>,
    pub trouble: RwSignal<Option<Trouble>>,
    /// The chat was closed by an agent: ask for a rating (until one is given).
    pub closed: RwSignal<bool>,
    /// The visitor's rating, once given.
    pub rated: RwSignal<Option<u8>>,
    /// Whether the transcript the visitor asked for went (`Some(false)`: refused).
    pub transcript: RwSignal<Option<bool>>,
    /// The visitor has sent the pre-chat form (when the owner asks for one).
    pub introduced: RwSignal<bool>,
    /// An email the visitor left while nobody was online or in the pre-chat form (sent
    /// with the session).
    pub email: RwSignal<String>,
    /// The name the visitor gave in the pre-chat form (sent with the session).
    pub name: RwSignal<String>,
    inner: StoredValue<Rc<Inner>, LocalStorage>,
}

#[derive(Default)]
struct Draft {
    /// What the composer holds now.
    latest: String,
    /// What the agents last got, and when (ms).
    sent: String,
    sent_at: f64,
    /// A send is due when the 250 ms are up.
    waiting: bool,
}

/// The least time between two drafts sent (4 a second).
const DRAFT_EVERY_MS: f64 = 250.0;

struct Inner {
    endpoint: Endpoint,
    session: RefCell<Session>,
    socket: RefCell<Option<transport::Socket>>,
    /// Reconnect delay, doubled per failure up to a minute.
    backoff_ms: RefCell<i32>,
    /// When the visitor's last "typing" went out (ms), to send it at most every 2 s.
    typing_sent_at: RefCell<f64>,
    /// The workspace shows agents the visitor's drafts (its typing preview is on).
    preview: bool,
    /// The typing preview's state: at most 4 drafts a second go out, the last always.
    draft: RefCell<Draft>,
    /// The agent's invitation the visitor has been shown and not yet answered.
    invitation: RefCell<Option<String>>,
    /// The last `seq` this visitor has reported read.
    read_up_to: RefCell<u64>,
    /// What the site told `ChatFlow.identify` (sent when the session is made).
    visitor: RefCell<JsValue>,
}

impl Chat {
    /// Restores the stored conversation (if any) and connects to it.
    pub fn start(endpoint: Endpoint, open: bool, preview: bool) -> Chat {
        let session = Session::load(&endpoint.workspace_id);
        let chat = Chat {
            open: RwSignal::new(open),
            unread: RwSignal::new(0),
            messages: RwSignal::new(Vec::new()),
            agent_typing: RwSignal::new(false),
            sending: RwSignal::new(false),
            trouble: RwSignal::new(None),
            closed: RwSignal::new(false),
            rated: RwSignal::new(None),
            transcript: RwSignal::new(None),
            introduced: RwSignal::new(false),
            email: RwSignal::new(String::new()),
            name: RwSignal::new(String::new()),
            inner: StoredValue::new_local(Rc::new(Inner {
                endpoint,
                session: RefCell::new(session),
                socket: RefCell::new(None),
                backoff_ms: RefCell::new(1_000),
                typing_sent_at: RefCell::new(0.0),
                preview,
                draft: RefCell::new(Draft::default()),
                invitation: RefCell::new(None),
                read_up_to: RefCell::new(0),
                visitor: RefCell::new(object(&[])),
            })),
        };
        if chat.ids().is_some() {
            spawn_local(async move { chat.restore().await });
        }
        chat.follow_other_tabs();
        chat
    }

    /// Keeps this tab on the conversation another tab of the same site starts: the
    /// session in `localStorage` is shared, and its `storage` event tells the other
    /// tabs. Each tab then keeps its own socket rather than electing one to relay over
    /// a BroadcastChannel: the room already sends every message to every socket of the
    /// chat (the visitor's own included), a hibernated socket costs the server nothing
    /// while idle, and no tab depends on another that the browser may freeze or close.
    fn follow_other_tabs(self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let on_storage =
            Closure::<dyn Fn(web_sys::StorageEvent)>::new(move |ev: web_sys::StorageEvent| {
                let inner = self.inner();
                let workspace_id = &inner.endpoint.workspace_id;
                if ev.key().as_deref() != Some(transport::storage_key(workspace_id).as_str()) {
                    return;
                }
                let theirs = Session::load(workspace_id);
                let had_chat = inner.session.borrow().chat_id.is_some();
                // A tab in a conversation stays in it; one without adopts the other's
                // visitor (so it makes no second one) and, once there, its chat.
                if had_chat && theirs.chat_id.is_some() {
                    return;
                }
                let adopt_chat = !had_chat && theirs.chat_id.is_some();
                *inner.session.borrow_mut() = theirs;
                if adopt_chat {
                    spawn_local(async move { self.restore().await });
                }
            });
        let _ =
            window.add_event_listener_with_callback("storage", on_storage.as_ref().unchecked_ref());
        // Listens as long as the page lives, like the widget.
        on_storage.forget();
    }

    fn inner(&self) -> Rc<Inner> {
        self.inner.get_value()
    }

    /// (chat id, token) once a chat exists.
    fn ids(&self) -> Option<(String, String)> {
        let inner = self.inner();
        let session = inner.session.borrow();
        Some((session.chat_id.clone()?, session.token.clone()?))
    }

    fn last_seq(&self) -> u64 {
        self.messages
            .with_untracked(|m| m.iter().map(|m| m.seq).max().unwrap_or(0))
    }

    /// Loads the conversation so far, then follows it live.
    async fn restore(self) {
        let Some((chat_id, token)) = self.ids() else {
            return;
        };
        let inner = self.inner();
        let url = format!(
            "{}/v1/visitor/chats/{chat_id}/messages?limit=100",
            inner.endpoint.api
        );
        match call("GET", &url, Some(&token), None).await {
            Ok(page) => {
                let data = field(&page, "data");
                let list: Vec<Msg> = js_sys::Array::from(&data)
                    .iter()
                    .filter_map(|m| self.parse_message(&m))
                    .collect();
                self.merge(list, false);
                self.connect();
            }
            // The token expired or the chat is gone: start afresh next time.
            Err(Failure {
                status: 401 | 404, ..
            }) => {
                *inner.session.borrow_mut() = Session::default();
                inner.session.borrow().save(&inner.endpoint.workspace_id);
            }
            Err(_) => self.connect(),
        }
    }

    /// A message of the API (`GET …/messages`, a `message.created` frame, a POST's
    /// answer) read from JS into [`Wire`], then checked by [`Wire::into_msg`].
    fn parse_message(&self, m: &JsValue) -> Option<Msg> {
        let sender = field(m, "sender");
        let files = field(m, "attachments")
            .dyn_into::<js_sys::Array>()
            .map(|list| {
                list.iter()
                    .map(|a| (text(&a, "type"), text(&a, "url")))
                    .collect()
            })
            .unwrap_or_default();
        let clock = text(m, "created_at")
            .map(|t| js_sys::Date::new(&JsValue::from_str(&t)))
            .filter(|d| !d.get_time().is_nan())
            .map(|d| (d.get_hours(), d.get_minutes()));
        Wire {
            id: text(m, "id"),
            seq: field(m, "seq").as_f64(),
            text: text(m, "text"),
            sender_type: text(&sender, "type"),
            sender_name: text(&sender, "name"),
            clock,
            files,
        }
        .into_msg()
    }

    /// Adds messages not yet shown, keeping `seq` order. New ones (not history) are
    /// also announced to the site as `chatflow:message`.
    fn merge(&self, incoming: Vec<Msg>, announce: bool) {
        if incoming.is_empty() {
            return;
        }
        let mut added = Vec::new();
        self.messages
            .update(|all| added = merge_into(all, incoming));
        if !announce {
            return;
        }
        for m in added {
            let sender = if m.mine { "visitor" } else { "agent" };
            crate::api::emit(
                "message",
                &object(&[
                    ("id", JsValue::from_str(&m.id)),
                    ("seq", JsValue::from_f64(m.seq as f64)),
                    ("text", JsValue::from_str(&m.text)),
                    ("sender", JsValue::from_str(sender)),
                ]),
            );
        }
    }

    /// Sends the visitor's text; starts the chat (and the session) on the first one.
    /// Returns whether it was stored, so the composer keeps the text when it was not.
    pub async fn send(self, body: String) -> bool {
        let inner = self.inner();
        self.sending.set(true);
        self.trouble.set(None);
        let result = self.post(&inner, &body).await;
        self.sending.set(false);
        match result {
            Ok(()) => {
                // Writing into a closed chat reopens it.
                self.closed.set(false);
                // What was previewed is a message now.
                self.draft(String::new());
                true
            }
            Err(f) => {
                self.trouble.set(Some(Trouble::of(&f)));
                false
            }
        }
    }

    /// Sends `file` as a message of its own (its name as the text), through the
    /// two-step file flow. The upload policy is checked here first, so a file the
    /// server would refuse is never sent; what the server refuses anyway is shown too.
    /// Files go into an existing chat (the server attaches them to one, and a chat
    /// starts with text), so the panel offers this once the chat has begun.
    pub async fn attach(self, file: web_sys::File) {
        self.trouble.set(None);
        if let Err(refused) = check_upload(&file.type_(), file.size() as u64) {
            self.trouble
                .set(Some(if refused == ErrorCode::FileTooLarge {
                    Trouble::TooLarge
                } else {
                    Trouble::WrongType
                }));
            return;
        }
        let Some((chat_id, token)) = self.ids() else {
            return;
        };
        self.sending.set(true);
        let result = self.upload(&chat_id, &token, &file).await;
        self.sending.set(false);
        if let Err(f) = result {
            self.trouble.set(Some(Trouble::of(&f)));
        }
    }

    async fn upload(
        &self,
        chat_id: &str,
        token: &str,
        file: &web_sys::File,
    ) -> Result<(), Failure> {
        let api = self.inner().endpoint.api.clone();
        let kind = file.type_();
        let request = object(&[
            ("filename", file.name().into()),
            ("content_type", kind.clone().into()),
            ("size_bytes", file.size().into()),
        ]);
        let granted = call(
            "POST",
            &format!("{api}/v1/visitor/files/upload-url"),
            Some(token),
            Some(&request),
        )
        .await?;
        transport::put_file(&text(&granted, "upload_url").unwrap_or_default(), file).await?;
        let confirm = object(&[
            ("file_id", field(&granted, "file_id")),
            ("chat_id", chat_id.into()),
        ]);
        let stored = call(
            "POST",
            &format!("{api}/v1/visitor/files/confirm"),
            Some(token),
            Some(&confirm),
        )
        .await?;
        let kind = if kind.starts_with("image/") {
            "image"
        } else {
            "file"
        };
        let attachment = object(&[("type", kind.into()), ("url", field(&stored, "url"))]);
        let message = object(&[
            ("text", file.name().into()),
            ("attachments", js_sys::Array::of1(&attachment).into()),
        ]);
        let sent = call(
            "POST",
            &format!("{api}/v1/visitor/chats/{chat_id}/messages"),
            Some(token),
            Some(&message),
        )
        .await?;
        self.merge(self.parse_message(&sent).into_iter().collect(), true);
        Ok(())
    }

    async fn post(&self, inner: &Inner, body: &str) -> Result<(), Failure> {
        let api = &inner.endpoint.api;
        let token = inner.session.borrow().token.clone().unwrap_or_default();
        let token = if token.is_empty() {
            let url = format!(
                "{api}/v1/public/widgets/{}/sessions",
                inner.endpoint.workspace_id
            );
            let visitor = inner.visitor.borrow().clone();
            // What the site said in identify() wins over what the visitor typed.
            let email = self.email.get_untracked();
            let name = self.name.get_untracked();
            for (key, value, given) in [
                ("email", email.trim(), email.contains('@')),
                ("name", name.trim(), !name.trim().is_empty()),
                ("language", inner.endpoint.lang, true),
            ] {
                if given && transport::field(&visitor, key).is_undefined() {
                    let _ = js_sys::Reflect::set(&visitor, &key.into(), &value.into());
                }
            }
            let made = call("POST", &url, None, Some(&object(&[("visitor", visitor)]))).await?;
            let token = text(&made, "visitor_token").unwrap_or_default();
            inner.session.borrow_mut().token = Some(token.clone());
            inner.session.borrow().save(&inner.endpoint.workspace_id);
            token
        } else {
            token
        };
        let chat_id = inner.session.borrow().chat_id.clone();
        match chat_id {
            None => {
                let page = web_sys::window()
                    .and_then(|w| w.location().href().ok())
                    .unwrap_or_default();
                let mut pairs = vec![("text", JsValue::from_str(body))];
                if page.starts_with("http") {
                    pairs.push(("page_url", JsValue::from_str(&page)));
                }
                let invitation = inner.invitation.borrow().clone();
                if let Some(id) = &invitation {
                    pairs.push(("invitation_id", JsValue::from_str(id)));
                }
                let started = call(
                    "POST",
                    &format!("{api}/v1/visitor/chats"),
                    Some(&token),
                    Some(&object(&pairs)),
                )
                .await?;
                inner.session.borrow_mut().chat_id = text(&started, "id");
                inner.session.borrow().save(&inner.endpoint.workspace_id);
                *inner.invitation.borrow_mut() = None;
                self.merge(
                    self.parse_message(&field(&started, "message"))
                        .into_iter()
                        .collect(),
                    true,
                );
                self.connect();
            }
            Some(chat_id) => {
                let sent = call(
                    "POST",
                    &format!("{api}/v1/visitor/chats/{chat_id}/messages"),
                    Some(&token),
                    Some(&object(&[("text", JsValue::from_str(body))])),
                )
                .await?;
                self.merge(self.parse_message(&sent).into_iter().collect(), true);
            }
        }
        Ok(())
    }

    /// Rates the closed chat 1–5, or (score 0) has the conversation mailed to the
    /// visitor. One function for both, so the panel spawns one kind of future: each
    /// costs the wasm its own copy of the machinery.
    pub async fn after_close(self, score: u8) {
        let Some((chat_id, token)) = self.ids() else {
            return;
        };
        let inner = self.inner();
        let (what, body) = match score {
            0 => ("transcript", object(&[])),
            n => (
                "rating",
                object(&[("score", JsValue::from_f64(f64::from(n)))]),
            ),
        };
        let url = format!("{}/v1/visitor/chats/{chat_id}/{what}", inner.endpoint.api);
        let answer = call("POST", &url, Some(&token), Some(&body)).await;
        match (score, answer) {
            (0, answer) => self.transcript.set(Some(answer.is_ok())),
            // Already rated (another tab) counts as rated.
            (_, Ok(_) | Err(Failure { status: 409, .. })) => self.rated.set(Some(score)),
            (_, Err(_)) => self.trouble.set(Some(Trouble::NotSent)),
        }
    }

    /// Who the visitor is, as the site knows (name, email, phone, metadata, and for
    /// identity verification `user_id` and `user_hash`); sent as given, as the
    /// session's `visitor`, when the session is made, i.e. before the first message.
    pub fn identify(&self, visitor: JsValue) {
        *self.inner().visitor.borrow_mut() = visitor;
    }

    /// Tells the agents (a `read` frame) that the visitor has seen everything shown.
    pub fn mark_read(&self) {
        let inner = self.inner();
        let last = self.messages.with_untracked(|m| {
            m.iter()
                .filter(|m| !m.mine)
                .map(|m| m.seq)
                .max()
                .unwrap_or(0)
        });
        if last <= *inner.read_up_to.borrow() {
            return;
        }
        let Some((chat_id, _)) = self.ids() else {
            return;
        };
        let frame = object(&[
            ("type", JsValue::from_str("read")),
            ("chat_id", JsValue::from_str(&chat_id)),
            ("seq", JsValue::from_f64(last as f64)),
        ]);
        if inner
            .socket
            .borrow()
            .as_ref()
            .is_some_and(|s| s.send(&frame))
        {
            *inner.read_up_to.borrow_mut() = last;
        }
    }

    /// Whether the agents see what the visitor types (the composer says so).
    pub fn previewed(&self) -> bool {
        self.inner().preview
    }

    /// Sends the composer's `text` to the agents for the typing preview, when it is
    /// on: at most every 250 ms, and the latest text always (a call within the 250 ms
    /// leaves its text to go when the turn comes). Off, nothing of the draft leaves the
    /// browser.
    pub fn draft(&self, text: String) {
        let inner = self.inner();
        if !inner.preview || self.ids().is_none() {
            return;
        }
        let wait = {
            let mut d = inner.draft.borrow_mut();
            d.latest = text;
            if d.waiting || d.latest == d.sent {
                return;
            }
            DRAFT_EVERY_MS - (js_sys::Date::now() - d.sent_at)
        };
        if wait <= 0.0 {
            return self.send_draft();
        }
        inner.draft.borrow_mut().waiting = true;
        let chat = *self;
        let later = Closure::once_into_js(move || {
            chat.inner().draft.borrow_mut().waiting = false;
            chat.send_draft();
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                later.unchecked_ref(),
                wait as i32,
            );
        }
    }

    fn send_draft(&self) {
        let inner = self.inner();
        let Some((chat_id, _)) = self.ids() else {
            return;
        };
        let text: String = inner.draft.borrow().latest.chars().take(2_000).collect();
        let frame = object(&[
            ("type", JsValue::from_str("draft")),
            ("chat_id", JsValue::from_str(&chat_id)),
            ("text", JsValue::from_str(&text)),
        ]);
        if inner
            .socket
            .borrow()
            .as_ref()
            .is_some_and(|s| s.send(&frame))
        {
            let mut d = inner.draft.borrow_mut();
            d.sent = text;
            d.sent_at = js_sys::Date::now();
        }
    }

    /// An agent's invitation arrived: shown as their first message, and answered by
    /// the visitor's next one, which starts a new chat (a closed one is left behind).
    pub fn invited(&self, id: String, text: String, agent_name: String) {
        let inner = self.inner();
        let in_open_chat = inner.session.borrow().chat_id.is_some() && !self.closed.get_untracked();
        if in_open_chat {
            return;
        }
        if inner.session.borrow().chat_id.is_some() {
            inner.session.borrow_mut().chat_id = None;
            inner.session.borrow().save(&inner.endpoint.workspace_id);
            drop(inner.socket.borrow_mut().take());
            self.closed.set(false);
            self.rated.set(None);
            self.transcript.set(None);
            self.messages.set(Vec::new());
        }
        *inner.invitation.borrow_mut() = Some(id.clone());
        let now = js_sys::Date::new_0();
        self.merge(
            vec![Msg {
                id,
                seq: 0,
                text,
                mine: false,
                author: Some(agent_name).filter(|n| !n.trim().is_empty()),
                at: crate::text::clock(now.get_hours(), now.get_minutes()),
                files: Vec::new(),
            }],
            true,
        );
        if !self.open.get_untracked() {
            self.unread.update(|n| *n += 1);
        }
    }

    /// Tells the agents the visitor is typing, at most every 2 s.
    pub fn typing(&self) {
        let inner = self.inner();
        let now = js_sys::Date::now();
        if now - *inner.typing_sent_at.borrow() < 2_000.0 {
            return;
        }
        let Some((chat_id, _)) = self.ids() else {
            return;
        };
        let frame = object(&[
            ("type", JsValue::from_str("typing")),
            ("chat_id", JsValue::from_str(&chat_id)),
            ("is_typing", JsValue::TRUE),
        ]);
        if inner
            .socket
            .borrow()
            .as_ref()
            .is_some_and(|s| s.send(&frame))
        {
            *inner.typing_sent_at.borrow_mut() = now;
        }
    }

    /// Opens the chat's socket; on every (re)open asks for what it missed.
    fn connect(&self) {
        let Some((chat_id, token)) = self.ids() else {
            return;
        };
        let inner = self.inner();
        if inner.socket.borrow().is_some() {
            return;
        }
        let url = transport::socket_url(&inner.endpoint.api, &chat_id, &token);
        let chat = *self;
        let socket = transport::Socket::open(
            &url,
            move || {
                let inner = chat.inner();
                *inner.backoff_ms.borrow_mut() = 1_000;
                let resume = object(&[
                    ("type", JsValue::from_str("resume")),
                    (
                        "chats",
                        object(&[(&chat_id, JsValue::from_f64(chat.last_seq() as f64))]),
                    ),
                ]);
                if let Some(socket) = inner.socket.borrow().as_ref() {
                    socket.send(&resume);
                };
            },
            move |frame| chat.on_frame(&frame),
            move || chat.reconnect_later(),
        );
        *inner.socket.borrow_mut() = socket;
    }

    /// The socket closed: it (and its handlers) go, and a new one is tried after the
    /// backoff.
    fn reconnect_later(&self) {
        let inner = self.inner();
        let closed = inner.socket.borrow_mut().take();
        drop(closed);
        let delay = *inner.backoff_ms.borrow();
        *inner.backoff_ms.borrow_mut() = (delay * 2).min(60_000);
        let chat = *self;
        let retry = Closure::once_into_js(move || chat.connect());
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                retry.unchecked_ref(),
                delay,
            );
        }
    }

    fn on_frame(&self, frame: &JsValue) {
        match text(frame, "type").as_deref() {
            Some("message.created") => {
                if let Some(m) = self.parse_message(&field(frame, "message")) {
                    let fresh = self
                        .messages
                        .with_untracked(|all| !all.iter().any(|have| have.id == m.id));
                    if fresh && !m.mine {
                        self.agent_typing.set(false);
                        if !self.open.get_untracked() {
                            self.unread.update(|n| *n += 1);
                        }
                    }
                    self.merge(vec![m], true);
                    if self.open.get_untracked() {
                        self.mark_read();
                    }
                }
            }
            Some("chat.updated") => {
                let status = text(&field(frame, "chat"), "status");
                self.closed.set(status.as_deref() == Some("closed"));
            }
            Some("typing") if text(frame, "sender").as_deref() == Some("agent") => {
                let typing = field(frame, "is_typing").as_bool().unwrap_or(false);
                self.agent_typing.set(typing);
                if typing {
                    // A lost "stopped" must not leave the dots on forever.
                    let chat = *self;
                    let stop = Closure::once_into_js(move || chat.agent_typing.set(false));
                    if let Some(window) = web_sys::window() {
                        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                            stop.unchecked_ref(),
                            6_000,
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(id: &str, seq: f64, kind: &str) -> Wire {
        Wire {
            id: Some(id.into()),
            seq: Some(seq),
            text: Some(format!("text {id}")),
            sender_type: Some(kind.into()),
            ..Wire::default()
        }
    }

    fn msg(id: &str, seq: f64) -> Msg {
        wire(id, seq, "visitor").into_msg().unwrap()
    }

    #[test]
    fn a_message_needs_an_id_a_seq_and_a_sender() {
        assert!(wire("m1", 1.0, "visitor").into_msg().is_some());
        assert_eq!(
            Wire {
                id: None,
                ..wire("m1", 1.0, "agent")
            }
            .into_msg(),
            None
        );
        assert_eq!(
            Wire {
                seq: None,
                ..wire("m1", 1.0, "agent")
            }
            .into_msg(),
            None
        );
        assert_eq!(
            Wire {
                seq: Some(f64::NAN),
                ..wire("m1", 1.0, "agent")
            }
            .into_msg(),
            None
        );
        assert_eq!(
            Wire {
                sender_type: None,
                ..wire("m1", 1.0, "agent")
            }
            .into_msg(),
            None
        );
        let empty = Wire {
            text: None,
            ..wire("m1", 1.0, "agent")
        }
        .into_msg()
        .unwrap();
        assert_eq!(empty.text, "");
    }

    #[test]
    fn only_agents_replies_carry_a_name_and_times_read_as_a_clock() {
        let named = |kind: &str, name: &str| {
            Wire {
                sender_name: Some(name.into()),
                clock: Some((9, 5)),
                ..wire("m1", 3.0, kind)
            }
            .into_msg()
            .unwrap()
        };
        let reply = named("agent", "Dilnoza");
        assert_eq!(reply.author.as_deref(), Some("Dilnoza"));
        assert!(!reply.mine);
        assert_eq!(reply.at, "09:05");
        assert_eq!(named("agent", "  ").author, None);
        let own = named("visitor", "Ali");
        assert_eq!(own.author, None);
        assert!(own.mine);
        assert_eq!(wire("m2", 1.0, "system").into_msg().unwrap().at, "");
    }

    #[test]
    fn attachments_keep_only_http_urls() {
        let m = Wire {
            files: vec![
                (
                    Some("image".into()),
                    Some("https://files.x.uz/a.png".into()),
                ),
                (Some("file".into()), Some("javascript:alert(1)".into())),
                (None, Some("http://files.x.uz/b.pdf".into())),
                (Some("image".into()), None),
            ],
            ..wire("m1", 1.0, "agent")
        }
        .into_msg()
        .unwrap();
        assert_eq!(
            m.files,
            vec![
                File {
                    image: true,
                    url: "https://files.x.uz/a.png".into()
                },
                File {
                    image: false,
                    url: "http://files.x.uz/b.pdf".into()
                },
            ]
        );
    }

    #[test]
    fn merging_adds_each_message_once_in_seq_order() {
        let mut all = vec![msg("a", 1.0), msg("c", 3.0)];
        let added = merge_into(
            &mut all,
            vec![msg("d", 4.0), msg("b", 2.0), msg("c", 3.0), msg("d", 4.0)],
        );
        let ids = |v: &[Msg]| v.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&added), ["d", "b"]);
        assert_eq!(ids(&all), ["a", "b", "c", "d"]);
        assert!(merge_into(&mut all, vec![msg("a", 1.0)]).is_empty());
        assert_eq!(all.len(), 4);
    }

    #[test]
    fn failures_map_to_what_the_visitor_is_told() {
        let f = |status: u16, code: Option<&str>| {
            Trouble::of(&Failure {
                status,
                code: code.map(String::from),
            })
        };
        assert_eq!(f(429, Some("RATE-001")), Trouble::TooFast);
        assert_eq!(f(413, None), Trouble::TooLarge);
        assert_eq!(f(400, Some("FILE-002")), Trouble::TooLarge);
        assert_eq!(f(400, Some("FILE-003")), Trouble::WrongType);
        assert_eq!(f(0, None), Trouble::NotSent);
        assert_eq!(f(500, Some("SYS-001")), Trouble::NotSent);
        assert_eq!(f(400, Some("REQ-004")), Trouble::NotSent);
    }
}
