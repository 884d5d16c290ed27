//! `GET /v1/analytics/overview`, `GET /v1/analytics/agents`, `GET /v1/analytics/daily`
//! and `GET /v1/agents/{agent_id}/stats` ([`crate::services::analytics`]).

use axum::extract::{Path, State};
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

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/analytics/overview", get(overview))
        .route("/v1/analytics/agents", get(agents))
        .route("/v1/analytics/daily", get(daily))
        .route("/v1/agents/{agent_id}/stats", get(agent_stats))
}

#[worker::send]
async fn overview(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<OverviewQuery>,
) -> Result<Json<AnalyticsOverview>, ApiError> {
    Ok(Json(analytics::overview(&state, &caller, &query).await?))
}

#[worker::send]
async fn agents(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AgentPerformanceQuery>,
) -> Result<Json<DataList<AgentPerformance>>, ApiError> {
    let data = analytics::agents(&state, &caller, &query).await?;
    Ok(Json(DataList { data }))
}

#[worker::send]
async fn agent_stats(
    State(state): State<AppState>,
    caller: Caller,
    Path(agent_id): Path<String>,
    ApiQuery(query): ApiQuery<DateRangeQuery>,
) -> Result<Json<AgentStats>, ApiError> {
    Ok(Json(
        analytics::agent_stats(&state, &caller, &agent_id, &query).await?,
    ))
}

#[worker::send]
async fn daily(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<DailyQuery>,
) -> Result<Json<AnalyticsDaily>, ApiError> {
    Ok(Json(analytics::daily(&state, &caller, &query).await?))
}
