//! `GET /v1/analytics/overview`, `GET /v1/analytics/agents`, `GET /v1/analytics/daily`
//! and `GET /v1/agents/{agent_id}/stats` ([`crate::services::analytics`]).

use axum::extract::Path;
use axum::routing::get;
use axum::{Json, Router};
use shared_types::agents::AgentStats;
use shared_types::analytics::{
    AgentPerformance, AgentPerformanceQuery, AnalyticsDaily, AnalyticsOverview, DailyQuery,
    DateRangeQuery, OverviewQuery,
};
use shared_types::DataList;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::services::analytics;
use crate::state::AppState;
use shared_types::error::ErrorCode;

pub fn routes() -> Router {
    Router::new()
        .route("/v1/analytics/overview", get(overview))
        .route("/v1/analytics/agents", get(agents))
        .route("/v1/analytics/daily", get(daily))
        .route("/v1/agents/{agent_id}/stats", get(agent_stats))
}

#[utoipa::path(
    get,
    path = "/v1/analytics/overview",
    operation_id = "analyticsOverview",
    tag = "Analytics",
    summary = "Totals over a period, with trends",
    params(OverviewQuery), responses((status = 200, description = "The overview", body = AnalyticsOverview, example = json!(spec_example!("get_analytics_overview.200.json")))), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn overview(
    state: AppState,
    caller: Caller,
    ApiQuery(query): ApiQuery<OverviewQuery>,
) -> Result<Json<AnalyticsOverview>, ApiError> {
    Ok(Json(analytics::overview(&state, &caller, &query).await?))
}

#[utoipa::path(
    get,
    path = "/v1/analytics/agents",
    operation_id = "analyticsAgents",
    tag = "Analytics",
    summary = "Each agent's figures over a period",
    params(AgentPerformanceQuery), responses((status = 200, description = "Agents' figures", body = DataList<AgentPerformance>, example = json!(spec_example!("get_analytics_agents.200.json")))), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn agents(
    state: AppState,
    caller: Caller,
    ApiQuery(query): ApiQuery<AgentPerformanceQuery>,
) -> Result<Json<DataList<AgentPerformance>>, ApiError> {
    let data = analytics::agents(&state, &caller, &query).await?;
    Ok(Json(DataList { data }))
}

#[utoipa::path(
    get,
    path = "/v1/agents/{agent_id}/stats",
    operation_id = "agentStats",
    tag = "Agents",
    summary = "One agent's figures",
    params(("agent_id" = String, Path, description = "The agent's id (`agent_…`)"), DateRangeQuery), responses((status = 200, description = "The agent's figures", body = AgentStats, example = json!(spec_example!("get_agents_id_stats.200.json")))), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn agent_stats(
    state: AppState,
    caller: Caller,
    Path(agent_id): Path<String>,
    ApiQuery(query): ApiQuery<DateRangeQuery>,
) -> Result<Json<AgentStats>, ApiError> {
    Ok(Json(
        analytics::agent_stats(&state, &caller, &agent_id, &query).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/v1/analytics/daily",
    operation_id = "analyticsDaily",
    tag = "Analytics",
    summary = "Figures per day",
    params(DailyQuery), responses((status = 200, description = "Days", body = AnalyticsDaily)), security(("apiKey" = []), ("consoleSession" = []))
)]
#[worker::send]
async fn daily(
    state: AppState,
    caller: Caller,
    ApiQuery(query): ApiQuery<DailyQuery>,
) -> Result<Json<analytics::DailyPage>, ApiError> {
    Ok(Json(analytics::daily(&state, &caller, &query).await?))
}

/// This module's operations in the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(overview, agents, daily, agent_stats))]
pub(super) struct Doc;

/// What each operation here can refuse with, beyond its credential, body and query.
pub(super) const ERRORS: super::OperationErrors = &[
    ("analyticsOverview", &[ErrorCode::WorkspaceNotFound]),
    ("analyticsAgents", &[ErrorCode::WorkspaceNotFound]),
    ("analyticsDaily", &[ErrorCode::WorkspaceNotFound]),
    (
        "agentStats",
        &[ErrorCode::AgentNotFound, ErrorCode::WorkspaceNotFound],
    ),
];
