//! Chats and their messages, for agents (API key): the spec's `GET /chats`,
//! `GET/PATCH /chats/{id}`, `POST /chats/{id}/messages`, plus the conversation itself
//! (`GET /chats/{id}/messages?after=`) and `POST /chats/{id}/read`. The rules are in
//! [`crate::services::chats`] and [`crate::services::messages`].

use axum::extract::{Path, State};
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

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/chats", get(list))
        .route("/v1/chats/{chat_id}", get(detail).patch(update))
        .route(
            "/v1/chats/{chat_id}/messages",
            get(list_messages).post(send_message),
        )
        .route("/v1/chats/{chat_id}/read", post(mark_read))
}

#[worker::send]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListChatsQuery>,
) -> Result<Json<ListResponse<ChatSummary>>, ApiError> {
    Ok(Json(chats::list(&state, &caller, query).await?))
}

#[worker::send]
async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<String>,
) -> Result<Json<ChatDetail>, ApiError> {
    Ok(Json(chats::get(&state, &caller, &chat_id).await?))
}

#[worker::send]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<String>,
    ApiJson(patch): ApiJson<UpdateChatRequest>,
) -> Result<Json<ChatDetail>, ApiError> {
    Ok(Json(chats::update(&state, &caller, &chat_id, patch).await?))
}

#[worker::send]
async fn send_message(
    State(state): State<AppState>,
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

#[worker::send]
async fn list_messages(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<String>,
    ApiQuery(query): ApiQuery<MessagesQuery>,
) -> Result<Json<DataList<ConversationMessage>>, ApiError> {
    let data = messages::list(&state, &caller, &chat_id, &query).await?;
    Ok(Json(DataList { data }))
}

#[worker::send]
async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<String>,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    chats::mark_read(&state, &caller, &chat_id, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}
