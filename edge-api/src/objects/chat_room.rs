//! `ChatRoom`: one Durable Object per chat, holding that chat's WebSockets (the visitor's
//! and agents') with the Hibernation API, so a quiet room costs nothing and its sockets
//! survive the object being evicted. Everything a socket needs after a wake-up is in its
//! serialized attachment; the object keeps no other state in memory.
//!
//! The worker calls `/connect` (an authenticated upgrade) and `/broadcast` (a frame to
//! every socket, e.g. `message.created` after a message is stored). Sockets send
//! `resume` (catch-up from a `seq`), `typing` and `read`; anything else gets an `error`
//! frame and the socket stays open.

use serde::{Deserialize, Serialize};
use shared_types::chats::SenderType;
use shared_types::error::ErrorCode;
use shared_types::ids::ChatId;
use shared_types::realtime::{ClientFrame, ServerFrame};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket,
    WebSocketIncomingMessage, WebSocketPair,
};

use crate::store;

/// Who is on a socket; stored with it so it outlives hibernation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SocketInfo {
    pub workspace_id: String,
    pub chat_id: String,
    pub role: SenderType,
    pub id: String,
}

/// The header the worker puts the checked [`SocketInfo`] in.
pub const SOCKET_INFO_HEADER: &str = "x-chatflow-socket";

/// How many missed messages one `resume` replays; a client further behind pages
/// through `GET …/messages?after=`.
const MAX_REPLAY: u32 = 100;

#[durable_object]
pub struct ChatRoom {
    state: State,
    env: Env,
}

impl DurableObject for ChatRoom {
    fn new(state: State, env: Env) -> Self {
        Self { state, env }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let url = req.url()?;
        match url.path() {
            "/connect" => {
                // An upgrade request carries no body: who connects travels in a header.
                let info = req.headers().get(SOCKET_INFO_HEADER)?.unwrap_or_default();
                let info: SocketInfo = serde_json::from_str(&info)?;
                let pair = WebSocketPair::new()?;
                self.state
                    .accept_websocket_with_tags(&pair.server, &[info.role.as_str()]);
                pair.server.serialize_attachment(&info)?;
                Response::from_websocket(pair.client)
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
        let Some(info) = ws.deserialize_attachment::<SocketInfo>()? else {
            return ws.close(Some(1011), Some("lost socket state"));
        };
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
                self.relay(
                    &ws,
                    &ServerFrame::Typing {
                        chat_id,
                        sender: info.role,
                        is_typing,
                    },
                )
            }
            ClientFrame::Read { chat_id, seq } => {
                if !self.is_this_chat(&ws, &info, &chat_id)? {
                    return Ok(());
                }
                let db = self.env.d1("DB")?;
                let by_visitor = info.role == SenderType::Visitor;
                if let Err(e) =
                    store::chats::mark_read(&db, &info.workspace_id, &info.chat_id, by_visitor)
                        .await
                {
                    worker::console_error!("read receipt for {}: {:?}", info.chat_id, e.cause);
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
        // Complete the closing handshake; 1005/1006 cannot be sent back.
        let code = u16::try_from(code)
            .ok()
            .filter(|c| *c == 1000 || (3000..5000).contains(c));
        let _ = ws.close(code.or(Some(1000)), Some(reason));
        Ok(())
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> Result<()> {
        let _ = ws.close(Some(1011), Some("socket error"));
        Ok(())
    }
}

impl ChatRoom {
    /// Sends the messages after `after`, in `seq` order.
    async fn replay(&self, ws: &WebSocket, info: &SocketInfo, after: u64) -> Result<()> {
        let db = self.env.d1("DB")?;
        let messages =
            match store::messages::list_after(&db, &info.chat_id, after, MAX_REPLAY).await {
                Ok(messages) => messages,
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

fn send(ws: &WebSocket, frame: &ServerFrame) -> Result<()> {
    ws.send_with_str(serde_json::to_string(frame)?)
}
