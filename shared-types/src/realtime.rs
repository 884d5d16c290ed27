//! Realtime frames on `GET /realtime` (WebSocket). Each frame is one JSON text
//! message with a `type` field. Visitors connect with `?token=<visitor_token>`,
//! agents with `?ticket=` from `POST /realtime/tickets`.
//!
//! Delivery is at-least-once across reconnects: a client that reconnects sends
//! [`ClientFrame::Resume`] with the last `seq` it saw per chat and receives what
//! it missed as `message.created` frames, so it must ignore a `seq` it already has.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::agents::AgentStatus;
use crate::chats::{ChatSummary, ConversationMessage, SenderType};
use crate::error::ErrorCode;
use crate::ids::{AgentId, ChatId};
use crate::Timestamp;

/// Answer to `POST /realtime/tickets` (201, API key): a one-use ticket for an
/// agent's WebSocket, valid for [`TICKET_TTL_SECONDS`] (browsers cannot set an
/// `Authorization` header on a WebSocket). A bad, expired or reused ticket is
/// [`ErrorCode::AuthTicket`].
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RealtimeTicket {
    /// Pass as `?ticket=`.
    pub ticket: String,
    /// When it stops working.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: Timestamp,
}

/// How long a realtime ticket is valid, in seconds.
pub const TICKET_TTL_SECONDS: u64 = 60;

/// The longest draft the typing preview carries; the widget sends at most this much
/// of a longer one (the agent sees the whole message once it is sent).
pub const DRAFT_MAX_CHARS: usize = 2_000;

/// How often a visitor's draft may go to the agents: the widget sends at most this
/// many a second (the last one always), and the room drops what comes faster.
pub const DRAFT_FRAMES_PER_SECOND: u64 = 4;

/// Server → client.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type")]
pub enum ServerFrame {
    /// A message was stored in a chat the client follows.
    #[serde(rename = "message.created")]
    MessageCreated {
        /// The chat.
        chat_id: ChatId,
        /// The message, with its `seq`.
        message: ConversationMessage,
    },
    /// The other side started or stopped typing.
    #[serde(rename = "typing")]
    Typing {
        /// The chat.
        chat_id: ChatId,
        /// Who is typing.
        sender: SenderType,
        /// False when they stopped (or after a few seconds of silence).
        is_typing: bool,
    },
    /// What the visitor has written in the composer and not yet sent (an empty `text`:
    /// sent or erased). Only agents' sockets get it, and only while the workspace's
    /// `typing_preview` setting is on.
    #[serde(rename = "typing.preview")]
    TypingPreview {
        /// The chat.
        chat_id: ChatId,
        /// The draft, at most [`DRAFT_MAX_CHARS`] characters.
        text: String,
    },
    /// The other side has read everything up to `seq`.
    #[serde(rename = "read")]
    Read {
        /// The chat.
        chat_id: ChatId,
        /// Who read.
        reader: SenderType,
        /// Last `seq` read.
        seq: u64,
    },
    /// A chat's status, assignment or unread count changed (agents' inbox;
    /// visitors get it for their own chats).
    #[serde(rename = "chat.updated")]
    ChatUpdated {
        /// The chat as it is now.
        chat: ChatSummary,
    },
    /// An agent's availability changed (agents only).
    #[serde(rename = "presence")]
    Presence {
        /// The agent.
        agent_id: AgentId,
        /// Their status now.
        status: AgentStatus,
    },
    /// An agent added a private note to a chat (the agents' feed only: a note
    /// never reaches a visitor).
    #[serde(rename = "note.created")]
    NoteCreated {
        /// The note.
        note: crate::notes::ChatNote,
    },
    /// A visitor arrived on the site (the agents' feed only).
    #[serde(rename = "visitor.online")]
    VisitorOnline {
        /// Where they are.
        visitor: crate::presence::OnlineVisitor,
    },
    /// A visitor on the site moved to another page.
    #[serde(rename = "visitor.page")]
    VisitorPage {
        /// Where they are now.
        visitor: crate::presence::OnlineVisitor,
    },
    /// A visitor left (no sign of life for a minute).
    #[serde(rename = "visitor.offline")]
    VisitorOffline {
        /// As `visitor.online` named them.
        visitor_id: String,
    },
    /// A client frame was refused (unparsable, or about a chat the client may
    /// not see). The socket stays open.
    #[serde(rename = "error")]
    Error {
        /// A catalogue code, e.g. `REQ-004`.
        code: String,
        /// The catalogue's English message.
        message_en: String,
        /// The `ref` of the `send` frame refused, so the client knows which draft
        /// stays unsent; absent for any other frame.
        #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    /// A `send` frame's message is stored, under this `seq`; its `message.created`
    /// reaches every socket of the room (this one too) in `seq` order.
    #[serde(rename = "sent")]
    Sent {
        /// The client's `ref`, echoed.
        #[serde(rename = "ref")]
        reference: String,
        /// The message as stored.
        message: ConversationMessage,
    },
}

impl ServerFrame {
    /// The `error` frame for a catalogue entry.
    pub fn error(code: ErrorCode) -> Self {
        ServerFrame::Error {
            code: code.code().to_owned(),
            message_en: code.message_en().to_owned(),
            reference: None,
        }
    }

