//! `Inbox`: one Durable Object per workspace holding its agents' feed sockets
//! (hibernating). It relays what happens in the workspace (new chats, chat changes, new
//! messages) and keeps presence: an agent with an open socket is online; when the last
//! one closes, the agent goes offline after a short grace period (an alarm), so a page
//! reload does not flap. Presence is written to `agents.status`, so `GET /agents` and
//! the widget's public config reflect it without asking this object.
//!
//! It is also the workspace's socket registry. Every socket (feed or room) is tagged with
//! who is on it (`agent:<id>`, `visitor:<id>`) and what opened it (`key:<hash>`,
//! `session:<hash>`). Before a room socket is accepted the worker `/claim`s it here,
//! which checks the bound (`domain::socket_bounds`) and records the room under each of
//! the socket's tags (storage key `rooms:<tag>`). `/revoke` closes this object's
//! sockets with the tags and forwards to exactly the rooms recorded for them, so a
//! revocation never scans every chat; a room `/release`s a tag when its last socket
//! with it closes. Counts are not kept: a bound is checked by asking
//! the recorded rooms how many open sockets they hold with the tag, so a socket that
//! closed without telling anyone is never counted, and rooms that answer 0 are dropped
//! from the record unless claimed within `socket_bounds::CLAIM_GRACE_MS` (a socket may be
//! on its way there).

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
use super::{Release, Revoke};
use crate::domain::socket_bounds;
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
                if !self.has_room_for(&info).await? {
                    return Response::error(ErrorCode::RateLimited.code(), 429);
                }
                let first = self.live_sockets(&info.id) == 0;
                let pair = WebSocketPair::new()?;
                let tags = info.tags();
                let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
                self.state.accept_websocket_with_tags(&pair.server, &tags);
                pair.server.serialize_attachment(&info)?;
                if first {
                    self.set_presence(&info, AgentStatus::Online).await?;
                }
                Response::from_websocket(pair.client)
            }
            "/claim" => {
                let info: SocketInfo = crate::objects::read_json(&mut req).await?;
                if !self.has_room_for(&info).await? {
                    return Response::error(ErrorCode::RateLimited.code(), 429);
                }
                let now = worker::Date::now().as_millis();
                for tag in info.tags() {
                    let mut rooms = self.rooms(&tag).await?;
                    if socket_bounds::claim(&mut rooms, &info.chat_id, now) {
                        self.state.storage().put(&rooms_key(&tag), &rooms).await?;
                    }
                }
                Response::empty()
            }
            "/revoke" => {
                let revoke: Revoke = crate::objects::read_json(&mut req).await?;
                let mut closed = super::close_tagged(&self.state, &revoke);
                let mut rooms = Vec::new();
                for tag in &revoke.tags {
                    for room in self.rooms(tag).await? {
                        if !rooms.contains(&room.chat_id) {
                            rooms.push(room.chat_id);
                        }
                    }
                    self.state.storage().delete(&rooms_key(tag)).await?;
                }
                let body = serde_json::to_string(&revoke)?;
                let sent = rooms
                    .iter()
                    .map(|room| self.ask_room(room, "/revoke", body.clone()));
                for (room, answer) in rooms.iter().zip(futures_util::future::join_all(sent).await) {
                    match answer {
                        Ok(n) => closed += n,
                        Err(e) => worker::console_error!("revoke in room {room}: {e}"),
                    }
                }
                Response::ok(closed.to_string())
            }
            "/release" => {
                // A room's close may race a claim of the same tag in the same room:
                // a room claimed within the grace keeps its record (`forget_empty`).
                let release: Release = crate::objects::read_json(&mut req).await?;
                let now = worker::Date::now().as_millis();
                for tag in &release.tags {
                    self.forget_empty(tag, &[release.chat_id.as_str()], now)
                        .await?;
                }
                Response::empty()
            }
            "/publish" => {
                let frame = req.text().await?;
                self.publish(&frame, None);
                Response::empty()
            }
            "/publish-all" => {
                let frames: Vec<String> = crate::objects::read_json(&mut req).await?;
                for frame in &frames {
                    self.publish(frame, None);
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
        if super::admit_frame(&ws, &message)?.is_none() {
            return Ok(());
        }
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

    /// Open feed sockets of an agent.
    fn live_sockets(&self, agent_id: &str) -> usize {
        super::live_with_tag(&self.state, &socket_bounds::agent_tag(agent_id)).len()
    }

    /// The rooms recorded as holding sockets with `tag`.
    async fn rooms(&self, tag: &str) -> Result<Vec<socket_bounds::RoomClaim>> {
        Ok(self
            .state
            .storage()
            .get(&rooms_key(tag))
            .await?
            .unwrap_or_default())
    }

    /// Drops `empty` rooms from `tag`'s record as it stands now: read afresh, since a
    /// claim may have renewed a room while the caller awaited its answer.
    async fn forget_empty(&self, tag: &str, empty: &[&str], now: u64) -> Result<()> {
        let mut rooms = self.rooms(tag).await?;
        if !socket_bounds::forget_empty(&mut rooms, empty, now) {
            return Ok(());
        }
        if rooms.is_empty() {
            self.state.storage().delete(&rooms_key(tag)).await.map(drop)
        } else {
            self.state.storage().put(&rooms_key(tag), &rooms).await
        }
    }

    /// Whether one more socket like `info` fits its bound: the feed's own sockets with
    /// the bound's tag plus each recorded room's. Rooms holding none are forgotten.
    async fn has_room_for(&self, info: &SocketInfo) -> Result<bool> {
        let (tag, limit) = info.bound();
        let mut open = super::live_with_tag(&self.state, &tag).len();
        let rooms = self.rooms(&tag).await?;
        let asked = rooms
            .iter()
            .map(|room| self.ask_room(&room.chat_id, "/count", tag.clone()));
        let mut empty = Vec::new();
        for (room, answer) in rooms
            .iter()
            .zip(futures_util::future::join_all(asked).await)
        {
            match answer {
                Ok(0) => empty.push(room.chat_id.as_str()),
                Ok(n) => open += n,
                // A room that cannot answer keeps its record and counts as full, so an
                // outage cannot lift the bound.
                Err(e) => {
                    worker::console_error!("count in room {}: {e}", room.chat_id);
                    open += limit;
                }
            }
        }
        if !empty.is_empty() {
            self.forget_empty(&tag, &empty, worker::Date::now().as_millis())
                .await?;
        }
        Ok(socket_bounds::has_room(open, limit))
    }

    /// Sends `body` to a chat's room at `path`; the room answers with a count.
    async fn ask_room(&self, chat_id: &str, path: &str, body: String) -> Result<usize> {
        let text = super::post_to(&self.env, "CHAT_ROOM", chat_id, path, body).await?;
        text.trim()
            .parse()
            .map_err(|_| worker::Error::RustError(format!("room {chat_id} answered {text}")))
    }

    async fn set_presence(&self, info: &SocketInfo, status: AgentStatus) -> Result<()> {
        let mut online: Vec<SocketInfo> = self
            .state
            .storage()
            .get("online")
            .await?
            .unwrap_or_default();
        let first = !online.iter().any(|o| o.id == info.id);
        if first {
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
            self.report_presence(info, true).await;
        } else if first {
            // Already "online" in the directory (a new owner starts so, and a status
            // may outlive a crash): the workspace's object must still hear of the
            // first socket, or it would never give this agent chats.
            #[derive(serde::Deserialize)]
            struct Status {
                status: String,
            }
            let now = store::first::<Status>(
                &db,
                "SELECT status FROM agents WHERE workspace_id = ?1 AND id = ?2",
                &[
                    JsValue::from(info.workspace_id.as_str()),
                    JsValue::from(info.id.as_str()),
                ],
            )
            .await
            .map_err(|e| worker::Error::RustError(format!("{:?}", e.cause)))?;
            if now.is_some_and(|s| s.status == "online") {
                self.report_presence(info, true).await;
            }
        }
        Ok(())
    }

    /// Tells the workspace's object who is online, for automatic assignment; the chats
    /// it gives the agent who came online are announced from here, the feed's own
    /// sockets first. A failure is logged: presence in D1 is already right, and the
    /// next chat or close gives the waiting chats out.
    async fn report_presence(&self, info: &SocketInfo, online: bool) {
        let state = crate::state::AppState::new(self.env.clone());
        let given =
            crate::services::assignment::presence(&state, &info.workspace_id, &info.id, online)
                .await;
        match given {
            Ok(given) => {
                for chat in &given {
                    if let Ok(frame) =
                        serde_json::to_string(&ServerFrame::ChatUpdated { chat: chat.clone() })
                    {
                        self.publish(&frame, None);
                    }
                }
                crate::services::assignment::announce_elsewhere(&state, &info.workspace_id, given)
                    .await;
            }
            Err(e) => {
                worker::console_error!("presence of {} for assignment: {:?}", info.id, e.cause)
            }
        }
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
            self.report_presence(info, false).await;
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

/// Where the rooms holding sockets with `tag` are recorded.
fn rooms_key(tag: &str) -> String {
    format!("rooms:{tag}")
}
