//! Durable Objects, declared in wrangler.toml with SQLite storage: `ChatRoom` carries a
//! chat's sockets and writes its messages, `Inbox` a workspace's agent feed and
//! presence and the workspace's socket registry, `RateLimiter` one rate-limit budget,
//! `Workspace` a workspace's own database.

pub mod chat_room;
pub mod inbox;
pub mod rate_limiter;
pub mod workspace;

use serde::{Deserialize, Serialize};
use shared_types::error::ErrorCode;
use shared_types::realtime::ServerFrame;
use worker::{State, WebSocket, WebSocketIncomingMessage};

use crate::domain::socket_bounds;

/// Completes a closing handshake the client started, echoing its code where a server
/// may send it (1005 and 1006 may not be sent; they become 1000).
fn close_back(ws: &worker::WebSocket, code: usize, reason: String) {
    let code = u16::try_from(code)
        .ok()
        .filter(|c| *c == 1000 || (3000..5000).contains(c));
    // The socket may be gone already; there is no one left to tell.
    let _ = ws.close(code.or(Some(1000)), Some(reason));
}

/// What closes sockets: every socket carrying any of `tags` closes with 4001 and
/// `reason`. The worker sends it to a workspace's `Inbox`, which closes its own and
/// forwards it to each room its index names.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Revoke {
    pub tags: Vec<String>,
    pub reason: String,
}

/// What a room tells the workspace's registry when the last socket with each of `tags`
/// leaves it, so the registry's record of rooms stays as small as the open sockets.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Release {
    pub chat_id: String,
    pub tags: Vec<String>,
}

/// POSTs `body` to the object `name` of the binding at `path`; the answer's text.
async fn post_to(
    env: &worker::Env,
    binding: &str,
    name: &str,
    path: &str,
    body: String,
) -> worker::Result<String> {
    let stub = env.durable_object(binding)?.get_by_name(name)?;
    let mut init = worker::RequestInit::new();
    init.with_method(worker::Method::Post)
        .with_body(Some(body.into()));
    let req = worker::Request::new_with_init(&format!("https://object{path}"), &init)?;
    answer_text(stub.fetch_with_request(req).await?).await
}

/// `req`'s JSON body. `worker::Request::json` has the platform parse it into JS objects
/// that serde_wasm_bindgen then walks across the boundary a field at a time; one string
/// parsed here costs less, and is read by the same serde_json that wrote it.
pub async fn read_json<T: serde::de::DeserializeOwned>(
    req: &mut worker::Request,
) -> worker::Result<T> {
    let text = req.text().await?;
    Ok(serde_json::from_str(&text)?)
}

/// An object's answer as text, read by the platform in one promise.
/// `worker::Response::text` reads the body as a stream instead (a reader, and a promise
/// per chunk), which a CPU profile of a message's path put at 4 to 7% of the worker's
/// time across its three object calls.
pub async fn answer_text(res: worker::Response) -> worker::Result<String> {
    let raw: web_sys::Response = res.into();
    let text = wasm_bindgen_futures::JsFuture::from(raw.text()?).await?;
    Ok(text.as_string().unwrap_or_default())
}

/// Sockets of this object with `tag` that are open (a closing one may still be listed).
fn live_with_tag(state: &State, tag: &str) -> Vec<WebSocket> {
    state
        .get_websockets_with_tag(tag)
        .into_iter()
        .filter(|ws| AsRef::<worker::web_sys::WebSocket>::as_ref(ws).ready_state() == 1)
        .collect()
}

/// Closes this object's sockets named by `revoke`; returns how many.
fn close_tagged(state: &State, revoke: &Revoke) -> usize {
    let mut closed = 0;
    for tag in &revoke.tags {
        for ws in live_with_tag(state, tag) {
            // A socket that is already going needs no second close.
            if ws
                .close(
                    Some(socket_bounds::CLOSE_REVOKED),
                    Some(revoke.reason.as_str()),
                )
                .is_ok()
            {
                closed += 1;
            }
        }
    }
    closed
}

/// The socket's state, when its frame is within the bounds (size and rate) and may be
/// acted on. When it is not, the socket is told why and closed with 1008; a socket whose
/// attachment is gone is closed with 1011. The frame window lives in the attachment
/// (`frames`), so it survives hibernation; it is written back here.
fn admit_frame(
    ws: &WebSocket,
    message: &WebSocketIncomingMessage,
) -> worker::Result<Option<chat_room::SocketInfo>> {
    let Some(info) = ws.deserialize_attachment::<chat_room::SocketInfo>()? else {
        ws.close(Some(1011), Some("lost socket state"))?;
        return Ok(None);
    };
    let bytes = match message {
        WebSocketIncomingMessage::String(text) => text.len(),
        WebSocketIncomingMessage::Binary(data) => data.len(),
    };
    let (refusal, reason) = if !socket_bounds::frame_fits(bytes) {
        (ErrorCode::PayloadTooLarge, "frame too large")
    } else {
        let (frames, within) = info.frames.after_frame(worker::Date::now().as_millis());
        let info = chat_room::SocketInfo { frames, ..info };
        ws.serialize_attachment(&info)?;
        if within {
            return Ok(Some(info));
        }
        (ErrorCode::RateLimited, "too many frames")
    };
    let frame = serde_json::to_string(&ServerFrame::error(refusal))?;
    let _ = ws.send_with_str(frame);
    let _ = ws.close(Some(socket_bounds::CLOSE_POLICY), Some(reason));
    Ok(None)
}
