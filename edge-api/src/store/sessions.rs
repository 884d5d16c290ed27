//! Console sessions, by the SHA-256 of their token.

use serde::Deserialize;
use worker::D1Database;

use super::{first, run};
use crate::error::ApiError;

pub async fn insert(
    db: &D1Database,
    token_hash: &str,
    workspace_id: &str,
    agent_id: &str,
    now: &str,
    expires_at: &str,
) -> Result<(), ApiError> {
    run(
        db,
        "INSERT INTO sessions (token_hash, workspace_id, agent_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        &[
            token_hash.into(),
            workspace_id.into(),
            agent_id.into(),
            now.into(),
            expires_at.into(),
        ],
    )
    .await
    .map(drop)
}

/// The agent behind a current session.
#[derive(Debug, Deserialize)]
pub struct SessionOwner {
    pub workspace_id: String,
    pub agent_id: String,
    pub agent_name: String,
    pub role: String,
    pub expires_at: String,
}

/// The agent of an unexpired session, if any.
pub async fn owner(
    db: &D1Database,
    token_hash: &str,
    now: &str,
) -> Result<Option<SessionOwner>, ApiError> {
    first(
        db,
        "SELECT s.workspace_id, s.agent_id, a.name AS agent_name, a.role, s.expires_at
           FROM sessions s JOIN agents a ON a.id = s.agent_id
          WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND a.deleted_at IS NULL",
        &[token_hash.into(), now.into()],
    )
    .await
}

/// Ends a session (and sweeps expired ones on the way); the workspace of the session,
/// when it was current, so that its sockets can be closed.
pub async fn delete(
    db: &D1Database,
    token_hash: &str,
    now: &str,
) -> Result<Option<String>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        token_hash: String,
        workspace_id: String,
    }
    let rows: Vec<Row> = super::all(
        db,
        "DELETE FROM sessions WHERE token_hash = ?1 OR expires_at <= ?2
         RETURNING token_hash, workspace_id",
        &[token_hash.into(), now.into()],
    )
    .await?;
    Ok(rows
        .into_iter()
        .find(|r| r.token_hash == token_hash)
        .map(|r| r.workspace_id))
}
