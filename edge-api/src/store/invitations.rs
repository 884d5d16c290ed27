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
         SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM agents WHERE id = ?3 AND workspace_id = ?2)",
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
