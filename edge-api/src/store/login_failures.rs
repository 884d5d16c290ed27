//! Failed sign-ins and invitation acceptances of the last minutes, per subject
//! (`email:…`, `pair:…`, `ip:…`; see `domain::throttle`). An attempt is written as a
//! failure before its credential is checked and taken back if it succeeds.

use serde::Deserialize;
use worker::D1Database;

use super::{d1_error, stmt};
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Failure {
    pub id: i64,
    pub subject: String,
    pub failed_at: String,
}

#[derive(Debug, Deserialize)]
struct Recorded {
    id: i64,
}

/// Records an attempt as a failure under each subject before its credential is
/// checked, forgets failures older than `since`, and returns the ids of this attempt's
/// rows with every failure of the subjects since `since`, this attempt's included.
/// One batch, so attempts made at the same time each see the ones recorded before
/// them and a burst cannot slip past the limit.
pub async fn attempt(
    db: &D1Database,
    subjects: &[&str],
    now: &str,
    since: &str,
) -> Result<(Vec<i64>, Vec<Failure>), ApiError> {
    let insert =
        "INSERT INTO login_failures (subject, failed_at) VALUES (?1, ?2) RETURNING rowid AS id";
    let listed = serde_json::to_string(subjects).map_err(|e| ApiError::internal(e.to_string()))?;
    let mut statements = vec![stmt(
        db,
        "DELETE FROM login_failures WHERE failed_at <= ?1",
        &[since.into()],
    )?];
    for subject in subjects {
        statements.push(stmt(db, insert, &[(*subject).into(), now.into()])?);
    }
    statements.push(stmt(
        db,
        "SELECT rowid AS id, subject, failed_at FROM login_failures
          WHERE subject IN (SELECT value FROM json_each(?1)) AND failed_at > ?2",
        &[listed.into(), since.into()],
    )?);
    let results = db
        .batch(statements)
        .await
        .map_err(|e| d1_error("sign-in attempt", e))?;
    let rows = |i: usize| -> Result<Vec<Recorded>, ApiError> {
        results
            .get(i)
            .ok_or_else(|| ApiError::internal("sign-in attempt: missing result"))?
            .results()
            .map_err(|e| ApiError::internal(format!("sign-in attempt: {e}")))
    };
    let mut mine = Vec::new();
    for i in 1..=subjects.len() {
        mine.extend(rows(i)?.into_iter().map(|r| r.id));
    }
    let failures = results
        .get(subjects.len() + 1)
        .ok_or_else(|| ApiError::internal("sign-in attempt: missing result"))?
        .results()
        .map_err(|e| ApiError::internal(format!("sign-in attempt: {e}")))?;
    Ok((mine, failures))
}

/// Takes back an attempt's rows: it signed in, or it was refused without a check.
pub async fn forget(db: &D1Database, ids: &[i64]) -> Result<(), ApiError> {
    let ids = serde_json::to_string(ids).map_err(|e| ApiError::internal(e.to_string()))?;
    super::run(
        db,
        "DELETE FROM login_failures WHERE rowid IN (SELECT value FROM json_each(?1))",
        &[ids.into()],
    )
    .await
    .map(drop)
}
