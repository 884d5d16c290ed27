//! `GET /v1/realtime`: WebSockets. With `?chat_id=` the socket joins that chat's
//! `ChatRoom` (messages, typing, receipts); without it an agent's socket joins the
//! workspace's `Inbox` (every chat's events and presence). Visitors authenticate with
//! `?token=<visitor_token>` and reach only their own chats; agents with `?ticket=` from
//! `POST /v1/realtime/tickets` (60 s, one use: browsers cannot set headers on a
//! WebSocket) or, from servers, `Authorization: Bearer <api key>`. The worker checks who
//! may join, then hands the upgrade to the object.
//!
//! Each socket is tagged with who is on it and the credential that opened it (a ticket
//! carries its credential), and counted against `domain::socket_bounds`: a connection
//! over the bound is refused with 429 RATE-001 before the upgrade. [`close_sockets`]
//! is how revoking a credential, removing or lowering an agent, or blocking a visitor
//! reaches every socket concerned (see the `Inbox`'s registry).

use axum::extract::{RawQuery, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use shared_types::chats::{ConversationMessage, SenderType};
use shared_types::error::ErrorCode;
use shared_types::ids::ChatId;
use shared_types::realtime::{RealtimeTicket, ServerFrame, TICKET_TTL_SECONDS};
use worker::{Method, ObjectNamespace, RequestInit};

use crate::auth::{visitor_from_token, Caller};
use crate::domain::ticket::{self, TicketClaims};
use crate::domain::{ids, socket_bounds, time};
use crate::error::ApiError;
use crate::objects::chat_room::{Append, SocketInfo, SOCKET_INFO_HEADER};
use crate::objects::Revoke;
use crate::routes::chats::{load_head, parse_chat_id};
use crate::state::AppState;
use crate::store;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/realtime", get(connect))
        .route("/v1/realtime/tickets", post(issue_ticket))
}

#[derive(Deserialize)]
struct ConnectQuery {
    chat_id: Option<String>,
    token: Option<String>,
    ticket: Option<String>,
}

