//! Agents: `GET /v1/agents` (the spec), `POST /v1/agents`, `PATCH` and `DELETE
//! /v1/agents/{id}` (DESIGN.md), `GET /v1/agents/invitations` and
//! `POST /v1/agents/{id}/invitation`. The team's rules are
//! [`crate::services::agents`]'s.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use shared_types::agents::{Agent, CreateAgentRequest, UpdateAgentRequest};
use shared_types::auth::{CreatedAgent, Invitation, PendingInvitation};
use shared_types::DataList;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::services::agents;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/agents", get(list).post(create))
        .route("/v1/agents/invitations", get(pending))
        .route(
            "/v1/agents/{agent_id}",
            axum::routing::patch(update).delete(remove),
        )
        .route("/v1/agents/{agent_id}/invitation", post(reinvite))
}

#[worker::send]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DataList<Agent>>, ApiError> {
    let data = agents::list(&state, &caller.workspace_id).await?;
    Ok(Json(DataList { data }))
}

#[worker::send]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CreateAgentRequest>,
) -> Result<(StatusCode, Json<CreatedAgent>), ApiError> {
    let origin = super::origin(&uri, &headers);
    let created = agents::create(&state, &caller, &origin, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[worker::send]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(agent_id): Path<String>,
    ApiJson(patch): ApiJson<UpdateAgentRequest>,
) -> Result<Json<Agent>, ApiError> {
    Ok(Json(
        agents::update(&state, &caller, &agent_id, patch).await?,
    ))
}

#[worker::send]
async fn pending(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DataList<PendingInvitation>>, ApiError> {
    let data = agents::pending(&state, &caller).await?;
    Ok(Json(DataList { data }))
}

#[worker::send]
async fn reinvite(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    Path(agent_id): Path<String>,
) -> Result<(StatusCode, Json<Invitation>), ApiError> {
    let origin = super::origin(&uri, &headers);
    let invitation = agents::reinvite(&state, &caller, &origin, &agent_id).await?;
    Ok((StatusCode::CREATED, Json(invitation)))
}

#[worker::send]
async fn remove(
    State(state): State<AppState>,
    caller: Caller,
    Path(agent_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    agents::remove(&state, &caller, &agent_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
