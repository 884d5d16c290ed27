//! API keys, looked up by the SHA-256 of the presented key.

use serde::Deserialize;
use shared_types::admin::ApiKey;
use wasm_bindgen::JsValue;
use worker::D1Database;

use super::{all, first, run};
use crate::error::ApiError;

/// The caller behind a key, with the revocation state so the two 401s can differ.
#[derive(Debug, Deserialize)]
pub struct KeyOwner {
    pub key_id: String,
    pub workspace_id: String,
    pub agent_id: String,
    pub agent_name: String,
    pub role: String,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

pub async fn owner_by_hash(db: &D1Database, key_hash: &str) -> Result<Option<KeyOwner>, ApiError> {
    first(
        db,
        "SELECT k.id AS key_id, k.workspace_id, k.agent_id, a.name AS agent_name, a.role,
                k.revoked_at, k.last_used_at
           FROM api_keys k JOIN agents a ON a.id = k.agent_id
          WHERE k.key_hash = ?1",
        &[JsValue::from(key_hash)],
    )
    .await
}

/// The workspace's keys that still work, newest first.
pub async fn list_active(db: &D1Database, workspace_id: &str) -> Result<Vec<ApiKey>, ApiError> {
    all(
        db,
        "SELECT id, name, prefix, created_at, last_used_at FROM api_keys
          WHERE workspace_id = ?1 AND revoked_at IS NULL
          ORDER BY created_at DESC, rowid DESC",
        &[JsValue::from(workspace_id)],
    )
    .await
}

pub struct NewKey<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub agent_id: &'a str,
    pub name: &'a str,
    pub prefix: &'a str,
    pub key_hash: &'a str,
    pub now: &'a str,
}

pub async fn insert(db: &D1Database, k: &NewKey<'_>) -> Result<(), ApiError> {
    run(
        db,
        "INSERT INTO api_keys (id, workspace_id, agent_id, name, prefix, key_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        &[
            k.id.into(),
            k.workspace_id.into(),
            k.agent_id.into(),
            k.name.into(),
            k.prefix.into(),
            k.key_hash.into(),
            k.now.into(),
        ],
    )
    .await
    .map(drop)
}

#[derive(Deserialize)]
struct Revoked {
    key_hash: String,
}

/// Revokes a key of the workspace and returns its hash; `None` when there is no such
/// unrevoked key.
pub async fn revoke(
    db: &D1Database,
    workspace_id: &str,
    key_id: &str,
    now: &str,
) -> Result<Option<String>, ApiError> {
    let revoked: Option<Revoked> = first(
        db,
        "UPDATE api_keys SET revoked_at = ?3
          WHERE workspace_id = ?1 AND id = ?2 AND revoked_at IS NULL
          RETURNING key_hash",
        &[workspace_id.into(), key_id.into(), now.into()],
    )
    .await?;
    Ok(revoked.map(|r| r.key_hash))
}

/// Records that a key was used.
pub async fn touch(db: &D1Database, key_id: &str, now: &str) -> Result<(), ApiError> {
    run(
        db,
        "UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1",
        &[key_id.into(), now.into()],
    )
    .await
    .map(drop)
}
