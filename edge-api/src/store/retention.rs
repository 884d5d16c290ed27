//! What the daily sweep deletes from D1: rows that only matter for a while. Each
//! workspace's object sweeps its own (`objects::workspace`, its alarm).

use serde::Deserialize;
use worker::D1Database;

use super::{all, d1_error, stmt};
use crate::error::ApiError;

/// Rows removed by one sweep, for the log.
#[derive(Debug, Default)]
pub struct Swept {
    pub idempotency_keys: u64,
    pub tickets: u64,
    pub sessions: u64,
    pub invitations: u64,
    pub login_failures: u64,
    pub uploads: u64,
}

/// Idempotency keys claimed before `keys_before`, sign-in failures before
/// `failures_before`, and spent tickets, sessions and invitations that have expired by
/// `now`, in one batch.
pub async fn delete_expired_rows(
    db: &D1Database,
    now: &str,
    keys_before: &str,
    failures_before: &str,
) -> Result<Swept, ApiError> {
    let results = db
        .batch(vec![
            stmt(
                db,
                "DELETE FROM idempotency_keys WHERE created_at < ?1",
                &[keys_before.into()],
            )?,
            stmt(
                db,
                "DELETE FROM used_tickets WHERE expires_at < ?1",
                &[now.into()],
            )?,
            stmt(
                db,
                "DELETE FROM sessions WHERE expires_at < ?1",
                &[now.into()],
            )?,
            stmt(
                db,
                "DELETE FROM invitations WHERE expires_at < ?1",
                &[now.into()],
            )?,
            stmt(
                db,
                "DELETE FROM login_failures WHERE failed_at < ?1",
                &[failures_before.into()],
            )?,
        ])
        .await
        .map_err(|e| d1_error("retention sweep", e))?;
    let changes = |i: usize| {
        results
            .get(i)
            .and_then(|r| r.meta().ok().flatten())
            .and_then(|m| m.changes)
            .unwrap_or(0) as u64
    };
    Ok(Swept {
        idempotency_keys: changes(0),
        tickets: changes(1),
        sessions: changes(2),
        invitations: changes(3),
        login_failures: changes(4),
        uploads: 0,
    })
}

#[derive(Debug, Deserialize)]
pub struct AbandonedUpload {
    pub r2_key: String,
}

/// Forgets up to `limit` uploads that were asked for but never confirmed and expired
/// before `expired_before`, oldest first, and returns their objects' keys. The rows go
/// first, in one statement that only takes rows still pending, so a confirmation racing
/// the sweep either wins (the file stays) or finds no file (and no object is left
/// behind under a confirmed row).
pub async fn take_abandoned_uploads(
    db: &D1Database,
    expired_before: &str,
    limit: u32,
) -> Result<Vec<AbandonedUpload>, ApiError> {
    all(
        db,
        "DELETE FROM files WHERE status = 'pending' AND id IN
           (SELECT id FROM files WHERE status = 'pending' AND expires_at < ?1
             ORDER BY expires_at LIMIT ?2)
         RETURNING r2_key",
        &[expired_before.into(), limit.into()],
    )
    .await
}
