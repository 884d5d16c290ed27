//! The widget's side of a conversation: `POST /v1/public/widgets/{id}/sessions` makes a
//! visitor ([`crate::services::visitors`]), whose signed token then reaches only its own
//! chats under `/v1/visitor/chats` ([`crate::services::chats`],
//! [`crate::services::messages`]): anything else is a 404.

use axum::extract::{Extension, Path};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use shared_types::chats::{
    ChatDetail, ChatSummary, ConversationMessage, MessagesQuery, SendMessageRequest,
};
use shared_types::visitor::{
    CreateSessionRequest, RatingRequest, SessionResponse, StartChatRequest, StartedChat,
};
use shared_types::DataList;

use crate::auth::{VisitorCaller, VisitorSender};
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::limits::RateSlot;
use crate::services::{chats, messages, visitors};
use crate::state::AppState;
use shared_types::error::ErrorCode;

pub fn routes() -> Router {
    Router::new()
        .route(
            "/v1/public/widgets/{workspace_id}/sessions",
            post(create_session),
        )
        .route("/v1/visitor/chats", get(list_chats).post(start_chat))
        .route(
            "/v1/visitor/chats/{chat_id}/messages",
            get(list_messages).post(send_message),
        )
        .route("/v1/visitor/chats/{chat_id}/read", post(mark_read))
        .route("/v1/visitor/chats/{chat_id}/rating", post(rate))
}

#[utoipa::path(
    post,
    path = "/v1/public/widgets/{workspace_id}/sessions",
    operation_id = "createVisitorSession",
    tag = "Widget API",
    summary = "A visitor and its token",
    params(("workspace_id" = String, Path, description = "The workspace's id (`ws_…`)")), request_body = CreateSessionRequest, responses((status = 201, description = "The visitor's session", body = SessionResponse)), security(())
)]
#[worker::send]
async fn create_session(
    state: AppState,
    Path(workspace_id): Path<String>,
    parts: Parts,
    ApiJson(body): ApiJson<CreateSessionRequest>,
) -> Result<(StatusCode, Json<SessionResponse>), ApiError> {
    let session = visitors::create_session(&state, &parts, workspace_id, body).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

#[utoipa::path(
    post,
    path = "/v1/visitor/chats",
    operation_id = "startVisitorChat",
    tag = "Widget API",
    summary = "Start a chat with a first message",
    request_body = StartChatRequest, responses((status = 201, description = "The chat", body = StartedChat)), security(("visitorToken" = []))
)]
#[worker::send]
async fn start_chat(
    state: AppState,
    parts: Parts,
    visitor: VisitorCaller,
    uri: Uri,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StartChatRequest>,
) -> Result<(StatusCode, Json<StartedChat>), ApiError> {
    let origin = super::origin(&uri, &headers);
    let started = chats::start(&state, &parts, &visitor, body, &origin).await?;
    Ok((StatusCode::CREATED, Json(started)))
}

#[utoipa::path(
    get,
    path = "/v1/visitor/chats",
    operation_id = "listVisitorChats",
    tag = "Widget API",
    summary = "The visitor's own chats",
    responses((status = 200, description = "Chats", body = DataList<ChatSummary>)), security(("visitorToken" = []))
)]
#[worker::send]
async fn list_chats(
    state: AppState,
    visitor: VisitorCaller,
) -> Result<Json<DataList<ChatSummary>>, ApiError> {
    let data = chats::list_for_visitor(&state, &visitor).await?;
    Ok(Json(DataList { data }))
}

#[utoipa::path(
    get,
    path = "/v1/visitor/chats/{chat_id}/messages",
    operation_id = "listVisitorMessages",
    tag = "Widget API",
    summary = "The visitor's conversation (never notes)",
    params(("chat_id" = String, Path, description = "The chat's id (`chat_…`)"), MessagesQuery), responses((status = 200, description = "Messages", body = DataList<ConversationMessage>)), security(("visitorToken" = []))
)]
#[worker::send]
async fn list_messages(
    state: AppState,
    visitor: VisitorCaller,
    Path(chat_id): Path<String>,
    ApiQuery(query): ApiQuery<MessagesQuery>,
) -> Result<Json<DataList<ConversationMessage>>, ApiError> {
    let data = messages::list_for_visitor(&state, &visitor, &chat_id, &query).await?;
    Ok(Json(DataList { data }))
}

