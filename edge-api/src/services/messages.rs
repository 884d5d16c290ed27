//! A chat's messages: appending one (through the chat's room, which gives it the chat's
//! next `seq` and broadcasts it in the same step) and reading the conversation, for
//! agents and for the chat's visitor.

use shared_types::chats::{
    Attachment, ConversationMessage, Message, MessagesQuery, NewAttachment, SendMessageRequest,
    SenderType,
};
use shared_types::error::FieldErrors;
use shared_types::ids::{ChatId, MessageId};
use shared_types::realtime::ServerFrame;
use worker::D1Database;

use crate::auth::{Caller, VisitorCaller};
use crate::domain::{chat_rules, ids, time, upload};
use crate::error::ApiError;
use crate::objects::chat_room::{Append, Opening};
use crate::services::{chats, sockets};
use crate::state::AppState;
use crate::store;

/// Who writes a message.
pub struct Author<'a> {
    pub kind: SenderType,
    pub id: &'a str,
    pub name: Option<&'a str>,
}

impl<'a> Author<'a> {
    pub fn agent(caller: &'a Caller) -> Self {
        Author {
            kind: SenderType::Agent,
            id: &caller.agent_id,
            name: Some(&caller.agent_name),
        }
    }

    pub fn visitor(visitor: &'a VisitorCaller) -> Self {
        Author {
            kind: SenderType::Visitor,
            id: &visitor.visitor_id,
            name: None,
        }
    }
}

/// An agent's reply. It never reopens a closed chat (`domain::chat_rules`): the room
/// refuses it (CHAT-003), as it refuses a chat of another workspace (CHAT-001), in the
/// same write that would store it.
pub async fn send_as_agent(
    state: &AppState,
    caller: &Caller,
    raw_chat_id: &str,
    body: SendMessageRequest,
    origin: &str,
) -> Result<Message, ApiError> {
    let chat_id = chats::parse_id(raw_chat_id)?;
    let message = post(
        state,
        &caller.workspace_id,
        &chat_id,
        Author::agent(caller),
        body,
        None,
        origin,
    )
    .await?;
    Ok(message.into())
}

/// A visitor's message; into a closed chat it reopens it (`domain::chat_rules`).
pub async fn send_as_visitor(
    state: &AppState,
    visitor: &VisitorCaller,
    raw_chat_id: &str,
    body: SendMessageRequest,
    origin: &str,
) -> Result<ConversationMessage, ApiError> {
    let db = state.db()?;
    let (chat_id, head) = chats::own(&db, visitor, raw_chat_id).await?;
    let reopened = chat_rules::message_reopens(SenderType::Visitor, head.status);
    let reopen = reopened.then_some(Opening::Reopen);
    let message = post(
        state,
        &visitor.workspace_id,
        &chat_id,
        Author::visitor(visitor),
        body,
        reopen,
        origin,
    )
    .await?;
    if reopened {
        crate::webhooks::chat_reopened(state, &db, &visitor.workspace_id, &chat_id).await;
    }
    Ok(message)
}

/// The conversation after `query.after`, for an agent of the chat's workspace.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    raw_chat_id: &str,
    query: &MessagesQuery,
) -> Result<Vec<ConversationMessage>, ApiError> {
    let chat_id = chats::parse_id(raw_chat_id)?;
    let db = state.db()?;
    chats::head(&db, &caller.workspace_id, &chat_id).await?;
    store::messages::page(&db, &chat_id, query).await
}

/// The conversation after `query.after`, for the chat's own visitor.
pub async fn list_for_visitor(
    state: &AppState,
    visitor: &VisitorCaller,
    raw_chat_id: &str,
    query: &MessagesQuery,
) -> Result<Vec<ConversationMessage>, ApiError> {
    let db = state.db()?;
    let (chat_id, _) = chats::own(&db, visitor, raw_chat_id).await?;
    store::messages::page(&db, &chat_id, query).await
}

/// Appends a message to a chat of the workspace: checks its attachments are files
/// confirmed for this chat, then hands it to the chat's room, which stores it under the
/// chat's next `seq` and broadcasts it. `opening` creates or reopens the chat in the
/// same write. `origin` is this worker as the client reached it: where its files are.
pub async fn post(
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
        require_open: chat_rules::closed_refuses(author.kind),
    };
    let stored = sockets::append(state, chat_id, &append).await?;
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
            sockets::publish(
                &after,
                &workspace_id,
                &ServerFrame::MessageCreated {
                    chat_id: chat_id.clone(),
                    message: message.clone(),
                },
            )
            .await;
            if let Ok(db) = after.db() {
                sockets::publish_chat(&after, &db, &workspace_id, &chat_id).await;
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
