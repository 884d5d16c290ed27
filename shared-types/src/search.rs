//! `GET /search`: the chats whose messages, visitor name, visitor email or tags match
//! what an agent typed, case-insensitively and without regard to diacritics, in Latin
//! and Cyrillic alike.

use serde::{Deserialize, Serialize};

use crate::chats::ChatStatus;
use crate::pagination::{Limit, Page};
use crate::validate::SearchText;
use crate::Timestamp;

/// Query of `GET /search`. A bad value is
/// [`ErrorCode::InvalidQuery`](crate::ErrorCode::InvalidQuery).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct SearchQuery {
    /// Words to find; each must match, the last also as the start of a word, so a
    /// search typed so far already finds.
    #[cfg_attr(feature = "openapi", param(inline))]
    pub q: SearchText,
    /// Only chats in this status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub status: Option<ChatStatus>,
    /// 1-based page; default 1.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub page: Page,
    /// Chats per page, 1..=100; default 20.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub limit: Limit,
}

/// One chat found. Chats are listed newest first (by when they started), at most the
/// 200 newest that match; `pagination.total` counts those.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    /// The chat.
    pub chat_id: String,
    /// A few words around the match, as HTML: the text escaped, each matched word in
    /// `<mark>…</mark>`, `…` where text was cut. From the newest matching message, or
    /// from the visitor's name, email or the tags when only those matched.
    pub snippet: String,
    /// The visitor's name, `null` when they gave none.
    pub visitor_name: Option<String>,
    /// The visitor's email, `null` when they gave none.
    pub visitor_email: Option<String>,
    /// Lifecycle state.
    pub status: ChatStatus,
    /// When the last message was sent; the chat's creation when it has none.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub last_message_at: Timestamp,
}
