//! Automation triggers: `GET/POST /v1/automation/triggers` (the spec) and
//! `PATCH/DELETE /v1/automation/triggers/{id}`; the rules are in
//! [`crate::services::triggers`].

use axum::extract::Path;
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
use shared_types::error::ErrorCode;

pub fn routes() -> Router {
    Router::new()
        .route("/v1/automation/triggers", get(list).post(create))
        .route(
            "/v1/automation/triggers/{trigger_id}",
            patch(update).delete(remove),
        )
}

#[utoipa::path(
    get,
    path = "/v1/automation/triggers",
    operation_id = "listTriggers",
    tag = "Automation",
    summary = "Triggers",
    responses((status = 200, description = "Triggers", body = DataList<Trigger>, example = json!(spec_example!("get_automation_triggers.200.json")))), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn list(state: AppState, caller: Caller) -> Result<Json<DataList<Trigger>>, ApiError> {
    let data = triggers::list(&state, &caller).await?;
    Ok(Json(DataList { data }))
}

#[utoipa::path(
    post,
    path = "/v1/automation/triggers",
    operation_id = "createTrigger",
    tag = "Automation",
    summary = "Add a trigger",
    request_body(content = CreateTrigger, example = json!(spec_example!("post_automation_triggers.request.json"))), responses((status = 201, description = "Made", body = Trigger)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn create(
    state: AppState,
    caller: Caller,
    ApiJson(body): ApiJson<CreateTrigger>,
) -> Result<(StatusCode, Json<Trigger>), ApiError> {
    let trigger = triggers::create(&state, &caller, body).await?;
    Ok((StatusCode::CREATED, Json(trigger)))
}

#[utoipa::path(
    patch,
    path = "/v1/automation/triggers/{trigger_id}",
    operation_id = "updateTrigger",
    tag = "Automation",
    summary = "Change a trigger",
    params(("trigger_id" = String, Path, description = "The trigger's id (`trg_…`)")), request_body = UpdateTrigger, responses((status = 200, description = "Changed", body = Trigger)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn update(
    state: AppState,
    caller: Caller,
    Path(trigger_id): Path<String>,
    ApiJson(patch): ApiJson<UpdateTrigger>,
) -> Result<Json<Trigger>, ApiError> {
    Ok(Json(
        triggers::update(&state, &caller, &trigger_id, patch).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/v1/automation/triggers/{trigger_id}",
    operation_id = "deleteTrigger",
    tag = "Automation",
    summary = "Delete a trigger",
    params(("trigger_id" = String, Path, description = "The trigger's id (`trg_…`)")), responses((status = 204, description = "Deleted")), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn remove(
    state: AppState,
    caller: Caller,
    Path(trigger_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    triggers::remove(&state, &caller, &trigger_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, update, remove))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[
    ("createTrigger", &[ErrorCode::AuthForbidden]),
    (
        "updateTrigger",
        &[ErrorCode::AuthForbidden, ErrorCode::TriggerNotFound],
    ),
    (
        "deleteTrigger",
        &[ErrorCode::AuthForbidden, ErrorCode::TriggerNotFound],
    ),
];