#[worker::send]
async fn issue_ticket(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<(StatusCode, Json<RealtimeTicket>), ApiError> {
    let secret = state.token_secret()?;
    let expires = time::now() + chrono::Duration::seconds(TICKET_TTL_SECONDS as i64);
    let ticket = ticket::issue(
        secret.as_bytes(),
        &TicketClaims {
            workspace_id: caller.workspace_id,
            agent_id: caller.agent_id,
            expires_at: expires.timestamp(),
            nonce: ids::suffix(),
            credential: caller.credential,
        },
    );
    Ok((
        StatusCode::CREATED,
        Json(RealtimeTicket {
            ticket,
            expires_at: time::format(expires),
        }),
    ))
}

/// The workspace, agent and credential behind a ticket, spending it: AUTH-008 when
/// forged, expired or used, or when the credential that asked for it no longer works
/// (a ticket must not outlive a revocation by its 60 s).
async fn agent_from_ticket(
    state: &AppState,
    raw: &str,
) -> Result<(String, String, String), ApiError> {
    let secret = state.token_secret()?;
    let now = time::now();
    let claims =
        ticket::read(secret.as_bytes(), raw, now.timestamp()).ok_or(ErrorCode::AuthTicket)?;
    let expires = chrono::DateTime::from_timestamp(claims.expires_at, 0).unwrap_or(now);
    let fresh = store::tickets::spend(
        &state.db()?,
        &claims.nonce,
        &time::format(expires),
        &time::format(now),
    )
    .await?;
    if !fresh || !credential_works(state, &claims.credential).await? {
        return Err(ErrorCode::AuthTicket.into());
    }
    Ok((claims.workspace_id, claims.agent_id, claims.credential))
}

/// Whether a credential tag (`key:<hash>`, `session:<hash>`) still authenticates.
async fn credential_works(state: &AppState, credential: &str) -> Result<bool, ApiError> {
    let db = state.db()?;
    Ok(match credential.split_once(':') {
        Some(("key", hash)) => store::api_keys::owner_by_hash(&db, hash)
            .await?
            .is_some_and(|owner| owner.revoked_at.is_none()),
        Some(("session", hash)) => store::sessions::owner(&db, hash, &time::now_rfc3339())
            .await?
            .is_some(),
        _ => false,
    })
}

#[worker::send]
async fn connect(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    mut parts: Parts,
) -> Result<Response, ApiError> {
    let query: ConnectQuery = serde_urlencoded::from_str(query.as_deref().unwrap_or_default())
        .map_err(|_| ApiError::new(ErrorCode::InvalidQuery))?;
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
    let (workspace_id, role, id, credential) = match (&query.token, &query.ticket) {
        (Some(token), _) => {
            let visitor = visitor_from_token(&state, token)?;
            crate::auth::refuse_blocked(&state, &visitor).await?;
            (
                visitor.workspace_id,
                SenderType::Visitor,
                visitor.visitor_id,
                None,
            )
        }
        (None, Some(ticket)) => {
            let (workspace_id, agent_id, credential) = agent_from_ticket(&state, ticket).await?;
            (workspace_id, SenderType::Agent, agent_id, Some(credential))
        }
        (None, None) => {
            let caller = <Caller as axum::extract::FromRequestParts<AppState>>::from_request_parts(
                &mut parts, &state,
            )
            .await?;
            (
                caller.workspace_id,
                SenderType::Agent,
                caller.agent_id,
                Some(caller.credential),
            )
        }
    };
    let Some(chat_id) = &query.chat_id else {
        // The workspace feed is for agents.
        if role != SenderType::Agent {
            return Err(ErrorCode::ChatNotFound.into());
        }
        let info = SocketInfo {
            workspace_id: workspace_id.clone(),
            chat_id: String::new(),
            role,
            id,
            typing_at: None,
            credential,
            frames: Default::default(),
        };
        let info = serde_json::to_string(&info).map_err(|e| ApiError::internal(e.to_string()))?;
        return object_request(
            state.inboxes()?,
            &workspace_id,
            "/connect",
            RoomBody::Upgrade(&info),
        )
        .await
        .or_else(with_retry_after);
    };
    let chat_id = parse_chat_id(chat_id)?;
    let head = load_head(&state.db()?, &workspace_id, &chat_id).await?;
    if role == SenderType::Visitor && head.visitor_id != id {
        return Err(ErrorCode::ChatNotFound.into());
    }
    let info = SocketInfo {
        workspace_id: workspace_id.clone(),
        chat_id: chat_id.as_str().to_string(),
        role,
        id,
        typing_at: None,
        credential,
        frames: Default::default(),
    };
    let info = serde_json::to_string(&info).map_err(|e| ApiError::internal(e.to_string()))?;
    // The workspace's registry checks the bound and records the room before the room
    // accepts, so a revocation that follows finds it.
    if let Err(refused) = object_request(
        state.inboxes()?,
        &workspace_id,
        "/claim",
        RoomBody::Frame(&info),
    )
    .await
    {
        return with_retry_after(refused);
    }
    object_request(
        state.chat_rooms()?,
        chat_id.as_str(),
        "/connect",
        RoomBody::Upgrade(&info),
    )
    .await
}

/// Sends `frame` to every socket of the chat's room. Delivery is best effort: the
/// message is stored already, and a client that missed it catches up with `resume`.
pub async fn broadcast(state: &AppState, chat_id: &ChatId, frame: &ServerFrame) {
    deliver(state.chat_rooms(), chat_id.as_str(), "/broadcast", frame).await;
}

/// Sends a frame to the object `name` at `path`; failures are logged, not returned.
async fn deliver(
    namespace: Result<ObjectNamespace, ApiError>,
    name: &str,
    path: &str,
    frame: &ServerFrame,
) {
    let body = match serde_json::to_string(frame) {
        Ok(body) => body,
        Err(e) => return worker::console_error!("encoding a frame: {e}"),
    };
    let sent = match namespace {
        Ok(ns) => object_request(ns, name, path, RoomBody::Frame(&body)).await,
        Err(e) => Err(e),
    };
    if let Err(e) = sent {
        worker::console_error!("{path} to {name}: {:?}", e.cause);
    }
}

/// Has the chat's room store and broadcast a message; see [`ChatRoom`](crate::objects::chat_room).
pub async fn append(
    state: &AppState,
    chat_id: &ChatId,
    append: &Append,
) -> Result<ConversationMessage, ApiError> {
    let body = serde_json::to_string(append).map_err(|e| ApiError::internal(e.to_string()))?;
    let stub = state
        .chat_rooms()?
        .get_by_name(chat_id.as_str())
        .map_err(|e| ApiError::unavailable(format!("Durable Object stub: {e}")))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    let req = worker::Request::new_with_init("https://object/append", &init)?;
    let mut res = stub
        .fetch_with_request(req)
        .await
        .map_err(|e| ApiError::unavailable(format!("append to {chat_id}: {e}")))?;
    if res.status_code() != 200 {
        // The room logged the cause; the client learns only that storage failed.
        let code = res.text().await.unwrap_or_default();
        return Err(match ErrorCode::from_code(&code) {
            Some(code) => ApiError::new(code),
            None => ApiError::unavailable(format!("append to {chat_id}: {code}")),
        });
    }
    res.json()
        .await
        .map_err(|e| ApiError::internal(format!("append to {chat_id}: {e}")))
}

/// Sends `frame` to every agent feed of the workspace, best effort like [`broadcast`].
pub async fn publish(state: &AppState, workspace_id: &str, frame: &ServerFrame) {
    deliver(state.inboxes(), workspace_id, "/publish", frame).await;
}

/// Tells the workspace feed that a chat changed (created, new message, unread count).
pub async fn publish_chat(
    state: &AppState,
    db: &worker::D1Database,
    workspace_id: &str,
    chat_id: &ChatId,
) {
    if let Some(frame) = chat_updated(db, workspace_id, chat_id).await {
        publish(state, workspace_id, &frame).await;
    }
}

/// Tells the feed and the chat's own room (its visitor) that a chat's status or
/// assignment changed.
pub async fn announce_chat(
    state: &AppState,
    db: &worker::D1Database,
    workspace_id: &str,
    chat_id: &ChatId,
) {
    if let Some(frame) = chat_updated(db, workspace_id, chat_id).await {
        publish(state, workspace_id, &frame).await;
        broadcast(state, chat_id, &frame).await;
    }
}

async fn chat_updated(
    db: &worker::D1Database,
    workspace_id: &str,
    chat_id: &ChatId,
) -> Option<ServerFrame> {
    match crate::store::chats::summary(db, workspace_id, chat_id.as_str()).await {
        Ok(chat) => chat.map(|chat| ServerFrame::ChatUpdated { chat }),
        Err(e) => {
            worker::console_error!("summary of {chat_id}: {:?}", e.cause);
            None
        }
    }
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

/// Closes every socket of the workspace tagged with any of `tags` (`key:<hash>`,
/// `session:<hash>`, `agent:<id>`, `visitor:<id>`) with 4001 and `reason`, and waits
/// until each holding object has closed them. The change that asks for it is stored
/// already, so a failure is logged rather than answered: those sockets then stay open
/// until they close, though their credential works nowhere else.
pub async fn close_sockets(state: &AppState, workspace_id: &str, tags: Vec<String>, reason: &str) {
    let body = match serde_json::to_string(&Revoke {
        tags,
        reason: reason.to_string(),
    }) {
        Ok(body) => body,
        Err(e) => return worker::console_error!("encoding a revocation: {e}"),
    };
    let sent = match state.inboxes() {
        Ok(ns) => object_request(ns, workspace_id, "/revoke", RoomBody::Frame(&body)).await,
        Err(e) => Err(e),
    };
    if let Err(e) = sent {
        worker::console_error!("revoking sockets in {workspace_id}: {:?}", e.cause);
    }
}

/// What the worker sends a room: an upgrade with the socket's identity, or a frame.
enum RoomBody<'a> {
    Upgrade(&'a str),
    Frame(&'a str),
}

/// A request to the object named `name` of a namespace (a chat's room by chat id, an
/// inbox by workspace id).
async fn object_request(
    namespace: ObjectNamespace,
    name: &str,
    path: &str,
    body: RoomBody<'_>,
) -> Result<Response, ApiError> {
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
    let mut res = stub
        .fetch_with_request(req)
        .await
        .map_err(|e| ApiError::unavailable(format!("Durable Object {path}: {e}")))?;
    if res.status_code() >= 400 {
        // An object refuses with a catalogue code (a bound: RATE-001); anything else is
        // its fault, logged there.
        let code = res.text().await.unwrap_or_default();
        return Err(match ErrorCode::from_code(&code) {
            Some(code) => ApiError::new(code),
            None => ApiError::unavailable(format!("Durable Object {path}: {code}")),
        });
    }
    let res: worker::HttpResponse = res.try_into()?;
    Ok(res.map(axum::body::Body::new))
}
