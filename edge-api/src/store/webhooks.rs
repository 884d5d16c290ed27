//! Webhooks and the log of their delivery attempts. Lists use webhooks_workspace and
//! webhook_deliveries_webhook; the consumer's per-event lookups use
//! webhook_deliveries_event (0006).

use serde::Deserialize;
use shared_types::ids::WebhookId;
use shared_types::webhooks::{Webhook, WebhookDelivery, WebhookEvent};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::{all, batch, bool_value, first, opt_str, run, stmt};
use crate::error::ApiError;

/// A stored webhook with what only the service sees: the signing secret, sealed
/// (`crypto::seal` for [`secret_purpose`]), and the start of its current run of failures.
#[derive(Debug, Clone)]
pub struct StoredWebhook {
    pub webhook: Webhook,
    pub sealed_secret: String,
    pub failing_since: Option<String>,
}

#[derive(Deserialize)]
struct Row {
    id: WebhookId,
    url: String,
    events: String,
    secret_sealed: String,
    active: i64,
    failing_since: Option<String>,
    created_at: String,
}

impl TryFrom<Row> for StoredWebhook {
    type Error = ApiError;

    fn try_from(r: Row) -> Result<Self, ApiError> {
        let events: Vec<WebhookEvent> = serde_json::from_str(&r.events)
            .map_err(|e| ApiError::internal(format!("webhook {} events: {e}", r.id)))?;
        Ok(StoredWebhook {
            webhook: Webhook {
                id: r.id,
                url: r.url,
                events,
                active: r.active != 0,
                created_at: r.created_at,
            },
            sealed_secret: r.secret_sealed,
            failing_since: r.failing_since,
        })
    }
}

/// What a webhook's signing secret is sealed for: that webhook only.
pub fn secret_purpose(webhook_id: &str) -> String {
    format!("webhook_secret:{webhook_id}")
}

const COLUMNS: &str =
    "id, url, events, secret_sealed, active, failing_since, created_at FROM webhooks";

fn decode(rows: Vec<Row>) -> Result<Vec<StoredWebhook>, ApiError> {
    rows.into_iter().map(StoredWebhook::try_from).collect()
}

fn events_json(events: &[WebhookEvent]) -> Result<String, ApiError> {
    serde_json::to_string(events).map_err(|e| ApiError::internal(e.to_string()))
}

/// Every webhook of the workspace, oldest first.
pub async fn list(db: &D1Database, workspace_id: &str) -> Result<Vec<StoredWebhook>, ApiError> {
    let rows: Vec<Row> = all(
        db,
        &format!("SELECT {COLUMNS} WHERE workspace_id = ?1 ORDER BY created_at, rowid"),
        &[workspace_id.into()],
    )
    .await?;
    decode(rows)
}

/// The workspace's active webhooks, for matching an event against their
/// subscriptions (a workspace has at most a few dozen).
pub async fn list_active(
    db: &D1Database,
    workspace_id: &str,
) -> Result<Vec<StoredWebhook>, ApiError> {
    let rows: Vec<Row> = all(
        db,
        &format!("SELECT {COLUMNS} WHERE workspace_id = ?1 AND active = 1"),
        &[workspace_id.into()],
    )
    .await?;
    decode(rows)
}

/// A webhook of the workspace.
pub async fn get(
    db: &D1Database,
    workspace_id: &str,
    id: &str,
) -> Result<Option<StoredWebhook>, ApiError> {
    let row: Option<Row> = first(
        db,
        &format!("SELECT {COLUMNS} WHERE workspace_id = ?1 AND id = ?2"),
        &[workspace_id.into(), id.into()],
    )
    .await?;
    row.map(StoredWebhook::try_from).transpose()
}

/// Inserts the webhook unless the workspace already has `cap`; false when it had.
pub async fn insert_capped(
    db: &D1Database,
    workspace_id: &str,
    w: &Webhook,
    sealed_secret: &str,
    cap: u32,
) -> Result<bool, ApiError> {
    let changed = run(
        db,
        "INSERT INTO webhooks (id, workspace_id, url, events, secret_sealed, active, created_at, updated_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7
          WHERE (SELECT COUNT(*) FROM webhooks WHERE workspace_id = ?2) < ?8",
        &[
            w.id.as_str().into(),
            workspace_id.into(),
            w.url.as_str().into(),
            events_json(&w.events)?.into(),
            sealed_secret.into(),
            bool_value(w.active),
            w.created_at.as_str().into(),
            cap.into(),
        ],
    )
    .await?;
    Ok(changed == 1)
}

/// Writes url, events and active of a webhook the caller merged. `reset_failures`
/// forgets the run of failures (an owner switching it back on).
pub async fn put(
    db: &D1Database,
    workspace_id: &str,
    w: &Webhook,
    reset_failures: bool,
    now: &str,
) -> Result<(), ApiError> {
    run(
        db,
        "UPDATE webhooks SET url = ?3, events = ?4, active = ?5, updated_at = ?6,
                failing_since = CASE WHEN ?7 THEN NULL ELSE failing_since END
          WHERE workspace_id = ?1 AND id = ?2",
        &[
            workspace_id.into(),
            w.id.as_str().into(),
            w.url.as_str().into(),
            events_json(&w.events)?.into(),
            bool_value(w.active),
            now.into(),
            bool_value(reset_failures),
        ],
    )
    .await
    .map(drop)
}

