//! The daily sweep (the cron in wrangler.toml): deletes what only matters for a while,
//! so tables that grow with traffic stay the size of their window. It sweeps the D1
//! directory; each workspace's object sweeps its own tables with its alarm (webhook
//! deliveries, idempotency records, spent tickets, abandoned uploads).

use chrono::Duration;
use worker::Env;

use crate::domain::time;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;
use crate::store::retention::Swept;

pub async fn sweep(env: Env) -> Result<Swept, ApiError> {
    let state = AppState::new(env);
    let db = state.db()?;
    let now = time::now();
    store::retention::delete_expired_rows(
        &db,
        &time::format(now),
        &time::format(now - Duration::hours(crate::services::idempotency::KEEP_HOURS)),
        // Sign-in throttling looks no further back than its window.
        &time::format(now - Duration::seconds(crate::domain::throttle::WINDOW_SECONDS)),
        // A reply address works for as long as its mail says it does.
        &time::format(now - Duration::days(crate::domain::email::REPLY_ADDRESS_DAYS)),
    )
    .await
}
