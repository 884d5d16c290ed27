//! The daily sweep (the cron in wrangler.toml): deletes what only matters for a while,
//! so tables that grow with traffic stay the size of their window. It sweeps D1; each
//! workspace's object sweeps its own tables with its alarm (webhook deliveries, after
//! `domain::webhook::DELIVERY_LOG_DAYS`).

use chrono::Duration;
use worker::Env;

use crate::domain::time;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;
use crate::store::retention::Swept;

/// A retried POST replays its first answer for a day, as Stripe's keys do.
pub const IDEMPOTENCY_HOURS: i64 = 24;
/// An upload may still be confirmed a while after its URL expired (the PUT may have
/// started just in time); a day later it is abandoned.
pub const ABANDONED_UPLOAD_HOURS: i64 = 24;
/// R2 deletes at most 1,000 keys per call.
const UPLOADS_PER_ROUND: u32 = 500;

pub async fn sweep(env: Env) -> Result<Swept, ApiError> {
    let state = AppState::new(env);
    let db = state.db()?;
    let now = time::now();
    let mut swept = store::retention::delete_expired_rows(
        &db,
        &time::format(now),
        &time::format(now - Duration::hours(IDEMPOTENCY_HOURS)),
        // Sign-in throttling looks no further back than its window.
        &time::format(now - Duration::seconds(crate::domain::throttle::WINDOW_SECONDS)),
    )
    .await?;
    let bucket = state.bucket()?;
    let expired_before = time::format(now - Duration::hours(ABANDONED_UPLOAD_HOURS));
    loop {
        let taken =
            store::retention::take_abandoned_uploads(&db, &expired_before, UPLOADS_PER_ROUND)
                .await?;
        if taken.is_empty() {
            break;
        }
        let keys: Vec<String> = taken.into_iter().map(|u| u.r2_key).collect();
        swept.uploads += keys.len() as u64;
        let last_round = keys.len() < UPLOADS_PER_ROUND as usize;
        bucket
            .delete_multiple(keys)
            .await
            .map_err(|e| ApiError::unavailable(format!("R2 delete of abandoned uploads: {e}")))?;
        if last_round {
            break;
        }
    }
    Ok(swept)
}
