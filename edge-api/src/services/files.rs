//! Files on R2 in the spec's two steps: an upload URL signed by this worker, then a
//! confirmation that checks what R2 holds and attaches the file to a chat. A confirmed
//! file is served back by its unguessable id. Visitors use the same flow for their own
//! chats, within a daily budget.

use axum::body::Body;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use serde::Serialize;
use shared_types::error::ErrorCode;
use shared_types::files::{
    check_upload, content_type_essence, ConfirmFileRequest, FileObject, UploadUrlRequest,
    UploadUrlResponse, MAX_UPLOAD_BYTES,
};
use shared_types::ids::FileId;
use worker::send::SendFuture;
use worker::HttpMetadata;

use crate::auth::{Caller, VisitorCaller};
use crate::domain::token::{sign, verify};
use crate::domain::upload::{upload_message, UPLOAD_URL_SECONDS};
use crate::domain::{bounds, ids, time};
use crate::error::ApiError;
use crate::limits;
use crate::objects::workspace::client;
use crate::objects::workspace::protocol::{FileOp, FileRow, Request};
use crate::services::chats;
use crate::state::AppState;

async fn call<T: serde::de::DeserializeOwned>(
    state: &AppState,
    workspace_id: &str,
    op: FileOp,
) -> Result<T, ApiError> {
    client::ask(state, workspace_id, &Request::Files(op)).await
}

/// Which of `file_ids` are files confirmed for this chat of the workspace.
pub async fn confirmed_for_chat(
    state: &AppState,
    workspace_id: &str,
    chat_id: &shared_types::ids::ChatId,
    file_ids: Vec<String>,
) -> Result<Vec<FileRow>, ApiError> {
    if file_ids.is_empty() {
        return Ok(Vec::new());
    }
    call(
        state,
        workspace_id,
        FileOp::ConfirmedForChat {
            chat_id: chat_id.as_str().to_string(),
            file_ids,
        },
    )
    .await
}

/// A file of a workspace named by a URL, which anyone may send: a workspace the
/// directory does not know has no files, and its object is never woken.
pub async fn get(
    state: &AppState,
    workspace_id: &str,
    file_id: &str,
) -> Result<Option<FileRow>, ApiError> {
    if shared_types::ids::WorkspaceId::parse(workspace_id).is_err()
        || FileId::parse(file_id).is_err()
    {
        return Ok(None);
    }
    match call(
        state,
        workspace_id,
        FileOp::Get {
            file_id: file_id.to_string(),
        },
    )
    .await
    {
        Err(e) if e.code == ErrorCode::WorkspaceNotFound => Ok(None),
        found => found,
    }
}

/// Who asks for an upload, for the record.
struct Uploader<'a> {
    workspace_id: &'a str,
    kind: &'a str,
    id: &'a str,
}

pub async fn upload_url_for_agent(
    state: &AppState,
    caller: &Caller,
    origin: &str,
    body: UploadUrlRequest,
) -> Result<UploadUrlResponse, ApiError> {
    let uploader = Uploader {
        workspace_id: &caller.workspace_id,
        kind: "agent",
        id: &caller.agent_id,
    };
    issue_upload_url(state, &uploader, origin, body).await
}

/// As for an agent, after the visitor's daily budget of files and bytes (spent on
/// `parts`) takes this one.
pub async fn upload_url_for_visitor(
    state: &AppState,
    parts: &Parts,
    visitor: &VisitorCaller,
    origin: &str,
    body: UploadUrlRequest,
) -> Result<UploadUrlResponse, ApiError> {
    // Checked before the day's budget is spent, so a refused file costs nothing.
    check_upload(&body.content_type, body.size_bytes)?;
    let budget = format!("uploads:{}", visitor.visitor_id);
    limits::spend_quota(
        state,
        parts,
        &budget,
        &[
            (bounds::UPLOADS_PER_VISITOR, 1),
            (bounds::UPLOAD_BYTES_PER_VISITOR, body.size_bytes),
        ],
    )
    .await?;
    let uploader = Uploader {
        workspace_id: &visitor.workspace_id,
        kind: "visitor",
        id: &visitor.visitor_id,
    };
    issue_upload_url(state, &uploader, origin, body).await
}

