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
use shared_types::realtime::ServerFrame;
use shared_types::visitor::{RatingRequest, StartChatRequest, StartedChat};

use crate::auth::{Caller, VisitorCaller};
use crate::domain::chat_rules;
use crate::domain::{bounds, ids, time};
use crate::error::ApiError;
use crate::limits;
use crate::objects::workspace::client::{self, WorkspaceDb};
use crate::objects::workspace::protocol::{
    ChatFilter, ChatHead, ChatOp, ChatPage, ChatPatch, Opening, Patched, ReadOutcome, Request,
};
use crate::platform::PassedBody;
use crate::services::messages::{self, Author};
use crate::services::sockets;
use crate::state::AppState;
use crate::store;

pub mod object;

/// How many of the visitor's chats the widget lists.
const MAX_VISITOR_CHATS: u32 = 50;

async fn call<T: serde::de::DeserializeOwned>(
    state: &AppState,
    workspace_id: &str,
    op: ChatOp,
) -> Result<T, ApiError> {
    client::ask(state, workspace_id, &Request::Chats(op)).await
}

/// A malformed id can name no chat: the same 404 as a missing or foreign one.
pub fn parse_id(raw: &str) -> Result<ChatId, ApiError> {
    ChatId::parse(raw).map_err(|_| ErrorCode::ChatNotFound.into())
}

/// What every check of a chat reads; CHAT-001 when the workspace has no such chat.
pub async fn head(
    state: &AppState,
    workspace_id: &str,
    chat_id: &ChatId,
) -> Result<ChatHead, ApiError> {
    find_head(state, workspace_id, chat_id, None).await
}

/// The chat's head, CHAT-001 when there is none or (with `visitor_id`) it is another
/// visitor's: the object decides both, so a foreign chat looks like a missing one.
async fn find_head(
    state: &AppState,
    workspace_id: &str,
    chat_id: &ChatId,
    visitor_id: Option<&str>,
) -> Result<ChatHead, ApiError> {
    let head: Option<ChatHead> = call(
        state,
        workspace_id,
        ChatOp::Head {
            chat_id: chat_id.as_str().to_string(),
            visitor_id: visitor_id.map(String::from),
        },
    )
    .await?;
    head.ok_or_else(|| ErrorCode::ChatNotFound.into())
}

/// The chat as agents see it; CHAT-001 when the workspace has no such chat.
pub async fn detail(
    state: &AppState,
    workspace_id: &str,
    chat_id: &ChatId,
) -> Result<ChatDetail, ApiError> {
    let detail: Option<ChatDetail> = call(
        state,
        workspace_id,
        ChatOp::Detail {
            chat_id: chat_id.as_str().to_string(),
        },
    )
    .await?;
    detail.ok_or_else(|| ErrorCode::ChatNotFound.into())
}

/// The chat, if it is this visitor's; CHAT-001 for anything else.
pub async fn own(
    state: &AppState,
    visitor: &VisitorCaller,
    raw_id: &str,
) -> Result<(ChatId, ChatHead), ApiError> {
    let chat_id = parse_id(raw_id)?;
    let head = find_head(
        state,
        &visitor.workspace_id,
        &chat_id,
        Some(&visitor.visitor_id),
    )
    .await?;
    Ok((chat_id, head))
}

pub async fn list(
    state: &AppState,
    caller: &Caller,
    query: ListChatsQuery,
) -> Result<PassedBody, ApiError> {
    let filter = ChatFilter {
        status: query.status,
        agent_id: query.agent_id.as_ref().map(|a| a.as_str().to_string()),
        visitor_id: None,
    };
    // The object writes the whole body, pagination too; the worker hands it on unread.
    WorkspaceDb::of(state, &caller.workspace_id)?
        .call_body(&Request::Chats(ChatOp::List {
            filter,
            page: query.page,
            limit: query.limit,
        }))
        .await
}

pub async fn get(state: &AppState, caller: &Caller, raw_id: &str) -> Result<ChatDetail, ApiError> {
    let chat_id = parse_id(raw_id)?;
    detail(state, &caller.workspace_id, &chat_id).await
}

