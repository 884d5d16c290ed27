//! `ChatRoom`: one Durable Object per chat, holding that chat's WebSockets (the visitor's
//! and agents') with the Hibernation API, so a quiet room costs nothing and its sockets
//! survive the object being evicted. Everything a socket needs after a wake-up is in its
//! serialized attachment; the object keeps no other state in memory.
//!
//! The room is the single writer of its chat's messages: the worker hands it a checked
//! message at `/append`, and the room stores appends one at a time (the workspace's
//! object gives the next `seq`) and broadcasts each before starting the next, so every socket sees the same
//! order, which is the order of `seq`. The worker also calls `/connect` (an
//! authenticated upgrade) and `/broadcast` (any other frame for every socket). Sockets send
//! `resume` (catch-up from a `seq`), `typing`, `read`, (visitors) `send`, a message
//! stored as the API stores it, and (visitors, with the typing
//! preview on) `draft`; anything else gets an `error`
//! frame and the socket stays open.

use serde::{Deserialize, Serialize};
use shared_types::chats::{ConversationMessage, SenderType};
use shared_types::error::ErrorCode;
use shared_types::ids::ChatId;
use shared_types::realtime::{ClientFrame, ServerFrame};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket,
    WebSocketIncomingMessage, WebSocketPair,
};

use super::Revoke;
use crate::domain::socket_bounds::{self, FrameWindow};
use crate::objects::workspace::client::WorkspaceDb;
use crate::objects::workspace::protocol::{
    Answer, Append, Appended, ChatOp, MessageOp, Opening, ReadOutcome, Request as Op,
};
use crate::services::messages;
use crate::state::AppState;

/// What `/append` asks: a checked message for the chat's workspace's object.
#[derive(Serialize, Deserialize)]
pub struct RoomAppend {
    pub workspace_id: String,
    pub append: Append,
}

/// Who is on a socket; stored with it so it outlives hibernation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SocketInfo {
    pub workspace_id: String,
    pub chat_id: String,
    pub role: SenderType,
    pub id: String,
    /// When this socket's last "is typing" was relayed (unix ms), for the throttle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typing_at: Option<u64>,
    /// The credential an agent's socket was opened with (`key:<hash>`,
    /// `session:<hash>`); none for a visitor, whose token is its identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
    /// The socket's frame count in the current second.
    #[serde(default)]
    pub frames: FrameWindow,
    /// A visitor's socket opened while the workspace's typing preview was on: its
    /// drafts go to the agents in the room. Off (the default), they are dropped.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub preview: bool,
    /// When this socket's last draft was relayed (unix ms), for the throttle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_at: Option<u64>,
}

impl SocketInfo {
    /// The tag naming who is on the socket: `agent:<id>` or `visitor:<id>`.
    pub fn owner_tag(&self) -> String {
        match self.role {
            SenderType::Visitor => socket_bounds::visitor_tag(&self.id),
            _ => socket_bounds::agent_tag(&self.id),
        }
    }

    /// The hibernation tags of the socket: who is on it and what opened it, so that
    /// removing the agent, blocking the visitor or revoking the credential finds it.
    pub fn tags(&self) -> Vec<String> {
        let mut tags = vec![self.owner_tag()];
        tags.extend(self.credential.clone());
        tags
    }

    /// The tag whose open sockets are counted against a bound, and the bound: a
    /// visitor's across its chats, an agent credential's across feed and rooms.
    pub fn bound(&self) -> (String, usize) {
        match (&self.role, &self.credential) {
            (SenderType::Visitor, _) | (_, None) => {
                (self.owner_tag(), socket_bounds::MAX_VISITOR_SOCKETS)
            }
            (_, Some(credential)) => (credential.clone(), socket_bounds::MAX_AGENT_SOCKETS),
        }
    }
}

/// A client repeats "is typing" on every keystroke; the other side needs it once per
/// this long (and every "stopped" at once).
const TYPING_EVERY_MS: u64 = 2_000;

/// The least time between two drafts relayed from one socket. The widget sends at most
/// [`shared_types::realtime::DRAFT_FRAMES_PER_SECOND`] a second; this leaves room for
/// two of its frames arriving closer together than they were sent.
const DRAFT_EVERY_MS: u64 = 1_000 / shared_types::realtime::DRAFT_FRAMES_PER_SECOND - 100;

/// The header the worker puts the checked [`SocketInfo`] in.
pub const SOCKET_INFO_HEADER: &str = "x-chatflow-socket";

/// How many missed messages one `resume` replays; a client further behind pages
/// through `GET …/messages?after=`.
const MAX_REPLAY: u32 = 100;

