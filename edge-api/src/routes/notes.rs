//! `POST/GET /v1/chats/{chat_id}/notes` ([`crate::services::notes`]).

use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use shared_types::notes::{ChatNote, NewNote};
use shared_types::DataList;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::services::notes;
use crate::state::AppState;
use shared_types::error::ErrorCode;

pub fn routes() -> Router {
    Router::new().route("/v1/chats/{chat_id}/notes", get(list).post(add))
}

#[utoipa::path(
    post,
    path = "/v1/chats/{chat_id}/notes",
    operation_id = "addChatNote",
    tag = "Notes",
    summary = "Add a private note",
    params(("chat_id" = String, Path, description = "The chat's id (`chat_…`)")), request_body = NewNote, responses((status = 201, description = "The note", body = ChatNote)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn add(
    state: AppState,
    caller: Caller,
    Path(chat_id): Path<String>,
    ApiJson(body): ApiJson<NewNote>,
) -> Result<(StatusCode, Json<ChatNote>), ApiError> {
    let note = notes::add(&state, &caller, &chat_id, body).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

#[utoipa::path(
    get,
    path = "/v1/chats/{chat_id}/notes",
    operation_id = "listChatNotes",
    tag = "Notes",
    summary = "The chat's private notes, oldest first",
    params(("chat_id" = String, Path, description = "The chat's id (`chat_…`)")), responses((status = 200, description = "Notes", body = DataList<ChatNote>)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn list(
    state: AppState,
    caller: Caller,
    Path(chat_id): Path<String>,
) -> Result<Json<DataList<ChatNote>>, ApiError> {
    let data = notes::list(&state, &caller, &chat_id).await?;
    Ok(Json(DataList { data }))
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, add))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[
    ("listChatNotes", &[ErrorCode::ChatNotFound]),
    ("addChatNote", &[ErrorCode::ChatNotFound]),
];
