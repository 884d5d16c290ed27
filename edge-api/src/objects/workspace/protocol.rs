//! What the worker asks a `Workspace` object and what it answers: one request enum,
//! one answer per request, each serialised once as JSON. Variants are only ever added,
//! so a worker and an object one deployment apart still understand each other.

use serde::{Deserialize, Serialize};
use shared_types::automation::Trigger;
use shared_types::ids::WebhookId;
use shared_types::webhooks::{UpdateWebhookRequest, Webhook, WebhookEvent};
use shared_types::widget::WidgetConfig;

/// One operation on the workspace's own database. Grouped by the service that owns the
/// tables it touches.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "service", content = "op", rename_all = "snake_case")]
pub enum Request {
    Triggers(TriggerOp),
    Webhooks(WebhookOp),
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

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WebhookOp {
    /// → `Vec<Webhook>`, oldest first.
    List,
    /// → `Vec<WebhookTarget>`: the active webhooks and what each subscribed to, all an
    /// event needs to find its receivers.
    Targets,
    /// → `bool`: false when the workspace already has `cap`.
    Insert {
        webhook: Webhook,
        secret_sealed: String,
        cap: u32,
    },
    /// → `Option<Webhook>`, as it is after the change; `None` when there is no such
    /// webhook. Switching an inactive webhook back on forgets its run of failures.
    Update {
        id: String,
        change: UpdateWebhookRequest,
        now: String,
    },
    /// → `bool`: false when there was no such webhook. Its log goes with it.
    Delete { id: String },
    /// → `Option<Vec<WebhookDelivery>>`: the webhook's latest `limit` attempts, newest
    /// first; `None` when there is no such webhook.
    Deliveries { id: String, limit: u32 },
    /// → `Vec<DeliveryState>`: for each webhook named that still exists, the webhook and
    /// what its log says of the events named with it.
    ForDelivery { events: Vec<WebhookEvents> },
    /// → `()`: the attempts and the changes to runs of failures, in one transaction.
    /// Arms the object's alarm that deletes expired attempts.
    Log {
        attempts: Vec<DeliveryAttempt>,
        runs: Vec<FailureRun>,
        now: String,
    },
}

/// A webhook and events of a batch of deliveries to it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebhookEvents {
    pub webhook_id: String,
    pub event_ids: Vec<String>,
}

/// An active webhook as an event sees it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WebhookTarget {
    pub id: WebhookId,
    pub events: Vec<WebhookEvent>,
}

/// A webhook with what only the delivery sees: its signing secret, sealed
/// (`crate::crypto::seal` for `services::webhooks::secret_purpose`), and the start of its
/// current run of failures.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredWebhook {
    pub webhook: Webhook,
    pub secret_sealed: String,
    pub failing_since: Option<String>,
}

/// What the log already says about one event at one webhook: how many attempts were
/// made and whether one succeeded (so a redelivered message is not sent twice).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct EventAttempts {
    pub event_id: String,
    pub attempts: u32,
    pub succeeded: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeliveryState {
    pub webhook: StoredWebhook,
    /// Only events with at least one attempt logged.
    pub attempts: Vec<EventAttempts>,
}

/// One attempt (or the dead-letter entry) to log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeliveryAttempt {
    pub id: String,
    pub webhook_id: String,
    pub event_id: String,
    pub event_type: WebhookEvent,
    pub attempt: u32,
    pub status_code: Option<u16>,
    pub duration_ms: Option<u64>,
    pub error: Option<String>,
    pub next_retry_at: Option<String>,
    pub dead_lettered: bool,
    pub created_at: String,
}

/// What a batch's attempts did to a webhook's run of failures.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "run", rename_all = "snake_case")]
pub enum FailureRun {
    /// A success ended it.
    Ended { webhook_id: String },
    /// Failures only: the run started at `failing_since`; `deactivate` switches the
    /// webhook off.
    Extended {
        webhook_id: String,
        failing_since: String,
        deactivate: bool,
    },
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
