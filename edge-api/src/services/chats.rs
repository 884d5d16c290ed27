//! Chats: the agents' inbox and a chat's detail, its status, assignee, tags and notes,
//! read receipts, the visitor's own chats, starting one and rating it. A chat's messages
//! are [`crate::services::messages`].
//!
//! A chat's detail adds two fields to the spec's example, at its top level: `page_url`,
//! the page the visitor started the chat on (a property of the chat, not of the visitor,
//! who may start another elsewhere), and `visitor_read_seq`, what the visitor has read,
//! so agents can show "Seen".

use axum::http::request::Parts;
use shared_types::chats::{
    ChatDetail, ChatSummary, ListChatsQuery, SendMessageRequest, SenderType, UpdateChatRequest,
};
use shared_types::error::{ErrorCode, FieldErrors};
use shared_types::ids::ChatId;
use shared_types::pagination::{ListResponse, Pagination};
use shared_types::realtime::ServerFrame;
use shared_types::visitor::{RatingRequest, StartChatRequest, StartedChat};
use worker::D1Database;

use crate::auth::{Caller, VisitorCaller};
use crate::domain::chat_rules;
use crate::domain::chat_status::{self, ChatState};
use crate::domain::{bounds, ids, time};
use crate::error::ApiError;
use crate::limits;
use crate::objects::chat_room::Opening;
use crate::services::messages::{self, Author};
use crate::services::sockets;
use crate::state::AppState;
use crate::store;
use crate::store::chats::{ChatFilter, ChatHead, ChatUpdate, StateChange};

/// How many of the visitor's chats the widget lists.
const MAX_VISITOR_CHATS: u32 = 50;

/// A malformed id can name no chat: the same 404 as a missing or foreign one.
pub fn parse_id(raw: &str) -> Result<ChatId, ApiError> {
    ChatId::parse(raw).map_err(|_| ErrorCode::ChatNotFound.into())
}

/// What every check of a chat reads; CHAT-001 when the workspace has no such chat.
pub async fn head(
    db: &D1Database,
    workspace_id: &str,
    chat_id: &ChatId,
) -> Result<ChatHead, ApiError> {
    store::chats::head(db, workspace_id, chat_id.as_str())
        .await?
        .ok_or_else(|| ErrorCode::ChatNotFound.into())
}

/// The chat as agents see it; CHAT-001 when the workspace has no such chat.
pub async fn detail(
    db: &D1Database,
    workspace_id: &str,
    chat_id: &ChatId,
) -> Result<ChatDetail, ApiError> {
    store::chats::detail(db, workspace_id, chat_id.as_str())
        .await?
        .ok_or_else(|| ErrorCode::ChatNotFound.into())
}

/// The chat, if it is this visitor's; CHAT-001 for anything else.
pub async fn own(
    db: &D1Database,
    visitor: &VisitorCaller,
    raw_id: &str,
) -> Result<(ChatId, ChatHead), ApiError> {
    let chat_id = parse_id(raw_id)?;
    let head = head(db, &visitor.workspace_id, &chat_id).await?;
    if head.visitor_id != visitor.visitor_id {
        return Err(ErrorCode::ChatNotFound.into());
    }
    Ok((chat_id, head))
}

pub async fn list(
    state: &AppState,
    caller: &Caller,
    query: ListChatsQuery,
) -> Result<ListResponse<ChatSummary>, ApiError> {
    let db = state.db()?;
    let filter = ChatFilter {
        workspace_id: &caller.workspace_id,
        status: query.status,
        agent_id: query.agent_id.as_ref().map(|a| a.as_str()),
        visitor_id: None,
    };
    let offset = query.page.offset(query.limit);
    let (data, total) = store::chats::page(&db, &filter, query.limit.get(), offset).await?;
    Ok(ListResponse {
        data,
        pagination: Pagination::new(query.page, query.limit, total),
    })
}

pub async fn get(state: &AppState, caller: &Caller, raw_id: &str) -> Result<ChatDetail, ApiError> {
    let chat_id = parse_id(raw_id)?;
    detail(&state.db()?, &caller.workspace_id, &chat_id).await
}

