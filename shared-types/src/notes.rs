//! Private notes on a chat: `POST/GET /chats/{id}/notes`. Agents only: a note never
//! reaches the visitor (not their socket, list or mail) nor a webhook. The spec's
//! `notes` field of a chat stays what it is, the chat's summary.

use serde::{Deserialize, Serialize};

use crate::validate::MessageText;

/// Who wrote a note.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoteAuthor {
    /// `agent_…`.
    pub id: String,
    /// The agent's name when they wrote it.
    pub name: String,
}

/// One private note.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatNote {
    /// `note_…`.
    pub id: String,
    /// The chat.
    pub chat_id: String,
    /// 1..=10,000 characters.
    pub text: String,
    /// Who wrote it.
    pub author: NoteAuthor,
    /// When.
    pub created_at: String,
}

/// Body of `POST /chats/{id}/notes`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    /// Trimmed, 1..=10,000 characters.
    pub text: MessageText,
}