#[durable_object]
pub struct ChatRoom {
    state: State,
    env: Env,
    /// Held from an append's write to its broadcast. Awaiting the workspace's object lets other requests
    /// in; without this two appends could broadcast out of `seq` order. Only in-flight
    /// requests hold it, and an object with requests in flight is not evicted.
    appending: futures_util::lock::Mutex<()>,
}

impl DurableObject for ChatRoom {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            appending: futures_util::lock::Mutex::new(()),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let url = req.url()?;
        match url.path() {
            "/connect" => {
                // An upgrade request carries no body: who connects travels in a header.
                let info = req.headers().get(SOCKET_INFO_HEADER)?.unwrap_or_default();
                let info: SocketInfo = serde_json::from_str(&info)?;
                let pair = WebSocketPair::new()?;
                let tags = info.tags();
                let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
                self.state.accept_websocket_with_tags(&pair.server, &tags);
                pair.server.serialize_attachment(&info)?;
                Response::from_websocket(pair.client)
            }
            "/count" => {
                // The workspace's Inbox adds these up to bound a credential's sockets.
                let tag = req.text().await?;
                Response::ok(super::live_with_tag(&self.state, &tag).len().to_string())
            }
            "/revoke" => {
                let revoke: Revoke = crate::objects::read_json(&mut req).await?;
                Response::ok(super::close_tagged(&self.state, &revoke).to_string())
            }
            "/append" => {
                let append: RoomAppend = crate::objects::read_json(&mut req).await?;
                match self.append(&append).await {
                    Ok(stored) => Response::from_json(&stored),
                    Err(e) => {
                        // A closed or unknown chat is the caller's answer, not a fault.
                        if e.code.status() >= 500 {
                            worker::console_error!(
                                "append to {}: {:?}",
                                append.append.chat_id,
                                e.cause
                            );
                        }
                        Ok(Response::from_json(&Answer::failed(&e))?.with_status(e.code.status()))
                    }
                }
            }
            "/broadcast" => {
                let frame = req.text().await?;
                for ws in self.state.get_websockets() {
                    // A socket that is going away must not stop the others.
                    let _ = ws.send_with_str(&frame);
                }
                Response::empty()
            }
            _ => Response::error("not found", 404),
        }
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        let Some(info) = super::admit_frame(&ws, &message)? else {
            return Ok(());
        };
        // The attachment now holds the new frame window; later writes keep it.
        let info = ws.deserialize_attachment::<SocketInfo>()?.unwrap_or(info);
        let WebSocketIncomingMessage::String(text) = message else {
            return send(&ws, &ServerFrame::error(ErrorCode::MalformedJson));
        };
        let frame = match serde_json::from_str::<ClientFrame>(&text) {
            Ok(frame) => frame,
            Err(e) if e.is_syntax() || e.is_eof() => {
                return send(&ws, &ServerFrame::error(ErrorCode::MalformedJson));
            }
            Err(_) => return send(&ws, &ServerFrame::error(ErrorCode::Validation)),
        };
        match frame {
            ClientFrame::Resume { chats } => {
                for (chat_id, after) in chats {
                    if chat_id.as_str() == info.chat_id {
                        self.replay(&ws, &info, after).await?;
                    } else {
                        send(&ws, &ServerFrame::error(ErrorCode::ChatNotFound))?;
                    }
                }
                Ok(())
            }
            ClientFrame::Typing { chat_id, is_typing } => {
                if !self.is_this_chat(&ws, &info, &chat_id)? {
                    return Ok(());
                }
                let now = worker::Date::now().as_millis();
                if is_typing {
                    if info
                        .typing_at
                        .is_some_and(|at| now.saturating_sub(at) < TYPING_EVERY_MS)
                    {
                        return Ok(());
                    }
                    ws.serialize_attachment(&SocketInfo {
                        typing_at: Some(now),
                        ..info.clone()
                    })?;
                } else if info.typing_at.is_some() {
                    ws.serialize_attachment(&SocketInfo {
                        typing_at: None,
                        ..info.clone()
                    })?;
                }
                self.relay(
                    &ws,
                    &ServerFrame::Typing {
                        chat_id,
                        sender: info.role,
                        is_typing,
                    },
                )
            }
            ClientFrame::Draft { chat_id, text } => {
                if !self.is_this_chat(&ws, &info, &chat_id)? {
                    return Ok(());
                }
                // Agents have nothing to preview, and a visitor's draft goes nowhere
                // unless the workspace asked for it when the socket opened.
                if info.role != SenderType::Visitor || !info.preview {
                    return Ok(());
                }
                if text.chars().count() > shared_types::realtime::DRAFT_MAX_CHARS {
                    return send(&ws, &ServerFrame::error(ErrorCode::Validation));
                }
                let now = worker::Date::now().as_millis();
                let cleared = text.trim().is_empty();
                if !cleared
                    && info
                        .draft_at
                        .is_some_and(|at| now.saturating_sub(at) < DRAFT_EVERY_MS)
                {
                    return Ok(());
                }
                ws.serialize_attachment(&SocketInfo {
                    draft_at: Some(now),
                    ..info.clone()
                })?;
                let text = if cleared { String::new() } else { text };
                self.relay_to_agents(&ServerFrame::TypingPreview { chat_id, text })
            }
            ClientFrame::Send {
                chat_id,
                reference,
                text,
            } => {
                if !self.is_this_chat(&ws, &info, &chat_id)? {
                    return Ok(());
                }
                if reference.is_empty()
                    || reference.chars().count() > shared_types::realtime::SEND_REF_MAX_CHARS
                {
                    return send(&ws, &ServerFrame::error(ErrorCode::Validation));
                }
                // An agent's message names its author, which the socket does not hold:
                // agents send through the API.
                if info.role != SenderType::Visitor {
                    return send(
                        &ws,
                        &ServerFrame::refused(ErrorCode::AuthForbidden, &reference),
                    );
                }
                let answer = match self.send_from_visitor(&info, text.as_str()).await {
                    Ok(stored) => ServerFrame::Sent {
                        reference,
                        message: stored.message,
                    },
                    Err(code) => ServerFrame::refused(code, &reference),
                };
                send(&ws, &answer)
            }
            ClientFrame::Read { chat_id, seq } => {
                if !self.is_this_chat(&ws, &info, &chat_id)? {
                    return Ok(());
                }
                let read = Op::Chats(ChatOp::MarkRead {
                    chat_id: info.chat_id.clone(),
                    by_visitor: info.role == SenderType::Visitor,
                    visitor_id: None,
                    seq: Some(seq),
                });
                match self.workspace(&info.workspace_id).call(&read).await {
                    Ok(ReadOutcome::Read { .. }) => {}
                    Ok(ReadOutcome::Beyond) => {
                        return send(&ws, &ServerFrame::error(ErrorCode::Validation))
                    }
                    Ok(ReadOutcome::NoChat) => {
                        return send(&ws, &ServerFrame::error(ErrorCode::ChatNotFound))
                    }
                    Err(e) => {
                        worker::console_error!("read receipt for {}: {:?}", info.chat_id, e.cause);
                        return send(&ws, &ServerFrame::error(ErrorCode::Unavailable));
                    }
                }
                self.relay(
                    &ws,
                    &ServerFrame::Read {
                        chat_id,
                        reader: info.role,
                        seq,
                    },
                )
            }
        }
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        reason: String,
        _clean: bool,
    ) -> Result<()> {
        super::close_back(&ws, code, reason);
        self.release(&ws).await;
        Ok(())
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> Result<()> {
        let _ = ws.close(Some(1011), Some("socket error"));
        self.release(&ws).await;
        Ok(())
    }
}

