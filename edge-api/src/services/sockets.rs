//! The worker's side of the socket-holding objects: a chat's `ChatRoom` (its sockets,
//! and the one writer of its messages) and a workspace's `Inbox` (the agents' feed and
//! the workspace's socket registry). Everything here that only tells sockets is best
//! effort: what it announces is stored already, and a client that missed a frame catches
//! up with `resume`.
//!
//! [`close_sockets`] is how revoking a credential, removing or lowering an agent, or
//! blocking a visitor reaches every socket concerned (see the `Inbox`'s registry).

use axum::response::Response;
use shared_types::chats::ChatSummary;
use shared_types::error::ErrorCode;
use shared_types::ids::ChatId;
use shared_types::realtime::ServerFrame;
use worker::{Method, ObjectNamespace, RequestInit};

use crate::domain::socket_bounds;
use crate::error::ApiError;
use crate::objects::chat_room::{RoomAppend, SOCKET_INFO_HEADER};
use crate::objects::workspace::protocol::{Answer, Appended};
use crate::objects::Revoke;
use crate::state::AppState;

/// Sends `frame` to every socket of the chat's room.
pub async fn broadcast(state: &AppState, chat_id: &ChatId, frame: &ServerFrame) {
    post_logged(state.chat_rooms(), chat_id.as_str(), "/broadcast", frame).await;
}

/// Sends `frame` to every agent feed of the workspace.
pub async fn publish(state: &AppState, workspace_id: &str, frame: &ServerFrame) {
    post_logged(state.inboxes(), workspace_id, "/publish", frame).await;
}

/// Sends `frames` to every agent feed of the workspace, in order, in one call.
pub async fn publish_all(state: &AppState, workspace_id: &str, frames: &[ServerFrame]) {
    let texts: Vec<String> = frames
        .iter()
        .filter_map(|f| serde_json::to_string(f).ok())
        .collect();
    post_logged(state.inboxes(), workspace_id, "/publish-all", &texts).await;
}

/// Sends `message` as JSON to the object `name` at `path` and waits for its answer;
/// what the caller asked for is done already, so a failure is logged, not returned.
async fn post_logged(
    namespace: Result<ObjectNamespace, ApiError>,
    name: &str,
    path: &str,
    message: &impl serde::Serialize,
) {
    let body = match serde_json::to_string(message) {
        Ok(body) => body,
        Err(e) => return worker::console_error!("encoding for {path}: {e}"),
    };
    let sent = match namespace {
        Ok(ns) => object_call(ns, name, path, RoomBody::Frame(&body))
            .await
            .map(drop),
        Err(e) => Err(e),
    };
    if let Err(e) = sent {
        worker::console_error!("{path} to {name}: {:?}", e.cause);
    }
}

/// Whether the visitor has a socket open on the chat's room now.
pub async fn visitor_is_here(
    state: &AppState,
    chat_id: &str,
    visitor_id: &str,
) -> Result<bool, ApiError> {
    let tag = socket_bounds::visitor_tag(visitor_id);
    let res = object_call(
        state.chat_rooms()?,
        chat_id,
        "/count",
        RoomBody::Frame(&tag),
    )
    .await?;
    let text = crate::objects::answer_text(res)
        .await
        .map_err(|e| ApiError::unavailable(format!("room count: {e}")))?;
    text.trim()
        .parse::<usize>()
        .map(|n| n > 0)
        .map_err(|_| ApiError::unavailable(format!("room {chat_id} counted {text}")))
}

/// Has the chat's room store and broadcast a message; see [`ChatRoom`](crate::objects::chat_room).
pub async fn append(
    state: &AppState,
    chat_id: &ChatId,
    append: &RoomAppend,
) -> Result<Appended, ApiError> {
    let body = serde_json::to_string(append).map_err(|e| ApiError::internal(e.to_string()))?;
    let stub = state
        .chat_rooms()?
        .get_by_name(chat_id.as_str())
        .map_err(|e| ApiError::unavailable(format!("Durable Object stub: {e}")))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    let req = worker::Request::new_with_init("https://object/append", &init)?;
    let res = stub
        .fetch_with_request(req)
        .await
        .map_err(|e| ApiError::unavailable(format!("append to {chat_id}: {e}")))?;
    let status = res.status_code();
    let text = crate::objects::answer_text(res)
        .await
        .map_err(|e| ApiError::unavailable(format!("append to {chat_id}: {e}")))?;
    if status != 200 {
        // The room logged the cause; the client learns only that storage failed.
        return Err(match serde_json::from_str::<Answer<()>>(&text) {
            Ok(Answer::Failed { code, rate }) => Answer::error(&code, rate)
                .unwrap_or_else(|| ApiError::unavailable(format!("append to {chat_id}: {code}"))),
            _ => ApiError::unavailable(format!("append to {chat_id}: {text:.200}")),
        });
    }
    serde_json::from_str(&text).map_err(|e| ApiError::internal(format!("append to {chat_id}: {e}")))
}

