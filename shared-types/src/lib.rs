//! ChatFlow's shared vocabulary: the serde types of every request and response
//! body, realtime frame and webhook payload, the prefixed ids, the enums with
//! their exact wire spellings, the error catalogue, and the validation newtypes
//! (parse, don't validate) that both the worker and its clients use.
//!
//! The contract is `spec/api-endpoints.md` plus DESIGN.md's "Beyond the spec";
//! every field name, type and enum spelling here follows them, and
//! `tests/spec_examples.rs` round-trips every JSON example of the spec.
//!
//! What this crate is **not**: it does no I/O, knows no Worker binding, stores
//! nothing, generates no ids or secrets, and computes no signatures or metrics.
//! It depends only on `serde` and `serde_json` and builds for native and
//! `wasm32-unknown-unknown` alike, so the edge worker, the widget and the
//! end-to-end tests share one definition of every body.
//!
//! Feature `openapi` (the worker's `/v1/openapi.json` only; the widget and console
//! build without it): every body, frame and webhook payload derives
//! `utoipa::ToSchema`, every query struct `utoipa::IntoParams`, and the types with
//! hand-written serde get schemas from the `openapi` module that accept exactly what their
//! `parse` accepts (`tests/openapi_schemas.rs` holds them to it).
//!
//! Conventions:
//! - Request bodies `deny_unknown_fields` (a typo is a 400); response types
//!   accept unknown fields, so old clients keep working when fields are added.
//! - Nullable response fields are always present (as `null`), never omitted.
//! - PATCH bodies: every field is optional; fields that may be cleared are
//!   `Option<Option<T>>` (absent = unchanged, `null` = clear).
//! - Timestamps are [`Timestamp`] strings; dates are [`IsoDate`].

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[macro_use]
mod macros;
pub mod serde_util;

pub mod admin;
pub mod agents;
pub mod analytics;
pub mod auth;
pub mod automation;
pub mod canned;
pub mod chats;
pub mod contacts;
pub mod email;
pub mod error;
pub mod files;
pub mod ids;
pub mod lang;
pub mod notes;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod pagination;
pub mod presence;
pub mod realtime;
pub mod search;
pub mod settings;
pub mod validate;
pub mod visitor;
pub mod webhooks;
pub mod widget;

/// An instant as an RFC 3339 string in UTC with a `Z` suffix,
/// e.g. `2026-02-11T14:23:00Z`. Kept as text: this crate pulls in no date
/// library, and the worker formats every timestamp the same way.
pub type Timestamp = String;

pub use error::{ErrorBody, ErrorCode, ErrorEnvelope, FieldErrors};
pub use ids::{
    AgentId, ApiKeyId, ChatId, EventId, FileId, IdError, MessageId, RequestId, TriggerId,
    VisitorId, WebhookId, WorkspaceId,
};
pub use pagination::{pages, DataList, Limit, ListResponse, Page, Pagination};
pub use validate::{
    DomainPattern, Email, FileName, FreeText, HexColor, HttpUrl, IsoDate, MessageText, Phone,
    ShortText, Tag, UrlPattern, ValueError,
};
