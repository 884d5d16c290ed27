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
use crate::objects::workspace::client::WorkspaceDb;
use crate::objects::workspace::protocol::{Request, TicketOp};
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
    // The claims name the workspace, so the spent nonce is kept in its own database.
    let fresh: bool = WorkspaceDb::of(state, &claims.workspace_id)?
        .call(&Request::Tickets(TicketOp::Spend {
            nonce: claims.nonce.clone(),
            expires_at: time::format(expires),
        }))
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
    // A visitor's drafts reach the agents only if the workspace asks for it now.
    let preview = role == SenderType::Visitor
        && chat_id.is_some()
        && crate::services::widget::typing_preview(state, &workspace_id).await?;
    let info = |chat_id: &str| {
        serde_json::to_string(&SocketInfo {
            workspace_id: workspace_id.clone(),
            chat_id: chat_id.to_string(),
            role,
            id: id.clone(),
            typing_at: None,
            credential: credential.clone(),
            frames: Default::default(),
            preview,
            draft_at: None,
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
    let head = chats::head(state, &workspace_id, &chat_id).await?;
    if role == SenderType::Visitor && head.visitor_id != id {
        return Err(ErrorCode::ChatNotFound.into());
    }
    sockets::join_room(state, &workspace_id, &chat_id, &info(chat_id.as_str())?).await
}

/// Spent tickets, kept in the workspace's object until they would have expired anyway.
pub mod object {
    use chrono::{DateTime, Utc};
    use worker::SqlStorage;

    use crate::domain::time;
    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::TicketOp;
    use crate::objects::workspace::sql::{earliest, run, written};

    pub fn handle(sql: &SqlStorage, op: TicketOp) -> Result<String, ApiError> {
        match op {
            TicketOp::Spend { nonce, expires_at } => {
                let fresh = written(
                    sql,
                    "INSERT INTO used_tickets (nonce, expires_at) VALUES (?1, ?2)
                     ON CONFLICT (nonce) DO NOTHING
                     RETURNING nonce AS id",
                    vec![nonce.into(), expires_at.into()],
                )?;
                answer(fresh == 1)
            }
        }
    }

    /// Deletes the nonces of tickets past their expiry: those are refused anyway.
    pub fn sweep(sql: &SqlStorage, now: DateTime<Utc>) -> Result<(), ApiError> {
        run(
            sql,
            "DELETE FROM used_tickets WHERE expires_at < ?",
            vec![time::format(now).into()],
        )
    }

    /// When the first spent ticket expires, if there is one.
    pub fn next_expiry(sql: &SqlStorage) -> Result<Option<DateTime<Utc>>, ApiError> {
        earliest(sql, "SELECT MIN(expires_at) AS at FROM used_tickets")
    }
}
