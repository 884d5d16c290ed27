//! One-time invitations, by the SHA-256 of their token.

use serde::Deserialize;
use worker::{D1Database, D1PreparedStatement};

use super::{first, stmt};
use crate::error::ApiError;

/// The statement that records an invitation for `agent_id` (batched with the agent's
/// insert, so an agent never exists without its invitation).
pub fn insert(
    db: &D1Database,
    token_hash: &str,
    workspace_id: &str,
    agent_id: &str,
    now: &str,
    expires_at: &str,
) -> Result<D1PreparedStatement, ApiError> {
    stmt(
        db,
        "INSERT INTO invitations (token_hash, workspace_id, agent_id, created_at, expires_at)
         SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM agents
             WHERE id = ?3 AND workspace_id = ?2 AND deleted_at IS NULL)",
        &[
            token_hash.into(),
            workspace_id.into(),
            agent_id.into(),
            now.into(),
            expires_at.into(),
        ],
    )
}

#[derive(Debug, Deserialize)]
pub struct Claimed {
    pub workspace_id: String,
    pub agent_id: String,
}

/// Whether an unused, unexpired invitation has this token hash.
pub async fn usable(db: &D1Database, token_hash: &str, now: &str) -> Result<bool, ApiError> {
    #[derive(serde::Deserialize)]
    struct Found {
        #[allow(dead_code)]
        n: i64,
    }
    let found: Option<Found> = super::first(
        db,
        "SELECT 1 AS n FROM invitations WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
        &[token_hash.into(), now.into()],
    )
    .await?;
    Ok(found.is_some())
}

/// Marks an unexpired, unused invitation used and says whose it was; `None` otherwise.
/// One statement, so two clicks on the same link cannot both claim it.
pub async fn claim(
    db: &D1Database,
    token_hash: &str,
    now: &str,
) -> Result<Option<Claimed>, ApiError> {
    first(
        db,
        "UPDATE invitations SET used_at = ?2
          WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2
          RETURNING workspace_id, agent_id",
        &[token_hash.into(), now.into()],
    )
    .await
}

/// Replaces the agent's unused invitations with a new one, in one batch, and only while
/// the agent has no password: false when it has one (nothing changed then). The old
/// rows are deleted, so a link sent earlier stops working the moment a new one exists.
pub async fn replace(
    db: &D1Database,
    token_hash: &str,
    workspace_id: &str,
    agent_id: &str,
    now: &str,
    expires_at: &str,
) -> Result<bool, ApiError> {
    const INVITED: &str = "EXISTS (SELECT 1 FROM agents
          WHERE id = ?2 AND workspace_id = ?1 AND password_hash IS NULL AND deleted_at IS NULL)";
    let delete = stmt(
        db,
        &format!(
            "DELETE FROM invitations
              WHERE workspace_id = ?1 AND agent_id = ?2 AND used_at IS NULL AND {INVITED}"
        ),
        &[workspace_id.into(), agent_id.into()],
    )?;
    let insert = stmt(
        db,
        &format!(
            "INSERT INTO invitations (token_hash, workspace_id, agent_id, created_at, expires_at)
             SELECT ?3, ?1, ?2, ?4, ?5 WHERE {INVITED}"
        ),
        &[
            workspace_id.into(),
            agent_id.into(),
            token_hash.into(),
            now.into(),
            expires_at.into(),
        ],
    )?;
    let results = db
        .batch(vec![delete, insert])
        .await
        .map_err(|e| super::d1_error("replace invitation", e))?;
    if let Some(e) = results.iter().find_map(|r| r.error()) {
        return Err(ApiError::internal(format!("replace invitation: {e}")));
    }
    let inserted = results
        .get(1)
        .and_then(|r| r.meta().ok().flatten())
        .and_then(|m| m.changes)
        .unwrap_or(0);
    Ok(inserted == 1)
}

/// The workspace's agents without a password, each with its newest unused invitation's
/// expiry (none when every one was used or replaced away).
pub async fn pending(
    db: &D1Database,
    workspace_id: &str,
) -> Result<Vec<shared_types::auth::PendingInvitation>, ApiError> {
    super::all(
        db,
        "SELECT a.id AS agent_id,
                (SELECT MAX(i.expires_at) FROM invitations i
                  WHERE i.workspace_id = a.workspace_id AND i.agent_id = a.id
                    AND i.used_at IS NULL) AS expires_at
           FROM agents a
          WHERE a.workspace_id = ?1 AND a.password_hash IS NULL AND a.deleted_at IS NULL
          ORDER BY a.created_at, a.rowid",
        &[workspace_id.into()],
    )
    .await
}
