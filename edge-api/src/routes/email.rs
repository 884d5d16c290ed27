//! Mail's endpoints: a chat's sending attempts, a visitor's transcript, unsubscribing,
//! ([`crate::services::email`]).

use axum::extract::Path;
use axum::http::header::RETRY_AFTER;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use shared_types::email::{EmailAttempt, Unsubscribed};
use shared_types::error::ErrorCode;
use shared_types::DataList;

use crate::auth::{Caller, VisitorCaller};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::services::email::{self, Transcript};
use crate::state::AppState;

pub fn routes() -> Router {
    Router::new()
        .route("/v1/chats/{chat_id}/emails", get(log))
        .route(
            "/v1/visitor/chats/{chat_id}/transcript",
            axum::routing::post(transcript),
        )
        .route(
            "/v1/public/unsubscribe",
            get(unsubscribe).post(unsubscribe_one_click),
        )
}

#[utoipa::path(
    get,
    path = "/v1/chats/{chat_id}/emails",
    operation_id = "listChatEmails",
    tag = "Mail",
    summary = "Mail sent about a chat, and its outcome",
    params(("chat_id" = String, Path, description = "The chat's id (`chat_…`)")), responses((status = 200, description = "Attempts", body = DataList<EmailAttempt>)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn log(
    state: AppState,
    caller: Caller,
    Path(chat_id): Path<String>,
) -> Result<Json<DataList<EmailAttempt>>, ApiError> {
    let data = email::log(&state, &caller, &chat_id).await?;
    Ok(Json(DataList { data }))
}

#[utoipa::path(
    post,
    path = "/v1/visitor/chats/{chat_id}/transcript",
    operation_id = "requestTranscript",
    tag = "Mail",
    summary = "Mail the closed chat to the visitor",
    params(("chat_id" = String, Path, description = "The chat's id (`chat_…`)")), responses((status = 202, description = "Queued", body = shared_types::email::TranscriptQueued)), security(("visitorToken" = []))
)]
#[worker::send]
async fn transcript(
    state: AppState,
    visitor: VisitorCaller,
    Path(chat_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(
        match email::request_transcript(&state, &visitor, &chat_id).await? {
            Transcript::Queued(queued) => (StatusCode::ACCEPTED, Json(queued)).into_response(),
            Transcript::TooSoon(seconds) => (
                [(RETRY_AFTER, seconds.to_string())],
                ApiError::new(ErrorCode::RateLimited),
            )
                .into_response(),
        },
    )
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct UnsubscribeQuery {
    /// The token from the mail's link.
    token: String,
}

/// GET from the mail's link, POST from a client's one-click (RFC 8058).
#[utoipa::path(
    get,
    path = "/v1/public/unsubscribe",
    operation_id = "unsubscribe",
    tag = "Mail",
    summary = "The mail's unsubscribe link",
    params(UnsubscribeQuery), responses((status = 200, description = "Unsubscribed", body = Unsubscribed)), security(())
)]
#[worker::send]
async fn unsubscribe(
    state: AppState,
    ApiQuery(query): ApiQuery<UnsubscribeQuery>,
) -> Result<Json<Unsubscribed>, ApiError> {
    email::unsubscribe(&state, &query.token).await?;
    Ok(Json(Unsubscribed { unsubscribed: true }))
}

#[utoipa::path(
    post,
    path = "/v1/public/unsubscribe",
    operation_id = "unsubscribeOneClick",
    tag = "Mail",
    summary = "One-click unsubscribe (RFC 8058)",
    params(UnsubscribeQuery), responses((status = 200, description = "Unsubscribed", body = Unsubscribed)), security(())
)]
#[worker::send]
async fn unsubscribe_one_click(
    state: AppState,
    query: ApiQuery<UnsubscribeQuery>,
) -> Result<Json<Unsubscribed>, ApiError> {
    unsubscribe(state, query).await
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(log, transcript, unsubscribe, unsubscribe_one_click))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[
    ("listChatEmails", &[ErrorCode::ChatNotFound]),
    (
        "requestTranscript",
        &[
            ErrorCode::ChatNotFound,
            ErrorCode::ChatNotClosed,
            ErrorCode::VisitorNoEmail,
        ],
    ),
    ("unsubscribe", &[ErrorCode::UnsubscribeLink]),
    ("unsubscribeOneClick", &[ErrorCode::UnsubscribeLink]),
];
