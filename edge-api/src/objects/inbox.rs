//! `Inbox`: one Durable Object per workspace holding its agents' feed sockets
//! (hibernating). It relays what happens in the workspace (new chats, chat changes, new
//! messages) and keeps presence: an agent with an open socket is online; when the last
//! one closes, the agent goes offline after a short grace period (an alarm), so a page
//! reload does not flap. Presence is written to `agents.status`, so `GET /agents` and
//! the widget's public config reflect it without asking this object.

use shared_types::agents::AgentStatus;
use shared_types::error::ErrorCode;
use shared_types::ids::AgentId;
use shared_types::realtime::ServerFrame;
use wasm_bindgen::JsValue;
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket,
    WebSocketIncomingMessage, WebSocketPair,
};

use super::chat_room::{SocketInfo, SOCKET_INFO_HEADER};
use crate::store;

/// How long an agent without sockets still counts as online.
const GRACE_MS: i64 = 10_000;

#[durable_object]
pub struct Inbox {
    state: State,
    env: Env,
}

impl DurableObject for Inbox {
    fn new(state: State, env: Env) -> Self {
        Self { state, env }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let url = req.url()?;
        match url.path() {
            "/connect" => {
                let info = req.headers().get(SOCKET_INFO_HEADER)?.unwrap_or_default();
                let info: SocketInfo = serde_json::from_str(&info)?;
                let first = self.state.get_websockets_with_tag(&info.id).is_empty();
                let pair = WebSocketPair::new()?;
                self.state
                    .accept_websocket_with_tags(&pair.server, &[&info.id]);
                pair.server.serialize_attachment(&info)?;
                if first {
                    self.set_presence(&info, AgentStatus::Online).await?;
                }
                Response::from_websocket(pair.client)
            }
            "/publish" => {
                let frame = req.text().await?;
                self.publish(&frame, None);
                Response::empty()
            }
            _ => Response::error("not found", 404),
        }
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        _message: WebSocketIncomingMessage,
    ) -> Result<()> {
        // The feed is one-way; a chat's typing and receipts go through its room.
        let frame = serde_json::to_string(&ServerFrame::error(ErrorCode::Validation))?;
        ws.send_with_str(frame)
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        reason: String,
        _clean: bool,
    ) -> Result<()> {
        super::close_back(&ws, code, reason);
        self.schedule_offline_check().await
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> Result<()> {
        let _ = ws.close(Some(1011), Some("socket error"));
        self.schedule_offline_check().await
    }

    async fn alarm(&self) -> Result<Response> {
        // Agents seen online whose sockets are all gone now go offline.
        let online: Vec<SocketInfo> = self
            .state
            .storage()
            .get("online")
            .await?
            .unwrap_or_default();
        let mut still = Vec::new();
        for info in online {
            if self.live_sockets(&info.id) > 0 {
                still.push(info);
            } else {
                self.set_presence_offline(&info).await?;
            }
        }
        self.state.storage().put("online", &still).await?;
        Response::empty()
    }
}

impl Inbox {
    fn publish(&self, frame: &str, skip: Option<&WebSocket>) {
        for ws in self.state.get_websockets() {
            if Some(&ws) != skip {
                // A socket closing meanwhile is not the publisher's problem.
                let _ = ws.send_with_str(frame);
            }
        }
    }

    /// Open sockets of an agent (a closing one may still be listed while it closes).
    fn live_sockets(&self, agent_id: &str) -> usize {
        self.state
            .get_websockets_with_tag(agent_id)
            .iter()
            .filter(|ws| AsRef::<worker::web_sys::WebSocket>::as_ref(ws).ready_state() == 1)
            .count()
    }

    async fn set_presence(&self, info: &SocketInfo, status: AgentStatus) -> Result<()> {
        let mut online: Vec<SocketInfo> = self
            .state
            .storage()
            .get("online")
            .await?
            .unwrap_or_default();
        if !online.iter().any(|o| o.id == info.id) {
            online.push(info.clone());
            self.state.storage().put("online", &online).await?;
        }
        // An agent who chose "away" stays away while connected.
        let db = self.env.d1("DB")?;
        let changed = store::run(
            &db,
            "UPDATE agents SET status = 'online' WHERE workspace_id = ?1 AND id = ?2 AND status = 'offline'",
            &[JsValue::from(info.workspace_id.as_str()), JsValue::from(info.id.as_str())],
        )
        .await
        .map_err(|e| worker::Error::RustError(format!("{:?}", e.cause)))?;
        if changed > 0 {
            self.announce(&info.id, status)?;
        }
        Ok(())
    }

    async fn set_presence_offline(&self, info: &SocketInfo) -> Result<()> {
        let db = self.env.d1("DB")?;
        let changed = store::run(
            &db,
            "UPDATE agents SET status = 'offline' WHERE workspace_id = ?1 AND id = ?2 AND status = 'online'",
            &[JsValue::from(info.workspace_id.as_str()), JsValue::from(info.id.as_str())],
        )
        .await
        .map_err(|e| worker::Error::RustError(format!("{:?}", e.cause)))?;
        if changed > 0 {
            self.announce(&info.id, AgentStatus::Offline)?;
        }
        Ok(())
    }

    fn announce(&self, agent_id: &str, status: AgentStatus) -> Result<()> {
        let Ok(agent_id) = AgentId::parse(agent_id) else {
            return Ok(());
        };
        let frame = serde_json::to_string(&ServerFrame::Presence { agent_id, status })?;
        self.publish(&frame, None);
        Ok(())
    }

    async fn schedule_offline_check(&self) -> Result<()> {
        self.state.storage().set_alarm(GRACE_MS).await
    }
}