    /// The `error` frame refusing the `send` frame `reference`.
    pub fn refused(code: ErrorCode, reference: &str) -> Self {
        ServerFrame::Error {
            code: code.code().to_owned(),
            message_en: code.message_en().to_owned(),
            reference: Some(reference.to_owned()),
        }
    }
}

/// The longest `ref` a `send` frame may carry.
pub const SEND_REF_MAX_CHARS: usize = 64;

/// Client → server. Unknown fields are refused, like request bodies.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", deny_unknown_fields)]
pub enum ClientFrame {
    /// Send what was missed: for each chat, the last `seq` the client has (0 for
    /// none). Sent on every (re)connect.
    #[serde(rename = "resume")]
    Resume {
        /// Chat → last `seq` seen.
        chats: BTreeMap<ChatId, u64>,
    },
    /// The client's user started or stopped typing.
    #[serde(rename = "typing")]
    Typing {
        /// The chat.
        chat_id: ChatId,
        /// Whether they are typing now.
        is_typing: bool,
    },
    /// The visitor's unsent draft, for the typing preview (visitors only, at most
    /// [`DRAFT_FRAMES_PER_SECOND`] a second; an empty `text` clears it). Dropped unless
    /// the workspace's `typing_preview` is on.
    #[serde(rename = "draft")]
    Draft {
        /// The chat.
        chat_id: ChatId,
        /// What the composer holds, at most [`DRAFT_MAX_CHARS`] characters.
        #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
        text: String,
    },
    /// A message from the socket's visitor, stored and broadcast by the room as a
    /// `POST /v1/visitor/chats/{id}/messages` would (the same budget, the same rules),
    /// without an HTTP request per message. Text only, and the frame's size bound
    /// applies: attachments and longer texts take the POST. Answered by `sent`, or by an
    /// `error` carrying the same `ref`.
    #[serde(rename = "send")]
    Send {
        /// The chat.
        chat_id: ChatId,
        /// The client's name for this message, 1 to [`SEND_REF_MAX_CHARS`] characters,
        /// echoed in the answer.
        #[serde(rename = "ref")]
        #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
        reference: String,
        /// Trimmed, 1..=10,000 characters.
        text: crate::validate::MessageText,
    },
    /// The client's user has read everything up to `seq`.
    #[serde(rename = "read")]
    Read {
        /// The chat.
        chat_id: ChatId,
        /// Last `seq` read.
        #[cfg_attr(
            feature = "openapi",
            schema(exclusive_maximum = 18446744073709551616.0)
        )]
        seq: u64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn server_frames_are_tagged_by_type() {
        let f = ServerFrame::Typing {
            chat_id: ChatId::with_suffix("1"),
            sender: SenderType::Agent,
            is_typing: true,
        };
        assert_eq!(
            serde_json::to_value(&f).unwrap(),
            json!({"type": "typing", "chat_id": "chat_1", "sender": "agent", "is_typing": true})
        );
        assert_eq!(
            serde_json::to_value(ServerFrame::error(ErrorCode::ChatNotFound)).unwrap(),
            json!({"type": "error", "code": "CHAT-001", "message_en": "Chat not found"})
        );
        let presence: ServerFrame = serde_json::from_value(
            json!({"type": "presence", "agent_id": "agent_1", "status": "away"}),
        )
        .unwrap();
        assert_eq!(
            presence,
            ServerFrame::Presence {
                agent_id: AgentId::with_suffix("1"),
                status: AgentStatus::Away
            }
        );
        let created = json!({"type": "message.created", "chat_id": "chat_1", "message": {
            "id": "msg_1", "chat_id": "chat_1", "seq": 3, "text": "hi",
            "sender": {"type": "visitor", "id": "visitor_1", "name": null},
            "attachments": [], "created_at": "2026-02-11T14:25:00Z"}});
        let parsed: ServerFrame = serde_json::from_value(created.clone()).unwrap();
        assert_eq!(serde_json::to_value(parsed).unwrap(), created);
    }

    #[test]
    fn client_frames_parse_and_refuse_junk() {
        let resume: ClientFrame =
            serde_json::from_value(json!({"type": "resume", "chats": {"chat_a": 4, "chat_b": 0}}))
                .unwrap();
        let ClientFrame::Resume { chats } = &resume else {
            panic!("not resume: {resume:?}");
        };
        assert_eq!(chats.get(&ChatId::with_suffix("a")), Some(&4));
        assert_eq!(
            serde_json::to_value(&resume).unwrap(),
            json!({"type": "resume", "chats": {"chat_a": 4, "chat_b": 0}})
        );
        let read: ClientFrame =
            serde_json::from_value(json!({"type": "read", "chat_id": "chat_a", "seq": 9})).unwrap();
        assert_eq!(
            read,
            ClientFrame::Read {
                chat_id: ChatId::with_suffix("a"),
                seq: 9
            }
        );
        for bad in [
            json!({"type": "resume", "chats": {"agent_a": 1}}),
            json!({"type": "typing", "chat_id": "chat_a"}),
            json!({"type": "typing", "chat_id": "chat_a", "is_typing": true, "sender": "agent"}),
            json!({"type": "presence", "agent_id": "agent_1", "status": "online"}),
            json!({"chat_id": "chat_a", "seq": 1}),
        ] {
            assert!(
                serde_json::from_value::<ClientFrame>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }
}
