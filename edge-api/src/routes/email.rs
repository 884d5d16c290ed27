//! Mail's endpoints: a chat's sending attempts, a visitor's transcript, unsubscribing,
//! ([`crate::services::email`]).

use axum::extract::{Path, State};
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

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/chats/{chat_id}/emails", get(log))
        .route(
            "/v1/visitor/chats/{chat_id}/transcript",
            axum::routing::post(transcript),
        )
        .route("/v1/public/unsubscribe", get(unsubscribe).post(unsubscribe))
}

#[worker::send]
async fn log(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<String>,
) -> Result<Json<DataList<EmailAttempt>>, ApiError> {
    let data = email::log(&state, &caller, &chat_id).await?;
    Ok(Json(DataList { data }))
}

#[worker::send]
async fn transcript(
    State(state): State<AppState>,
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

#[derive(Deserialize)]
struct UnsubscribeQuery {
    token: String,
}

/// GET from the mail's link, POST from a client's one-click (RFC 8058).
#[worker::send]
async fn unsubscribe(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<UnsubscribeQuery>,
) -> Result<Json<Unsubscribed>, ApiError> {
    email::unsubscribe(&state, &query.token).await?;
    Ok(Json(Unsubscribed { unsubscribed: true }))
}
