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