impl ChatRoom {
    /// Tells the workspace's registry which of a closed socket's tags this room holds no
    /// more. Best effort: a record left behind costs a revocation one call to an empty
    /// room, and the bound's count asks the rooms themselves.
    async fn release(&self, ws: &WebSocket) {
        let Ok(Some(info)) = ws.deserialize_attachment::<SocketInfo>() else {
            return;
        };
        let tags: Vec<String> = info
            .tags()
            .into_iter()
            .filter(|tag| super::live_with_tag(&self.state, tag).is_empty())
            .collect();
        if tags.is_empty() {
            return;
        }
        let release = super::Release {
            chat_id: info.chat_id.clone(),
            tags,
        };
        let sent = match serde_json::to_string(&release) {
            Ok(body) => super::post_to(&self.env, "INBOX", &info.workspace_id, "/release", body)
                .await
                .map(drop),
            Err(e) => Err(e.into()),
        };
        if let Err(e) = sent {
            worker::console_error!("release in {}: {e}", info.workspace_id);
        }
    }

    /// The workspace's object, where the chat's rows are.
    fn workspace(&self, workspace_id: &str) -> WorkspaceCall {
        WorkspaceCall {
            state: AppState::new(self.env.clone()),
            workspace_id: workspace_id.to_string(),
        }
    }

    /// Stores the message and broadcasts it before any later append does.
    async fn append(
        &self,
        append: &RoomAppend,
    ) -> std::result::Result<Appended, crate::error::ApiError> {
        let _turn = self.appending.lock().await;
        let stored: Appended = self
            .workspace(&append.workspace_id)
            .call(&Op::Messages(MessageOp::Append(append.append.clone())))
            .await?;
        let frame = serde_json::to_string(&ServerFrame::MessageCreated {
            chat_id: stored.message.chat_id.clone(),
            message: stored.message.clone(),
        })
        .map_err(|e| crate::error::ApiError::internal(e.to_string()))?;
        for ws in self.state.get_websockets() {
            let _ = ws.send_with_str(&frame);
        }
        Ok(stored)
    }

