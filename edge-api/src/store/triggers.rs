//! Automation triggers (uses triggers_workspace for every list).

use serde::Deserialize;
use shared_types::automation::{Trigger, TriggerCondition};
use shared_types::ids::TriggerId;
use shared_types::validate::UrlPattern;
use shared_types::visitor::PublicTrigger;
use wasm_bindgen::JsValue;
use worker::D1Database;

use super::{all, bool_value, first, run};
use crate::error::ApiError;

/// The workspace's active triggers, oldest first, as the widget sees them.
pub async fn list_active_public(
    db: &D1Database,
    workspace_id: &str,
) -> Result<Vec<PublicTrigger>, ApiError> {
    all(
        db,
        "SELECT id, condition, delay_seconds, message, url_pattern FROM triggers
          WHERE workspace_id = ?1 AND active = 1 ORDER BY created_at, rowid",
        &[JsValue::from(workspace_id)],
    )
    .await
}

/// A stored trigger; SQLite keeps `active` as 0 or 1.
#[derive(Deserialize)]
struct TriggerRow {
    id: TriggerId,
    name: String,
    condition: TriggerCondition,
    delay_seconds: u32,
    message: String,
    active: i64,
    url_pattern: UrlPattern,
    created_at: String,
}

impl From<TriggerRow> for Trigger {
    fn from(r: TriggerRow) -> Trigger {
        Trigger {
            id: r.id,
            name: r.name,
            condition: r.condition,
            delay_seconds: r.delay_seconds,
            message: r.message,
            active: r.active != 0,
            url_pattern: r.url_pattern,
            created_at: r.created_at,
        }
    }
}

const COLUMNS: &str =
    "id, name, condition, delay_seconds, message, active, url_pattern, created_at FROM triggers";

/// Every trigger of the workspace, oldest first.
pub async fn list(db: &D1Database, workspace_id: &str) -> Result<Vec<Trigger>, ApiError> {
    let rows: Vec<TriggerRow> = all(
        db,
        &format!("SELECT {COLUMNS} WHERE workspace_id = ?1 ORDER BY created_at, rowid"),
        &[workspace_id.into()],
    )
    .await?;
    Ok(rows.into_iter().map(Trigger::from).collect())
}

pub async fn get(
    db: &D1Database,
    workspace_id: &str,
    id: &str,
) -> Result<Option<Trigger>, ApiError> {
    let row: Option<TriggerRow> = first(
        db,
        &format!("SELECT {COLUMNS} WHERE workspace_id = ?1 AND id = ?2"),
        &[workspace_id.into(), id.into()],
    )
    .await?;
    Ok(row.map(Trigger::from))
}

/// Inserts the trigger unless the workspace already has `cap`; false when it had.
pub async fn insert_capped(
    db: &D1Database,
    workspace_id: &str,
    t: &Trigger,
    cap: u32,
) -> Result<bool, ApiError> {
    let changed = run(
        db,
        "INSERT INTO triggers (id, workspace_id, name, condition, delay_seconds, message,
                               url_pattern, active, created_at, updated_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9
          WHERE (SELECT COUNT(*) FROM triggers WHERE workspace_id = ?2) < ?10",
        &[
            t.id.as_str().into(),
            workspace_id.into(),
            t.name.as_str().into(),
            t.condition.as_str().into(),
            t.delay_seconds.into(),
            t.message.as_str().into(),
            t.url_pattern.as_str().into(),
            bool_value(t.active),
            t.created_at.as_str().into(),
            cap.into(),
        ],
    )
    .await?;
    Ok(changed == 1)
}

/// Writes every editable field of a trigger the caller merged.
pub async fn put(
    db: &D1Database,
    workspace_id: &str,
    t: &Trigger,
    now: &str,
) -> Result<(), ApiError> {
    run(
        db,
        "UPDATE triggers SET name = ?3, condition = ?4, delay_seconds = ?5, message = ?6,
                url_pattern = ?7, active = ?8, updated_at = ?9
          WHERE workspace_id = ?1 AND id = ?2",
        &[
            workspace_id.into(),
            t.id.as_str().into(),
            t.name.as_str().into(),
            t.condition.as_str().into(),
            t.delay_seconds.into(),
            t.message.as_str().into(),
            t.url_pattern.as_str().into(),
            bool_value(t.active),
            now.into(),
        ],
    )
    .await
    .map(drop)
}

/// Deletes a trigger; false when the workspace has no such trigger.
pub async fn delete(db: &D1Database, workspace_id: &str, id: &str) -> Result<bool, ApiError> {
    let changed = run(
        db,
        "DELETE FROM triggers WHERE workspace_id = ?1 AND id = ?2",
        &[workspace_id.into(), id.into()],
    )
    .await?;
    Ok(changed == 1)
}
