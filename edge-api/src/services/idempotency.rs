//! A workspace's remembered answers to POSTs that carried an `Idempotency-Key`, kept in
//! its object. The layer that uses them is `routes::idempotency`; this is their SQL.

/// A retried POST replays its first answer for a day, as Stripe's keys do.
pub const KEEP_HOURS: i64 = 24;

pub mod object {
    use chrono::{DateTime, Duration, Utc};
    use worker::SqlStorage;

    use super::KEEP_HOURS;
    use crate::domain::time;
    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::{IdempotencyOp, Remembered};
    use crate::objects::workspace::sql::{earliest, rows, run, written};

    /// Whether the operation writes a row that expires (and so may need the sweep).
    pub fn expires_rows(op: &IdempotencyOp) -> bool {
        matches!(op, IdempotencyOp::Claim { .. })
    }

    pub fn handle(sql: &SqlStorage, op: IdempotencyOp) -> Result<String, ApiError> {
        match op {
            IdempotencyOp::Claim {
                scope,
                key,
                request_hash,
                now,
            } => {
                let claimed = written(
                    sql,
                    "INSERT INTO idempotency_keys (scope, key, request_hash, status,
                                                   response_body, created_at)
                     VALUES (?1, ?2, ?3, 0, '', ?4) ON CONFLICT (scope, key) DO NOTHING
                     RETURNING scope AS id",
                    vec![scope.into(), key.into(), request_hash.into(), now.into()],
                )?;
                answer(claimed == 1)
            }
            IdempotencyOp::Get { scope, key } => {
                let found: Vec<Remembered> = rows(
                    sql,
                    "SELECT request_hash, status, response_body FROM idempotency_keys
                      WHERE scope = ?1 AND key = ?2",
                    vec![scope.into(), key.into()],
                )?;
                answer(found.into_iter().next())
            }
            IdempotencyOp::Remember {
                scope,
                key,
                status,
                body,
            } => {
                run(
                    sql,
                    "UPDATE idempotency_keys SET status = ?3, response_body = ?4
                      WHERE scope = ?1 AND key = ?2",
                    vec![
                        scope.into(),
                        key.into(),
                        i64::from(status).into(),
                        body.into(),
                    ],
                )?;
                answer(())
            }
            IdempotencyOp::Release { scope, key } => {
                run(
                    sql,
                    "DELETE FROM idempotency_keys WHERE scope = ?1 AND key = ?2",
                    vec![scope.into(), key.into()],
                )?;
                answer(())
            }
        }
    }

    /// Deletes the records older than a day.
    pub fn sweep(sql: &SqlStorage, now: DateTime<Utc>) -> Result<(), ApiError> {
        run(
            sql,
            "DELETE FROM idempotency_keys WHERE created_at < ?",
            vec![time::format(now - Duration::hours(KEEP_HOURS)).into()],
        )
    }

    /// When the oldest record expires, if there is one.
    pub fn next_expiry(sql: &SqlStorage) -> Result<Option<DateTime<Utc>>, ApiError> {
        Ok(
            earliest(sql, "SELECT MIN(created_at) AS at FROM idempotency_keys")?
                .map(|at| at + Duration::hours(KEEP_HOURS)),
        )
    }
}
