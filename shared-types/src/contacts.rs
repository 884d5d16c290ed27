//! Contacts: `GET /contacts`, `GET/PATCH/DELETE /contacts/{id}`. A contact is the
//! person behind visitors: a visitor who gave an email, or whose session proved the
//! site's `user_id`, joins the contact with that verified `user_id`, else the one with
//! that email (case aside), else a new one.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::chats::ChatSummary;
use crate::pagination::{Limit, Page};
use crate::validate::{Phone, SearchText, ShortText};
use crate::Timestamp;

/// Query of `GET /contacts`. A bad value is
/// [`ErrorCode::InvalidQuery`](crate::ErrorCode::InvalidQuery).
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct ContactQuery {
    /// Words of the name, email or phone; each must match, the last also as the start
    /// of a word. Absent: every contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub q: Option<SearchText>,
    /// 1-based page; default 1.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub page: Page,
    /// Contacts per page, 1..=100; default 20.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub limit: Limit,
}

/// One contact, as `GET /contacts` lists them: the last seen first.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    /// `contact_…`.
    pub id: String,
    /// `null` until a visitor or an agent gives one.
    pub name: Option<String>,
    /// As first given; `null` for a contact known only by its verified user id.
    pub email: Option<String>,
    /// `null` when none was given.
    pub phone: Option<String>,
    /// Site-defined data, from the first visitor that brought any, or as an agent set it.
    pub metadata: Map<String, Value>,
    /// When its first visitor came.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub first_seen_at: Timestamp,
    /// When one of its visitors last started a session or wrote.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub last_seen_at: Timestamp,
    /// Chats of all its visitors.
    pub chats_count: u64,
}

/// `GET /contacts/{id}` and the answer to `PATCH`: the contact and its chats.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactDetail {
    /// The contact.
    #[serde(flatten)]
    pub contact: Contact,
    /// Where its latest session came from: an ISO 3166 country code, `null` when unknown.
    pub country: Option<String>,
    /// The browser and system of its latest session, e.g. `Chrome 131 on Android`,
    /// `null` when unknown.
    pub browser: Option<String>,
    /// Its chats in `GET /chats`'s shape, newest activity first (the newest started
    /// first within a second), at most 100.
    pub chats: Vec<ChatSummary>,
}

/// Body of `PATCH /contacts/{id}`: absent fields are left unchanged, `null` clears
/// `name` or `phone`. A new name is also the name of its visitors' chats. At least one
/// field (REQ-004 otherwise).
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(min_properties = 1)
)]
#[serde(deny_unknown_fields)]
pub struct UpdateContact {
    /// 1..=100 characters.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::nullable"
    )]
    pub name: Option<Option<ShortText>>,
    /// 5..=15 digits, optional `+`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::nullable"
    )]
    pub phone: Option<Option<Phone>>,
    /// Replaces the whole object (`{}` empties it); the visitor metadata's bounds.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_util::present"
    )]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::metadata))]
    pub metadata: Option<Map<String, Value>>,
}

impl UpdateContact {
    /// True when the body changes nothing (`{}`).
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.phone.is_none() && self.metadata.is_none()
    }
}