/// A partial update of status, assignee, tags and notes; the new detail. The object
/// decides the transition against the chat as it is and writes only the named fields,
/// in one step. Everyone watching hears of it, and webhooks of what changed.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    patch: UpdateChatRequest,
) -> Result<ChatDetail, ApiError> {
    let chat_id = parse_id(raw_id)?;
    if let Some(Some(agent)) = &patch.assigned_to {
        // Agents live in the directory; the object only ever gets their ids.
        if store::agents::get(&state.db()?, &caller.workspace_id, agent.as_str())
            .await?
            .is_none()
        {
            return Err(ErrorCode::AgentNotFound.into());
        }
    }
    let tags = match patch.tags {
        Some(tags) => Some(
            chat_rules::tags(tags.into_iter().map(|t| t.as_str().to_string()).collect())
                .map_err(ApiError::validation)?,
        ),
        None => None,
    };
    let patched: Option<Patched> = call(
        state,
        &caller.workspace_id,
        ChatOp::Patch {
            chat_id: chat_id.as_str().to_string(),
            patch: ChatPatch {
                status: patch.status,
                assigned_to: patch
                    .assigned_to
                    .map(|a| a.map(|id| id.as_str().to_string())),
                tags,
                notes: patch.notes.map(|n| n.map(|n| n.as_str().to_string())),
            },
            now: time::now_rfc3339(),
        },
    )
    .await?;
    let patched = patched.ok_or(ErrorCode::ChatNotFound)?;
    sockets::announce_chat(state, &caller.workspace_id, patched.summary).await;
    crate::webhooks::chat_changed(state, &caller.workspace_id, &patched.before, &patched.after)
        .await;
    if !patched.assigned.is_empty() {
        let (after, workspace_id, given) =
            (state.clone(), caller.workspace_id.clone(), patched.assigned);
        state
            .after_response(async move {
                crate::services::assignment::announce(&after, &workspace_id, given).await;
            })
            .await;
    }
    Ok(patched.after)
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
    let seq = read_seq(body)?;
    let (summary, _) = read(state, &caller.workspace_id, &chat_id, None, seq).await?;
    if let Some(summary) = summary {
        sockets::publish_chat(state, &caller.workspace_id, summary).await;
    }
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
    let chat_id = parse_id(raw_id)?;
    let seq = read_seq(body)?;
    let (_, read_seq) = read(
        state,
        &visitor.workspace_id,
        &chat_id,
        Some(&visitor.visitor_id),
        seq,
    )
    .await?;
    let frame = ServerFrame::Read {
        chat_id: chat_id.clone(),
        reader: SenderType::Visitor,
        seq: read_seq,
    };
    sockets::broadcast(state, &chat_id, &frame).await;
    Ok(())
}

/// Marks the chat read by an agent (`visitor_id` `None`) or its visitor; for an agent
/// the chat as lists show it, for the visitor how far the visitor has read.
async fn read(
    state: &AppState,
    workspace_id: &str,
    chat_id: &ChatId,
    visitor_id: Option<&str>,
    seq: Option<u64>,
) -> Result<(Option<ChatSummary>, u64), ApiError> {
    let outcome: ReadOutcome = call(
        state,
        workspace_id,
        ChatOp::MarkRead {
            chat_id: chat_id.as_str().to_string(),
            by_visitor: visitor_id.is_some(),
            visitor_id: visitor_id.map(String::from),
            seq,
        },
    )
    .await?;
    match outcome {
        ReadOutcome::Read {
            summary,
            visitor_read_seq,
        } => Ok((summary, visitor_read_seq)),
        ReadOutcome::NoChat => Err(ErrorCode::ChatNotFound.into()),
        ReadOutcome::Beyond => Err(refuse_seq("is beyond the chat's last message")),
    }
}

fn refuse_seq(reason: &str) -> ApiError {
    ApiError::with_details(
        ErrorCode::Validation,
        serde_json::json!({"fields": {"seq": reason}}),
    )
}