async fn issue_upload_url(
    state: &AppState,
    uploader: &Uploader<'_>,
    origin: &str,
    body: UploadUrlRequest,
) -> Result<UploadUrlResponse, ApiError> {
    check_upload(&body.content_type, body.size_bytes)?;
    let secret = state.token_secret()?;
    let file_id = FileId::with_suffix(&ids::suffix());
    let now = time::now();
    let expires = now + chrono::Duration::seconds(UPLOAD_URL_SECONDS);
    let signature = sign(
        secret.as_bytes(),
        &upload_message(uploader.workspace_id, file_id.as_str(), expires.timestamp()),
    );
    call::<()>(
        state,
        uploader.workspace_id,
        FileOp::InsertPending(FileRow {
            id: file_id.as_str().to_string(),
            chat_id: None,
            uploader_type: uploader.kind.to_string(),
            uploader_id: uploader.id.to_string(),
            filename: body.filename.as_str().to_string(),
            content_type: content_type_essence(&body.content_type),
            size_bytes: body.size_bytes,
            r2_key: format!("{}/{}", uploader.workspace_id, file_id.as_str()),
            status: "pending".to_string(),
            created_at: time::format(now),
            expires_at: time::format(expires),
        }),
    )
    .await?;
    Ok(UploadUrlResponse {
        upload_url: format!(
            "{}/upload?expires={}&sig={signature}",
            crate::domain::upload::file_url(origin, uploader.workspace_id, file_id.as_str()),
            expires.timestamp()
        ),
        file_id,
        expires_at: time::format(expires),
    })
}

/// What an upload stored.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Uploaded {
    /// The file, pending until confirmed.
    file_id: String,
    /// The bytes stored.
    size_bytes: u64,
}

