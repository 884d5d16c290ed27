//! The widget configuration: `GET` and partial `PATCH /v1/widget/config`, and
//! `POST /v1/widget/identity-secret`, `PUT`/`DELETE /v1/widget/logo`; the rules are in [`crate::services::widget`].

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
use shared_types::error::ErrorCode;

pub fn routes() -> Router {
    Router::new()
        .route("/v1/widget/config", get(get_config).patch(update_config))
        .route("/v1/widget/identity-secret", post(rotate_identity_secret))
        .route("/v1/widget/logo", put(set_logo).delete(remove_logo))
}

#[utoipa::path(
    post,
    path = "/v1/widget/identity-secret",
    operation_id = "rotateIdentitySecret",
    tag = "Widget",
    summary = "A new secret for identity verification, shown once",
    responses((status = 201, description = "The secret", body = IdentitySecret)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn rotate_identity_secret(
    state: AppState,
    caller: Caller,
) -> Result<(StatusCode, Json<IdentitySecret>), ApiError> {
    let secret = widget::rotate_identity_secret(&state, &caller).await?;
    Ok((StatusCode::CREATED, Json(secret)))
}

#[utoipa::path(
    get,
    path = "/v1/widget/config",
    operation_id = "getWidgetConfig",
    tag = "Widget",
    summary = "The widget's configuration",
    responses((status = 200, description = "The configuration", body = WidgetConfig, example = json!(spec_example!("get_widget_config.200.json")))), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn get_config(state: AppState, caller: Caller) -> Result<Json<WidgetConfig>, ApiError> {
    Ok(Json(widget::get(&state, &caller).await?))
}

#[utoipa::path(
    patch,
    path = "/v1/widget/config",
    operation_id = "updateWidgetConfig",
    tag = "Widget",
    summary = "Change any of its fields",
    request_body(content = UpdateWidgetConfig, example = json!(spec_example!("patch_widget_config.request.json"))), responses((status = 200, description = "The configuration as changed", body = WidgetConfig)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn update_config(
    state: AppState,
    caller: Caller,
    ApiJson(patch): ApiJson<UpdateWidgetConfig>,
) -> Result<Json<WidgetConfig>, ApiError> {
    Ok(Json(widget::update(&state, &caller, patch).await?))
}

#[utoipa::path(
    put,
    path = "/v1/widget/logo",
    operation_id = "setWidgetLogo",
    tag = "Widget",
    summary = "Use an uploaded image as the logo",
    request_body = SetLogoRequest, responses((status = 200, description = "The configuration", body = WidgetConfig)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn set_logo(
    state: AppState,
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

#[utoipa::path(
    delete,
    path = "/v1/widget/logo",
    operation_id = "removeWidgetLogo",
    tag = "Widget",
    summary = "Remove the logo",
    responses((status = 200, description = "The configuration", body = WidgetConfig)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn remove_logo(
    state: AppState,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Json<WidgetConfig>, ApiError> {
    let origin = super::origin(&uri, &headers);
    Ok(Json(widget::remove_logo(&state, &caller, &origin).await?))
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    get_config,
    update_config,
    rotate_identity_secret,
    set_logo,
    remove_logo
))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[
    ("updateWidgetConfig", &[ErrorCode::AuthForbidden]),
    ("rotateIdentitySecret", &[ErrorCode::AuthForbidden]),
    (
        "setWidgetLogo",
        &[
            ErrorCode::AuthForbidden,
            ErrorCode::FileNotFound,
            ErrorCode::FileNotUploaded,
            ErrorCode::FileTypeNotAllowed,
            ErrorCode::FileTooLarge,
        ],
    ),
    ("removeWidgetLogo", &[ErrorCode::AuthForbidden]),
];
