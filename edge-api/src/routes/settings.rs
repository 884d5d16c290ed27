//! The workspace's settings: `GET/PATCH /v1/settings` ([`crate::services::settings`]).

use axum::routing::get;
use axum::{Json, Router};
use shared_types::settings::{Settings, UpdateSettings};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::services::settings;
use crate::state::AppState;
use shared_types::error::ErrorCode;

pub fn routes() -> Router {
    Router::new().route("/v1/settings", get(get_settings).patch(update_settings))
}

#[utoipa::path(
    get,
    path = "/v1/settings",
    operation_id = "getSettings",
    tag = "Settings",
    summary = "The workspace's settings",
    responses((status = 200, description = "Settings", body = Settings)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn get_settings(state: AppState, caller: Caller) -> Result<Json<Settings>, ApiError> {
    Ok(Json(settings::get(&state, &caller).await?))
}

#[utoipa::path(
    patch,
    path = "/v1/settings",
    operation_id = "updateSettings",
    tag = "Settings",
    summary = "Change sections of the settings",
    request_body = UpdateSettings, responses((status = 200, description = "Settings as changed", body = Settings)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn update_settings(
    state: AppState,
    caller: Caller,
    ApiJson(patch): ApiJson<UpdateSettings>,
) -> Result<Json<Settings>, ApiError> {
    Ok(Json(settings::update(&state, &caller, patch).await?))
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(get_settings, update_settings))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors =
    &[("updateSettings", &[ErrorCode::AuthForbidden])];
