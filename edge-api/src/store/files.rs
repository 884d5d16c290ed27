//! Uploaded files.

use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1Database;

use super::all;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
pub struct FileObjectRow {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: u64,
}

/// Which of `file_ids` are files confirmed for this chat of the workspace.
pub async fn confirmed_for_chat(
    db: &D1Database,
    workspace_id: &str,
    chat_id: &str,
    file_ids: &[String],
) -> Result<Vec<FileObjectRow>, ApiError> {
    if file_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(file_ids).map_err(|e| ApiError::internal(e.to_string()))?;
    all(
        db,
        "SELECT id, filename, content_type, size_bytes FROM files
          WHERE workspace_id = ?1 AND chat_id = ?2 AND status = 'confirmed'
            AND id IN (SELECT value FROM json_each(?3))",
        &[workspace_id.into(), chat_id.into(), JsValue::from(ids)],
    )
    .await
}
