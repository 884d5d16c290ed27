//! Webhooks: `GET/POST /v1/webhooks` (the spec), `PATCH/DELETE /v1/webhooks/{id}` and
//! `GET /v1/webhooks/{id}/deliveries` (the attempt log); the rules are in
//! [`crate::services::webhooks`].

use axum::extract::Path;
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use shared_types::webhooks::{
    CreateWebhookRequest, CreatedWebhook, UpdateWebhookRequest, Webhook, WebhookDelivery,
};
use shared_types::DataList;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::services::webhooks;
use crate::state::AppState;
use shared_types::error::ErrorCode;

pub fn routes() -> Router {
    Router::new()
        .route("/v1/webhooks", get(list).post(create))
        .route("/v1/webhooks/{webhook_id}", patch(update).delete(remove))
        .route("/v1/webhooks/{webhook_id}/deliveries", get(deliveries))
}

#[utoipa::path(
    get,
    path = "/v1/webhooks",
    operation_id = "listWebhooks",
    tag = "Webhooks",
    summary = "Webhooks",
    responses((status = 200, description = "Webhooks", body = DataList<Webhook>, example = json!(spec_example!("get_webhooks.200.json")))), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn list(state: AppState, caller: Caller) -> Result<Json<DataList<Webhook>>, ApiError> {
    let data = webhooks::list(&state, &caller).await?;
    Ok(Json(DataList { data }))
}

#[utoipa::path(
    post,
    path = "/v1/webhooks",
    operation_id = "createWebhook",
    tag = "Webhooks",
    summary = "Subscribe a URL to events",
    request_body(content = CreateWebhookRequest, example = json!(spec_example!("post_webhooks.request.json"))), responses((status = 201, description = "Made; a generated secret is shown this once", body = CreatedWebhook, example = json!(spec_example!("post_webhooks.201.json")))), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn create(
    state: AppState,
    caller: Caller,
    ApiJson(body): ApiJson<CreateWebhookRequest>,
) -> Result<(StatusCode, Json<CreatedWebhook>), ApiError> {
    let created = webhooks::create(&state, &caller, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(
    patch,
    path = "/v1/webhooks/{webhook_id}",
    operation_id = "updateWebhook",
    tag = "Webhooks",
    summary = "Change a webhook",
    params(("webhook_id" = String, Path, description = "The webhook's id (`wh_…`)")), request_body = UpdateWebhookRequest, responses((status = 200, description = "Changed", body = Webhook)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn update(
    state: AppState,
    caller: Caller,
    Path(webhook_id): Path<String>,
    ApiJson(patch): ApiJson<UpdateWebhookRequest>,
) -> Result<Json<Webhook>, ApiError> {
    Ok(Json(
        webhooks::update(&state, &caller, &webhook_id, patch).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/v1/webhooks/{webhook_id}",
    operation_id = "deleteWebhook",
    tag = "Webhooks",
    summary = "Delete a webhook",
    params(("webhook_id" = String, Path, description = "The webhook's id (`wh_…`)")), responses((status = 204, description = "Deleted")), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn remove(
    state: AppState,
    caller: Caller,
    Path(webhook_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    webhooks::remove(&state, &caller, &webhook_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/v1/webhooks/{webhook_id}/deliveries",
    operation_id = "listWebhookDeliveries",
    tag = "Webhooks",
    summary = "Delivery attempts, newest first",
    params(("webhook_id" = String, Path, description = "The webhook's id (`wh_…`)")), responses((status = 200, description = "Attempts", body = DataList<WebhookDelivery>)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn deliveries(
    state: AppState,
    caller: Caller,
    Path(webhook_id): Path<String>,
) -> Result<Json<DataList<WebhookDelivery>>, ApiError> {
    let data = webhooks::deliveries(&state, &caller, &webhook_id).await?;
    Ok(Json(DataList { data }))
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, update, remove, deliveries))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[
    ("listWebhooks", &[ErrorCode::AuthForbidden]),
    (
        "createWebhook",
        &[ErrorCode::AuthForbidden, ErrorCode::WebhookUrlNotAllowed],
    ),
    (
        "updateWebhook",
        &[
            ErrorCode::AuthForbidden,
            ErrorCode::WebhookNotFound,
            ErrorCode::WebhookUrlNotAllowed,
        ],
    ),
    (
        "deleteWebhook",
        &[ErrorCode::AuthForbidden, ErrorCode::WebhookNotFound],
    ),
    (
        "listWebhookDeliveries",
        &[ErrorCode::AuthForbidden, ErrorCode::WebhookNotFound],
    ),
];