/// Tells the workspace feed that a chat changed (created, new message, unread count).
pub async fn publish_chat(state: &AppState, workspace_id: &str, chat: ChatSummary) {
    publish(state, workspace_id, &ServerFrame::ChatUpdated { chat }).await;
}

/// Tells the feed and the chat's own room (its visitor) that a chat's status or
/// assignment changed.
pub async fn announce_chat(state: &AppState, workspace_id: &str, chat: ChatSummary) {
    let chat_id = chat.id.clone();
    let frame = ServerFrame::ChatUpdated { chat };
    publish(state, workspace_id, &frame).await;
    broadcast(state, &chat_id, &frame).await;
}

/// Closes every socket of the workspace tagged with any of `tags` (`key:<hash>`,
/// `session:<hash>`, `agent:<id>`, `visitor:<id>`) with 4001 and `reason`, and waits
/// until each holding object has closed them. The change that asks for it is stored
/// already, so a failure is logged rather than answered: those sockets then stay open
/// until they close, though their credential works nowhere else.
pub async fn close_sockets(state: &AppState, workspace_id: &str, tags: Vec<String>, reason: &str) {
    let revoke = Revoke {
        tags,
        reason: reason.to_string(),
    };
    post_logged(state.inboxes(), workspace_id, "/revoke", &revoke).await;
}

/// Hands a socket upgrade, tagged with who is on it (`info`, a serialised
/// `SocketInfo`), to the workspace's feed.
pub async fn join_feed(
    state: &AppState,
    workspace_id: &str,
    info: &str,
) -> Result<Response, ApiError> {
    object_request(
        state.inboxes()?,
        workspace_id,
        "/connect",
        RoomBody::Upgrade(info),
    )
    .await
    .or_else(with_retry_after)
}

/// Hands a socket upgrade to the chat's room. The workspace's registry checks the bound
/// and records the room before the room accepts, so a revocation that follows finds it.
pub async fn join_room(
    state: &AppState,
    workspace_id: &str,
    chat_id: &ChatId,
    info: &str,
) -> Result<Response, ApiError> {
    if let Err(refused) = object_call(
        state.inboxes()?,
        workspace_id,
        "/claim",
        RoomBody::Frame(info),
    )
    .await
    {
        return with_retry_after(refused);
    }
    object_request(
        state.chat_rooms()?,
        chat_id.as_str(),
        "/connect",
        RoomBody::Upgrade(info),
    )
    .await
}

/// A connection over its bound is a 429 like every other, with `Retry-After`.
fn with_retry_after(e: ApiError) -> Result<Response, ApiError> {
    if e.code != ErrorCode::RateLimited {
        return Err(e);
    }
    let mut res = axum::response::IntoResponse::into_response(e);
    res.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        socket_bounds::RETRY_AFTER_SECONDS.into(),
    );
    Ok(res)
}

/// What the worker sends a room: an upgrade with the socket's identity, or a frame.
enum RoomBody<'a> {
    Upgrade(&'a str),
    Frame(&'a str),
}

/// An upgrade (or any request whose answer goes back to the client) to the object named
/// `name` of a namespace, as axum's response.
async fn object_request(
    namespace: ObjectNamespace,
    name: &str,
    path: &str,
    body: RoomBody<'_>,
) -> Result<Response, ApiError> {
    let res: worker::HttpResponse = object_call(namespace, name, path, body).await?.try_into()?;
    Ok(res.map(axum::body::Body::new))
}

/// A request to the object named `name` of a namespace (a chat's room by chat id, an
/// inbox by workspace id); its answer as the platform gave it, so that a caller that
/// needs no body reads none (axum's conversion opens a stream reader on it).
async fn object_call(
    namespace: ObjectNamespace,
    name: &str,
    path: &str,
    body: RoomBody<'_>,
) -> Result<worker::Response, ApiError> {
    let stub = namespace
        .get_by_name(name)
        .map_err(|e| ApiError::unavailable(format!("Durable Object stub: {e}")))?;
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
    let req = worker::Request::new_with_init(&format!("https://object{path}"), &init)?;
    let res = stub
        .fetch_with_request(req)
        .await
        .map_err(|e| ApiError::unavailable(format!("Durable Object {path}: {e}")))?;
    if res.status_code() >= 400 {
        // An object refuses with a catalogue code (a bound: RATE-001); anything else is
        // its fault, logged there.
        let code = crate::objects::answer_text(res).await.unwrap_or_default();
        return Err(match ErrorCode::from_code(&code) {
            Some(code) => ApiError::new(code),
            None => ApiError::unavailable(format!("Durable Object {path}: {code}")),
        });
    }
    Ok(res)
}
