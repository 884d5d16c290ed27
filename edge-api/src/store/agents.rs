//! Agents, with their chat counts computed from `chats` (never stored by hand).

use shared_types::agents::Agent;
use wasm_bindgen::JsValue;
use worker::D1Database;

use super::{all, first, run};
use crate::error::ApiError;

// active_chats: open chats assigned to the agent; total_chats: every chat assigned to it
// now. Both read the trigger-kept chat_counts rows of the agent (migration 0003).
const SELECT_AGENT: &str = "SELECT a.id, a.name, a.email, a.role, a.status,
        (SELECT COALESCE(SUM(n), 0) FROM chat_counts k
          WHERE k.workspace_id = a.workspace_id AND k.assigned_to = a.id AND k.status <> 'closed')
          AS active_chats,
        (SELECT COALESCE(SUM(n), 0) FROM chat_counts k
          WHERE k.workspace_id = a.workspace_id AND k.assigned_to = a.id) AS total_chats
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

/// One agent of a workspace, with its counts.
pub async fn get(
    db: &D1Database,
    workspace_id: &str,
    agent_id: &str,
) -> Result<Option<Agent>, ApiError> {
    first(
        db,
        &format!("{SELECT_AGENT} WHERE a.workspace_id = ?1 AND a.id = ?2"),
        &[JsValue::from(workspace_id), JsValue::from(agent_id)],
    )
    .await
}

/// Whether an email already belongs to an agent of the workspace.
pub async fn email_taken(
    db: &D1Database,
    workspace_id: &str,
    email: &str,
) -> Result<bool, ApiError> {
    let row: Option<serde_json::Value> = first(
        db,
        "SELECT 1 AS found FROM agents WHERE workspace_id = ?1 AND email = ?2",
        &[workspace_id.into(), email.into()],
    )
    .await?;
    Ok(row.is_some())
}

pub struct NewAgent<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub role: &'a str,
    pub now: &'a str,
}

/// Inserts an offline agent; false when the email was taken meanwhile (the unique index
/// decides, so two concurrent invitations cannot both succeed).
pub async fn insert(db: &D1Database, a: &NewAgent<'_>) -> Result<bool, ApiError> {
    let changed = run(
        db,
        "INSERT INTO agents (id, workspace_id, name, email, role, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'offline', ?6, ?6)
         ON CONFLICT (workspace_id, email) DO NOTHING",
        &[
            a.id.into(),
            a.workspace_id.into(),
            a.name.into(),
            a.email.into(),
            a.role.into(),
            a.now.into(),
        ],
    )
    .await?;
    Ok(changed == 1)
}

/// Sets name, role and status (the caller merged the patch into the current values).
/// Demoting an owner only happens while another owner remains, checked in the same
/// statement so two concurrent demotions cannot leave the workspace without one.
pub async fn update(
    db: &D1Database,
    workspace_id: &str,
    agent_id: &str,
    name: &str,
    role: &str,
    status: &str,
    now: &str,
) -> Result<bool, ApiError> {
    let changed = run(
        db,
        "UPDATE agents SET name = ?3, role = ?4, status = ?5, updated_at = ?6
          WHERE workspace_id = ?1 AND id = ?2
            AND (?4 = 'owner' OR role <> 'owner' OR
                 (SELECT COUNT(*) FROM agents o
                   WHERE o.workspace_id = ?1 AND o.role = 'owner' AND o.id <> ?2) > 0)",
        &[
            workspace_id.into(),
            agent_id.into(),
            name.into(),
            role.into(),
            status.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(changed == 1)
}
