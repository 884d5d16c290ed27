//! What the worker asks a `Workspace` object and what it answers: one request enum,
//! one answer per request, each serialised once as JSON. Variants are only ever added,
//! so a worker and an object one deployment apart still understand each other.

use serde::{Deserialize, Serialize};
use shared_types::automation::Trigger;
use shared_types::widget::WidgetConfig;

/// One operation on the workspace's own database. Grouped by the service that owns the
/// tables it touches.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "service", content = "op", rename_all = "snake_case")]
pub enum Request {
    Triggers(TriggerOp),
    Tenant(TenantOp),
    Widget(WidgetOp),
}

/// The object's storage as a whole: its export and its erasure.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TenantOp {
    /// → `Vec<String>`: the tables that hold the tenant's rows.
    Tables,
    /// → `Vec<serde_json::Map>`: up to `limit` rows of `table` from `offset`, in rowid order.
    Page {
        table: String,
        offset: u32,
        limit: u32,
    },
    /// → `()`: every table and row gone; the object's storage is deleted.
    Erase,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TriggerOp {
    /// → `Vec<Trigger>`, oldest first.
    List,
    /// → `Vec<PublicTrigger>`, the active ones, oldest first.
    ListActive,
    /// → `Option<Trigger>`.
    Get { id: String },
    /// → `bool`: false when the workspace already has `cap`.
    Insert { trigger: Trigger, cap: u32 },
    /// → `()`: every editable field written.
    Put { trigger: Trigger, now: String },
    /// → `bool`: false when there was no such trigger.
    Delete { id: String },
}

/// The widget's configuration, one row, and the workspace's sealed identity secret in it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WidgetOp {
    /// → `()`: `config` stored as the workspace's first, unless it has one already.
    Create { config: WidgetConfig, now: String },
    /// → `Option<WidgetConfig>`: `None` before [`WidgetOp::Create`].
    Get,
    /// → `()`: every field written (the caller merged its partial update into it).
    Put { config: WidgetConfig, now: String },
    /// → `()`: the new sealed identity secret; the old one stops verifying with it.
    PutIdentitySecret { sealed: String, now: String },
    /// → `Option<String>`: the sealed identity secret, `None` when none was ever made.
    IdentitySecret,
}

/// The object's answer: the operation's value, or the catalogue code it failed with
/// (its cause was logged inside the object).
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer<T> {
    Ok(T),
    Failed { code: String },
}
