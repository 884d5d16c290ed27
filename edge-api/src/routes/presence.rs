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

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/public/widgets/{workspace_id}/presence", post(beat))
        .route("/v1/visitors/online", get(online))
}

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

#[worker::send]
async fn online(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DataList<OnlineVisitor>>, ApiError> {
    Ok(Json(DataList {
        data: presence::online(&state, &caller).await?,
    }))
}