/// A partial update of status, assignee, tags and notes; the new detail. Everyone
/// watching hears of it, and webhooks of what changed.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    patch: UpdateChatRequest,
) -> Result<ChatDetail, ApiError> {
    let chat_id = parse_id(raw_id)?;
    let db = state.db()?;
    let head = head(&db, &caller.workspace_id, &chat_id).await?;
    let current_before = detail(&db, &caller.workspace_id, &chat_id).await?;
    if let Some(Some(agent)) = &patch.assigned_to {
        if store::agents::get(&db, &caller.workspace_id, agent.as_str())
            .await?
            .is_none()
        {
            return Err(ErrorCode::AgentNotFound.into());
        }
    }
    let changes_state = patch.status.is_some() || patch.assigned_to.is_some();
    let transition = chat_status::apply(
        &ChatState {
            status: head.status,
            assigned_to: head.assigned_to.clone(),
        },
        patch.status,
        patch
            .assigned_to
            .map(|a| a.map(|id| id.as_str().to_string())),
    )?;
    let tags = match patch.tags {
        Some(tags) => {
            let tags = chat_rules::tags(tags.into_iter().map(|t| t.as_str().to_string()).collect())
                .map_err(ApiError::validation)?;
            Some(serde_json::to_string(&tags).map_err(|e| ApiError::internal(e.to_string()))?)
        }
        None => None,
    };
    let notes = patch.notes.map(|n| n.map(|n| n.as_str().to_string()));
    store::chats::update(
        &db,
        &caller.workspace_id,
        chat_id.as_str(),
        &ChatUpdate {
            state: changes_state.then_some(StateChange {
                status: transition.next.status,
                assigned_to: transition.next.assigned_to.as_deref(),
                closed_now: transition.closed,
                reopened: transition.reopened,
            }),
            tags: tags.as_deref(),
            notes: notes.as_ref().map(|n| n.as_deref()),
            now: &time::now_rfc3339(),
        },
    )
    .await?;
    sockets::announce_chat(state, &db, &caller.workspace_id, &chat_id).await;
    let updated = detail(&db, &caller.workspace_id, &chat_id).await?;
    crate::webhooks::chat_changed(state, &caller.workspace_id, &current_before, &updated).await;
    Ok(updated)
}

/// An agent read the chat: its unread count drops to zero, and every agent's inbox
/// hears it (each shows the count). `body` may say how far (`{"seq": n}`, optional).
pub async fn mark_read(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    body: &[u8],
) -> Result<(), ApiError> {
    let chat_id = parse_id(raw_id)?;
    let db = state.db()?;
    head(&db, &caller.workspace_id, &chat_id).await?;
    check_read_seq(&db, &caller.workspace_id, &chat_id, body).await?;
    store::chats::mark_read(&db, &caller.workspace_id, chat_id.as_str(), false).await?;
    sockets::publish_chat(state, &db, &caller.workspace_id, &chat_id).await;
    Ok(())
}

/// The visitor read the chat: the agents in its room hear it as the widget's socket
/// `read` frame would tell them, so "Seen" shows for API visitors too.
pub async fn mark_read_by_visitor(
    state: &AppState,
    visitor: &VisitorCaller,
    raw_id: &str,
    body: &[u8],
) -> Result<(), ApiError> {
    let db = state.db()?;
    let (chat_id, _) = own(&db, visitor, raw_id).await?;
    check_read_seq(&db, &visitor.workspace_id, &chat_id, body).await?;
    store::chats::mark_read(&db, &visitor.workspace_id, chat_id.as_str(), true).await?;
    tell_visitor_read(state, &db, &visitor.workspace_id, &chat_id).await;
    Ok(())
}

/// Best effort: the read is stored already.
async fn tell_visitor_read(
    state: &AppState,
    db: &D1Database,
    workspace_id: &str,
    chat_id: &ChatId,
) {
    match store::chats::detail(db, workspace_id, chat_id.as_str()).await {
        Ok(Some(chat)) => {
            let frame = ServerFrame::Read {
                chat_id: chat_id.clone(),
                reader: SenderType::Visitor,
                seq: chat.visitor_read_seq,
            };
            sockets::broadcast(state, chat_id, &frame).await;
        }
        Ok(None) => {}
        Err(e) => worker::console_error!("read receipt for {chat_id}: {:?}", e.cause),
    }
}

