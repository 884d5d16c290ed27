//! The widget configuration: `GET` and partial `PATCH /v1/widget/config`, and
//! `POST /v1/widget/identity-secret`, `PUT`/`DELETE /v1/widget/logo`; the rules are in [`crate::services::widget`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::{HeaderMap, Uri};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use shared_types::files::SetLogoRequest;
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
        .route("/v1/widget/logo", put(set_logo).delete(remove_logo))
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

#[worker::send]
async fn set_logo(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SetLogoRequest>,
) -> Result<Json<WidgetConfig>, ApiError> {
    let origin = super::origin(&uri, &headers);
    Ok(Json(
        widget::set_logo(&state, &caller, &body, &origin).await?,
    ))
}

#[worker::send]
async fn remove_logo(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Json<WidgetConfig>, ApiError> {
    let origin = super::origin(&uri, &headers);
    Ok(Json(widget::remove_logo(&state, &caller, &origin).await?))
}
