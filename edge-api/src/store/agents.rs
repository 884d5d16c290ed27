//! Agents of the directory. Their chat counts live with the chats, in the workspace's
//! object: these queries answer 0 for both, and `services::agents` fills them in.

use shared_types::agents::Agent;
use wasm_bindgen::JsValue;
use worker::D1Database;

use super::{all, first, run};
use crate::error::ApiError;

const SELECT_AGENT: &str = "SELECT a.id, a.name, a.email, a.role, a.status,
        0 AS active_chats, 0 AS total_chats, a.email_notifications
     FROM agents a";

/// Every agent of a workspace, oldest first.
pub async fn list(db: &D1Database, workspace_id: &str) -> Result<Vec<Agent>, ApiError> {
    all(
        db,
        &format!(
            "{SELECT_AGENT} WHERE a.workspace_id = ?1 AND a.deleted_at IS NULL
              ORDER BY a.created_at, a.rowid"
        ),
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

/// One agent of a workspace, with its counts; a removed agent is none.
pub async fn get(
    db: &D1Database,
    workspace_id: &str,
    agent_id: &str,
) -> Result<Option<Agent>, ApiError> {
    first(
        db,
        &format!("{SELECT_AGENT} WHERE a.workspace_id = ?1 AND a.id = ?2 AND a.deleted_at IS NULL"),
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
        "SELECT 1 AS found FROM agents WHERE workspace_id = ?1 AND email = ?2 AND deleted_at IS NULL",
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

/// An agent's settable fields, merged by the caller from the patch and current values.
pub struct AgentUpdate<'a> {
    pub name: &'a str,
    pub role: &'a str,
    pub status: &'a str,
    pub email_notifications: &'a str,
    pub now: &'a str,
}

/// Sets name, role, status and mail preference. Demoting an owner only happens while
/// another owner remains, checked in the same statement so two concurrent demotions
/// cannot leave the workspace without one.
pub async fn update(
    db: &D1Database,
    workspace_id: &str,
    agent_id: &str,
    u: &AgentUpdate<'_>,
) -> Result<bool, ApiError> {
    let changed = run(
        db,
        "UPDATE agents SET name = ?3, role = ?4, status = ?5, updated_at = ?6,
                           email_notifications = ?7
          WHERE workspace_id = ?1 AND id = ?2 AND deleted_at IS NULL
            AND (?4 = 'owner' OR role <> 'owner' OR
                 (SELECT COUNT(*) FROM agents o
                   WHERE o.workspace_id = ?1 AND o.role = 'owner' AND o.id <> ?2
                     AND o.deleted_at IS NULL) > 0)",
        &[
            workspace_id.into(),
            agent_id.into(),
            u.name.into(),
            u.role.into(),
            u.status.into(),
            u.now.into(),
            u.email_notifications.into(),
        ],
    )
    .await?;
    Ok(changed == 1)
}

/// An agent who may sign in with a password.
#[derive(Debug, serde::Deserialize)]
pub struct Credentials {
    pub id: String,
    pub workspace_id: String,
    pub password_hash: String,
}

/// The agents with this email and a password, oldest workspace first (an email may be
/// an agent of several workspaces), at most 5; only in `workspace_id` when given.
pub async fn credentials_by_email(
    db: &D1Database,
    email: &str,
    workspace_id: Option<&str>,
) -> Result<Vec<Credentials>, ApiError> {
    all(
        db,
        "SELECT id, workspace_id, password_hash FROM agents
          WHERE email = ?1 AND password_hash IS NOT NULL AND deleted_at IS NULL
            AND (?2 IS NULL OR workspace_id = ?2)
          ORDER BY created_at, rowid LIMIT 5",
        &[email.into(), super::opt_str(workspace_id)],
    )
    .await
}

/// Sets an agent's password hash and, when given, a new name.
pub async fn set_password(
    db: &D1Database,
    workspace_id: &str,
    agent_id: &str,
    password_hash: &str,
    name: Option<&str>,
    now: &str,
) -> Result<(), ApiError> {
    run(
        db,
        "UPDATE agents SET password_hash = ?3, name = COALESCE(?4, name), updated_at = ?5
          WHERE workspace_id = ?1 AND id = ?2 AND deleted_at IS NULL",
        &[
            workspace_id.into(),
            agent_id.into(),
            password_hash.into(),
            super::opt_str(name),
            now.into(),
        ],
    )
    .await
    .map(drop)
}

/// Inserts an offline agent with its invitation in one batch; false when the email was
/// taken meanwhile (the unique index decides; the invitation then inserts nothing).
pub async fn insert_invited(
    db: &D1Database,
    a: &NewAgent<'_>,
    invitation: worker::D1PreparedStatement,
) -> Result<bool, ApiError> {
    let agent = super::stmt(
        db,
        "INSERT INTO agents (id, workspace_id, name, email, role, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'offline', ?6, ?6)
         ON CONFLICT (workspace_id, email) WHERE deleted_at IS NULL DO NOTHING",
        &[
            a.id.into(),
            a.workspace_id.into(),
            a.name.into(),
            a.email.into(),
            a.role.into(),
            a.now.into(),
        ],
    )?;
    let results = db
        .batch(vec![agent, invitation])
        .await
        .map_err(|e| super::d1_error("agent and invitation", e))?;
    if let Some(e) = results.iter().find_map(|r| r.error()) {
        return Err(ApiError::internal(format!("agent and invitation: {e}")));
    }
    let changes = results
        .first()
        .and_then(|r| r.meta().ok().flatten())
        .and_then(|m| m.changes)
        .unwrap_or(0);
    Ok(changes == 1)
}

/// The hashes of an agent's working credentials, whose cached copies a change to the
/// agent must delete.
pub struct CredentialHashes {
    pub keys: Vec<String>,
    pub sessions: Vec<String>,
}

pub async fn credential_hashes(
    db: &D1Database,
    agent_id: &str,
) -> Result<CredentialHashes, ApiError> {
    #[derive(serde::Deserialize)]
    struct Row {
        kind: String,
        hash: String,
    }
    let rows: Vec<Row> = all(
        db,
        "SELECT 'key' AS kind, key_hash AS hash FROM api_keys
          WHERE agent_id = ?1 AND revoked_at IS NULL
         UNION ALL
         SELECT 'session', token_hash FROM sessions WHERE agent_id = ?1",
        &[agent_id.into()],
    )
    .await?;
    let (keys, sessions): (Vec<Row>, Vec<Row>) = rows.into_iter().partition(|r| r.kind == "key");
    Ok(CredentialHashes {
        keys: keys.into_iter().map(|r| r.hash).collect(),
        sessions: sessions.into_iter().map(|r| r.hash).collect(),
    })
}

/// What removing an agent did: whether it was removed.
pub struct Removal {
    pub removed: bool,
}

/// Removes an agent (a soft delete, so its messages and analytics keep its name) in one
/// batch: the row is marked and loses its password, its keys are revoked, its sessions
/// and unused invitations deleted (its open chats, in the workspace's object, are the
/// caller's to unassign). The last owner is not removed (nothing changes then). Each
/// later statement acts only if the first did.
pub async fn remove(
    db: &D1Database,
    workspace_id: &str,
    agent_id: &str,
    now: &str,
) -> Result<Removal, ApiError> {
    const REMOVED: &str =
        "EXISTS (SELECT 1 FROM agents WHERE id = ?2 AND workspace_id = ?1 AND deleted_at = ?3)";
    let values: [JsValue; 3] = [workspace_id.into(), agent_id.into(), now.into()];
    let statements = vec![
        super::stmt(
            db,
            "UPDATE agents SET deleted_at = ?3, password_hash = NULL, status = 'offline',
                    updated_at = ?3
              WHERE workspace_id = ?1 AND id = ?2 AND deleted_at IS NULL
                AND (role <> 'owner' OR
                     (SELECT COUNT(*) FROM agents o
                       WHERE o.workspace_id = ?1 AND o.role = 'owner' AND o.id <> ?2
                         AND o.deleted_at IS NULL) > 0)",
            &values,
        )?,
        super::stmt(
            db,
            &format!(
                "UPDATE api_keys SET revoked_at = ?3
                  WHERE agent_id = ?2 AND revoked_at IS NULL AND {REMOVED}"
            ),
            &values,
        )?,
        super::stmt(
            db,
            &format!("DELETE FROM sessions WHERE agent_id = ?2 AND {REMOVED}"),
            &values,
        )?,
        super::stmt(
            db,
            &format!(
                "DELETE FROM invitations WHERE agent_id = ?2 AND used_at IS NULL AND {REMOVED}"
            ),
            &values,
        )?,
    ];
    let results = db
        .batch(statements)
        .await
        .map_err(|e| super::d1_error("remove agent", e))?;
    if let Some(e) = results.iter().find_map(|r| r.error()) {
        return Err(ApiError::internal(format!("remove agent: {e}")));
    }
    let removed = results
        .first()
        .and_then(|r| r.meta().ok().flatten())
        .and_then(|m| m.changes)
        .unwrap_or(0)
        == 1;
    Ok(Removal { removed })
}

/// An agent as analytics name them.
#[derive(Debug, serde::Deserialize)]
pub struct AgentName {
    pub id: String,
    pub name: String,
}

/// Every agent the workspace has had, oldest first: a departed agent's chats still
/// count in the figures of the days they answered.
pub async fn names(db: &D1Database, workspace_id: &str) -> Result<Vec<AgentName>, ApiError> {
    super::all(
        db,
        "SELECT id, name FROM agents WHERE workspace_id = ?1 ORDER BY created_at, id",
        &[workspace_id.into()],
    )
    .await
}

/// Who may be mailed about a chat of the workspace: its agents with their address,
/// presence and preference.
#[derive(Debug, serde::Deserialize)]
pub struct MailRecipient {
    pub id: String,
    pub name: String,
    pub email: String,
    pub status: String,
    pub email_notifications: String,
}

/// The workspace's agents as mail recipients, oldest first.
pub async fn mail_recipients(
    db: &D1Database,
    workspace_id: &str,
) -> Result<Vec<MailRecipient>, ApiError> {
    all(
        db,
        "SELECT id, name, email, status, email_notifications FROM agents
          WHERE workspace_id = ?1 AND deleted_at IS NULL ORDER BY created_at, rowid",
        &[JsValue::from(workspace_id)],
    )
    .await
}
