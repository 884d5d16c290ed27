//! Visitors: the people chatting through the widget.

use wasm_bindgen::JsValue;
use worker::D1Database;

use super::{bool_value, opt_str, run};
use crate::error::ApiError;

pub struct NewVisitor<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    /// A JSON object.
    pub metadata: &'a str,
    /// The site's own id for the user, when the session named one.
    pub user_id: Option<&'a str>,
    /// Whether the session's `user_hash` proved the identity.
    pub verified: bool,
    pub now: &'a str,
}

pub async fn insert(db: &D1Database, v: &NewVisitor<'_>) -> Result<(), ApiError> {
    run(
        db,
        "INSERT INTO visitors (id, workspace_id, name, email, phone, metadata, created_at,
                               last_seen_at, user_id, verified)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9)",
        &[
            v.id.into(),
            v.workspace_id.into(),
            opt_str(v.name),
            opt_str(v.email),
            opt_str(v.phone),
            v.metadata.into(),
            JsValue::from(v.now),
            opt_str(v.user_id),
            bool_value(v.verified),
        ],
    )
    .await
    .map(drop)
}

/// Blocks a visitor of the workspace; `false` when it has no such visitor. Blocking again
/// keeps the first time.
pub async fn block(
    db: &D1Database,
    workspace_id: &str,
    visitor_id: &str,
    now: &str,
) -> Result<bool, ApiError> {
    let row: Option<serde_json::Value> = super::first(
        db,
        "UPDATE visitors SET blocked_at = COALESCE(blocked_at, ?3)
          WHERE workspace_id = ?1 AND id = ?2
          RETURNING id",
        &[workspace_id.into(), visitor_id.into(), now.into()],
    )
    .await?;
    Ok(row.is_some())
}

/// Whether the workspace blocked this visitor: `None` when it has no such visitor (the
/// workspace was erased), `Some(true)` when blocked.
pub async fn blocked(
    db: &D1Database,
    workspace_id: &str,
    visitor_id: &str,
) -> Result<Option<bool>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Row {
        blocked: i64,
    }
    let row: Option<Row> = super::first(
        db,
        "SELECT blocked_at IS NOT NULL AS blocked FROM visitors
          WHERE workspace_id = ?1 AND id = ?2",
        &[workspace_id.into(), visitor_id.into()],
    )
    .await?;
    Ok(row.map(|r| r.blocked != 0))
}