/// Takes the bytes of a pending file. The signature (`expires`, `sig`) is the
/// credential; the declared type and size are the contract: a body of another type or
/// size stores nothing.
pub async fn take_bytes(
    state: &AppState,
    workspace_id: &str,
    file_id: &str,
    expires: i64,
    sig: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<Uploaded, ApiError> {
    let secret = state.token_secret()?;
    let genuine = verify(
        secret.as_bytes(),
        &upload_message(workspace_id, file_id, expires),
        sig,
    );
    if !genuine || expires <= time::now().timestamp() {
        return Err(ErrorCode::UploadUrlInvalid.into());
    }
    let file = get(state, workspace_id, file_id)
        .await?
        .filter(|f| f.status == "pending" && !expired(f))
        .ok_or(ErrorCode::FileNotFound)?;
    let sent_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(content_type_essence)
        .unwrap_or_default();
    if sent_type != file.content_type {
        return Err(ErrorCode::FileTypeNotAllowed.into());
    }
    let declared_length = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared_length.is_some_and(|n| n > file.size_bytes) {
        return Err(ErrorCode::FileTooLarge.into());
    }
    // The outer layer already holds the whole body; this only hands it over.
    let bytes = axum::body::to_bytes(body, (MAX_UPLOAD_BYTES + 1) as usize)
        .await
        .map_err(|_| ErrorCode::FileTooLarge)?;
    let received = bytes.len() as u64;
    if received > file.size_bytes {
        return Err(ErrorCode::FileTooLarge.into());
    }
    if received != file.size_bytes {
        return Err(ErrorCode::FileNotUploaded.into());
    }
    put_bytes(state, &file.r2_key, bytes.to_vec(), &file.content_type).await?;
    Ok(Uploaded {
        file_id: file.id,
        size_bytes: received,
    })
}

/// A file that came with a reply by mail, stored and confirmed for the chat as an
/// upload would be: the same policy (types, 10 MB) decides, and a file it refuses is
/// left out (`None`), as the widget would have refused it. `uploader` is `agent` or
/// `visitor`.
pub async fn store_mailed(
    state: &AppState,
    workspace_id: &str,
    chat_id: &str,
    uploader: (&str, &str),
    file: crate::domain::email::inbound::Attachment,
    origin: &str,
) -> Result<Option<shared_types::chats::NewAttachment>, ApiError> {
    let (filename, bytes) = (file.filename, file.bytes);
    let content_type = content_type_essence(&file.content_type);
    let size = bytes.len() as u64;
    if check_upload(&content_type, size).is_err() {
        return Ok(None);
    }
    let filename: String = filename.chars().take(255).collect();
    let filename = if filename.trim().is_empty() {
        "attachment".to_string()
    } else {
        filename
    };
    let file_id = FileId::with_suffix(&ids::suffix());
    let now = time::now();
    let r2_key = format!("{workspace_id}/{}", file_id.as_str());
    call::<()>(
        state,
        workspace_id,
        FileOp::InsertPending(FileRow {
            id: file_id.as_str().to_string(),
            chat_id: None,
            uploader_type: uploader.0.to_string(),
            uploader_id: uploader.1.to_string(),
            filename,
            content_type: content_type.clone(),
            size_bytes: size,
            r2_key: r2_key.clone(),
            status: "pending".to_string(),
            created_at: time::format(now),
            expires_at: time::format(now + chrono::Duration::seconds(UPLOAD_URL_SECONDS)),
        }),
    )
    .await?;
    put_bytes(state, &r2_key, bytes, &content_type).await?;
    call::<bool>(
        state,
        workspace_id,
        FileOp::Confirm {
            file_id: file_id.as_str().to_string(),
            chat_id: chat_id.to_string(),
            now: time::now_rfc3339(),
        },
    )
    .await?;
    let url = crate::domain::upload::file_url(origin, workspace_id, file_id.as_str());
    Ok(Some(shared_types::chats::NewAttachment {
        kind: shared_types::chats::AttachmentType::for_content_type(&content_type),
        url: url
            .parse()
            .map_err(|_| ApiError::internal(format!("file url {url}")))?,
    }))
}

/// Deletes these objects' bytes from R2; a key already gone counts as deleted.
pub async fn delete_bytes(state: &AppState, keys: &[String]) -> Result<(), ApiError> {
    if keys.is_empty() {
        return Ok(());
    }
    let bucket = state.bucket()?;
    for key in keys {
        bucket
            .delete(key)
            .await
            .map_err(|e| ApiError::unavailable(format!("R2 delete {key}: {e}")))?;
    }
    Ok(())
}

/// Stores a file's bytes in R2 under `key`, with its type.
async fn put_bytes(
    state: &AppState,
    key: &str,
    bytes: Vec<u8>,
    content_type: &str,
) -> Result<(), ApiError> {
    state
        .bucket()?
        .put(key.to_string(), bytes)
        .http_metadata(HttpMetadata {
            content_type: Some(content_type.to_string()),
            content_language: None,
            content_disposition: None,
            content_encoding: None,
            cache_control: None,
            cache_expiry: None,
        })
        .execute()
        .await
        .map_err(|e| ApiError::unavailable(format!("R2 put {key}: {e}")))?;
    Ok(())
}

/// Attaches the file to a chat of the agent's workspace.
pub async fn confirm_for_agent(
    state: &AppState,
    caller: &Caller,
    body: &ConfirmFileRequest,
    origin: &str,
) -> Result<FileObject, ApiError> {
    let chat_id = chats::parse_id(body.chat_id.as_str())?;
    chats::head(state, &caller.workspace_id, &chat_id).await?;
    confirm(state, &caller.workspace_id, body, origin).await
}

/// Attaches the file to one of the visitor's own chats.
pub async fn confirm_for_visitor(
    state: &AppState,
    visitor: &VisitorCaller,
    body: &ConfirmFileRequest,
    origin: &str,
) -> Result<FileObject, ApiError> {
    chats::own(state, visitor, body.chat_id.as_str()).await?;
    confirm(state, &visitor.workspace_id, body, origin).await
}

/// Attaches an uploaded file to the (already checked) chat, after making sure R2 holds
/// exactly what was declared. Confirming again for the same chat answers the same.
async fn confirm(
    state: &AppState,
    workspace_id: &str,
    body: &ConfirmFileRequest,
    origin: &str,
) -> Result<FileObject, ApiError> {
    let file = get(state, workspace_id, body.file_id.as_str())
        .await?
        .ok_or(ErrorCode::FileNotFound)?;
    let chat_id = body.chat_id.as_str();
    match (file.status.as_str(), file.chat_id.as_deref()) {
        ("confirmed", Some(c)) if c == chat_id => return file_object(&file, workspace_id, origin),
        ("confirmed", _) => return Err(ErrorCode::FileNotUploaded.into()),
        _ => {}
    }
    check_stored(state, &file).await?;
    let confirmed: bool = call(
        state,
        workspace_id,
        FileOp::Confirm {
            file_id: file.id.clone(),
            chat_id: chat_id.to_string(),
            now: time::now_rfc3339(),
        },
    )
    .await?;
    if !confirmed {
        // Confirmed concurrently: answer as the first confirmation did, if it was ours.
        let again = get(state, workspace_id, &file.id)
            .await?
            .ok_or(ErrorCode::FileNotFound)?;
        if again.chat_id.as_deref() != Some(chat_id) {
            return Err(ErrorCode::FileNotUploaded.into());
        }
    }
    file_object(&file, workspace_id, origin)
}

/// FILE-004 unless R2 holds the file's bytes with exactly the declared size and type.
pub async fn check_stored(state: &AppState, file: &FileRow) -> Result<(), ApiError> {
    let object = state
        .bucket()?
        .head(file.r2_key.clone())
        .await
        .map_err(|e| ApiError::unavailable(format!("R2 head {}: {e}", file.r2_key)))?
        .ok_or(ErrorCode::FileNotUploaded)?;
    let stored_type = object.http_metadata().content_type.unwrap_or_default();
    if object.size() != file.size_bytes || stored_type != file.content_type {
        return Err(ErrorCode::FileNotUploaded.into());
    }
    Ok(())
}

fn file_object(file: &FileRow, workspace_id: &str, origin: &str) -> Result<FileObject, ApiError> {
    Ok(FileObject {
        id: FileId::parse(&file.id).map_err(|e| ApiError::internal(format!("file id: {e}")))?,
        url: crate::domain::upload::file_url(origin, workspace_id, &file.id),
        filename: file.filename.clone(),
        size_bytes: file.size_bytes,
        content_type: file.content_type.clone(),
    })
}

/// A confirmed file's bytes, with what its answer must say about them.
pub struct Download {
    pub bytes: bytes::Bytes,
    pub content_type: String,
    pub filename: String,
}

/// A confirmed file, FILE-001 for anything else. The unguessable id is the capability:
/// the URL goes into messages and `<img src>`, which cannot carry a token.
pub async fn download(
    state: &AppState,
    workspace_id: &str,
    file_id: &str,
) -> Result<Download, ApiError> {
    let file = get(state, workspace_id, file_id)
        .await?
        .filter(|f| f.status == "confirmed")
        .ok_or(ErrorCode::FileNotFound)?;
    let key = file.r2_key.clone();
    let state = state.clone();
    let bytes = SendFuture::new(async move {
        let bucket = state.bucket()?;
        let object = bucket
            .get(key.clone())
            .execute()
            .await
            .map_err(|e| ApiError::unavailable(format!("R2 get {key}: {e}")))?
            .ok_or(ErrorCode::FileNotFound)?;
        let body = object.body().ok_or(ErrorCode::FileNotFound)?;
        body.bytes()
            .await
            .map_err(|e| ApiError::unavailable(format!("R2 read {key}: {e}")))
    })
    .await?;
    Ok(Download {
        bytes: bytes.into(),
        content_type: file.content_type,
        filename: file.filename,
    })
}

/// An upload URL's file row outlives nothing: past its expiry it takes no bytes.
fn expired(file: &FileRow) -> bool {
    time::parse(&file.expires_at).is_some_and(|t| t < time::now())
}

/// The SQL of files' metadata, run inside the workspace's object.
pub mod object {
    use worker::SqlStorage;

    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::{FileOp, FileRow};
    use chrono::{DateTime, Utc};

    use crate::objects::workspace::sql::{earliest, rows, run, written};

    const COLUMNS: &str = "id, chat_id, uploader_type, uploader_id, filename, content_type,
        size_bytes, r2_key, status, created_at, expires_at FROM files";

    /// Whether the operation writes a row that expires (and so may need the sweep).
    pub fn expires_rows(op: &FileOp) -> bool {
        matches!(op, FileOp::InsertPending(_))
    }

    pub fn handle(sql: &SqlStorage, op: FileOp) -> Result<String, ApiError> {
        match op {
            FileOp::InsertPending(f) => {
                run(
                    sql,
                    "INSERT INTO files (id, uploader_type, uploader_id, filename, content_type,
                                        size_bytes, r2_key, status, created_at, expires_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8, ?9)",
                    vec![
                        f.id.into(),
                        f.uploader_type.into(),
                        f.uploader_id.into(),
                        f.filename.into(),
                        f.content_type.into(),
                        i64::try_from(f.size_bytes).unwrap_or(i64::MAX).into(),
                        f.r2_key.into(),
                        f.created_at.into(),
                        f.expires_at.into(),
                    ],
                )?;
                answer(())
            }
            FileOp::Get { file_id } => {
                let found: Vec<FileRow> = rows(
                    sql,
                    &format!("SELECT {COLUMNS} WHERE id = ?"),
                    vec![file_id.into()],
                )?;
                answer(found.into_iter().next())
            }
            FileOp::Confirm {
                file_id,
                chat_id,
                now,
            } => {
                let changed = written(
                    sql,
                    "UPDATE files SET status = 'confirmed', chat_id = ?2, confirmed_at = ?3
                      WHERE id = ?1 AND status = 'pending'
                      RETURNING id",
                    vec![file_id.into(), chat_id.into(), now.into()],
                )?;
                answer(changed == 1)
            }
            FileOp::ConfirmedForChat { chat_id, file_ids } => {
                let ids = serde_json::to_string(&file_ids)
                    .map_err(|e| ApiError::internal(e.to_string()))?;
                answer(rows::<FileRow>(
                    sql,
                    &format!(
                        "SELECT {COLUMNS} WHERE chat_id = ?1 AND status = 'confirmed'
                            AND id IN (SELECT value FROM json_each(?2))"
                    ),
                    vec![chat_id.into(), ids.into()],
                )?)
            }
        }
    }

    /// When the URL of the oldest pending upload expired, if there is one.
    pub fn oldest_pending(sql: &SqlStorage) -> Result<Option<DateTime<Utc>>, ApiError> {
        earliest(
            sql,
            "SELECT MIN(expires_at) AS at FROM files WHERE status = 'pending'",
        )
    }

    /// Forgets up to `limit` uploads that were asked for but never confirmed and expired
    /// before `expired_before`, oldest first, and returns their objects' keys. The rows
    /// go first, in one statement that takes only rows still pending, so a confirmation
    /// either came first (the file stays) or finds no file.
    pub fn take_abandoned(
        sql: &SqlStorage,
        expired_before: &str,
        limit: u32,
    ) -> Result<Vec<String>, ApiError> {
        #[derive(serde::Deserialize)]
        struct Key {
            r2_key: String,
        }
        let keys: Vec<Key> = rows(
            sql,
            "DELETE FROM files WHERE status = 'pending' AND id IN
               (SELECT id FROM files WHERE status = 'pending' AND expires_at < ?1
                 ORDER BY expires_at LIMIT ?2)
             RETURNING r2_key",
            vec![expired_before.into(), i64::from(limit).into()],
        )?;
        Ok(keys.into_iter().map(|k| k.r2_key).collect())
    }
}
