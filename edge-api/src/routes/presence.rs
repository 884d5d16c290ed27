//! Visitors on the site now: the loader's `POST /v1/public/widgets/{id}/presence`
//! (204) and agents' `GET /v1/visitors/online` ([`crate::services::presence`]).

use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use shared_types::presence::{OnlineVisitor, PresenceBeat};
use shared_types::DataList;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::services::presence;
use crate::state::AppState;
use shared_types::error::ErrorCode;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/public/widgets/{workspace_id}/presence", post(beat))
        .route("/v1/visitors/online", get(online))
}

#[utoipa::path(
    post,
    path = "/v1/public/widgets/{workspace_id}/presence",
    operation_id = "presenceBeat",
    tag = "Widget API",
    summary = "The loader's page view or ping",
    params(("workspace_id" = String, Path, description = "The workspace's id (`ws_…`)")), request_body = PresenceBeat, responses((status = 204, description = "Noted")), security(())
)]
#[worker::send]
async fn beat(
    State(state): State<AppState>,
    Path(workspace_id): Path<String>,
    parts: Parts,
    ApiJson(body): ApiJson<PresenceBeat>,
) -> Result<StatusCode, ApiError> {
    presence::beat(&state, &parts, workspace_id, body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/v1/visitors/online",
    operation_id = "listOnlineVisitors",
    tag = "Visitors",
    summary = "Visitors on the site now, newest activity first",
    responses((status = 200, description = "Visitors online", body = DataList<OnlineVisitor>)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn online(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DataList<OnlineVisitor>>, ApiError> {
    Ok(Json(DataList {
        data: presence::online(&state, &caller).await?,
    }))
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(beat, online))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[(
    "presenceBeat",
    &[
        ErrorCode::WorkspaceNotFound,
        ErrorCode::OriginNotAllowed,
        ErrorCode::AuthVisitorToken,
        ErrorCode::RateLimited,
    ],
)];
