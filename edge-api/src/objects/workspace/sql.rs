//! How every service's object half runs its SQL on the object's storage: read a cursor
//! to its end, count what a write touched, bind a flag.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue};

use crate::error::ApiError;

/// Every row of `query`, decoded; the error names the query.
pub fn rows<T: DeserializeOwned>(
    sql: &SqlStorage,
    query: &str,
    values: Vec<SqlStorageValue>,
) -> Result<Vec<T>, ApiError> {
    sql.exec(query, values)
        .and_then(|c| c.to_array())
        .map_err(|e| ApiError::internal(format!("`{query}`: {e}")))
}

/// How many rows a write touched, counted from its `RETURNING id` rows: a cursor only
/// knows its final `rows_written` once read to the end.
pub fn written(
    sql: &SqlStorage,
    query: &str,
    values: Vec<SqlStorageValue>,
) -> Result<usize, ApiError> {
    #[derive(Deserialize)]
    struct Id {
        #[allow(dead_code)]
        id: String,
    }
    rows::<Id>(sql, query, values).map(|ids| ids.len())
}

/// SQLite keeps a flag as 0 or 1.
pub fn flag(b: bool) -> SqlStorageValue {
    SqlStorageValue::Integer(i64::from(b))
}

/// Runs a write whose rows are not wanted back (a `DELETE` of many rows), to its end.
pub fn run(sql: &SqlStorage, query: &str, values: Vec<SqlStorageValue>) -> Result<(), ApiError> {
    rows::<serde_json::Value>(sql, query, values).map(drop)
}

/// The time a `SELECT MIN(<time column>) AS at …` finds, if the table has any row.
pub fn earliest(
    sql: &SqlStorage,
    query: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        at: Option<String>,
    }
    let found: Vec<Row> = rows(sql, query, vec![])?;
    Ok(found
        .into_iter()
        .next()
        .and_then(|r| r.at)
        .and_then(|at| crate::domain::time::parse(&at)))
}
