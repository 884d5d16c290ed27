//! All SQL, one function per query, named for what it returns. Values are always bound,
//! never formatted into the text.

pub mod agents;
pub mod api_keys;
pub mod email;
pub mod idempotency;
pub mod invitations;
pub mod login_failures;
pub mod retention;
pub mod sessions;
pub mod tenant;
pub mod workspaces;

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use crate::error::ApiError;

/// A prepared statement with its values bound.
pub fn stmt(
    db: &D1Database,
    sql: &str,
    values: &[JsValue],
) -> Result<D1PreparedStatement, ApiError> {
    db.prepare(sql)
        .bind(values)
        .map_err(|e| ApiError::internal(format!("binding values for `{sql}`: {e}")))
}

/// Every row of a query.
pub async fn all<T: DeserializeOwned>(
    db: &D1Database,
    sql: &str,
    values: &[JsValue],
) -> Result<Vec<T>, ApiError> {
    let result = stmt(db, sql, values)?
        .all()
        .await
        .map_err(|e| d1_error(sql, e))?;
    result
        .results::<T>()
        .map_err(|e| ApiError::internal(format!("decoding rows of `{sql}`: {e}")))
}

/// The first row of a query, if any.
pub async fn first<T: DeserializeOwned>(
    db: &D1Database,
    sql: &str,
    values: &[JsValue],
) -> Result<Option<T>, ApiError> {
    stmt(db, sql, values)?
        .first::<T>(None)
        .await
        .map_err(|e| d1_error(sql, e))
}

/// Runs a write; returns the number of rows it changed, counting rows that triggers
/// changed (D1 reports it so), so "did it change the row" is `> 0`, not `== 1`.
pub async fn run(db: &D1Database, sql: &str, values: &[JsValue]) -> Result<usize, ApiError> {
    let result = stmt(db, sql, values)?
        .run()
        .await
        .map_err(|e| d1_error(sql, e))?;
    Ok(result
        .meta()
        .ok()
        .flatten()
        .and_then(|m| m.changes)
        .unwrap_or(0))
}

/// Runs statements atomically: all of them or none.
pub async fn batch(db: &D1Database, statements: Vec<D1PreparedStatement>) -> Result<(), ApiError> {
    let results = db
        .batch(statements)
        .await
        .map_err(|e| d1_error("batch", e))?;
    match results.iter().find_map(|r| r.error()) {
        Some(e) => Err(ApiError::internal(format!("batch: {e}"))),
        None => Ok(()),
    }
}

/// D1 answers overload and lost connections with errors the client may retry: a 503.
pub(crate) fn d1_error(sql: &str, e: worker::Error) -> ApiError {
    let text = e.to_string();
    let cause = format!("D1 `{sql}`: {text}");
    if text.contains("overloaded") || text.contains("Network connection lost") {
        ApiError::unavailable(cause)
    } else {
        ApiError::internal(cause)
    }
}

/// An optional text column value.
pub fn opt_str(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from)
}
