//! Chats and their messages, for agents (API key): the spec's `GET /chats`,
//! `GET/PATCH /chats/{id}`, `POST /chats/{id}/messages`, plus the conversation itself
//! (`GET /chats/{id}/messages?after=`) and `POST /chats/{id}/read`.
//!
//! A chat's detail (GET, and PATCH's answer, which is the same) adds two fields to the
//! spec's example, at its top level: `page_url`, the page the visitor started the chat
//! on (a property of the chat, not of the visitor, who may start another elsewhere), and
//! `visitor_read_seq`, what the visitor has read, so agents can show "Seen".

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use shared_types::chats::{
    Attachment, ChatDetail, ChatSummary, ConversationMessage, ListChatsQuery, Message,
    MessagesQuery, NewAttachment, SendMessageRequest, SenderType, UpdateChatRequest,
};
use shared_types::error::{ErrorCode, FieldErrors};
use shared_types::ids::{ChatId, MessageId};
use shared_types::pagination::{ListResponse, Pagination};
use shared_types::realtime::ServerFrame;
use shared_types::DataList;
use worker::D1Database;

use crate::auth::Caller;
use crate::domain::chat_status::{self, ChatState};
use crate::domain::{ids, time, upload};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::objects::chat_room::{Append, Opening};
use crate::routes::realtime;
use crate::state::AppState;
use crate::store;
use crate::store::chats::{ChatFilter, ChatHead, ChatUpdate, StateChange};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/chats", get(list))
        .route("/v1/chats/{chat_id}", get(detail).patch(update))
        .route(
            "/v1/chats/{chat_id}/messages",
            get(list_messages).post(send_message),
        )
        .route("/v1/chats/{chat_id}/read", post(mark_read))
}

#[worker::send]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListChatsQuery>,
) -> Result<Json<ListResponse<ChatSummary>>, ApiError> {
    let db = state.db()?;
    let filter = ChatFilter {
        workspace_id: &caller.workspace_id,
        status: query.status,
        agent_id: query.agent_id.as_ref().map(|a| a.as_str()),
        visitor_id: None,
    };
    let offset = query.page.offset(query.limit);
    let (data, total) = store::chats::page(&db, &filter, query.limit.get(), offset).await?;
    Ok(Json(ListResponse {
        data,
        pagination: Pagination::new(query.page, query.limit, total),
    }))
}

#[worker::send]
async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<String>,
) -> Result<Json<ChatDetail>, ApiError> {
    let chat_id = parse_chat_id(&chat_id)?;
    Ok(Json(
        load_detail(&state.db()?, &caller.workspace_id, &chat_id).await?,
    ))
}

#[worker::send]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<String>,
    ApiJson(patch): ApiJson<UpdateChatRequest>,
) -> Result<Json<ChatDetail>, ApiError> {
    let chat_id = parse_chat_id(&chat_id)?;
    let db = state.db()?;
    let head = load_head(&db, &caller.workspace_id, &chat_id).await?;
    let current_before = load_detail(&db, &caller.workspace_id, &chat_id).await?;
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
            let mut seen = std::collections::HashSet::new();
            let tags: Vec<String> = tags
                .into_iter()
                .map(|t| t.as_str().to_string())
                .filter(|t| seen.insert(t.clone()))
                .collect();
            if tags.len() > MAX_TAGS {
                let mut fields = FieldErrors::default();
                fields.push("tags", format!("at most {MAX_TAGS} tags"));
                return Err(ApiError::validation(fields));
            }
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
    realtime::announce_chat(&state, &db, &caller.workspace_id, &chat_id).await;
    let updated = load_detail(&db, &caller.workspace_id, &chat_id).await?;
    crate::webhooks::chat_changed(&state, &caller.workspace_id, &current_before, &updated).await;
    Ok(Json(updated))
}

const MAX_TAGS: usize = 20;

#[worker::send]
async fn send_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SendMessageRequest>,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    let chat_id = parse_chat_id(&chat_id)?;
    // Agents reopen a closed chat explicitly (PATCH), so a stray reply cannot undo a
    // resolution: the room refuses it (CHAT-003), as it refuses a chat of another
    // workspace (CHAT-001), in the same write that would store it.
    let message = post_message(
        &state,
        &caller.workspace_id,
        &chat_id,
        Author {
            kind: SenderType::Agent,
            id: &caller.agent_id,
            name: Some(&caller.agent_name),
        },
        body,
        None,
        &super::origin(&uri, &headers),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(message.into())))
}

#[worker::send]
async fn list_messages(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<String>,
    ApiQuery(query): ApiQuery<MessagesQuery>,
) -> Result<Json<DataList<ConversationMessage>>, ApiError> {
    let chat_id = parse_chat_id(&chat_id)?;
    let db = state.db()?;
    load_head(&db, &caller.workspace_id, &chat_id).await?;
    let data = store::messages::page(&db, &chat_id, &query).await?;
    Ok(Json(DataList { data }))
}

#[worker::send]
async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<String>,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    let chat_id = parse_chat_id(&chat_id)?;
    let db = state.db()?;
    load_head(&db, &caller.workspace_id, &chat_id).await?;
    check_read_seq(&db, &caller.workspace_id, &chat_id, &body).await?;
    store::chats::mark_read(&db, &caller.workspace_id, chat_id.as_str(), false).await?;
    // Every agent's inbox shows the unread count, so every one hears it drop.
    realtime::publish_chat(&state, &db, &caller.workspace_id, &chat_id).await;
    Ok(StatusCode::NO_CONTENT)
}

