//! Webhooks: `GET/POST /v1/webhooks` (the spec), `PATCH/DELETE /v1/webhooks/{id}` and
//! `GET /v1/webhooks/{id}/deliveries` (the attempt log); the rules are in
//! [`crate::services::webhooks`].

use axum::extract::{Path, State};
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

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/webhooks", get(list).post(create))
        .route("/v1/webhooks/{webhook_id}", patch(update).delete(remove))
        .route("/v1/webhooks/{webhook_id}/deliveries", get(deliveries))
}

#[worker::send]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DataList<Webhook>>, ApiError> {
    let data = webhooks::list(&state, &caller).await?;
    Ok(Json(DataList { data }))
}

#[worker::send]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateWebhookRequest>,
) -> Result<(StatusCode, Json<CreatedWebhook>), ApiError> {
    let created = webhooks::create(&state, &caller, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[worker::send]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(webhook_id): Path<String>,
    ApiJson(patch): ApiJson<UpdateWebhookRequest>,
) -> Result<Json<Webhook>, ApiError> {
    Ok(Json(
        webhooks::update(&state, &caller, &webhook_id, patch).await?,
    ))
}

#[worker::send]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(webhook_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    webhooks::remove(&state, &caller, &webhook_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[worker::send]
async fn deliveries(
    State(state): State<AppState>,
    caller: Caller,
    Path(webhook_id): Path<String>,
) -> Result<Json<DataList<WebhookDelivery>>, ApiError> {
    let data = webhooks::deliveries(&state, &caller, &webhook_id).await?;
    Ok(Json(DataList { data }))
}