/// Deletes a webhook and its delivery log (which references it); false when the
/// workspace has no such webhook.
pub async fn delete(db: &D1Database, workspace_id: &str, id: &str) -> Result<bool, ApiError> {
    if get(db, workspace_id, id).await?.is_none() {
        return Ok(false);
    }
    batch(
        db,
        vec![
            stmt(
                db,
                "DELETE FROM webhook_deliveries WHERE webhook_id = ?2 AND workspace_id = ?1",
                &[workspace_id.into(), id.into()],
            )?,
            stmt(
                db,
                "DELETE FROM webhooks WHERE workspace_id = ?1 AND id = ?2",
                &[workspace_id.into(), id.into()],
            )?,
        ],
    )
    .await?;
    Ok(true)
}

/// One attempt to record.
pub struct NewDelivery<'a> {
    pub id: &'a str,
    pub webhook_id: &'a str,
    pub workspace_id: &'a str,
    pub event_id: &'a str,
    pub event_type: &'a str,
    pub attempt: u32,
    pub status_code: Option<u16>,
    pub duration_ms: Option<u64>,
    pub error: Option<&'a str>,
    pub next_retry_at: Option<&'a str>,
    pub dead_lettered: bool,
    pub created_at: &'a str,
}

pub fn insert_delivery(
    db: &D1Database,
    d: &NewDelivery<'_>,
) -> Result<D1PreparedStatement, ApiError> {
    let number = |n: Option<u64>| n.map_or(JsValue::NULL, |n| JsValue::from(n as f64));
    stmt(
        db,
        "INSERT INTO webhook_deliveries (id, webhook_id, workspace_id, event_id, event_type,
                attempt, status_code, duration_ms, error, next_retry_at, dead_lettered, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        &[
            d.id.into(),
            d.webhook_id.into(),
            d.workspace_id.into(),
            d.event_id.into(),
            d.event_type.into(),
            d.attempt.into(),
            number(d.status_code.map(u64::from)),
            number(d.duration_ms),
            opt_str(d.error),
            opt_str(d.next_retry_at),
            bool_value(d.dead_lettered),
            d.created_at.into(),
        ],
    )
}

/// What the log already says about one event at one webhook: how many attempts were
/// made and whether one succeeded (so a redelivered message is not sent twice).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct EventAttempts {
    pub event_id: String,
    pub attempts: u32,
    pub succeeded: u32,
}

/// [`EventAttempts`] of each of `event_ids` that has any at the webhook (one query for
/// a whole queue batch).
pub async fn event_attempts(
    db: &D1Database,
    webhook_id: &str,
    event_ids: &[&str],
) -> Result<Vec<EventAttempts>, ApiError> {
    let ids = serde_json::to_string(event_ids).map_err(|e| ApiError::internal(e.to_string()))?;
    all(
        db,
        "SELECT event_id, COUNT(*) AS attempts,
                COALESCE(SUM(status_code BETWEEN 200 AND 299), 0) AS succeeded
           FROM webhook_deliveries
          WHERE webhook_id = ?1 AND event_id IN (SELECT value FROM json_each(?2))
            AND dead_lettered = 0
          GROUP BY event_id",
        &[webhook_id.into(), ids.into()],
    )
    .await
}

#[derive(Deserialize)]
struct DeliveryRow {
    event_id: shared_types::ids::EventId,
    event_type: WebhookEvent,
    attempt: u32,
    status_code: Option<u16>,
    duration_ms: Option<u64>,
    error: Option<String>,
    next_retry_at: Option<String>,
    dead_lettered: i64,
    created_at: String,
}

/// The webhook's most recent `limit` attempts, newest first.
pub async fn recent_deliveries(
    db: &D1Database,
    webhook_id: &str,
    limit: u32,
) -> Result<Vec<WebhookDelivery>, ApiError> {
    let rows: Vec<DeliveryRow> = all(
        db,
        "SELECT event_id, event_type, attempt, status_code, duration_ms, error, next_retry_at,
                dead_lettered, created_at
           FROM webhook_deliveries WHERE webhook_id = ?1
          ORDER BY created_at DESC, rowid DESC LIMIT ?2",
        &[webhook_id.into(), limit.into()],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| WebhookDelivery {
            event_id: r.event_id,
            event_type: r.event_type,
            attempt: r.attempt,
            status_code: r.status_code,
            duration_ms: r.duration_ms,
            error: r.error,
            next_retry_at: r.next_retry_at,
            dead_lettered: r.dead_lettered != 0,
            created_at: r.created_at,
        })
        .collect())
}

/// A success ends the webhook's run of failures.
pub fn clear_failing(db: &D1Database, webhook_id: &str) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "UPDATE webhooks SET failing_since = NULL
          WHERE id = ?1 AND failing_since IS NOT NULL",
        &[webhook_id.into()],
    )
}

/// Stores the start of the run of failures, and switches the webhook off when the
/// run has lasted too long.
pub fn record_failing(
    db: &D1Database,
    webhook_id: &str,
    failing_since: &str,
    deactivate: bool,
    now: &str,
) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "UPDATE webhooks SET failing_since = ?2,
                active = CASE WHEN ?3 THEN 0 ELSE active END,
                updated_at = CASE WHEN ?3 THEN ?4 ELSE updated_at END
          WHERE id = ?1",
        &[
            webhook_id.into(),
            failing_since.into(),
            bool_value(deactivate),
            now.into(),
        ],
    )
}
