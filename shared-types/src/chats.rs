//! Chats and messages: `GET/PATCH /chats…`, `POST /chats/{id}/messages`, and the
//! conversation read `GET /chats/{id}/messages?after=` (DESIGN.md).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::files::content_type_essence;
use crate::ids::{AgentId, ChatId, MessageId, VisitorId};
use crate::pagination::{Limit, Page};
use crate::validate::{FreeText, HttpUrl, MessageText, Tag};
use crate::Timestamp;

wire_enum! {
    /// A chat's lifecycle state. `active`: waiting for or talking to nobody in
    /// particular; `assigned`: an agent owns it; `closed`: finished (a new
    /// visitor message or an agent may reopen it, firing `chat.reopened`).
    pub enum ChatStatus {
        /// Open and not assigned to an agent.
        Active = "active",
        /// Open and owned by the agent in `assigned_to`.
        Assigned = "assigned",
        /// Finished.
        Closed = "closed",
    }
}

wire_enum! {
    /// Who wrote a message, or who is typing/reading in a realtime frame.
    pub enum SenderType {
        /// An agent, through the API or console.
        Agent = "agent",
        /// The website visitor, through the widget.
        Visitor = "visitor",
        /// ChatFlow itself (assignment notices, automation messages).
        System = "system",
    }
}

wire_enum! {
    /// How an attachment is shown: images inline, everything else as a download.
    pub enum AttachmentType {
        /// An `image/*` file (shown inline).
        Image = "image",
        /// Any other file (offered as a download).
        File = "file",
    }
}

impl AttachmentType {
    /// `Image` for `image/*` content types (parameters and case ignored), `File`
    /// otherwise.
    pub fn for_content_type(content_type: &str) -> AttachmentType {
        if content_type_essence(content_type).starts_with("image/") {
            AttachmentType::Image
        } else {
            AttachmentType::File
        }
    }
}

/// Query of `GET /chats`. Unknown parameters are ignored; a bad value is
/// [`ErrorCode::InvalidQuery`](crate::ErrorCode::InvalidQuery).
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct ListChatsQuery {
    /// Only chats in this status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub status: Option<ChatStatus>,
    /// Only chats assigned to this agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub agent_id: Option<AgentId>,
    /// 1-based page; default 1.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub page: Page,
    /// Rows per page, 1..=100; default 20.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub limit: Limit,
}

/// One row of `GET /chats` (also the `chat` of the realtime `chat.updated` frame).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatSummary {
    /// The chat.
    pub id: ChatId,
    /// The visitor's name, `null` when they gave none.
    pub visitor_name: Option<String>,
    /// The visitor's email, `null` when they gave none.
    pub visitor_email: Option<String>,
    /// Lifecycle state.
    pub status: ChatStatus,
    /// The owning agent, `null` when unassigned.
    pub assigned_to: Option<AgentId>,
    /// Visitor messages agents have not read yet.
    pub unread_count: u32,
    /// When the newest message was written (a chat always starts with one).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub last_message_at: Timestamp,
    /// When the chat was started.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    /// Whether the visitor's identity was verified (see [`Visitor::verified`]).
    /// Additive.
    #[serde(default, deserialize_with = "crate::serde_util::bool_or_int")]
    pub visitor_verified: bool,
    /// The newest message's first 140 characters (empty for a file alone), what an
    /// inbox row shows under the name. Additive.
    #[serde(default)]
    pub last_message_text: Option<String>,
    /// Who wrote that message. Additive.
    #[serde(default)]
    pub last_message_sender: Option<SenderType>,
}

/// The visitor of [`ChatDetail`]: what they told the widget. All fields are
/// always present; unknown values are `null`.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Visitor {
    /// Name as given.
    pub name: Option<String>,
    /// Email as given (lower-cased).
    pub email: Option<String>,
    /// Phone as given.
    pub phone: Option<String>,
    /// Free-form key/value data the site passed to the widget; `{}` when none.
    #[serde(default)]
    pub metadata: Map<String, Value>,
    /// The site's own id for this user, `null` when not given. Additive.
    #[serde(default)]
    pub user_id: Option<String>,
    /// True when the session's `user_hash` proved the email or user id (identity
    /// verification); false for anything a visitor merely claimed. Additive.
    #[serde(default)]
    pub verified: bool,
    /// The contact this visitor is (`GET /contacts/{id}`), `null` until they give an
    /// email or prove a user id. Additive.
    #[serde(default)]
    pub contact_id: Option<String>,
    /// The ISO 3166 country the session's address is in, `null` when unknown. Additive.
    #[serde(default)]
    pub country: Option<String>,
    /// The session's browser and system, e.g. `Firefox 133 on Windows`, `null` when
    /// unknown. Additive.
    #[serde(default)]
    pub browser: Option<String>,
}

