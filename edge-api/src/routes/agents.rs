//! Agents: `GET /v1/agents` (the spec), `POST /v1/agents`, `PATCH` and `DELETE
//! /v1/agents/{id}` (DESIGN.md), `GET /v1/agents/invitations` and
//! `POST /v1/agents/{id}/invitation`. The team's rules are
//! [`crate::services::agents`]'s.

use axum::extract::Path;
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
use shared_types::error::ErrorCode;

pub fn routes() -> Router {
    Router::new()
        .route("/v1/agents", get(list).post(create))
        .route("/v1/agents/invitations", get(pending))
        .route(
            "/v1/agents/{agent_id}",
            axum::routing::patch(update).delete(remove),
        )
        .route("/v1/agents/{agent_id}/invitation", post(reinvite))
}

#[utoipa::path(
    get,
    path = "/v1/agents",
    operation_id = "listAgents",
    tag = "Agents",
    summary = "The team",
    responses((status = 200, description = "Agents", body = DataList<Agent>, example = json!(spec_example!("get_agents.200.json")))), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
pub async fn list(state: AppState, caller: Caller) -> Result<Json<DataList<Agent>>, ApiError> {
    let data = agents::list(&state, &caller.workspace_id).await?;
    Ok(Json(DataList { data }))
}

#[utoipa::path(
    post,
    path = "/v1/agents",
    operation_id = "inviteAgent",
    tag = "Agents",
    summary = "Invite an agent",
    request_body = CreateAgentRequest, responses((status = 201, description = "The agent and its invitation link", body = CreatedAgent)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn create(
    state: AppState,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CreateAgentRequest>,
) -> Result<(StatusCode, Json<CreatedAgent>), ApiError> {
    let origin = super::origin(&uri, &headers);
    let created = agents::create(&state, &caller, &origin, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(
    patch,
    path = "/v1/agents/{agent_id}",
    operation_id = "updateAgent",
    tag = "Agents",
    summary = "Change name, role, status or mail preference",
    params(("agent_id" = String, Path, description = "The agent's id (`agent_…`)")), request_body = UpdateAgentRequest, responses((status = 200, description = "Changed", body = Agent)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn update(
    state: AppState,
    caller: Caller,
    Path(agent_id): Path<String>,
    ApiJson(patch): ApiJson<UpdateAgentRequest>,
) -> Result<Json<Agent>, ApiError> {
    Ok(Json(
        agents::update(&state, &caller, &agent_id, patch).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/v1/agents/invitations",
    operation_id = "listInvitations",
    tag = "Agents",
    summary = "Invitations not yet accepted",
    responses((status = 200, description = "Pending invitations", body = DataList<PendingInvitation>)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn pending(
    state: AppState,
    caller: Caller,
) -> Result<Json<DataList<PendingInvitation>>, ApiError> {
    let data = agents::pending(&state, &caller).await?;
    Ok(Json(DataList { data }))
}

#[utoipa::path(
    post,
    path = "/v1/agents/{agent_id}/invitation",
    operation_id = "reinviteAgent",
    tag = "Agents",
    summary = "A new invitation link",
    params(("agent_id" = String, Path, description = "The agent's id (`agent_…`)")), responses((status = 201, description = "The invitation", body = Invitation)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn reinvite(
    state: AppState,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    Path(agent_id): Path<String>,
) -> Result<(StatusCode, Json<Invitation>), ApiError> {
    let origin = super::origin(&uri, &headers);
    let invitation = agents::reinvite(&state, &caller, &origin, &agent_id).await?;
    Ok((StatusCode::CREATED, Json(invitation)))
}

#[utoipa::path(
    delete,
    path = "/v1/agents/{agent_id}",
    operation_id = "removeAgent",
    tag = "Agents",
    summary = "Remove an agent; their keys and sessions stop working",
    params(("agent_id" = String, Path, description = "The agent's id (`agent_…`)")), responses((status = 204, description = "Removed")), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn remove(
    state: AppState,
    caller: Caller,
    Path(agent_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    agents::remove(&state, &caller, &agent_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, create, pending, update, remove, reinvite))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[
    (
        "inviteAgent",
        &[ErrorCode::AuthForbidden, ErrorCode::AgentEmailTaken],
    ),
    ("listInvitations", &[ErrorCode::AuthForbidden]),
    (
        "updateAgent",
        &[
            ErrorCode::AuthForbidden,
            ErrorCode::AgentNotFound,
            ErrorCode::LastOwner,
        ],
    ),
    (
        "removeAgent",
        &[
            ErrorCode::AuthForbidden,
            ErrorCode::AgentNotFound,
            ErrorCode::LastOwner,
        ],
    ),
    (
        "reinviteAgent",
        &[
            ErrorCode::AuthForbidden,
            ErrorCode::AgentNotFound,
            ErrorCode::AgentAlreadyJoined,
        ],
    ),
];
