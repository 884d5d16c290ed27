//! Failed sign-ins of the last minutes, per subject (`email:…`, `ip:…`).

use serde::Deserialize;
use worker::D1Database;

use super::{all, batch, stmt};
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct Failure {
    pub subject: String,
    pub failed_at: String,
}

/// The failures of the two subjects since `since`.
pub async fn since(
    db: &D1Database,
    email_subject: &str,
    ip_subject: &str,
    since: &str,
) -> Result<Vec<Failure>, ApiError> {
    all(
        db,
        "SELECT subject, failed_at FROM login_failures
          WHERE subject IN (?1, ?2) AND failed_at > ?3",
        &[email_subject.into(), ip_subject.into(), since.into()],
    )
    .await
}

/// Records one failure under both subjects and forgets those older than `since`.
pub async fn record(
    db: &D1Database,
    email_subject: &str,
    ip_subject: &str,
    now: &str,
    since: &str,
) -> Result<(), ApiError> {
    let insert = "INSERT INTO login_failures (subject, failed_at) VALUES (?1, ?2)";
    batch(
        db,
        vec![
            stmt(db, insert, &[email_subject.into(), now.into()])?,
            stmt(db, insert, &[ip_subject.into(), now.into()])?,
            stmt(
                db,
                "DELETE FROM login_failures WHERE failed_at <= ?1",
                &[since.into()],
            )?,
        ],
    )
    .await
}