/// `GET /chats/{chat_id}` and the answer to `PATCH /chats/{chat_id}`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatDetail {
    /// The chat.
    pub id: ChatId,
    /// Who is chatting.
    pub visitor: Visitor,
    /// Lifecycle state.
    pub status: ChatStatus,
    /// The owning agent, `null` when unassigned.
    pub assigned_to: Option<AgentId>,
    /// Agents' tags, in the order they were set.
    pub tags: Vec<String>,
    /// Agents' internal note, `null` when none.
    pub notes: Option<String>,
    /// When the chat was started.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    /// When status, assignment, tags, notes or messages last changed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
    /// The page the visitor started the chat on (the widget's `page_url`), `null`
    /// when not given. Beside `visitor`, not in it: it belongs to this chat, and the
    /// same visitor may start another chat elsewhere. Not in the spec's example:
    /// an additive field.
    #[serde(default)]
    pub page_url: Option<String>,
    /// The `seq` of the last agent message the visitor has read, 0 when none: agents
    /// show "Seen" under it. Additive, like `page_url`.
    #[serde(default)]
    pub visitor_read_seq: u64,
}

/// An attachment in a request: a URL from the file flow
/// (`POST /files/upload-url` then `/files/confirm`) and how to show it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAttachment {
    /// `image` or `file`.
    #[serde(rename = "type")]
    pub kind: AttachmentType,
    /// The confirmed file's URL exactly as `POST /files/confirm` answered it
    /// (`FileObject::url`); the server stores its own URL for that file and refuses
    /// any other (REQ-004).
    pub url: HttpUrl,
}

/// An attachment of a stored message.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    /// `image` or `file`.
    #[serde(rename = "type")]
    pub kind: AttachmentType,
    /// Where the file is served.
    pub url: String,
}

/// Body of `POST /chats/{chat_id}/messages` (agent) and, as
/// [`VisitorMessageRequest`](crate::visitor::VisitorMessageRequest),
/// `POST /visitor/chats/{chat_id}/messages`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SendMessageRequest {
    /// Trimmed, 1..=10,000 characters.
    pub text: MessageText,
    /// Optional; absent means none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<NewAttachment>,
}

/// A message's author. `id` is an `agent_…` id for agents, a `visitor_…` id for
/// visitors and `null` for system messages; `name` is `null` when unknown.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sender {
    /// Agent, visitor or system.
    #[serde(rename = "type")]
    pub kind: SenderType,
    /// The author's id, `null` for system messages.
    pub id: Option<String>,
    /// The author's display name, `null` when unknown.
    pub name: Option<String>,
}

impl Sender {
    /// An agent author.
    pub fn agent(id: &AgentId, name: impl Into<String>) -> Self {
        Sender {
            kind: SenderType::Agent,
            id: Some(id.as_str().to_owned()),
            name: Some(name.into()),
        }
    }

    /// A visitor author; `name` is what they gave, if anything.
    pub fn visitor(id: &VisitorId, name: Option<String>) -> Self {
        Sender {
            kind: SenderType::Visitor,
            id: Some(id.as_str().to_owned()),
            name,
        }
    }

    /// ChatFlow itself.
    pub fn system() -> Self {
        Sender {
            kind: SenderType::System,
            id: None,
            name: None,
        }
    }
}

/// The answer to `POST /chats/{chat_id}/messages` (201), exactly as the spec
/// shows it. [`ConversationMessage`] is this plus `seq` and `attachments`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    /// The message.
    pub id: MessageId,
    /// Its chat.
    pub chat_id: ChatId,
    /// The text, as stored (trimmed).
    pub text: String,
    /// Who wrote it.
    pub sender: Sender,
    /// When it was stored.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// A message as read back from a conversation (`GET …/messages?after=`,
/// realtime `message.created`): the spec's message plus its position and
/// attachments.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationMessage {
    /// The message.
    pub id: MessageId,
    /// Its chat.
    pub chat_id: ChatId,
    /// Position in the chat: 1 for the first message, +1 for each next one, no
    /// gaps. Clients resume with the last `seq` they saw.
    pub seq: u64,
    /// The text, as stored (trimmed).
    pub text: String,
    /// Who wrote it.
    pub sender: Sender,
    /// Files attached, in the order sent; `[]` when none.
    pub attachments: Vec<Attachment>,
    /// When it was stored.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

