//! Visitors on the site now: the loader's `POST /v1/public/widgets/{id}/presence`
//! (204, or 200 with an invitation), agents' `GET /v1/visitors/online` and
//! `POST /v1/visitors/{visitor_id}/invite` ([`crate::services::presence`]).

use axum::extract::Path;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use shared_types::presence::{
    BeatAnswer, InviteRequest, OnlineVisitor, PresenceBeat, VisitorInvitation,
};
use shared_types::DataList;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::services::presence;
use crate::state::AppState;
use shared_types::error::ErrorCode;

pub fn routes() -> Router {
    Router::new()
        .route("/v1/public/widgets/{workspace_id}/presence", post(beat))
        .route("/v1/visitors/online", get(online))
        .route("/v1/visitors/{visitor_id}/invite", post(invite))
}

#[utoipa::path(
    post,
    path = "/v1/public/widgets/{workspace_id}/presence",
    operation_id = "presenceBeat",
    tag = "Widget API",
    summary = "The loader's page view or ping",
    params(("workspace_id" = String, Path, description = "The workspace's id (`ws_…`)")), request_body = PresenceBeat, responses((status = 204, description = "Noted"), (status = 200, description = "Noted; an agent has invited this browser to chat", body = BeatAnswer)), security(())
)]
#[worker::send]
async fn beat(
    state: AppState,
    Path(workspace_id): Path<String>,
    parts: Parts,
    ApiJson(body): ApiJson<PresenceBeat>,
) -> Result<Response, ApiError> {
    Ok(
        match presence::beat(&state, &parts, workspace_id, body).await? {
            Some(answer) => Json(answer).into_response(),
            None => StatusCode::NO_CONTENT.into_response(),
        },
    )
}

#[utoipa::path(
    post,
    path = "/v1/visitors/{visitor_id}/invite",
    operation_id = "inviteVisitor",
    tag = "Visitors",
    summary = "Invite a visitor on the site to chat",
    description = "The visitor's widget shows the message beside the launcher at its next page view or ping (within 30 s). When the visitor answers, a chat starts with the invitation as the agent's first message and goes to that agent while they are online. A newer invitation replaces one the browser has not been shown yet; one not shown within 10 minutes is dropped.",
    params(("visitor_id" = String, Path, description = "As `GET /v1/visitors/online` names the visitor: `visitor_…`, or `pv_…` for a browser without a session")), request_body = InviteRequest, responses((status = 201, description = "The invitation", body = VisitorInvitation)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn invite(
    state: AppState,
    caller: Caller,
    Path(visitor_id): Path<String>,
    ApiJson(body): ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<VisitorInvitation>), ApiError> {
    let invitation = presence::invite(&state, &caller, visitor_id, body).await?;
    Ok((StatusCode::CREATED, Json(invitation)))
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
    state: AppState,
    caller: Caller,
) -> Result<Json<DataList<OnlineVisitor>>, ApiError> {
    Ok(Json(DataList {
        data: presence::online(&state, &caller).await?,
    }))
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(beat, online, invite))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[
    (
        "presenceBeat",
        &[
            ErrorCode::WorkspaceNotFound,
            ErrorCode::OriginNotAllowed,
            ErrorCode::AuthVisitorToken,
            ErrorCode::RateLimited,
        ],
    ),
    (
        "inviteVisitor",
        &[
            ErrorCode::VisitorNotFound,
            ErrorCode::VisitorOffline,
            ErrorCode::VisitorInChat,
        ],
    ),
];