    /// A `send` frame's message: what `POST /v1/visitor/chats/{id}/messages` does with
    /// a text, from the same budget, without the request. The socket was opened with
    /// the visitor's token for this chat, and blocking the visitor closes it.
    async fn send_from_visitor(
        &self,
        info: &SocketInfo,
        text: &str,
    ) -> std::result::Result<Appended, ErrorCode> {
        let state = AppState::new(self.env.clone());
        let chat_id: ChatId = info.chat_id.parse().map_err(|_| ErrorCode::ChatNotFound)?;
        let author = messages::Author {
            kind: SenderType::Visitor,
            id: &info.id,
            name: None,
        };
        let mut append = messages::room_append(
            &state,
            &info.workspace_id,
            &chat_id,
            author,
            text,
            "[]".to_string(),
            Some(Opening::Reopen),
        );
        // The visitor's budget, shared with their REST requests, is spent by the same
        // call that stores the message (`services::budgets`).
        append.append.charge = true;
        let stored = match self.append(&append).await {
            Ok(stored) => stored,
            Err(e) => {
                if e.code.status() >= 500 {
                    worker::console_error!("send to {}: {:?}", info.chat_id, e.cause);
                }
                return Err(e.code);
            }
        };
        let (after, workspace_id, done) = (state, info.workspace_id.clone(), stored.clone());
        // The sender's answer goes out first; the feed, webhooks and assignment follow
        // within the same event, as the API's `after_response` does for the POST.
        self.state.wait_until(async move {
            let reopened = done.reopened;
            messages::announce(&after, &workspace_id, done).await;
            if reopened {
                crate::webhooks::chat_reopened(&after, &workspace_id, &chat_id).await;
            }
        });
        Ok(stored)
    }

    /// Sends the messages after `after`, in `seq` order.
    async fn replay(&self, ws: &WebSocket, info: &SocketInfo, after: u64) -> Result<()> {
        let list = Op::Messages(MessageOp::List {
            chat_id: info.chat_id.clone(),
            visitor_id: None,
            after,
            limit: MAX_REPLAY,
        });
        let messages = match self
            .workspace(&info.workspace_id)
            .call::<Option<Vec<ConversationMessage>>>(&list)
            .await
        {
            Ok(messages) => messages.unwrap_or_default(),
            Err(e) => {
                worker::console_error!("replay of {}: {:?}", info.chat_id, e.cause);
                return send(ws, &ServerFrame::error(ErrorCode::Unavailable));
            }
        };
        for message in messages {
            send(
                ws,
                &ServerFrame::MessageCreated {
                    chat_id: message.chat_id.clone(),
                    message,
                },
            )?;
        }
        Ok(())
    }

    /// A frame naming another chat gets CHAT-001: a socket only ever speaks for its own.
    fn is_this_chat(&self, ws: &WebSocket, info: &SocketInfo, chat_id: &ChatId) -> Result<bool> {
        if chat_id.as_str() == info.chat_id {
            Ok(true)
        } else {
            send(ws, &ServerFrame::error(ErrorCode::ChatNotFound))?;
            Ok(false)
        }
    }

    /// Sends a frame to every other socket of the room.
    /// Sends `frame` to the agents' sockets of the room only.
    fn relay_to_agents(&self, frame: &ServerFrame) -> Result<()> {
        let text = serde_json::to_string(frame)?;
        for ws in self.state.get_websockets() {
            let agent = ws
                .deserialize_attachment::<SocketInfo>()
                .ok()
                .flatten()
                .is_some_and(|i| i.role != SenderType::Visitor);
            if agent {
                let _ = ws.send_with_str(&text);
            }
        }
        Ok(())
    }

    fn relay(&self, from: &WebSocket, frame: &ServerFrame) -> Result<()> {
        let text = serde_json::to_string(frame)?;
        for ws in self.state.get_websockets() {
            if &ws != from {
                let _ = ws.send_with_str(&text);
            }
        }
        Ok(())
    }
}

/// A call to a workspace's object from inside a room, which has no request state.
struct WorkspaceCall {
    state: AppState,
    workspace_id: String,
}

impl WorkspaceCall {
    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        op: &Op,
    ) -> std::result::Result<T, crate::error::ApiError> {
        WorkspaceDb::of(&self.state, &self.workspace_id)?
            .call(op)
            .await
    }
}

fn send(ws: &WebSocket, frame: &ServerFrame) -> Result<()> {
    ws.send_with_str(serde_json::to_string(frame)?)
}