impl From<ConversationMessage> for Message {
    fn from(m: ConversationMessage) -> Self {
        Message {
            id: m.id,
            chat_id: m.chat_id,
            text: m.text,
            sender: m.sender,
            created_at: m.created_at,
        }
    }
}

/// Query of `GET /chats/{chat_id}/messages` and
/// `GET /visitor/chats/{chat_id}/messages`: messages with `seq > after`, oldest
/// first, at most `limit` (1..=100, default 20). Answered with
/// [`DataList<ConversationMessage>`](crate::DataList); fewer than `limit` rows
/// means the client is up to date.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct MessagesQuery {
    /// Return messages after this `seq`; absent means from the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(exclusive_maximum = 18446744073709551616.0))]
    pub after: Option<u64>,
    /// At most this many messages.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub limit: Limit,
}

/// Body of `PATCH /chats/{chat_id}`: every field optional; absent fields are left
/// unchanged. `assigned_to: null` unassigns and `notes: null` clears the note
/// (absent and `null` differ; see the `Option<Option<_>>` fields); `null` for
/// `status` or `tags` is refused.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateChatRequest {
    /// New status; `null` is not allowed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub status: Option<ChatStatus>,
    /// `Some(Some(id))` assigns, `Some(None)` unassigns, `None` leaves it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::nullable"
    )]
    pub assigned_to: Option<Option<AgentId>>,
    /// Replaces the whole tag list (`[]` removes every tag).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub tags: Option<Vec<Tag>>,
    /// `Some(Some(text))` sets, `Some(None)` clears, `None` leaves it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::nullable"
    )]
    pub notes: Option<Option<FreeText>>,
}