/// A read may say how far it read (`{"seq": n}`, optional): REQ-004 when that is beyond
/// the chat's last message, as a receipt for what was never sent would show "Seen".
async fn check_read_seq(
    db: &D1Database,
    workspace_id: &str,
    chat_id: &ChatId,
    body: &[u8],
) -> Result<(), ApiError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ReadBody {
        seq: Option<u64>,
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let refuse = |reason: &str| {
        ApiError::with_details(
            ErrorCode::Validation,
            serde_json::json!({"fields": {"seq": reason}}),
        )
    };
    let read: ReadBody =
        serde_json::from_slice(body).map_err(|_| refuse("must be a whole number"))?;
    let Some(seq) = read.seq else { return Ok(()) };
    let last = store::chats::last_seq(db, workspace_id, chat_id.as_str()).await?;
    if !crate::domain::socket_bounds::read_seq_ok(seq, last) {
        return Err(refuse("is beyond the chat's last message"));
    }
    Ok(())
}

/// The visitor's chats, newest activity first, at most [`MAX_VISITOR_CHATS`].
pub async fn list_for_visitor(
    state: &AppState,
    visitor: &VisitorCaller,
) -> Result<Vec<ChatSummary>, ApiError> {
    let filter = ChatFilter {
        workspace_id: &visitor.workspace_id,
        status: None,
        agent_id: None,
        visitor_id: Some(&visitor.visitor_id),
    };
    let (data, _) = store::chats::page(&state.db()?, &filter, MAX_VISITOR_CHATS, 0).await?;
    Ok(data)
}

/// A new chat with the visitor's first message, created in the same write as the
/// message. REQ-004 for a page URL beyond its bound and RATE-001 past the visitor's daily
/// quota (spent on `parts`), both before anything is stored.
pub async fn start(
    state: &AppState,
    parts: &Parts,
    visitor: &VisitorCaller,
    body: StartChatRequest,
    origin: &str,
) -> Result<StartedChat, ApiError> {
    let mut fields = FieldErrors::default();
    let page_url = body.page_url.as_ref().map(|u| u.as_str());
    bounds::check_chars(
        "page_url",
        page_url,
        bounds::PAGE_URL_MAX_CHARS,
        &mut fields,
    );
    if !fields.is_empty() {
        return Err(ApiError::validation(fields));
    }
    let budget = format!("new-chats:{}", visitor.visitor_id);
    limits::spend_quota(state, parts, &budget, &[(bounds::NEW_CHATS_PER_VISITOR, 1)]).await?;
    let db = state.db()?;
    let chat_id = ChatId::with_suffix(&ids::suffix());
    let create = Opening::Create {
        visitor_id: visitor.visitor_id.clone(),
        page_url: body.page_url.as_ref().map(|u| u.as_str().to_string()),
    };
    let message = messages::post(
        state,
        &visitor.workspace_id,
        &chat_id,
        Author::visitor(visitor),
        SendMessageRequest {
            text: body.text,
            attachments: Vec::new(),
        },
        Some(create),
        origin,
    )
    .await?;
    let chat = detail(&db, &visitor.workspace_id, &chat_id).await?;
    let (after, workspace_id, created) =
        (state.clone(), visitor.workspace_id.clone(), chat.clone());
    state
        .after_response(async move {
            crate::webhooks::chat_created(&after, &workspace_id, &created).await;
        })
        .await;
    let chat = chat_rules::visitor_view(chat);
    Ok(StartedChat { chat, message })
}

/// The visitor's rating of a closed chat, once; the chat as the visitor sees it.
pub async fn rate(
    state: &AppState,
    visitor: &VisitorCaller,
    raw_id: &str,
    body: RatingRequest,
) -> Result<ChatDetail, ApiError> {
    let db = state.db()?;
    let (chat_id, head) = own(&db, visitor, raw_id).await?;
    chat_rules::check_rating(head.status, head.rating_score.is_some())?;
    let stored = store::chats::rate(
        &db,
        &visitor.workspace_id,
        chat_id.as_str(),
        body.score,
        body.comment.as_ref().map(|c| c.as_str()),
        &time::now_rfc3339(),
    )
    .await?;
    if !stored {
        // Reopened or rated by a concurrent request between the check and the write.
        return Err(ErrorCode::AlreadyRated.into());
    }
    crate::webhooks::chat_rated(state, &visitor.workspace_id, &chat_id, &body).await;
    Ok(chat_rules::visitor_view(
        detail(&db, &visitor.workspace_id, &chat_id).await?,
    ))
}
