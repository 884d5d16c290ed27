//! A chat's messages: appending one (through the chat's room, which has the workspace's
//! object give it the chat's next `seq` and broadcasts it in the same step) and reading
//! the conversation, for agents and for the chat's visitor.

use shared_types::chats::{
    Attachment, ConversationMessage, Message, MessagesQuery, NewAttachment, SendMessageRequest,
    SenderType,
};
use shared_types::error::{ErrorCode, FieldErrors};
use shared_types::ids::{ChatId, MessageId};
use shared_types::realtime::ServerFrame;

use crate::auth::{Caller, VisitorCaller, VisitorSender};
use crate::domain::rate_limit::Decision;
use crate::domain::{chat_rules, ids, time, upload};
use crate::error::ApiError;
use crate::objects::chat_room::RoomAppend;
use crate::objects::workspace::client::WorkspaceDb;
use crate::objects::workspace::protocol::{Append, Appended, MessageOp, Opening, Request};
use crate::services::{chats, files, sockets};
use crate::state::AppState;

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

/// An agent's reply. It never reopens a closed chat (`domain::chat_rules`): the
/// workspace's object refuses it (CHAT-003), as it refuses a chat the workspace does not
/// have (CHAT-001), in the same step that would store it.
pub async fn send_as_agent(
    state: &AppState,
    caller: &Caller,
    raw_chat_id: &str,
    body: SendMessageRequest,
    origin: &str,
) -> Result<Message, ApiError> {
    let chat_id = chats::parse_id(raw_chat_id)?;
    let appended = post(
        state,
        &caller.workspace_id,
        &chat_id,
        Author::agent(caller),
        body,
        None,
        origin,
    )
    .await?;
    Ok(appended.message.into())
}

/// A visitor's message, only into their own chat; into a closed chat it reopens it
/// (`domain::chat_rules`).
pub async fn send_as_visitor(
    state: &AppState,
    sender: &VisitorSender,
    raw_chat_id: &str,
    body: Result<SendMessageRequest, ApiError>,
    origin: &str,
) -> Result<(ConversationMessage, Option<Decision>), ApiError> {
    let visitor = &sender.visitor;
    let prepared = async {
        let chat_id = chats::parse_id(raw_chat_id)?;
        let author = Author::visitor(visitor);
        let opening = Some(Opening::Reopen);
        let append = prepare(
            state,
            &visitor.workspace_id,
            &chat_id,
            author,
            body?,
            opening,
            origin,
        )
        .await?;
        Ok::<_, ApiError>((chat_id, append))
    };
    let (chat_id, mut append) = match prepared.await {
        Ok(prepared) => prepared,
        // Refused before the object: the request spends from the budget all the same,
        // and a spent budget's refusal is the answer.
        Err(e) if !sender.charged => {
            return Err(crate::services::budgets::charge_refused(state, visitor, e).await)
        }
        Err(e) => return Err(e),
    };
    // The object spends the budget in the step that stores the message.
    append.append.charge = !sender.charged;
    let appended = deliver(state, &visitor.workspace_id, &chat_id, &append).await?;
    if appended.reopened {
        let (after, workspace_id) = (state.clone(), visitor.workspace_id.clone());
        state
            .after_response(async move {
                crate::webhooks::chat_reopened(&after, &workspace_id, &chat_id).await;
            })
            .await;
    }
    Ok((appended.message, appended.budget))
}

/// The conversation after `query.after`, for an agent of the chat's workspace.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    raw_chat_id: &str,
    query: &MessagesQuery,
) -> Result<Vec<ConversationMessage>, ApiError> {
    let chat_id = chats::parse_id(raw_chat_id)?;
    page(state, &caller.workspace_id, &chat_id, None, query).await
}

/// The conversation after `query.after`, for the chat's own visitor.
pub async fn list_for_visitor(
    state: &AppState,
    visitor: &VisitorCaller,
    raw_chat_id: &str,
    query: &MessagesQuery,
) -> Result<Vec<ConversationMessage>, ApiError> {
    let chat_id = chats::parse_id(raw_chat_id)?;
    page(
        state,
        &visitor.workspace_id,
        &chat_id,
        Some(&visitor.visitor_id),
        query,
    )
    .await
}

