//! `GET/POST /v1/canned-responses`, `PATCH/DELETE /v1/canned-responses/{id}`
//! ([`crate::services::canned`]).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use shared_types::canned::{CannedResponse, NewCannedResponse, UpdateCannedResponse};
use shared_types::DataList;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::services::canned;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/canned-responses", get(list).post(create))
        .route("/v1/canned-responses/{id}", patch(update).delete(delete))
}

#[worker::send]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DataList<CannedResponse>>, ApiError> {
    let data = canned::list(&state, &caller).await?;
    Ok(Json(DataList { data }))
}

#[worker::send]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewCannedResponse>,
) -> Result<(StatusCode, Json<CannedResponse>), ApiError> {
    let made = canned::create(&state, &caller, body).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[worker::send]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateCannedResponse>,
) -> Result<Json<CannedResponse>, ApiError> {
    Ok(Json(canned::update(&state, &caller, &id, body).await?))
}

#[worker::send]
async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    canned::delete(&state, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
