//! Remembered answers to the operator's admin POSTs that carried an `Idempotency-Key`:
//! they belong to no workspace, so the directory keeps them. A workspace's own are in
//! its object (`services::idempotency`).

use worker::D1Database;

use super::{first, run};
use crate::error::ApiError;
use crate::objects::workspace::protocol::Remembered;

/// Claims the key for a request; false when it was already claimed.
pub async fn claim(
    db: &D1Database,
    scope: &str,
    key: &str,
    request_hash: &str,
    now: &str,
) -> Result<bool, ApiError> {
    let changed = run(
        db,
        "INSERT INTO idempotency_keys (scope, key, request_hash, status, response_body, created_at)
         VALUES (?1, ?2, ?3, 0, '', ?4) ON CONFLICT (scope, key) DO NOTHING",
        &[scope.into(), key.into(), request_hash.into(), now.into()],
    )
    .await?;
    Ok(changed == 1)
}

pub async fn get(db: &D1Database, scope: &str, key: &str) -> Result<Option<Remembered>, ApiError> {
    first(
        db,
        "SELECT request_hash, status, response_body FROM idempotency_keys
          WHERE scope = ?1 AND key = ?2",
        &[scope.into(), key.into()],
    )
    .await
}

pub async fn remember(
    db: &D1Database,
    scope: &str,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), ApiError> {
    run(
        db,
        "UPDATE idempotency_keys SET status = ?3, response_body = ?4 WHERE scope = ?1 AND key = ?2",
        &[scope.into(), key.into(), status.into(), body.into()],
    )
    .await
    .map(drop)
}

/// Frees the key after a failure, so the client's retry runs for real.
pub async fn release(db: &D1Database, scope: &str, key: &str) -> Result<(), ApiError> {
    run(
        db,
        "DELETE FROM idempotency_keys WHERE scope = ?1 AND key = ?2",
        &[scope.into(), key.into()],
    )
    .await
    .map(drop)
}
