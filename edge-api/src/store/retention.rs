//! What the daily sweep deletes from D1: directory rows that only matter for a while.
//! Each workspace's object sweeps its own (`objects::workspace`, its alarm).

use worker::D1Database;

use super::{d1_error, stmt};
use crate::error::ApiError;

/// Rows removed by one sweep, for the log.
#[derive(Debug, Default)]
pub struct Swept {
    /// The operator's admin requests'; a workspace's own are in its object.
    pub idempotency_keys: u64,
    pub sessions: u64,
    pub invitations: u64,
    pub login_failures: u64,
    pub reply_addresses: u64,
}

/// Idempotency keys claimed before `keys_before`, sign-in failures before
/// `failures_before`, reply addresses made before `replies_before`, and sessions and invitations that have expired by `now`, in one
/// batch.
pub async fn delete_expired_rows(
    db: &D1Database,
    now: &str,
    keys_before: &str,
    failures_before: &str,
    replies_before: &str,
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
            stmt(
                db,
                "DELETE FROM reply_addresses WHERE created_at < ?1",
                &[replies_before.into()],
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
        sessions: changes(1),
        invitations: changes(2),
        login_failures: changes(3),
        reply_addresses: changes(4),
    })
}