async fn page(
    state: &AppState,
    workspace_id: &str,
    chat_id: &ChatId,
    visitor_id: Option<&str>,
    query: &MessagesQuery,
) -> Result<Vec<ConversationMessage>, ApiError> {
    let list = Request::Messages(MessageOp::List {
        chat_id: chat_id.as_str().to_string(),
        visitor_id: visitor_id.map(String::from),
        after: query.after.unwrap_or(0),
        limit: query.limit.get(),
    });
    WorkspaceDb::of(state, workspace_id)?
        .call::<Option<Vec<ConversationMessage>>>(&list)
        .await?
        .ok_or_else(|| ErrorCode::ChatNotFound.into())
}

/// Appends a message to a chat of the workspace: checks its attachments are files
/// confirmed for this chat, then hands it to the chat's room, which has the workspace's
/// object store it under the chat's next `seq` and broadcasts it. `opening` creates or
/// reopens the chat in the same step. `origin` is this worker as the client reached it:
/// where its files are.
pub async fn post(
    state: &AppState,
    workspace_id: &str,
    chat_id: &ChatId,
    author: Author<'_>,
    body: SendMessageRequest,
    opening: Option<Opening>,
    origin: &str,
) -> Result<Appended, ApiError> {
    let append = prepare(state, workspace_id, chat_id, author, body, opening, origin).await?;
    deliver(state, workspace_id, chat_id, &append).await
}

/// The message [`post`] hands the room, its attachments checked.
async fn prepare(
    state: &AppState,
    workspace_id: &str,
    chat_id: &ChatId,
    author: Author<'_>,
    body: SendMessageRequest,
    opening: Option<Opening>,
    origin: &str,
) -> Result<RoomAppend, ApiError> {
    let attachments =
        resolve_attachments(state, workspace_id, chat_id, &body.attachments, origin).await?;
    let attachments =
        serde_json::to_string(&attachments).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(room_append(
        state,
        workspace_id,
        chat_id,
        author,
        body.text.as_str(),
        attachments,
        opening,
    ))
}

/// Has the chat's room store and broadcast `append`, then announces it.
async fn deliver(
    state: &AppState,
    workspace_id: &str,
    chat_id: &ChatId,
    append: &RoomAppend,
) -> Result<Appended, ApiError> {
    let appended = sockets::append(state, chat_id, append).await?;
    // The room has stored and broadcast the message; the agents' feed and the webhooks
    // need not hold up the sender's answer.
    let (after, workspace_id, stored) = (state.clone(), workspace_id.to_string(), appended.clone());
    state
        .after_response(async move { announce(&after, &workspace_id, stored).await })
        .await;
    Ok(appended)
}

/// The message the chat's room hands the workspace's object: `attachments` is their
/// JSON, checked already.
pub fn room_append(
    state: &AppState,
    workspace_id: &str,
    chat_id: &ChatId,
    author: Author<'_>,
    text: &str,
    attachments: String,
    opening: Option<Opening>,
) -> RoomAppend {
    RoomAppend {
        workspace_id: workspace_id.to_string(),
        append: Append {
            id: MessageId::with_suffix(&ids::suffix()).as_str().to_string(),
            chat_id: chat_id.as_str().to_string(),
            sender_type: author.kind,
            sender_id: Some(author.id.to_string()),
            sender_name: author.name.map(String::from),
            text: text.to_string(),
            attachments,
            now: time::now_rfc3339(),
            opening,
            require_open: chat_rules::closed_refuses(author.kind),
            visitor_id: (author.kind == SenderType::Visitor).then(|| author.id.to_string()),
            mail: Some(crate::services::email::watch(state, workspace_id)),
            charge: false,
        },
    }
}

