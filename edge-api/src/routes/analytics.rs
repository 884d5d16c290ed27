//! `GET /v1/analytics/overview`, `GET /v1/analytics/agents` and
//! `GET /v1/agents/{agent_id}/stats`: figures for an inclusive range of days (by
//! default the last 30), in UTC or the IANA zone of `tz`, per DESIGN.md's definitions. Agent stats are the agent's row
//! of the agents table, so the two always agree.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use shared_types::agents::{AgentStats, AgentStatsFigures};
use shared_types::analytics::{
    AgentPerformance, AgentPerformanceQuery, AgentSortBy, AnalyticsDaily, AnalyticsOverview,
    DailyFigures, DailyQuery, DateRangeQuery, OverviewMetrics, OverviewQuery, OverviewTrends,
};
use shared_types::error::ErrorCode;
use shared_types::error::FieldErrors;
use shared_types::ids::AgentId;
use shared_types::validate::IsoDate;
use shared_types::DataList;

use crate::auth::Caller;
use crate::domain::analytics::{self, change_percent, decimals, rate, whole, DayRange, Plan};
use crate::domain::time;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::intl::Zone;
use crate::services;
use crate::state::AppState;
use crate::store;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/analytics/overview", get(overview))
        .route("/v1/analytics/agents", get(agents))
        .route("/v1/analytics/daily", get(daily))
        .route("/v1/agents/{agent_id}/stats", get(agent_stats))
}

/// The days a request asks for, and the zone whose midnights bound them.
struct Days {
    range: DayRange,
    zone: Option<Zone>,
}

impl Days {
    fn parse(query: &DateRangeQuery) -> Result<Days, ApiError> {
        let invalid = |fields: FieldErrors| {
            ApiError::with_details(ErrorCode::InvalidQuery, fields.into_details())
        };
        let zone = match &query.tz {
            Some(name) if !name.is_utc() => Some(Zone::new(name.as_str()).ok_or_else(|| {
                let mut fields = FieldErrors::default();
                fields.push("tz", "is not a time zone this service knows");
                invalid(fields)
            })?),
            _ => None,
        };
        let offset = |t| zone.as_ref().map_or(0, |z: &Zone| z.offset_seconds(t));
        let now = time::now();
        let range = analytics::resolve(
            query.from.as_ref(),
            query.to.as_ref(),
            analytics::local_today(now, offset(now)),
        )
        .map_err(invalid)?;
        Ok(Days { range, zone })
    }

    fn midnight(&self, day: NaiveDate) -> DateTime<Utc> {
        analytics::zoned_midnight(day, |t| {
            self.zone.as_ref().map_or(0, |z| z.offset_seconds(t))
        })
    }

    /// How to sum the days, and the days just before them.
    fn plans(&self) -> (Plan, Plan) {
        let midnight = |day| self.midnight(day);
        (
            analytics::plan(&self.range.interval(midnight)),
            analytics::plan(&self.range.previous().interval(midnight)),
        )
    }
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
    let days = Days::parse(&query.days)?;
    let (now, before) = days.plans();
    let o = services::analytics::overview(&state, &caller.workspace_id, now, before).await?;
    let response_now = whole(o.created.response_seconds);
    let response_before = whole(o.created_before.response_seconds);
    Ok(Json(AnalyticsOverview {
        period: days.range.period(),
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
    let rows = services::analytics::by_agent(state, workspace_id, plan.clone()).await?;
    let r = &rows.figures;
    rows.agents
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
    let days = Days::parse(&query.days)?;
    let mut data: Vec<AgentPerformance> = rows(&state, &caller.workspace_id, &days.plans().0)
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
    let days = Days::parse(&query)?;
    let row = rows(&state, &caller.workspace_id, &days.plans().0)
        .await?
        .into_iter()
        .find(|r| r.performance.agent_id == agent_id)
        .ok_or(ErrorCode::AgentNotFound)?;
    let p = row.performance;
    Ok(Json(AgentStats {
        agent_id: p.agent_id,
        period: days.range.period(),
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

#[worker::send]
async fn daily(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<DailyQuery>,
) -> Result<Json<AnalyticsDaily>, ApiError> {
    let days = Days::parse(&query.days)?;
    let db = state.db()?;
    if let Some(agent) = &query.agent_id {
        store::agents::get(&db, &caller.workspace_id, agent.as_str())
            .await?
            .ok_or(ErrorCode::AgentNotFound)?;
    }
    let series = analytics::series(&days.range, |day| days.midnight(day));
    let r = services::analytics::daily(
        &state,
        &caller.workspace_id,
        series,
        query.agent_id.as_ref().map(|a| a.as_str().to_string()),
    )
    .await?;
    let on = |day: &str, row_day: &Option<String>| row_day.as_deref() == Some(day);
    let data = days
        .range
        .from
        .iter_days()
        .take_while(|d| *d <= days.range.to)
        .map(|d| {
            let day = d.format("%Y-%m-%d").to_string();
            let created = r.created.iter().find(|c| on(&day, &c.day));
            let closed = r.closed.iter().find(|c| on(&day, &c.day));
            let rated = r.rated.iter().find(|c| on(&day, &c.day));
            let closed_chats = closed.map_or(0, |c| c.closed);
            Ok(DailyFigures {
                date: IsoDate::parse(&day)
                    .map_err(|e| ApiError::internal(format!("day {day}: {e:?}")))?,
                total_chats: created.map_or(0, |c| c.chats),
                resolved_chats: created.and_then(|c| c.resolved).unwrap_or(0),
                avg_response_time_seconds: whole(created.and_then(|c| c.response_seconds)),
                closed_chats,
                avg_resolution_time_minutes: whole(closed.and_then(|c| c.resolution_minutes)),
                first_contact_resolution_rate: rate(
                    closed.and_then(|c| c.first_contact).unwrap_or(0),
                    closed_chats,
                ),
                csat_score: decimals(rated.and_then(|r| r.csat), 1),
                csat_responses: rated.map_or(0, |r| r.ratings),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(Json(AnalyticsDaily {
        period: days.range.period(),
        data,
    }))
}
