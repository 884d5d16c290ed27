//! `GET /v1/contacts`, `GET/PATCH/DELETE /v1/contacts/{id}`
//! ([`crate::services::contacts`]).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use shared_types::contacts::{Contact, ContactDetail, ContactQuery, UpdateContact};
use shared_types::pagination::ListResponse;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::services::contacts;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/contacts", get(list))
        .route("/v1/contacts/{id}", get(detail).patch(update).delete(erase))
}

#[worker::send]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ContactQuery>,
) -> Result<Json<ListResponse<Contact>>, ApiError> {
    Ok(Json(contacts::list(&state, &caller, query).await?))
}

#[worker::send]
async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ContactDetail>, ApiError> {
    Ok(Json(contacts::get(&state, &caller, &id).await?))
}

#[worker::send]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateContact>,
) -> Result<Json<ContactDetail>, ApiError> {
    Ok(Json(contacts::update(&state, &caller, &id, body).await?))
}

#[worker::send]
async fn erase(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    contacts::erase(&state, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
