//! Prefixed identifiers. Each kind of object has its own newtype, so a
//! [`ChatId`] can never be passed where an [`AgentId`] is expected, and parsing
//! refuses an id of the wrong kind (`agent_…` where `chat_…` is required).
//!
//! Shape: `<prefix><suffix>`, the suffix 1+ ASCII letters or digits, the whole
//! id at most [`MAX_ID_LEN`] bytes. On the wire an id is a plain JSON string;
//! deserialising validates it.
//!
//! This crate generates no ids (no randomness, no I/O); generators build them
//! with `with_suffix`.

use std::fmt;

/// The longest id accepted, prefix included, in bytes (all ASCII).
pub const MAX_ID_LEN: usize = 64;

/// Why a string is not an id of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdError {
    /// The id does not start with the expected prefix (e.g. `chat_`).
    WrongPrefix {
        /// The prefix that was required.
        expected: &'static str,
    },
    /// Nothing follows the prefix.
    EmptySuffix,
    /// The suffix holds a character outside `[A-Za-z0-9]`.
    InvalidChar,
    /// Longer than [`MAX_ID_LEN`].
    TooLong,
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdError::WrongPrefix { expected } => {
                write!(f, "must be an id starting with '{expected}'")
            }
            IdError::EmptySuffix => f.write_str("must have characters after its prefix"),
            IdError::InvalidChar => {
                f.write_str("must contain only letters and digits after its prefix")
            }
            IdError::TooLong => write!(f, "must be at most {MAX_ID_LEN} characters"),
        }
    }
}

impl std::error::Error for IdError {}

/// Checks `input` against `prefix` and the shared id shape.
fn check_id(prefix: &'static str, input: &str) -> Result<(), IdError> {
    let suffix = input
        .strip_prefix(prefix)
        .ok_or(IdError::WrongPrefix { expected: prefix })?;
    if suffix.is_empty() {
        return Err(IdError::EmptySuffix);
    }
    if !suffix.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(IdError::InvalidChar);
    }
    if input.len() > MAX_ID_LEN {
        return Err(IdError::TooLong);
    }
    Ok(())
}

macro_rules! define_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[doc = concat!("\n\nAlways starts with `", $prefix, "`.")]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The prefix every id of this kind starts with.
            pub const PREFIX: &'static str = $prefix;

            /// Parses an id of this kind; refuses another kind's prefix, an empty
            /// suffix, suffix characters outside `[A-Za-z0-9]` and ids longer than
            /// [`MAX_ID_LEN`].
            pub fn parse(input: &str) -> Result<Self, IdError> {
                check_id($prefix, input)?;
                Ok($name(input.to_owned()))
            }

            /// Builds `<prefix><suffix>` without checking, for id generators whose
            /// suffixes are known to be 1+ of `[A-Za-z0-9]` and short enough.
            /// Debug builds assert that; passing anything else is a bug.
            pub fn with_suffix(suffix: &str) -> Self {
                let id = $name(format!("{}{}", $prefix, suffix));
                debug_assert_eq!(check_id($prefix, &id.0), Ok(()), "bad generated id {:?}", id.0);
                id
            }

            /// The whole id, prefix included.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The part after the prefix.
            pub fn suffix(&self) -> &str {
                &self.0[$prefix.len()..]
            }

            /// The whole id, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        string_serde!(
            $name,
            IdError,
            concat!("an id starting with ", $prefix),
            schema = $crate::openapi::id($prefix)
        );
    };
}