#[utoipa::path(
    post,
    path = "/v1/visitor/chats/{chat_id}/messages",
    operation_id = "sendVisitorMessage",
    tag = "Widget API",
    summary = "Write as the visitor",
    params(("chat_id" = String, Path, description = "The chat's id (`chat_…`)")), request_body = SendMessageRequest, responses((status = 201, description = "The stored message", body = ConversationMessage)), security(("visitorToken" = []))
)]
#[worker::send]
async fn send_message(
    state: AppState,
    sender: VisitorSender,
    Extension(rate): Extension<RateSlot>,
    Path(chat_id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Result<ApiJson<SendMessageRequest>, ApiError>,
) -> Result<(StatusCode, Json<ConversationMessage>), ApiError> {
    let origin = super::origin(&uri, &headers);
    let body = body.map(|ApiJson(body)| body);
    let (message, budget) =
        messages::send_as_visitor(&state, &sender, &chat_id, body, &origin).await?;
    if let Some(budget) = budget {
        rate.record_spent(budget);
    }
    Ok((StatusCode::CREATED, Json(message)))
}

#[utoipa::path(
    post,
    path = "/v1/visitor/chats/{chat_id}/read",
    operation_id = "markVisitorRead",
    tag = "Widget API",
    summary = "Mark agents' messages read",
    params(("chat_id" = String, Path, description = "The chat's id (`chat_…`)")), request_body(content = Option<shared_types::visitor::MarkReadRequest>, description = "Optional: `{\"seq\": n}`; an empty body reads everything"), responses((status = 204, description = "Read")), security(("visitorToken" = []))
)]
#[worker::send]
async fn mark_read(
    state: AppState,
    visitor: VisitorCaller,
    Path(chat_id): Path<String>,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    chats::mark_read_by_visitor(&state, &visitor, &chat_id, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/v1/visitor/chats/{chat_id}/rating",
    operation_id = "rateChat",
    tag = "Widget API",
    summary = "Rate a closed chat",
    params(("chat_id" = String, Path, description = "The chat's id (`chat_…`)")), request_body = RatingRequest, responses((status = 200, description = "The chat with its rating", body = ChatDetail)), security(("visitorToken" = []))
)]
#[worker::send]
async fn rate(
    state: AppState,
    visitor: VisitorCaller,
    Path(chat_id): Path<String>,
    ApiJson(body): ApiJson<RatingRequest>,
) -> Result<Json<ChatDetail>, ApiError> {
    Ok(Json(chats::rate(&state, &visitor, &chat_id, body).await?))
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    create_session,
    list_chats,
    start_chat,
    list_messages,
    send_message,
    mark_read,
    rate
))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[
    (
        "createVisitorSession",
        &[
            ErrorCode::WorkspaceNotFound,
            ErrorCode::OriginNotAllowed,
            ErrorCode::AuthIdentity,
            ErrorCode::AuthVisitorToken,
            ErrorCode::AuthVisitorBlocked,
            ErrorCode::RateLimited,
        ],
    ),
    (
        "startVisitorChat",
        &[ErrorCode::FileNotFound, ErrorCode::FileNotUploaded],
    ),
    ("listVisitorMessages", &[ErrorCode::ChatNotFound]),
    (
        "sendVisitorMessage",
        &[
            ErrorCode::ChatNotFound,
            ErrorCode::ChatClosed,
            ErrorCode::FileNotFound,
            ErrorCode::FileNotUploaded,
        ],
    ),
    (
        "markVisitorRead",
        &[
            ErrorCode::ChatNotFound,
            ErrorCode::MalformedJson,
            ErrorCode::Validation,
        ],
    ),
    (
        "rateChat",
        &[
            ErrorCode::ChatNotFound,
            ErrorCode::ChatNotClosed,
            ErrorCode::AlreadyRated,
        ],
    ),
];