/// A read may say how far it read (`{"seq": n}`, optional): REQ-004 when that is beyond
/// the chat's last message, as a receipt for what was never sent would show "Seen".
fn read_seq(body: &[u8]) -> Result<Option<u64>, ApiError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ReadBody {
        #[serde(default, deserialize_with = "shared_types::serde_util::whole_opt")]
        seq: Option<u64>,
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    // `null` is no body too, as the document's optional body allows.
    let read: Option<ReadBody> =
        serde_json::from_slice(body).map_err(|_| refuse_seq("must be a whole number"))?;
    Ok(read.and_then(|r| r.seq))
}

/// Unassigns a departed agent's open chats; the chats as lists now show them.
pub async fn unassign_all(
    state: &AppState,
    workspace_id: &str,
    agent_id: &str,
) -> Result<Vec<ChatSummary>, ApiError> {
    call(
        state,
        workspace_id,
        ChatOp::UnassignAgent {
            agent_id: agent_id.to_string(),
            now: time::now_rfc3339(),
        },
    )
    .await
}

/// The visitor's chats, newest activity first, at most [`MAX_VISITOR_CHATS`].
pub async fn list_for_visitor(
    state: &AppState,
    visitor: &VisitorCaller,
) -> Result<Vec<ChatSummary>, ApiError> {
    let filter = ChatFilter {
        status: None,
        agent_id: None,
        visitor_id: Some(visitor.visitor_id.clone()),
    };
    let page: ChatPage = call(
        state,
        &visitor.workspace_id,
        ChatOp::Page {
            filter,
            limit: MAX_VISITOR_CHATS,
            offset: 0,
        },
    )
    .await?;
    serde_json::from_str(page.data.get())
        .map_err(|e| ApiError::internal(format!("a visitor's chats: {e}")))
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
    if body
        .invitation_id
        .as_deref()
        .is_some_and(|id| !shared_types::presence::is_invitation_id(id))
    {
        fields.push(
            "invitation_id",
            "must be inv_ and 1 to 64 letters or digits",
        );
    }
    if !fields.is_empty() {
        return Err(ApiError::validation(fields));
    }
    let budget = format!("new-chats:{}", visitor.visitor_id);
    limits::spend_quota(state, parts, &budget, &[(bounds::NEW_CHATS_PER_VISITOR, 1)]).await?;
    let chat_id = ChatId::with_suffix(&ids::suffix());
    let create = Opening::Create {
        visitor_id: visitor.visitor_id.clone(),
        page_url: body.page_url.as_ref().map(|u| u.as_str().to_string()),
        invitation_id: body.invitation_id,
    };
    let appended = messages::post(
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
    let chat = detail(state, &visitor.workspace_id, &chat_id).await?;
    let (after, workspace_id, created) =
        (state.clone(), visitor.workspace_id.clone(), chat.clone());
    state
        .after_response(async move {
            crate::webhooks::chat_created(&after, &workspace_id, &created).await;
        })
        .await;
    let chat = chat_rules::visitor_view(chat);
    Ok(StartedChat {
        chat,
        message: appended.message,
    })
}

/// The visitor's rating of a closed chat, once; the chat as the visitor sees it. The
/// object checks and stores it in one step, so a concurrent reopening or rating cannot
/// slip between the two.
pub async fn rate(
    state: &AppState,
    visitor: &VisitorCaller,
    raw_id: &str,
    body: RatingRequest,
) -> Result<ChatDetail, ApiError> {
    let chat_id = parse_id(raw_id)?;
    let rated: ChatDetail = call(
        state,
        &visitor.workspace_id,
        ChatOp::Rate {
            chat_id: chat_id.as_str().to_string(),
            visitor_id: visitor.visitor_id.clone(),
            score: body.score,
            comment: body.comment.as_ref().map(|c| c.as_str().to_string()),
            now: time::now_rfc3339(),
        },
    )
    .await?;
    crate::webhooks::chat_rated(state, &visitor.workspace_id, &chat_id, &body).await;
    Ok(chat_rules::visitor_view(rated))
}
