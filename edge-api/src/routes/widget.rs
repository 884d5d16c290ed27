//! The widget configuration: `GET` and partial `PATCH /v1/widget/config`, and
//! `POST /v1/widget/identity-secret`; the rules are in [`crate::services::widget`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use shared_types::widget::{IdentitySecret, UpdateWidgetConfig, WidgetConfig};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::services::widget;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/widget/config", get(get_config).patch(update_config))
        .route("/v1/widget/identity-secret", post(rotate_identity_secret))
}

#[worker::send]
async fn rotate_identity_secret(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<(StatusCode, Json<IdentitySecret>), ApiError> {
    let secret = widget::rotate_identity_secret(&state, &caller).await?;
    Ok((StatusCode::CREATED, Json(secret)))
}

#[worker::send]
async fn get_config(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<WidgetConfig>, ApiError> {
    Ok(Json(widget::get(&state, &caller).await?))
}

#[worker::send]
async fn update_config(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(patch): ApiJson<UpdateWidgetConfig>,
) -> Result<Json<WidgetConfig>, ApiError> {
    Ok(Json(widget::update(&state, &caller, patch).await?))
}
