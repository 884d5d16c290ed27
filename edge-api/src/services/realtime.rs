//! Who may open a socket, and on what: with a chat id the socket joins that chat's
//! `ChatRoom` (messages, typing, receipts); without one an agent's socket joins the
//! workspace's `Inbox` (every chat's events and presence). Visitors reach only their own
//! chats. Agents come with a ticket from [`issue_ticket`] (60 s, one use: browsers
//! cannot set headers on a WebSocket) or, from servers, an API key.
//!
//! Each socket is tagged with who is on it and the credential that opened it (a ticket
//! carries its credential), and counted against `domain::socket_bounds`: a connection
//! over the bound is refused with 429 RATE-001 before the upgrade.

use axum::response::Response;
use shared_types::chats::SenderType;
use shared_types::error::ErrorCode;
use shared_types::realtime::{RealtimeTicket, TICKET_TTL_SECONDS};

use crate::auth::{visitor_from_token, Caller};
use crate::domain::ticket::{self, TicketClaims};
use crate::domain::{ids, time};
use crate::error::ApiError;
use crate::objects::chat_room::SocketInfo;
use crate::services::{chats, sockets};
use crate::state::AppState;
use crate::store;

/// What a socket's opener showed.
pub enum Opener {
    /// A visitor's token (`?token=`).
    VisitorToken(String),
    /// A ticket from [`issue_ticket`] (`?ticket=`).
    Ticket(String),
    /// An agent authenticated by its request (an API key).
    Agent(Caller),
}

pub fn issue_ticket(state: &AppState, caller: Caller) -> Result<RealtimeTicket, ApiError> {
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
    Ok(RealtimeTicket {
        ticket,
        expires_at: time::format(expires),
    })
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

/// Hands the upgrade to the chat's room (`chat_id`) or, for an agent without one, to the
/// workspace's feed. CHAT-001 for a chat that is not the opener's to see.
pub async fn connect(
    state: &AppState,
    opener: Opener,
    chat_id: Option<&str>,
) -> Result<Response, ApiError> {
    let (workspace_id, role, id, credential) = match opener {
        Opener::VisitorToken(token) => {
            let visitor = visitor_from_token(state, &token)?;
            crate::auth::refuse_blocked(state, &visitor).await?;
            (
                visitor.workspace_id,
                SenderType::Visitor,
                visitor.visitor_id,
                None,
            )
        }
        Opener::Ticket(ticket) => {
            let (workspace_id, agent_id, credential) = agent_from_ticket(state, &ticket).await?;
            (workspace_id, SenderType::Agent, agent_id, Some(credential))
        }
        Opener::Agent(caller) => (
            caller.workspace_id,
            SenderType::Agent,
            caller.agent_id,
            Some(caller.credential),
        ),
    };
    let info = |chat_id: &str| {
        serde_json::to_string(&SocketInfo {
            workspace_id: workspace_id.clone(),
            chat_id: chat_id.to_string(),
            role,
            id: id.clone(),
            typing_at: None,
            credential: credential.clone(),
            frames: Default::default(),
        })
        .map_err(|e| ApiError::internal(e.to_string()))
    };
    let Some(chat_id) = chat_id else {
        // The workspace feed is for agents.
        if role != SenderType::Agent {
            return Err(ErrorCode::ChatNotFound.into());
        }
        return sockets::join_feed(state, &workspace_id, &info("")?).await;
    };
    let chat_id = chats::parse_id(chat_id)?;
    let head = chats::head(&state.db()?, &workspace_id, &chat_id).await?;
    if role == SenderType::Visitor && head.visitor_id != id {
        return Err(ErrorCode::ChatNotFound.into());
    }
    sockets::join_room(state, &workspace_id, &chat_id, &info(chat_id.as_str())?).await
}
