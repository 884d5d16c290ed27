//! The workspace's settings: `GET/PATCH /v1/settings` ([`crate::services::settings`]).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use shared_types::settings::{Settings, UpdateSettings};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::services::settings;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/settings", get(get_settings).patch(update_settings))
}

#[worker::send]
async fn get_settings(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Settings>, ApiError> {
    Ok(Json(settings::get(&state, &caller).await?))
}

#[worker::send]
async fn update_settings(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(patch): ApiJson<UpdateSettings>,
) -> Result<Json<Settings>, ApiError> {
    Ok(Json(settings::update(&state, &caller, patch).await?))
}
