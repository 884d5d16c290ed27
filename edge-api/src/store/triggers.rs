//! Automation triggers.

use shared_types::visitor::PublicTrigger;
use wasm_bindgen::JsValue;
use worker::D1Database;

use super::all;
use crate::error::ApiError;

/// The workspace's active triggers, oldest first (uses triggers_workspace).
pub async fn list_active_public(
    db: &D1Database,
    workspace_id: &str,
) -> Result<Vec<PublicTrigger>, ApiError> {
    all(
        db,
        "SELECT id, condition, delay_seconds, message, url_pattern FROM triggers
          WHERE workspace_id = ?1 AND active = 1 ORDER BY created_at, id",
        &[JsValue::from(workspace_id)],
    )
    .await
}