define_id!(
    /// A workspace (one customer account).
    WorkspaceId, "ws_"
);
define_id!(
    /// An agent (a person answering chats).
    AgentId, "agent_"
);
define_id!(
    /// A chat (one conversation with one visitor).
    ChatId, "chat_"
);
define_id!(
    /// A message within a chat.
    MessageId, "msg_"
);
define_id!(
    /// An automation trigger.
    TriggerId, "trigger_"
);
define_id!(
    /// A webhook subscription. (The spec's examples spell it `webhook_`.)
    WebhookId, "webhook_"
);
define_id!(
    /// An uploaded file.
    FileId, "file_"
);
define_id!(
    /// An API key's public id (not the secret key itself).
    ApiKeyId, "key_"
);
define_id!(
    /// A website visitor, created with their widget session.
    VisitorId, "visitor_"
);
define_id!(
    /// A webhook event; receivers deduplicate deliveries by it.
    EventId, "evt_"
);
define_id!(
    /// A request, echoed in `X-Request-Id` and every error envelope.
    RequestId, "req_"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_its_own_prefix_only() {
        let id = ChatId::parse("chat_abc123").unwrap();
        assert_eq!(id.as_str(), "chat_abc123");
        assert_eq!(id.suffix(), "abc123");
        assert_eq!(id.to_string(), "chat_abc123");
        assert_eq!(
            ChatId::parse("agent_abc123"),
            Err(IdError::WrongPrefix { expected: "chat_" })
        );
        assert_eq!(
            AgentId::parse("chat_abc").unwrap_err().to_string(),
            "must be an id starting with 'agent_'"
        );
    }

    #[test]
    fn refuses_bad_suffixes_and_lengths() {
        assert_eq!(ChatId::parse("chat_"), Err(IdError::EmptySuffix));
        assert_eq!(
            ChatId::parse(""),
            Err(IdError::WrongPrefix { expected: "chat_" })
        );
        assert_eq!(
            ChatId::parse("CHAT_abc"),
            Err(IdError::WrongPrefix { expected: "chat_" })
        );
        for bad in [
            "chat_a-b",
            "chat_a_b",
            "chat_a b",
            "chat_ab\n",
            "chat_ў",
            "chat_a/../b",
        ] {
            assert_eq!(ChatId::parse(bad), Err(IdError::InvalidChar), "{bad:?}");
        }
        let max = format!("chat_{}", "a".repeat(MAX_ID_LEN - 5));
        assert!(ChatId::parse(&max).is_ok());
        let over = format!("chat_{}", "a".repeat(MAX_ID_LEN - 4));
        assert_eq!(ChatId::parse(&over), Err(IdError::TooLong));
    }

    #[test]
    fn every_kind_has_its_prefix() {
        assert_eq!(WorkspaceId::with_suffix("1").as_str(), "ws_1");
        assert_eq!(AgentId::with_suffix("1").as_str(), "agent_1");
        assert_eq!(ChatId::with_suffix("1").as_str(), "chat_1");
        assert_eq!(MessageId::with_suffix("1").as_str(), "msg_1");
        assert_eq!(TriggerId::with_suffix("1").as_str(), "trigger_1");
        assert_eq!(WebhookId::with_suffix("1").as_str(), "webhook_1");
        assert_eq!(FileId::with_suffix("1").as_str(), "file_1");
        assert_eq!(ApiKeyId::with_suffix("1").as_str(), "key_1");
        assert_eq!(VisitorId::with_suffix("1").as_str(), "visitor_1");
        assert_eq!(EventId::with_suffix("1").as_str(), "evt_1");
        assert_eq!(RequestId::with_suffix("1").as_str(), "req_1");
    }

    #[test]
    fn serde_is_a_plain_validated_string() {
        let id: MessageId = serde_json::from_str("\"msg_def456\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"msg_def456\"");
        let err = serde_json::from_str::<MessageId>("\"chat_def456\"").unwrap_err();
        assert!(err.to_string().contains("msg_"), "{err}");
        assert!(serde_json::from_str::<MessageId>("42").is_err());
        let parsed: ChatId = "chat_x".parse().unwrap();
        assert_eq!(parsed, ChatId::with_suffix("x"));
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "bad generated id")]
    fn with_suffix_asserts_in_debug_builds() {
        let _ = ChatId::with_suffix("not valid");
    }
}
