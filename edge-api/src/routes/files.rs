//! The spec's two-step file flow on R2. `POST /files/upload-url` gives a signed URL on
//! this worker; the client PUTs the bytes there; `POST /files/confirm` checks what R2
//! holds and attaches the file to a chat; `GET /files/{id}` serves it back with its
//! stored type, `nosniff`, and as a download unless it is an image. Visitors use the
//! same flow under `/v1/visitor/files/…` for their own chats. The rules are in
//! [`crate::services::files`].

use axum::body::Body;
use axum::extract::{Path, RawQuery};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use shared_types::error::ErrorCode;
use shared_types::files::{ConfirmFileRequest, FileObject, UploadUrlRequest, UploadUrlResponse};

use crate::auth::{Caller, VisitorCaller};
use crate::domain::upload::{content_disposition, is_inline};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::services::files::{self, Uploaded};
use crate::state::AppState;

pub fn routes() -> Router {
    Router::new()
        .route("/v1/files/upload-url", post(agent_upload_url))
        .route("/v1/files/confirm", post(agent_confirm))
        .route("/v1/visitor/files/upload-url", post(visitor_upload_url))
        .route("/v1/visitor/files/confirm", post(visitor_confirm))
        .route("/v1/files/{workspace_id}/{file_id}/upload", put(upload))
        .route("/v1/files/{workspace_id}/{file_id}", get(download))
}

