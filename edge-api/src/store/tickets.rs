//! Spent realtime tickets.

use worker::D1Database;

use super::run;
use crate::error::ApiError;

/// Records a ticket's nonce as spent; false when it already was (a replay). Expired
/// nonces are cleared on the way, as a ticket past its expiry is refused anyway.
pub async fn spend(
    db: &D1Database,
    nonce: &str,
    expires_at: &str,
    now: &str,
) -> Result<bool, ApiError> {
    run(
        db,
        "DELETE FROM used_tickets WHERE expires_at < ?1",
        &[now.into()],
    )
    .await?;
    let changed = run(
        db,
        "INSERT INTO used_tickets (nonce, expires_at) VALUES (?1, ?2) ON CONFLICT (nonce) DO NOTHING",
        &[nonce.into(), expires_at.into()],
    )
    .await?;
    Ok(changed == 1)
}
