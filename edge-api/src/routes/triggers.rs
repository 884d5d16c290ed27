//! Automation triggers: `GET/POST /v1/automation/triggers` (the spec) and
//! `PATCH/DELETE /v1/automation/triggers/{id}`; the rules are in
//! [`crate::services::triggers`].

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use shared_types::automation::{CreateTrigger, Trigger, UpdateTrigger};
use shared_types::DataList;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::services::triggers;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/automation/triggers", get(list).post(create))
        .route(
            "/v1/automation/triggers/{trigger_id}",
            patch(update).delete(remove),
        )
}

#[worker::send]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DataList<Trigger>>, ApiError> {
    let data = triggers::list(&state, &caller).await?;
    Ok(Json(DataList { data }))
}

#[worker::send]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateTrigger>,
) -> Result<(StatusCode, Json<Trigger>), ApiError> {
    let trigger = triggers::create(&state, &caller, body).await?;
    Ok((StatusCode::CREATED, Json(trigger)))
}

#[worker::send]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(trigger_id): Path<String>,
    ApiJson(patch): ApiJson<UpdateTrigger>,
) -> Result<Json<Trigger>, ApiError> {
    Ok(Json(
        triggers::update(&state, &caller, &trigger_id, patch).await?,
    ))
}

#[worker::send]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(trigger_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    triggers::remove(&state, &caller, &trigger_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