#[utoipa::path(
    post,
    path = "/v1/files/upload-url",
    operation_id = "createUploadUrl",
    tag = "Files",
    summary = "A signed URL to PUT a file's bytes to",
    request_body(content = UploadUrlRequest, example = json!(spec_example!("post_files_upload_url.request.json"))), responses((status = 200, description = "The URL", body = UploadUrlResponse, example = json!(spec_example!("post_files_upload_url.200.json")))), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn agent_upload_url(
    state: AppState,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    ApiJson(body): ApiJson<UploadUrlRequest>,
) -> Result<Json<UploadUrlResponse>, ApiError> {
    let origin = super::origin(&uri, &headers);
    Ok(Json(
        files::upload_url_for_agent(&state, &caller, &origin, body).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/v1/visitor/files/upload-url",
    operation_id = "createVisitorUploadUrl",
    tag = "Widget API",
    summary = "A signed upload URL for the visitor's own chat",
    request_body = UploadUrlRequest, responses((status = 200, description = "The URL", body = UploadUrlResponse)), security(("visitorToken" = []))
)]
#[worker::send]
async fn visitor_upload_url(
    state: AppState,
    parts: Parts,
    visitor: VisitorCaller,
    uri: Uri,
    headers: HeaderMap,
    ApiJson(body): ApiJson<UploadUrlRequest>,
) -> Result<Json<UploadUrlResponse>, ApiError> {
    let origin = super::origin(&uri, &headers);
    Ok(Json(
        files::upload_url_for_visitor(&state, &parts, &visitor, &origin, body).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct UploadQuery {
    /// Unix seconds when the URL stops working.
    expires: i64,
    /// The URL's signature.
    sig: String,
}

#[utoipa::path(
    put,
    path = "/v1/files/{workspace_id}/{file_id}/upload",
    operation_id = "uploadFile",
    tag = "Files",
    summary = "The signed URL: the file's bytes",
    params(("workspace_id" = String, Path, description = "The workspace's id"), ("file_id" = String, Path, description = "The file's id (`file_…`)"), UploadQuery), request_body(content = String, content_type = "application/octet-stream", description = "The bytes, with the Content-Type given to upload-url"), responses((status = 200, description = "Stored", body = Uploaded)), security(())
)]
#[worker::send]
async fn upload(
    state: AppState,
    Path((workspace_id, file_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Uploaded>, ApiError> {
    let query: UploadQuery = query
        .and_then(|q| serde_urlencoded::from_str(&q).ok())
        .ok_or(ErrorCode::UploadUrlInvalid)?;
    Ok(Json(
        files::take_bytes(
            &state,
            &workspace_id,
            &file_id,
            query.expires,
            &query.sig,
            &headers,
            body,
        )
        .await?,
    ))
}

#[utoipa::path(
    post,
    path = "/v1/files/confirm",
    operation_id = "confirmUpload",
    tag = "Files",
    summary = "Check the uploaded bytes and attach the file",
    request_body(content = ConfirmFileRequest, example = json!(spec_example!("post_files_confirm.request.json"))), responses((status = 200, description = "The file", body = FileObject, example = json!(spec_example!("post_files_confirm.200.json")))), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn agent_confirm(
    state: AppState,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ConfirmFileRequest>,
) -> Result<Json<FileObject>, ApiError> {
    let origin = super::origin(&uri, &headers);
    Ok(Json(
        files::confirm_for_agent(&state, &caller, &body, &origin).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/v1/visitor/files/confirm",
    operation_id = "confirmVisitorUpload",
    tag = "Widget API",
    summary = "Confirm the visitor's upload",
    request_body = ConfirmFileRequest, responses((status = 200, description = "The file", body = FileObject)), security(("visitorToken" = []))
)]
#[worker::send]
async fn visitor_confirm(
    state: AppState,
    visitor: VisitorCaller,
    uri: Uri,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ConfirmFileRequest>,
) -> Result<Json<FileObject>, ApiError> {
    let origin = super::origin(&uri, &headers);
    Ok(Json(
        files::confirm_for_visitor(&state, &visitor, &body, &origin).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/v1/files/{workspace_id}/{file_id}",
    operation_id = "downloadFile",
    tag = "Files",
    summary = "The file's bytes, with its stored type",
    params(("workspace_id" = String, Path, description = "The workspace's id"), ("file_id" = String, Path, description = "The file's id (`file_…`)")), responses((status = 200, description = "The bytes", content_type = "*/*", body = String)), security(())
)]
#[worker::send]
async fn download(
    state: AppState,
    Path((workspace_id, file_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let file = files::download(&state, &workspace_id, &file_id).await?;
    let mut res = file.bytes.into_response();
    let h = res.headers_mut();
    let header = |v: &str| HeaderValue::from_str(v).map_err(|e| ApiError::internal(e.to_string()));
    h.insert(CONTENT_TYPE, header(&file.content_type)?);
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "content-disposition",
        header(&content_disposition(
            &file.filename,
            is_inline(&file.content_type),
        ))?,
    );
    h.insert(
        "cache-control",
        HeaderValue::from_static("private, max-age=3600"),
    );
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(res)
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    agent_upload_url,
    agent_confirm,
    visitor_upload_url,
    visitor_confirm,
    upload,
    download
))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[
    (
        "createUploadUrl",
        &[
            ErrorCode::FileTooLarge,
            ErrorCode::FileTypeNotAllowed,
            ErrorCode::ChatNotFound,
        ],
    ),
    (
        "confirmUpload",
        &[
            ErrorCode::FileNotFound,
            ErrorCode::FileNotUploaded,
            ErrorCode::FileTooLarge,
            ErrorCode::FileTypeNotAllowed,
            ErrorCode::ChatNotFound,
        ],
    ),
    (
        "createVisitorUploadUrl",
        &[
            ErrorCode::FileTooLarge,
            ErrorCode::FileTypeNotAllowed,
            ErrorCode::ChatNotFound,
        ],
    ),
    (
        "confirmVisitorUpload",
        &[
            ErrorCode::FileNotFound,
            ErrorCode::FileNotUploaded,
            ErrorCode::FileTooLarge,
            ErrorCode::FileTypeNotAllowed,
            ErrorCode::ChatNotFound,
        ],
    ),
    (
        "uploadFile",
        &[
            ErrorCode::UploadUrlInvalid,
            ErrorCode::FileTooLarge,
            ErrorCode::FileNotFound,
        ],
    ),
    ("downloadFile", &[ErrorCode::FileNotFound]),
];
