//! The directory's reply addresses: inbound mail names only its address, so the chat
//! and the recipient it was made for are found here before any workspace is known.

use serde::{Deserialize, Serialize};
use worker::D1Database;

use super::{first, run};
use crate::error::ApiError;

/// A reply address one mail carried (`domain::email::reply_address`).
#[derive(Debug, Serialize, Deserialize)]
pub struct ReplyAddress {
    pub id: String,
    pub workspace_id: String,
    pub chat_id: String,
    /// `agent` or `visitor`.
    pub recipient_type: String,
    pub recipient_id: String,
    /// Who may write from where: replies from any other address are refused.
    pub email: String,
    pub created_at: String,
}

pub async fn insert_reply_address(db: &D1Database, a: &ReplyAddress) -> Result<(), ApiError> {
    run(
        db,
        "INSERT INTO reply_addresses (id, workspace_id, chat_id, recipient_type, recipient_id,
                                      email, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        &[
            a.id.as_str().into(),
            a.workspace_id.as_str().into(),
            a.chat_id.as_str().into(),
            a.recipient_type.as_str().into(),
            a.recipient_id.as_str().into(),
            a.email.as_str().into(),
            a.created_at.as_str().into(),
        ],
    )
    .await
    .map(drop)
}

pub async fn reply_address(db: &D1Database, id: &str) -> Result<Option<ReplyAddress>, ApiError> {
    first(
        db,
        "SELECT id, workspace_id, chat_id, recipient_type, recipient_id, email, created_at
           FROM reply_addresses WHERE id = ?1",
        &[id.into()],
    )
    .await
}

/// The reply addresses of these chats of the workspace, gone with the chats.
pub async fn delete_reply_addresses(
    db: &D1Database,
    workspace_id: &str,
    chat_ids: &[String],
) -> Result<(), ApiError> {
    if chat_ids.is_empty() {
        return Ok(());
    }
    let list = serde_json::to_string(chat_ids)
        .map_err(|e| ApiError::internal(format!("reply addresses: {e}")))?;
    run(
        db,
        "DELETE FROM reply_addresses
          WHERE workspace_id = ?1 AND chat_id IN (SELECT value FROM json_each(?2))",
        &[workspace_id.into(), list.into()],
    )
    .await
    .map(drop)
}
