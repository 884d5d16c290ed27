//! Agents, with their chat counts computed from `chats` (never stored by hand).

use shared_types::agents::Agent;
use wasm_bindgen::JsValue;
use worker::D1Database;

use super::{all, first};
use crate::error::ApiError;

// active_chats: open chats assigned to the agent; total_chats: every chat ever assigned.
// Both subqueries use chats_workspace_agent_activity.
const SELECT_AGENT: &str = "SELECT a.id, a.name, a.email, a.role, a.status,
        (SELECT COUNT(*) FROM chats c
          WHERE c.workspace_id = a.workspace_id AND c.assigned_to = a.id AND c.status <> 'closed')
          AS active_chats,
        (SELECT COUNT(*) FROM chats c
          WHERE c.workspace_id = a.workspace_id AND c.assigned_to = a.id) AS total_chats
     FROM agents a";

/// Every agent of a workspace, oldest first.
pub async fn list(db: &D1Database, workspace_id: &str) -> Result<Vec<Agent>, ApiError> {
    all(
        db,
        &format!("{SELECT_AGENT} WHERE a.workspace_id = ?1 ORDER BY a.created_at, a.rowid"),
        &[JsValue::from(workspace_id)],
    )
    .await
}

/// Whether any agent of the workspace is online, so the widget can show the offline
/// message instead of promising an answer.
pub async fn any_online(db: &D1Database, workspace_id: &str) -> Result<bool, ApiError> {
    let row: Option<serde_json::Value> = first(
        db,
        "SELECT 1 AS found FROM agents WHERE workspace_id = ?1 AND status = 'online' LIMIT 1",
        &[JsValue::from(workspace_id)],
    )
    .await?;
    Ok(row.is_some())
}
