//! Chats and their messages, for agents (API key): the spec's `GET /chats`,
//! `GET/PATCH /chats/{id}`, `POST /chats/{id}/messages`, plus the conversation itself
//! (`GET /chats/{id}/messages?after=`) and `POST /chats/{id}/read`. The rules are in
//! [`crate::services::chats`] and [`crate::services::messages`].

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use shared_types::chats::{
    ChatDetail, ChatSummary, ConversationMessage, ListChatsQuery, Message, MessagesQuery,
    SendMessageRequest, UpdateChatRequest,
};
use shared_types::pagination::ListResponse;
use shared_types::DataList;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::services::{chats, messages};
use crate::state::AppState;
use shared_types::error::ErrorCode;

pub fn routes() -> Router {
    Router::new()
        .route("/v1/chats", get(list))
        .route("/v1/chats/{chat_id}", get(detail).patch(update))
        .route(
            "/v1/chats/{chat_id}/messages",
            get(list_messages).post(send_message),
        )
        .route("/v1/chats/{chat_id}/read", post(mark_read))
}

#[utoipa::path(
    get,
    path = "/v1/chats",
    operation_id = "listChats",
    tag = "Chats",
    summary = "List chats, newest activity first",
    params(ListChatsQuery), responses((status = 200, description = "A page of chats", body = ListResponse<ChatSummary>, example = json!(spec_example!("get_chats.200.json")))), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn list(
    state: AppState,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListChatsQuery>,
) -> Result<crate::platform::PassedBody, ApiError> {
    chats::list(&state, &caller, query).await
}

#[utoipa::path(
    get,
    path = "/v1/chats/{chat_id}",
    operation_id = "getChat",
    tag = "Chats",
    summary = "A chat with its visitor, messages and rating",
    params(("chat_id" = String, Path, description = "The chat's id (`chat_…`)")), responses((status = 200, description = "The chat", body = ChatDetail, example = json!(spec_example!("get_chats_id.200.json")))), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn detail(
    state: AppState,
    caller: Caller,
    Path(chat_id): Path<String>,
) -> Result<Json<ChatDetail>, ApiError> {
    Ok(Json(chats::get(&state, &caller, &chat_id).await?))
}

#[utoipa::path(
    patch,
    path = "/v1/chats/{chat_id}",
    operation_id = "updateChat",
    tag = "Chats",
    summary = "Change status, assignee, tags or the summary note",
    params(("chat_id" = String, Path, description = "The chat's id (`chat_…`)")), request_body(content = UpdateChatRequest, example = json!(spec_example!("patch_chats_id.request.json"))), responses((status = 200, description = "The chat as changed", body = ChatDetail)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn update(
    state: AppState,
    caller: Caller,
    Path(chat_id): Path<String>,
    ApiJson(patch): ApiJson<UpdateChatRequest>,
) -> Result<Json<ChatDetail>, ApiError> {
    Ok(Json(chats::update(&state, &caller, &chat_id, patch).await?))
}

#[utoipa::path(
    post,
    path = "/v1/chats/{chat_id}/messages",
    operation_id = "sendChatMessage",
    tag = "Chats",
    summary = "Reply as the agent",
    params(("chat_id" = String, Path, description = "The chat's id (`chat_…`)")), request_body(content = SendMessageRequest, example = json!(spec_example!("post_chats_id_messages.request.json"))), responses((status = 201, description = "The stored message", body = Message, example = json!(spec_example!("post_chats_id_messages.201.json")))), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn send_message(
    state: AppState,
    caller: Caller,
    Path(chat_id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SendMessageRequest>,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    let origin = super::origin(&uri, &headers);
    let message = messages::send_as_agent(&state, &caller, &chat_id, body, &origin).await?;
    Ok((StatusCode::CREATED, Json(message)))
}

#[utoipa::path(
    get,
    path = "/v1/chats/{chat_id}/messages",
    operation_id = "listChatMessages",
    tag = "Chats",
    summary = "The conversation, oldest first, after a `seq`",
    params(("chat_id" = String, Path, description = "The chat's id (`chat_…`)"), MessagesQuery), responses((status = 200, description = "Messages", body = DataList<ConversationMessage>)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn list_messages(
    state: AppState,
    caller: Caller,
    Path(chat_id): Path<String>,
    ApiQuery(query): ApiQuery<MessagesQuery>,
) -> Result<Json<DataList<ConversationMessage>>, ApiError> {
    let data = messages::list(&state, &caller, &chat_id, &query).await?;
    Ok(Json(DataList { data }))
}

#[utoipa::path(
    post,
    path = "/v1/chats/{chat_id}/read",
    operation_id = "markChatRead",
    tag = "Chats",
    summary = "Mark the visitor's messages read, up to `seq` or all",
    params(("chat_id" = String, Path, description = "The chat's id (`chat_…`)")), request_body(content = Option<shared_types::visitor::MarkReadRequest>, description = "Optional: `{\"seq\": n}`; an empty body reads everything"), responses((status = 204, description = "Read")), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn mark_read(
    state: AppState,
    caller: Caller,
    Path(chat_id): Path<String>,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    chats::mark_read(&state, &caller, &chat_id, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, detail, update, list_messages, send_message, mark_read))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[
    ("getChat", &[ErrorCode::ChatNotFound]),
    (
        "updateChat",
        &[
            ErrorCode::ChatNotFound,
            ErrorCode::InvalidStatusTransition,
            ErrorCode::AgentNotFound,
        ],
    ),
    ("listChatMessages", &[ErrorCode::ChatNotFound]),
    (
        "sendChatMessage",
        &[
            ErrorCode::ChatNotFound,
            ErrorCode::ChatClosed,
            ErrorCode::FileNotFound,
            ErrorCode::FileNotUploaded,
        ],
    ),
    (
        "markChatRead",
        &[
            ErrorCode::ChatNotFound,
            ErrorCode::MalformedJson,
            ErrorCode::Validation,
        ],
    ),
];
