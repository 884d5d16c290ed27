//! `GET/POST /v1/canned-responses`, `PATCH/DELETE /v1/canned-responses/{id}`
//! ([`crate::services::canned`]).

use axum::extract::Path;
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
use shared_types::error::ErrorCode;

pub fn routes() -> Router {
    Router::new()
        .route("/v1/canned-responses", get(list).post(create))
        .route("/v1/canned-responses/{id}", patch(update).delete(delete))
}

#[utoipa::path(
    get,
    path = "/v1/canned-responses",
    operation_id = "listCannedResponses",
    tag = "Chats",
    summary = "Canned replies",
    responses((status = 200, description = "Every canned reply", body = DataList<CannedResponse>)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn list(state: AppState, caller: Caller) -> Result<Json<DataList<CannedResponse>>, ApiError> {
    let data = canned::list(&state, &caller).await?;
    Ok(Json(DataList { data }))
}

#[utoipa::path(
    post,
    path = "/v1/canned-responses",
    operation_id = "createCannedResponse",
    tag = "Chats",
    summary = "Add a canned reply",
    request_body = NewCannedResponse, responses((status = 201, description = "Made", body = CannedResponse)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn create(
    state: AppState,
    caller: Caller,
    ApiJson(body): ApiJson<NewCannedResponse>,
) -> Result<(StatusCode, Json<CannedResponse>), ApiError> {
    let made = canned::create(&state, &caller, body).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[utoipa::path(
    patch,
    path = "/v1/canned-responses/{id}",
    operation_id = "updateCannedResponse",
    tag = "Chats",
    summary = "Change a canned reply",
    params(("id" = String, Path, description = "The canned response's id")), request_body = UpdateCannedResponse, responses((status = 200, description = "Changed", body = CannedResponse)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn update(
    state: AppState,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateCannedResponse>,
) -> Result<Json<CannedResponse>, ApiError> {
    Ok(Json(canned::update(&state, &caller, &id, body).await?))
}

#[utoipa::path(
    delete,
    path = "/v1/canned-responses/{id}",
    operation_id = "deleteCannedResponse",
    tag = "Chats",
    summary = "Delete a canned reply",
    params(("id" = String, Path, description = "The canned response's id")), responses((status = 204, description = "Deleted")), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn delete(
    state: AppState,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    canned::delete(&state, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, update, delete))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[
    (
        "createCannedResponse",
        &[ErrorCode::AuthForbidden, ErrorCode::CannedShortcutTaken],
    ),
    (
        "updateCannedResponse",
        &[
            ErrorCode::AuthForbidden,
            ErrorCode::CannedNotFound,
            ErrorCode::CannedShortcutTaken,
        ],
    ),
    (
        "deleteCannedResponse",
        &[ErrorCode::AuthForbidden, ErrorCode::CannedNotFound],
    ),
];
