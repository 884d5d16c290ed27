//! `GET /v1/analytics/overview`, `GET /v1/analytics/agents` and
//! `GET /v1/agents/{agent_id}/stats`: figures for an inclusive range of days (by
//! default the last 30), in UTC or the IANA zone of `tz`, per DESIGN.md's definitions. Agent stats are the agent's row
//! of the agents table, so the two always agree.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use shared_types::agents::{AgentStats, AgentStatsFigures};
use shared_types::analytics::{
    AgentPerformance, AgentPerformanceQuery, AgentSortBy, AnalyticsOverview, DateRangeQuery,
    OverviewMetrics, OverviewQuery, OverviewTrends,
};
use shared_types::error::ErrorCode;
use shared_types::error::FieldErrors;
use shared_types::ids::AgentId;
use shared_types::validate::{IsoDate, TimeZoneName};
use shared_types::DataList;

use crate::auth::Caller;
use crate::domain::analytics::{self, change_percent, decimals, rate, whole, DayRange, Plan};
use crate::domain::time;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::intl::Zone;
use crate::state::AppState;
use crate::store;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/analytics/overview", get(overview))
        .route("/v1/analytics/agents", get(agents))
        .route("/v1/agents/{agent_id}/stats", get(agent_stats))
}

/// The days a request asks for, in its zone, and how to sum them and the days before.
struct Window {
    range: DayRange,
    now: Plan,
    before: Plan,
}

fn window(
    from: Option<&IsoDate>,
    to: Option<&IsoDate>,
    tz: Option<&TimeZoneName>,
) -> Result<Window, ApiError> {
    let invalid = |fields: FieldErrors| {
        ApiError::with_details(ErrorCode::InvalidQuery, fields.into_details())
    };
    let zone = match tz {
        Some(name) if !name.is_utc() => Some(Zone::new(name.as_str()).ok_or_else(|| {
            let mut fields = FieldErrors::default();
            fields.push("tz", "is not a time zone this service knows");
            invalid(fields)
        })?),
        _ => None,
    };
    let offset = |t| zone.as_ref().map_or(0, |z| z.offset_seconds(t));
    let now = time::now();
    let range =
        analytics::resolve(from, to, analytics::local_today(now, offset(now))).map_err(invalid)?;
    let midnight = |day| analytics::zoned_midnight(day, offset);
    Ok(Window {
        now: analytics::plan(&range.interval(midnight)),
        before: analytics::plan(&range.previous().interval(midnight)),
        range,
    })
}

#[worker::send]
async fn overview(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<OverviewQuery>,
) -> Result<Json<AnalyticsOverview>, ApiError> {
    // Another workspace's figures do not exist for this caller.
    if query
        .workspace_id
        .as_ref()
        .is_some_and(|w| w.as_str() != caller.workspace_id)
    {
        return Err(ErrorCode::WorkspaceNotFound.into());
    }
    let window = window(query.from.as_ref(), query.to.as_ref(), query.tz.as_ref())?;
    let o = store::analytics::overview(
        &state.db()?,
        &caller.workspace_id,
        &window.now,
        &window.before,
    )
    .await?;
    let response_now = whole(o.created.response_seconds);
    let response_before = whole(o.created_before.response_seconds);
    Ok(Json(AnalyticsOverview {
        period: window.range.period(),
        metrics: OverviewMetrics {
            total_chats: o.created.chats,
            avg_response_time_seconds: response_now,
            avg_resolution_time_minutes: whole(o.closed.resolution_minutes),
            csat_score: decimals(o.rated.csat, 1),
            first_contact_resolution_rate: rate(
                o.closed.first_contact.unwrap_or(0),
                o.closed.closed,
            ),
        },
        trends: OverviewTrends {
            chats_change_percent: change_percent(
                Some(o.created.chats as f64),
                Some(o.created_before.chats as f64),
            ),
            response_time_change_percent: change_percent(
                response_now.map(|v| v as f64),
                response_before.map(|v| v as f64),
            ),
        },
    }))
}

