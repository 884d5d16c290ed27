//! `POST/GET /v1/chats/{chat_id}/notes` ([`crate::services::notes`]).

use axum::extract::{Path, State};
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

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/chats/{chat_id}/notes", get(list).post(add))
}

#[worker::send]
async fn add(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<String>,
    ApiJson(body): ApiJson<NewNote>,
) -> Result<(StatusCode, Json<ChatNote>), ApiError> {
    let note = notes::add(&state, &caller, &chat_id, body).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

#[worker::send]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(chat_id): Path<String>,
) -> Result<Json<DataList<ChatNote>>, ApiError> {
    let data = notes::list(&state, &caller, &chat_id).await?;
    Ok(Json(DataList { data }))
}