impl UpdateChatRequest {
    /// True when the body changes nothing (`{}`).
    pub fn is_empty(&self) -> bool {
        self == &UpdateChatRequest::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_summary_reads_verified_from_a_row_or_json_and_writes_a_bool() {
        let row = |flag: Value| {
            serde_json::from_value::<ChatSummary>(json!({
                "id": "chat_a", "visitor_name": null, "visitor_email": null,
                "status": "active", "assigned_to": null, "unread_count": 0,
                "last_message_at": "2026-02-11T14:25:00Z",
                "created_at": "2026-02-11T14:25:00Z", "visitor_verified": flag
            }))
            .unwrap()
        };
        assert!(row(json!(1)).visitor_verified);
        assert!(!row(json!(0)).visitor_verified);
        assert!(row(json!(true)).visitor_verified);
        assert_eq!(
            serde_json::to_value(row(json!(1))).unwrap()["visitor_verified"],
            json!(true)
        );
    }

    #[test]
    fn enums_use_the_spec_spelling_everywhere() {
        assert_eq!(ChatStatus::ALL.len(), 3);
        for s in ChatStatus::ALL {
            assert_eq!(s.as_str().parse::<ChatStatus>(), Ok(*s));
            assert_eq!(serde_json::to_value(s).unwrap(), json!(s.as_str()));
        }
        assert!("Active".parse::<ChatStatus>().is_err());
        assert_eq!(
            "open".parse::<ChatStatus>().unwrap_err().reason(),
            "must be one of: active, assigned, closed"
        );
        let err = serde_json::from_value::<ChatStatus>(json!("open")).unwrap_err();
        assert!(err.to_string().contains("unknown variant `open`"), "{err}");
        assert_eq!(SenderType::System.to_string(), "system");
        assert_eq!("image".parse(), Ok(AttachmentType::Image));
    }

    #[test]
    fn list_query_reads_a_query_string() {
        let q: ListChatsQuery =
            serde_urlencoded::from_str("status=closed&agent_id=agent_x1&page=2&limit=50&utm=x")
                .unwrap();
        assert_eq!(q.status, Some(ChatStatus::Closed));
        assert_eq!(q.agent_id, Some(AgentId::with_suffix("x1")));
        assert_eq!((q.page.get(), q.limit.get()), (2, 50));
        let defaults: ListChatsQuery = serde_urlencoded::from_str("").unwrap();
        assert_eq!(defaults, ListChatsQuery::default());
        assert_eq!((defaults.page.get(), defaults.limit.get()), (1, 20));
        for bad in [
            "status=open",
            "limit=0",
            "limit=101",
            "page=0",
            "page=x",
            "agent_id=chat_1",
        ] {
            assert!(
                serde_urlencoded::from_str::<ListChatsQuery>(bad).is_err(),
                "{bad}"
            );
        }
        let m: MessagesQuery = serde_urlencoded::from_str("after=41").unwrap();
        assert_eq!((m.after, m.limit), (Some(41), Limit::DEFAULT));
        assert!(serde_urlencoded::from_str::<MessagesQuery>("after=-1").is_err());
    }

    #[test]
    fn attachment_type_follows_content_type() {
        assert_eq!(
            AttachmentType::for_content_type("image/png"),
            AttachmentType::Image
        );
        assert_eq!(
            AttachmentType::for_content_type("Image/JPEG; q=1"),
            AttachmentType::Image
        );
        assert_eq!(
            AttachmentType::for_content_type("application/pdf"),
            AttachmentType::File
        );
        assert_eq!(
            AttachmentType::for_content_type("imagex"),
            AttachmentType::File
        );
    }

    #[test]
    fn patch_distinguishes_absent_from_null() {
        let body: UpdateChatRequest =
            serde_json::from_value(json!({"assigned_to": null, "tags": []})).unwrap();
        assert_eq!(body.assigned_to, Some(None));
        assert_eq!(body.notes, None);
        assert_eq!(body.tags, Some(vec![]));
        assert_eq!(body.status, None);
        assert!(!body.is_empty());
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"assigned_to": null, "tags": []})
        );
        let empty: UpdateChatRequest = serde_json::from_value(json!({})).unwrap();
        assert!(empty.is_empty());
        assert_eq!(serde_json::to_value(&empty).unwrap(), json!({}));
    }

    #[test]
    fn patch_refuses_typos_bad_values_and_null_status() {
        for bad in [
            json!({"stauts": "closed"}),
            json!({"status": null}),
            json!({"tags": null}),
            json!({"status": "open"}),
            json!({"assigned_to": "chat_abc"}),
            json!({"tags": [""]}),
        ] {
            assert!(
                serde_json::from_value::<UpdateChatRequest>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn send_message_validates_text_and_attachments() {
        let ok: SendMessageRequest = serde_json::from_value(json!({"text": "  hi  "})).unwrap();
        assert_eq!(ok.text.as_str(), "hi");
        assert!(ok.attachments.is_empty());
        assert_eq!(serde_json::to_value(&ok).unwrap(), json!({"text": "hi"}));
        for bad in [
            json!({}),
            json!({"text": "   "}),
            json!({"text": "x", "attachment": []}),
            json!({"text": "x", "attachments": [{"type": "video", "url": "https://a.uz/x"}]}),
            json!({"text": "x", "attachments": [{"type": "image", "url": "javascript:alert(1)"}]}),
            json!({"text": "x", "attachments": [{"type": "image", "url": "https://a.uz/x", "size": 1}]}),
        ] {
            assert!(
                serde_json::from_value::<SendMessageRequest>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn responses_tolerate_new_fields_and_always_show_nullable_ones() {
        let v = json!({
            "id": "msg_1", "chat_id": "chat_1", "text": "t",
            "sender": {"type": "system", "id": null, "name": null},
            "created_at": "2026-02-11T14:25:00Z", "edited_at": null
        });
        let m: Message = serde_json::from_value(v).unwrap();
        assert_eq!(m.sender, Sender::system());
        assert_eq!(
            serde_json::to_value(&m.sender).unwrap(),
            json!({"type": "system", "id": null, "name": null})
        );
        let visitor = serde_json::to_value(Visitor::default()).unwrap();
        assert_eq!(
            visitor,
            json!({"name": null, "email": null, "phone": null, "metadata": {},
                   "user_id": null, "verified": false, "contact_id": null, "country": null,
                   "browser": null})
        );
    }

    #[test]
    fn conversation_message_is_the_spec_message_plus_seq_and_attachments() {
        let cm = ConversationMessage {
            id: MessageId::with_suffix("1"),
            chat_id: ChatId::with_suffix("1"),
            seq: 7,
            text: "hi".into(),
            sender: Sender::agent(&AgentId::with_suffix("1"), "Sara"),
            attachments: vec![],
            created_at: "2026-02-11T14:25:00Z".into(),
        };
        let mut full = serde_json::to_value(&cm).unwrap();
        let spec = serde_json::to_value(Message::from(cm)).unwrap();
        let obj = full.as_object_mut().unwrap();
        assert_eq!(obj.remove("seq"), Some(json!(7)));
        assert_eq!(obj.remove("attachments"), Some(json!([])));
        assert_eq!(full, spec);
    }
}