/// One agent's figures for a range, as both endpoints show them.
struct Row {
    performance: AgentPerformance,
    resolution_minutes: Option<u64>,
}

async fn rows(state: &AppState, workspace_id: &str, plan: &Plan) -> Result<Vec<Row>, ApiError> {
    let r = store::analytics::by_agent(&state.db()?, workspace_id, plan).await?;
    r.agents
        .into_iter()
        .map(|agent| {
            let mine = |id: &Option<String>| id.as_deref() == Some(agent.id.as_str());
            let created = r.created.iter().find(|c| mine(&c.agent_id));
            let closed = r.closed.iter().find(|c| mine(&c.agent_id));
            let rated = r.rated.iter().find(|c| mine(&c.agent_id));
            Ok(Row {
                performance: AgentPerformance {
                    agent_id: AgentId::parse(&agent.id)
                        .map_err(|_| ApiError::internal(format!("stored agent id {}", agent.id)))?,
                    name: agent.name,
                    total_chats: created.map_or(0, |c| c.chats),
                    resolved_chats: created.and_then(|c| c.resolved).unwrap_or(0),
                    avg_response_time_seconds: whole(created.and_then(|c| c.response_seconds)),
                    csat_score: decimals(rated.and_then(|r| r.csat), 1),
                    csat_responses: rated.map_or(0, |r| r.ratings),
                },
                resolution_minutes: whole(closed.and_then(|c| c.resolution_minutes)),
            })
        })
        .collect()
}

#[worker::send]
async fn agents(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AgentPerformanceQuery>,
) -> Result<Json<DataList<AgentPerformance>>, ApiError> {
    let window = window(query.from.as_ref(), query.to.as_ref(), query.tz.as_ref())?;
    let mut data: Vec<AgentPerformance> = rows(&state, &caller.workspace_id, &window.now)
        .await?
        .into_iter()
        .map(|r| r.performance)
        .collect();
    // Best first; agents without a figure to compare come last, in their stored order.
    match query.sort_by.unwrap_or(AgentSortBy::TotalChats) {
        AgentSortBy::TotalChats => data.sort_by_key(|a| std::cmp::Reverse(a.total_chats)),
        AgentSortBy::CsatScore => data.sort_by(|a, b| {
            b.csat_score
                .unwrap_or(-1.0)
                .total_cmp(&a.csat_score.unwrap_or(-1.0))
        }),
        AgentSortBy::ResponseTime => {
            data.sort_by_key(|a| a.avg_response_time_seconds.unwrap_or(u64::MAX))
        }
    }
    Ok(Json(DataList { data }))
}

#[worker::send]
async fn agent_stats(
    State(state): State<AppState>,
    caller: Caller,
    Path(agent_id): Path<String>,
    ApiQuery(query): ApiQuery<DateRangeQuery>,
) -> Result<Json<AgentStats>, ApiError> {
    let agent_id = AgentId::parse(&agent_id).map_err(|_| ErrorCode::AgentNotFound)?;
    let window = window(query.from.as_ref(), query.to.as_ref(), query.tz.as_ref())?;
    let row = rows(&state, &caller.workspace_id, &window.now)
        .await?
        .into_iter()
        .find(|r| r.performance.agent_id == agent_id)
        .ok_or(ErrorCode::AgentNotFound)?;
    let p = row.performance;
    Ok(Json(AgentStats {
        agent_id: p.agent_id,
        period: window.range.period(),
        stats: AgentStatsFigures {
            total_chats: p.total_chats,
            resolved_chats: p.resolved_chats,
            avg_response_time_seconds: p.avg_response_time_seconds,
            avg_resolution_time_minutes: row.resolution_minutes,
            csat_score: p.csat_score,
            csat_responses: p.csat_responses,
        },
    }))
}