/// What follows a stored message, after its sender has the answer: the agents' feed,
/// the webhooks, and the assignment it may have caused.
pub async fn announce(state: &AppState, workspace_id: &str, stored: Appended) {
    // Both frames in one call to the feed, in this order.
    let frames = [
        ServerFrame::MessageCreated {
            chat_id: stored.message.chat_id.clone(),
            message: stored.message.clone(),
        },
        ServerFrame::ChatUpdated {
            chat: stored.summary.clone(),
        },
    ];
    sockets::publish_all(state, workspace_id, &frames).await;
    crate::webhooks::message_posted(state, workspace_id, &stored.message, &stored.webhooks).await;
    crate::services::assignment::announce(state, workspace_id, stored.assigned).await;
}

/// Each attachment must be this worker's URL of a file confirmed for this chat of the
/// workspace (404 FILE-001 naming the attachment in `details.fields` otherwise: a
/// foreign host, another workspace's or chat's file, an unconfirmed upload, an unknown
/// id). Not REQ-004: the URL is well formed, what it names is not there. What is stored is
/// the URL built here from the file, never the client's text, and its type is the
/// file's.
async fn resolve_attachments(
    state: &AppState,
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
        .map(|a| upload::own_file_id(a.url.as_str(), origin, workspace_id))
        .collect();
    let known: Vec<String> = file_ids.iter().flatten().cloned().collect();
    let found = files::confirmed_for_chat(state, workspace_id, chat_id, known).await?;
    let mut resolved = Vec::with_capacity(attachments.len());
    for (i, file_id) in file_ids.iter().enumerate() {
        match file_id
            .as_ref()
            .and_then(|id| found.iter().find(|f| &f.id == id))
        {
            Some(file) => resolved.push(Attachment {
                kind: shared_types::chats::AttachmentType::for_content_type(&file.content_type),
                url: upload::file_url(origin, workspace_id, &file.id),
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
        Err(ApiError::with_details(
            ErrorCode::FileNotFound,
            fields.into_details(),
        ))
    }
}

/// The SQL of messages, run inside the workspace's object. An append is one
/// synchronous step: the chat's checks, its next `seq` and counters, and the row, so
/// concurrent senders can never share or skip a `seq` (and the room, the chat's one
/// writer, broadcasts in that order).
pub mod object {
    use serde::Deserialize;
    use shared_types::chats::{Attachment, ChatStatus, ConversationMessage, Sender, SenderType};
    use shared_types::error::ErrorCode;
    use worker::SqlStorage;

    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::{Append, Appended, MessageOp, Opening};
    use crate::objects::workspace::sql::{flag, rows, run};
    use crate::services::chats::object as chats;

    pub fn handle(sql: &SqlStorage, op: MessageOp) -> Result<String, ApiError> {
        match op {
            MessageOp::Append(a) => answer(append(sql, a)?),
            MessageOp::List {
                chat_id,
                visitor_id,
                after,
                limit,
            } => {
                if chats::head(sql, &chat_id, visitor_id.as_deref())?.is_none() {
                    return answer(None::<Vec<ConversationMessage>>);
                }
                answer(Some(list_after(sql, &chat_id, after, limit)?))
            }
        }
    }

    /// Stores `a` unless a check refuses it. A budget it spends stays spent whatever
    /// follows, as a refused REST request's does, and its decision comes back either way.
    fn append(sql: &SqlStorage, a: Append) -> Result<Appended, ApiError> {
        let mut budget = None;
        let stored = store(sql, a, &mut budget);
        match stored {
            Ok(stored) => Ok(Appended { budget, ..stored }),
            Err(e) => Err(e.with_rate(budget)),
        }
    }

    fn store(
        sql: &SqlStorage,
        a: Append,
        budget: &mut Option<crate::domain::rate_limit::Decision>,
    ) -> Result<Appended, ApiError> {
        let creating = matches!(a.opening, Some(Opening::Create { .. }));
        // The chat's status, if it is there for this author.
        let status = match &a.visitor_id {
            Some(visitor_id) => {
                // The visitor's block is checked here, with the write and in the same
                // statement as the chat's head, rather than by a call of its own
                // (`auth::VisitorSender`).
                #[derive(Deserialize)]
                struct Gate {
                    blocked: i64,
                    status: Option<ChatStatus>,
                    owner: Option<String>,
                }
                let found: Vec<Gate> = rows(
                    sql,
                    "SELECT v.blocked_at IS NOT NULL AS blocked, c.status, c.visitor_id AS owner
                       FROM visitors v LEFT JOIN chats c ON c.id = ?2
                      WHERE v.id = ?1",
                    vec![visitor_id.as_str().into(), a.chat_id.as_str().into()],
                )?;
                let gate = found
                    .into_iter()
                    .next()
                    .ok_or(ErrorCode::AuthVisitorToken)?;
                // Spent before the block is looked at, as `auth::VisitorCaller` does, so
                // a blocked visitor's requests are bounded like anyone's.
                if a.charge {
                    let spent = crate::services::budgets::object::spend(
                        sql,
                        crate::services::budgets::object::Budget::Visitor(visitor_id),
                        crate::domain::time::now(),
                    )?;
                    *budget = Some(spent);
                    if !spent.allowed {
                        return Err(ErrorCode::RateLimited.into());
                    }
                }
                if gate.blocked != 0 {
                    return Err(ErrorCode::AuthVisitorBlocked.into());
                }
                gate.status
                    .filter(|_| gate.owner.as_deref() == Some(visitor_id.as_str()))
            }
            None if creating => None,
            None => chats::head(sql, &a.chat_id, None)?.map(|h| h.status),
        };
        let mut reopened = false;
        let mut given_to_inviter = false;
        match &a.opening {
            Some(Opening::Create {
                visitor_id,
                page_url,
                invitation_id,
            }) => {
                run(
                    sql,
                    "INSERT INTO chats (id, visitor_id, status, page_url, last_activity_at,
                                        created_at, updated_at)
                     VALUES (?1, ?2, 'active', ?3, ?4, ?4, ?4)",
                    vec![
                        a.chat_id.as_str().into(),
                        visitor_id.as_str().into(),
                        page_url.clone().into(),
                        a.now.as_str().into(),
                    ],
                )?;
                if let Some(invitation_id) = invitation_id {
                    given_to_inviter = crate::services::presence::object::open_with_invitation(
                        sql,
                        invitation_id,
                        &a.chat_id,
                        &a.now,
                    )?;
                }
            }
            opening => {
                // Every check before the first write: a refusal changes nothing.
                if status.ok_or(ErrorCode::ChatNotFound)? == ChatStatus::Closed {
                    if matches!(opening, Some(Opening::Reopen)) {
                        run(
                            sql,
                            "UPDATE chats SET
                                status = CASE WHEN assigned_to IS NULL THEN 'active' ELSE 'assigned' END,
                                closed_at = NULL, reopened_count = reopened_count + 1, updated_at = ?2
                              WHERE id = ?1",
                            vec![a.chat_id.as_str().into(), a.now.as_str().into()],
                        )?;
                        reopened = true;
                    } else if a.require_open {
                        return Err(ErrorCode::ChatClosed.into());
                    }
                }
            }
        }
        let from_visitor = a.sender_type == SenderType::Visitor;
        let from_agent = a.sender_type == SenderType::Agent;
        #[derive(Deserialize)]
        struct Seq {
            last_seq: u64,
        }
        let seq = rows::<Seq>(
            sql,
            "UPDATE chats SET
                last_seq = last_seq + 1,
                last_message_at = ?2,
                last_activity_at = ?2,
                updated_at = ?2,
                unread_count = unread_count + ?3,
                visitor_unread_count = visitor_unread_count + ?4,
                first_visitor_message_at = CASE WHEN ?3 = 1
                    THEN COALESCE(first_visitor_message_at, ?2) ELSE first_visitor_message_at END,
                first_response_at = CASE WHEN ?4 = 1
                    THEN COALESCE(first_response_at, ?2) ELSE first_response_at END,
                agents_replied = agents_replied + (?4 = 1 AND NOT EXISTS (
                    SELECT 1 FROM messages
                     WHERE chat_id = ?1 AND sender_type = 'agent' AND sender_id = ?5))
              WHERE id = ?1
              RETURNING last_seq",
            vec![
                a.chat_id.as_str().into(),
                a.now.as_str().into(),
                flag(from_visitor),
                flag(from_agent),
                a.sender_id.clone().into(),
            ],
        )?
        .into_iter()
        .next()
        .ok_or(ErrorCode::ChatNotFound)?
        .last_seq;
        run(
            sql,
            "INSERT INTO messages (chat_id, seq, id, sender_type, sender_id, sender_name, text,
                                   attachments, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            vec![
                a.chat_id.as_str().into(),
                i64::try_from(seq).unwrap_or(i64::MAX).into(),
                a.id.as_str().into(),
                a.sender_type.as_str().into(),
                a.sender_id.clone().into(),
                a.sender_name.clone().into(),
                a.text.as_str().into(),
                a.attachments.as_str().into(),
                a.now.as_str().into(),
            ],
        )?;
        if let Some(mail) = &a.mail {
            crate::services::email::object::on_message(sql, &a.chat_id, a.sender_type, mail)?;
        }
        crate::services::search::object::catch_up(sql, crate::domain::search::CATCH_UP_AT)?;
        // A new chat, or one its visitor reopened, goes to an agent in this same step.
        let mut assigned = if creating || reopened {
            crate::services::assignment::object::give_out(sql, &a.now)?
        } else {
            Vec::new()
        };
        let summary = chats::summary(sql, &a.chat_id)?
            .ok_or_else(|| ApiError::internal(format!("chat {} has no summary", a.chat_id)))?;
        if given_to_inviter {
            // Announced like any other assignment (`chat.assigned`).
            assigned.push(summary.clone());
        }
        let attachments: Vec<Attachment> = serde_json::from_str(&a.attachments)
            .map_err(|e| ApiError::internal(format!("attachments of {}: {e}", a.id)))?;
        let webhooks = crate::services::webhooks::object::targets(sql)?;
        Ok(Appended {
            webhooks,
            message: ConversationMessage {
                id: parse_id(&a.id)?,
                chat_id: parse_id(&a.chat_id)?,
                seq,
                text: a.text,
                sender: Sender {
                    kind: a.sender_type,
                    id: a.sender_id,
                    name: a.sender_name,
                },
                attachments,
                created_at: a.now,
            },
            summary,
            reopened,
            assigned,
            budget: None,
        })
    }

    fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T, ApiError> {
        s.parse()
            .map_err(|_| ApiError::internal(format!("stored id {s} does not parse")))
    }

    #[derive(Deserialize)]
    struct MessageRow {
        id: String,
        chat_id: String,
        seq: u64,
        sender_type: SenderType,
        sender_id: Option<String>,
        sender_name: Option<String>,
        text: String,
        attachments: String,
        created_at: String,
    }

    impl MessageRow {
        fn into_message(self) -> Result<ConversationMessage, ApiError> {
            let attachments: Vec<Attachment> = serde_json::from_str(&self.attachments)
                .map_err(|e| ApiError::internal(format!("attachments of {}: {e}", self.id)))?;
            Ok(ConversationMessage {
                id: parse_id(&self.id)?,
                chat_id: parse_id(&self.chat_id)?,
                seq: self.seq,
                text: self.text,
                sender: Sender {
                    kind: self.sender_type,
                    id: self.sender_id,
                    name: self.sender_name,
                },
                attachments,
                created_at: self.created_at,
            })
        }
    }

    /// Up to `limit` messages of a chat with `seq` above `after`, in `seq` order: a
    /// range of the primary key.
    pub fn list_after(
        sql: &SqlStorage,
        chat_id: &str,
        after: u64,
        limit: u32,
    ) -> Result<Vec<ConversationMessage>, ApiError> {
        let found: Vec<MessageRow> = rows(
            sql,
            "SELECT id, chat_id, seq, sender_type, sender_id, sender_name, text, attachments,
                    created_at
               FROM messages WHERE chat_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
            vec![
                chat_id.into(),
                i64::try_from(after).unwrap_or(i64::MAX).into(),
                i64::from(limit).into(),
            ],
        )?;
        found.into_iter().map(MessageRow::into_message).collect()
    }
}
