//! Mail: `GET /chats/{id}/emails` (every attempt to mail about a chat), the workspace's
//! mail settings in `GET/PATCH /settings`, and `POST /visitor/chats/{id}/transcript`.

use serde::{Deserialize, Serialize};

use crate::validate::ShortText;

wire_enum! {
    /// What a mail was for.
    pub enum EmailKind {
        /// An agent told of a visitor nobody answered.
        AgentNotification = "agent_notification",
        /// A visitor sent the agents' replies they missed.
        VisitorReply = "visitor_reply",
        /// A visitor sent the whole conversation, at their request.
        Transcript = "transcript",
    }
}

wire_enum! {
    /// How one attempt ended.
    pub enum EmailStatus {
        /// The mail service took the message.
        Sent = "sent",
        /// It refused or failed; the queue tries again.
        Failed = "failed",
    }
}

/// One attempt to send one mail about a chat.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailAttempt {
    /// The attempt.
    pub id: String,
    /// The recipient's address.
    pub to: String,
    /// What the mail was for.
    pub kind: EmailKind,
    /// How it ended.
    pub status: EmailStatus,
    /// Why it failed, for a failed attempt.
    pub error: Option<String>,
    /// 1 for the first try of this mail, then 2, 3… for the queue's retries.
    pub attempt: u32,
    /// When it was made.
    pub created_at: String,
}

/// The `email` of the workspace's settings: how its mail is signed.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailSettings {
    /// The sender's display name; the workspace's name when null.
    pub from_name: Option<String>,
    /// The domain of the reply addresses (`chat+…@<domain>`), routed to this worker by
    /// Email Routing; the service's default when null.
    pub reply_domain: Option<String>,
}

/// The `email` of `PATCH /settings`: absent fields are left as they are, `null` goes
/// back to the default.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateEmailSettings {
    /// 1..=100 characters, or null for the workspace's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_name: Option<Option<ShortText>>,
    /// A domain name (letters, digits, hyphens and dots, 3..=253 characters), or null.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::reply_domain_or_null))]
    pub reply_domain: Option<Option<String>>,
}

/// Answer of `POST /visitor/chats/{id}/transcript` (202): the mail is on its way.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TranscriptQueued {
    /// Where it goes.
    pub to: String,
}

/// Answer of `GET` or `POST /public/unsubscribe`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unsubscribed {
    /// Always true: this visitor gets no more mail from the workspace.
    pub unsubscribed: bool,
}
