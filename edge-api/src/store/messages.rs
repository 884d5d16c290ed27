//! Messages. Appending one is a single D1 batch that bumps the chat's sequence and
//! counters and inserts the message under the new number, so concurrent senders can
//! never share or skip a `seq`.

use serde::Deserialize;
use shared_types::chats::{Attachment, ConversationMessage, Sender, SenderType};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::{all, d1_error, opt_str, stmt};
use crate::error::ApiError;

pub struct NewMessage<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub chat_id: &'a str,
    pub sender_type: SenderType,
    pub sender_id: Option<&'a str>,
    pub sender_name: Option<&'a str>,
    pub text: &'a str,
    /// A JSON array of attachments.
    pub attachments: &'a str,
    pub now: &'a str,
    /// Refuse (store nothing) when the chat is closed: agents reopen explicitly.
    pub require_open: bool,
}

/// The statements that append `m`; the caller may run more in the same batch (they see
/// the chat already bumped). The last statement reads back the message's `seq`.
pub fn append_statements(
    db: &D1Database,
    m: &NewMessage<'_>,
) -> Result<Vec<D1PreparedStatement>, ApiError> {
    let from_visitor = i32::from(m.sender_type == SenderType::Visitor);
    let from_agent = i32::from(m.sender_type == SenderType::Agent);
    Ok(vec![
        stmt(
            db,
            "UPDATE chats SET
                last_seq = last_seq + 1,
                last_message_at = ?3,
                last_activity_at = ?3,
                updated_at = ?3,
                unread_count = unread_count + ?4,
                visitor_unread_count = visitor_unread_count + ?5,
                first_visitor_message_at = CASE WHEN ?4 = 1
                    THEN COALESCE(first_visitor_message_at, ?3) ELSE first_visitor_message_at END,
                first_response_at = CASE WHEN ?5 = 1
                    THEN COALESCE(first_response_at, ?3) ELSE first_response_at END,
                agents_replied = agents_replied + (?5 = 1 AND NOT EXISTS (
                    SELECT 1 FROM messages
                     WHERE chat_id = ?2 AND sender_type = 'agent' AND sender_id = ?6))
              WHERE workspace_id = ?1 AND id = ?2 AND (?7 = 0 OR status <> 'closed')",
            &[
                m.workspace_id.into(),
                m.chat_id.into(),
                m.now.into(),
                from_visitor.into(),
                from_agent.into(),
                opt_str(m.sender_id),
                i32::from(m.require_open).into(),
            ],
        )?,
        // changes(): only when the update above found the chat (and it was open).
        stmt(
            db,
            "INSERT INTO messages (id, workspace_id, chat_id, seq, sender_type, sender_id,
                                   sender_name, text, attachments, created_at)
             SELECT ?1, ?2, ?3, last_seq, ?4, ?5, ?6, ?7, ?8, ?9
               FROM chats WHERE workspace_id = ?2 AND id = ?3 AND changes() = 1",
            &[
                m.id.into(),
                m.workspace_id.into(),
                m.chat_id.into(),
                m.sender_type.as_str().into(),
                opt_str(m.sender_id),
                opt_str(m.sender_name),
                m.text.into(),
                m.attachments.into(),
                m.now.into(),
            ],
        )?,
        stmt(db, "SELECT seq FROM messages WHERE id = ?1", &[m.id.into()])?,
    ])
}

/// Runs a batch that ends with [`append_statements`]; returns the message as stored, or
/// `None` when nothing was (no such chat in the workspace, or it is closed and had to
/// be open).
pub async fn run_append(
    db: &D1Database,
    statements: Vec<D1PreparedStatement>,
    m: &NewMessage<'_>,
) -> Result<Option<ConversationMessage>, ApiError> {
    #[derive(Deserialize)]
    struct Seq {
        seq: u64,
    }
    let results = db
        .batch(statements)
        .await
        .map_err(|e| d1_error("append message", e))?;
    let Some(seq) = results
        .last()
        .and_then(|r| r.results::<Seq>().ok())
        .and_then(|rows| rows.into_iter().next())
        .map(|row| row.seq)
    else {
        return Ok(None);
    };
    Ok(Some(ConversationMessage {
        id: parse_id(m.id)?,
        chat_id: parse_id(m.chat_id)?,
        seq,
        text: m.text.to_string(),
        sender: Sender {
            kind: m.sender_type,
            id: m.sender_id.map(String::from),
            name: m.sender_name.map(String::from),
        },
        attachments: serde_json::from_str(m.attachments)
            .map_err(|e| ApiError::internal(format!("attachments of {}: {e}", m.id)))?,
        created_at: m.now.to_string(),
    }))
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

/// Up to `limit` messages of a chat with `seq` above `after`, in `seq` order (uses
/// messages_chat_seq). The caller has checked the chat belongs to the workspace.
pub async fn list_after(
    db: &D1Database,
    chat_id: &str,
    after: u64,
    limit: u32,
) -> Result<Vec<ConversationMessage>, ApiError> {
    let rows: Vec<MessageRow> = all(
        db,
        "SELECT id, chat_id, seq, sender_type, sender_id, sender_name, text, attachments, created_at
           FROM messages WHERE chat_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        &[chat_id.into(), JsValue::from(after as f64), JsValue::from(limit)],
    )
    .await?;
    rows.into_iter().map(MessageRow::into_message).collect()
}

/// The page of a conversation a `?after=&limit=` query asks for.
pub async fn page(
    db: &D1Database,
    chat_id: &shared_types::ids::ChatId,
    query: &shared_types::chats::MessagesQuery,
) -> Result<Vec<ConversationMessage>, ApiError> {
    list_after(
        db,
        chat_id.as_str(),
        query.after.unwrap_or(0),
        query.limit.get(),
    )
    .await
}