/// After a visitor's `POST …/read`: the agents in the chat's room hear it as the
/// widget's socket `read` frame would tell them, so "Seen" shows for API visitors too.
/// Best effort: the read is stored already.
pub async fn tell_visitor_read(
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
            realtime::broadcast(state, chat_id, &frame).await;
        }
        Ok(None) => {}
        Err(e) => worker::console_error!("read receipt for {chat_id}: {:?}", e.cause),
    }
}

/// A read may say how far it read (`{"seq": n}`, optional): REQ-004 when that is beyond
/// the chat's last message, as a receipt for what was never sent would show "Seen".
pub async fn check_read_seq(
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

/// A malformed id can name no chat: the same 404 as a missing or foreign one.
pub fn parse_chat_id(raw: &str) -> Result<ChatId, ApiError> {
    ChatId::parse(raw).map_err(|_| ErrorCode::ChatNotFound.into())
}

pub async fn load_head(
    db: &D1Database,
    workspace_id: &str,
    chat_id: &ChatId,
) -> Result<ChatHead, ApiError> {
    store::chats::head(db, workspace_id, chat_id.as_str())
        .await?
        .ok_or_else(|| ErrorCode::ChatNotFound.into())
}

pub async fn load_detail(
    db: &D1Database,
    workspace_id: &str,
    chat_id: &ChatId,
) -> Result<ChatDetail, ApiError> {
    store::chats::detail(db, workspace_id, chat_id.as_str())
        .await?
        .ok_or_else(|| ErrorCode::ChatNotFound.into())
}

/// Who writes a message.
pub struct Author<'a> {
    pub kind: SenderType,
    pub id: &'a str,
    pub name: Option<&'a str>,
}

/// Appends a message to a chat of the workspace: checks its attachments are files
/// confirmed for this chat, then hands it to the chat's room, which stores it under the
/// chat's next `seq` and broadcasts it. `opening` creates or reopens the chat in the
/// same write. `origin` is this worker as the client reached it: where its files are.
pub async fn post_message(
    state: &AppState,
    workspace_id: &str,
    chat_id: &ChatId,
    author: Author<'_>,
    body: SendMessageRequest,
    opening: Option<Opening>,
    origin: &str,
) -> Result<ConversationMessage, ApiError> {
    let db = state.db()?;
    let attachments =
        resolve_attachments(&db, workspace_id, chat_id, &body.attachments, origin).await?;
    let attachments =
        serde_json::to_string(&attachments).map_err(|e| ApiError::internal(e.to_string()))?;
    let append = Append {
        id: MessageId::with_suffix(&ids::suffix()).as_str().to_string(),
        workspace_id: workspace_id.to_string(),
        chat_id: chat_id.as_str().to_string(),
        sender_type: author.kind,
        sender_id: Some(author.id.to_string()),
        sender_name: author.name.map(String::from),
        text: body.text.as_str().to_string(),
        attachments,
        now: time::now_rfc3339(),
        opening,
        // Agents reopen a closed chat explicitly; a visitor's message reopens it.
        require_open: author.kind == SenderType::Agent,
    };
    let stored = realtime::append(state, chat_id, &append).await?;
    // The room has stored and broadcast the message; the agents' feed and the webhooks
    // need not hold up the sender's answer.
    let (after, workspace_id, chat_id, message) = (
        state.clone(),
        workspace_id.to_string(),
        chat_id.clone(),
        stored.clone(),
    );
    state
        .after_response(async move {
            realtime::publish(
                &after,
                &workspace_id,
                &ServerFrame::MessageCreated {
                    chat_id: chat_id.clone(),
                    message: message.clone(),
                },
            )
            .await;
            if let Ok(db) = after.db() {
                realtime::publish_chat(&after, &db, &workspace_id, &chat_id).await;
            }
            crate::webhooks::message_posted(&after, &workspace_id, &message).await;
        })
        .await;
    Ok(stored)
}

/// Each attachment must be this worker's URL of a file confirmed for this chat of the
/// workspace (REQ-004 naming the attachment otherwise: a foreign host, another
/// workspace's or chat's file, an unconfirmed upload, an unknown id). What is stored is
/// the URL built here from the file, never the client's text, and its type is the
/// file's.
async fn resolve_attachments(
    db: &D1Database,
    workspace_id: &str,
    chat_id: &ChatId,
    attachments: &[NewAttachment],
    origin: &str,
) -> Result<Vec<Attachment>, ApiError> {
    if attachments.is_empty() {
        return Ok(Vec::new());
    }
    let mut fields = FieldErrors::default();
    let file_ids: Vec<Option<String>> = attachments
        .iter()
        .map(|a| upload::own_file_id(a.url.as_str(), origin))
        .collect();
    let known: Vec<String> = file_ids.iter().flatten().cloned().collect();
    let files =
        store::files::confirmed_for_chat(db, workspace_id, chat_id.as_str(), &known).await?;
    let mut resolved = Vec::with_capacity(attachments.len());
    for (i, file_id) in file_ids.iter().enumerate() {
        match file_id
            .as_ref()
            .and_then(|id| files.iter().find(|f| &f.id == id))
        {
            Some(file) => resolved.push(Attachment {
                kind: shared_types::chats::AttachmentType::for_content_type(&file.content_type),
                url: upload::file_url(origin, &file.id),
            }),
            None => {
                fields.push(
                    format!("attachments[{i}].url"),
                    "must be the url of a file confirmed for this chat",
                );
            }
        }
    }
    if fields.is_empty() {
        Ok(resolved)
    } else {
        Err(ApiError::validation(fields))
    }
}
