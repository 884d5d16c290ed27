//! `GET /v1/realtime?chat_id=…`: a WebSocket on one chat's `ChatRoom`. Visitors
//! authenticate with `?token=<visitor_token>` (browsers cannot set headers on a
//! WebSocket) and reach only their own chats; agents send their API key as
//! `Authorization: Bearer` (browser tickets come with the Inbox). The worker checks who
//! may join, then hands the upgrade to the room.

use axum::extract::{RawQuery, State};
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use shared_types::chats::SenderType;
use shared_types::error::ErrorCode;
use shared_types::ids::ChatId;
use shared_types::realtime::ServerFrame;
use worker::{Method, RequestInit};

use crate::auth::{visitor_from_token, Caller};
use crate::error::ApiError;
use crate::objects::chat_room::{SocketInfo, SOCKET_INFO_HEADER};
use crate::routes::chats::{load_head, parse_chat_id};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/realtime", get(connect))
}

#[derive(Deserialize)]
struct ConnectQuery {
    chat_id: String,
    token: Option<String>,
}

#[worker::send]
async fn connect(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    mut parts: Parts,
) -> Result<Response, ApiError> {
    let query: ConnectQuery = query
        .and_then(|q| serde_urlencoded::from_str(&q).ok())
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidQuery))?;
    let upgrade = parts
        .headers
        .get("upgrade")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if !upgrade {
        return Err(ApiError::with_details(
            ErrorCode::Validation,
            serde_json::json!({"fields": {"Upgrade": "must be websocket"}}),
        ));
    }
    let chat_id = parse_chat_id(&query.chat_id)?;
    let (workspace_id, role, id) = match &query.token {
        Some(token) => {
            let visitor = visitor_from_token(&state, token)?;
            (
                visitor.workspace_id,
                SenderType::Visitor,
                visitor.visitor_id,
            )
        }
        None => {
            let caller = <Caller as axum::extract::FromRequestParts<AppState>>::from_request_parts(
                &mut parts, &state,
            )
            .await?;
            (caller.workspace_id, SenderType::Agent, caller.agent_id)
        }
    };
    let head = load_head(&state.db()?, &workspace_id, &chat_id).await?;
    if role == SenderType::Visitor && head.visitor_id != id {
        return Err(ErrorCode::ChatNotFound.into());
    }
    let info = SocketInfo {
        workspace_id,
        chat_id: chat_id.as_str().to_string(),
        role,
        id,
    };
    let info = serde_json::to_string(&info).map_err(|e| ApiError::internal(e.to_string()))?;
    room_request(&state, &chat_id, "/connect", RoomBody::Upgrade(&info)).await
}

/// Sends `frame` to every socket of the chat's room. Delivery is best effort: the
/// message is stored already, and a client that missed it catches up with `resume`.
pub async fn broadcast(state: &AppState, chat_id: &ChatId, frame: &ServerFrame) {
    let body = match serde_json::to_string(frame) {
        Ok(body) => body,
        Err(e) => return worker::console_error!("encoding a frame: {e}"),
    };
    if let Err(e) = room_request(state, chat_id, "/broadcast", RoomBody::Frame(&body)).await {
        worker::console_error!("broadcast to {chat_id}: {:?}", e.cause);
    }
}

/// What the worker sends a room: an upgrade with the socket's identity, or a frame.
enum RoomBody<'a> {
    Upgrade(&'a str),
    Frame(&'a str),
}

async fn room_request(
    state: &AppState,
    chat_id: &ChatId,
    path: &str,
    body: RoomBody<'_>,
) -> Result<Response, ApiError> {
    let stub = state
        .chat_rooms()?
        .get_by_name(chat_id.as_str())
        .map_err(|e| ApiError::unavailable(format!("ChatRoom stub: {e}")))?;
    let headers = worker::Headers::new();
    let mut init = RequestInit::new();
    match body {
        RoomBody::Upgrade(info) => {
            headers.set("Upgrade", "websocket")?;
            headers.set(SOCKET_INFO_HEADER, info)?;
            init.with_method(Method::Get);
        }
        RoomBody::Frame(frame) => {
            init.with_method(Method::Post).with_body(Some(frame.into()));
        }
    }
    init.with_headers(headers);
    let req = worker::Request::new_with_init(&format!("https://chat-room{path}"), &init)?;
    let res = stub
        .fetch_with_request(req)
        .await
        .map_err(|e| ApiError::unavailable(format!("ChatRoom {path}: {e}")))?;
    let res: worker::HttpResponse = res.try_into()?;
    Ok(res.map(axum::body::Body::new))
}
