//! Workspaces and their provisioning.

use worker::D1Database;

use shared_types::admin::Workspace;

use super::{batch, first, stmt};
use crate::error::ApiError;

/// Everything a new workspace starts with, written in one batch.
pub struct NewWorkspace<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub owner_id: &'a str,
    pub owner_name: &'a str,
    pub owner_email: &'a str,
    /// `pbkdf2_sha256$…` when the owner was given a console password.
    pub owner_password_hash: Option<&'a str>,
    pub key_id: &'a str,
    pub key_prefix: &'a str,
    pub key_hash: &'a str,
    pub now: &'a str,
}

/// Creates the workspace, its owner and the owner's first API key atomically.
pub async fn create(db: &D1Database, w: &NewWorkspace<'_>) -> Result<(), ApiError> {
    let statements = vec![
        stmt(
            db,
            "INSERT INTO workspaces (id, name, created_at) VALUES (?1, ?2, ?3)",
            &[w.id.into(), w.name.into(), w.now.into()],
        )?,
        stmt(
            db,
            "INSERT INTO agents (id, workspace_id, name, email, role, status, password_hash,
                                 created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'owner', 'offline', ?6, ?5, ?5)",
            &[
                w.owner_id.into(),
                w.id.into(),
                w.owner_name.into(),
                w.owner_email.into(),
                w.now.into(),
                super::opt_str(w.owner_password_hash),
            ],
        )?,
        stmt(
            db,
            "INSERT INTO api_keys (id, workspace_id, agent_id, name, prefix, key_hash, created_at)
             VALUES (?1, ?2, ?3, 'Default', ?4, ?5, ?6)",
            &[
                w.key_id.into(),
                w.id.into(),
                w.owner_id.into(),
                w.key_prefix.into(),
                w.key_hash.into(),
                w.now.into(),
            ],
        )?,
    ];
    batch(db, statements).await
}

/// One workspace.
pub async fn get(db: &D1Database, id: &str) -> Result<Option<Workspace>, ApiError> {
    first(
        db,
        "SELECT id, name, created_at FROM workspaces WHERE id = ?1",
        &[id.into()],
    )
    .await
}
