//! Uploaded files.

use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1Database;

use super::{all, first, run};
use crate::error::ApiError;

/// A confirmed file, as a message's attachment refers to it.
#[derive(Debug, Deserialize)]
pub struct FileObjectRow {
    pub id: String,
    pub content_type: String,
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
        "SELECT id, content_type FROM files
          WHERE workspace_id = ?1 AND chat_id = ?2 AND status = 'confirmed'
            AND id IN (SELECT value FROM json_each(?3))",
        &[workspace_id.into(), chat_id.into(), JsValue::from(ids)],
    )
    .await
}

/// A file row, as the upload and download paths need it.
#[derive(Debug, Deserialize)]
pub struct FileRow {
    pub id: String,
    pub workspace_id: String,
    pub chat_id: Option<String>,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: u64,
    pub r2_key: String,
    pub status: String,
    pub expires_at: String,
}

pub struct NewFile<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub uploader_type: &'a str,
    pub uploader_id: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size_bytes: u64,
    pub r2_key: &'a str,
    pub now: &'a str,
    pub expires_at: &'a str,
}

pub async fn insert_pending(db: &D1Database, f: &NewFile<'_>) -> Result<(), ApiError> {
    run(
        db,
        "INSERT INTO files (id, workspace_id, uploader_type, uploader_id, filename, content_type,
                            size_bytes, r2_key, status, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9, ?10)",
        &[
            f.id.into(),
            f.workspace_id.into(),
            f.uploader_type.into(),
            f.uploader_id.into(),
            f.filename.into(),
            f.content_type.into(),
            JsValue::from(f.size_bytes as f64),
            f.r2_key.into(),
            f.now.into(),
            f.expires_at.into(),
        ],
    )
    .await
    .map(drop)
}

const FILE_COLUMNS: &str =
    "id, workspace_id, chat_id, filename, content_type, size_bytes, r2_key, status, expires_at FROM files";

/// A file by id alone: the signed upload URL and the file URL carry no workspace.
pub async fn get(db: &D1Database, file_id: &str) -> Result<Option<FileRow>, ApiError> {
    first(
        db,
        &format!("SELECT {FILE_COLUMNS} WHERE id = ?1"),
        &[file_id.into()],
    )
    .await
}

/// Attaches an uploaded file to a chat; false when it was no longer pending.
pub async fn confirm(
    db: &D1Database,
    workspace_id: &str,
    file_id: &str,
    chat_id: &str,
    now: &str,
) -> Result<bool, ApiError> {
    let changed = run(
        db,
        "UPDATE files SET status = 'confirmed', chat_id = ?3, confirmed_at = ?4
          WHERE workspace_id = ?1 AND id = ?2 AND status = 'pending'",
        &[
            workspace_id.into(),
            file_id.into(),
            chat_id.into(),
            now.into(),
        ],
    )
    .await?;
    Ok(changed == 1)
}
