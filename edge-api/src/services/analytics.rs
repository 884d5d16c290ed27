//! Analytics: `GET /v1/analytics/overview`, `/agents`, `/daily` and
//! `GET /v1/agents/{id}/stats`, for an inclusive range of days (by default the last 30)
//! in UTC or the IANA zone of `tz`, per DESIGN.md's definitions; an agent's stats are
//! its row of the agents table, so the two always agree. The workspace's figures are
//! summed inside its object. Whole UTC hours are
//! read from the rollups the chats' triggers keep (workspace-migrations/
//! 0004_conversations.sql, months since 0019): a year is a few dozen rows per agent. Any other range sums
//! the chats themselves over covering indexes. One object call per request, whatever
//! the number of figures. The pure parts (ranges, plans, rounding) are
//! `domain::analytics`.

use chrono::{DateTime, NaiveDate, Utc};
use shared_types::agents::{AgentStats, AgentStatsFigures};
use shared_types::analytics::{
    AgentPerformance, AgentPerformanceQuery, AgentSortBy, AnalyticsOverview, DailyQuery,
    DateRangeQuery, OverviewMetrics, OverviewQuery, OverviewTrends, Period,
};
use shared_types::error::{ErrorCode, FieldErrors};
use shared_types::ids::AgentId;

use crate::auth::Caller;
use crate::domain::analytics::{
    self, change_percent, decimals, rate, whole, DayRange, Plan, Series,
};
use crate::domain::time;
use crate::error::ApiError;
use crate::intl::Zone;
use crate::objects::workspace::client;
use crate::objects::workspace::protocol::{AnalyticsOp, Daily, Figures, Overview, Request};
use crate::state::AppState;
use crate::store;
use crate::store::agents::AgentName;

/// Which days a request sums: its range alone, or the range before it too (the
/// overview's trends).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    Range,
    WithPrevious,
}

/// The days a request asks for, and the zone whose midnights bound them.
struct Days {
    range: DayRange,
    zone: Option<(Zone, analytics::Offsets)>,
}

impl Days {
    fn parse(query: &DateRangeQuery, reach: Reach) -> Result<Days, ApiError> {
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
        // Midnights are asked of the range (and the one before it, when reached), each
        // within a day of its UTC midnight.
        let zone = zone.map(|zone| {
            let span = |day: NaiveDate| analytics::utc_midnight(day);
            let first = match reach {
                Reach::Range => range.from,
                Reach::WithPrevious => range.previous().from,
            };
            let offsets = analytics::Offsets::learn(
                span(first - chrono::Days::new(2)),
                span(range.to + chrono::Days::new(3)),
                |t| zone.offset_seconds(t),
            );
            (zone, offsets)
        });
        Ok(Days { range, zone })
    }

    fn midnight(&self, day: NaiveDate) -> DateTime<Utc> {
        analytics::zoned_midnight(day, |t| {
            self.zone.as_ref().map_or(0, |(zone, offsets)| {
                offsets.at(t).unwrap_or_else(|| zone.offset_seconds(t))
            })
        })
    }

    /// How to sum the days.
    fn plan(&self) -> Plan {
        analytics::plan(&self.range.interval(|day| self.midnight(day)))
    }

    /// How to sum the days just before them (learnt with [`Reach::WithPrevious`]).
    fn plan_before(&self) -> Plan {
        analytics::plan(&self.range.previous().interval(|day| self.midnight(day)))
    }
}

async fn call<T: serde::de::DeserializeOwned>(
    state: &AppState,
    workspace_id: &str,
    op: AnalyticsOp,
) -> Result<T, ApiError> {
    client::ask(state, workspace_id, &Request::Analytics(op)).await
}

/// The overview of `now`, with the chats created in `before` for the trends.
async fn overview_sums(
    state: &AppState,
    workspace_id: &str,
    now: Plan,
    before: Plan,
) -> Result<Overview, ApiError> {
    call(state, workspace_id, AnalyticsOp::Overview { now, before }).await
}

/// Every agent of the workspace (from the directory) with their figures for a range
/// (from the workspace's object).
struct AgentRows {
    agents: Vec<AgentName>,
    figures: Figures,
}

async fn by_agent(state: &AppState, workspace_id: &str, plan: Plan) -> Result<AgentRows, ApiError> {
    let db = state.db()?;
    // The two reads overlap. The object's goes first, so it carries the read's budget
    // (`services::budgets`) before anything waits.
    let (figures, agents) = futures_util::future::try_join(
        call(state, workspace_id, AnalyticsOp::ByAgent { plan }),
        store::agents::names(&db, workspace_id),
    )
    .await?;
    Ok(AgentRows { agents, figures })
}

/// Every day of `series`, all chats or only `agent`'s.
async fn daily_rows(
    state: &AppState,
    workspace_id: &str,
    series: Series,
    agent: Option<String>,
) -> Result<Daily, ApiError> {
    call(state, workspace_id, AnalyticsOp::Daily { series, agent }).await
}

/// The overview of the caller's workspace; another workspace's figures do not exist for
/// this caller (WS-001).
pub async fn overview(
    state: &AppState,
    caller: &Caller,
    query: &OverviewQuery,
) -> Result<AnalyticsOverview, ApiError> {
    // Another workspace's figures do not exist for this caller.
    if query
        .workspace_id
        .as_ref()
        .is_some_and(|w| w.as_str() != caller.workspace_id)
    {
        return Err(ErrorCode::WorkspaceNotFound.into());
    }
    let days = Days::parse(&query.days, Reach::WithPrevious)?;
    let (now, before) = (days.plan(), days.plan_before());
    let o = overview_sums(state, &caller.workspace_id, now, before).await?;
    let response_now = whole(o.created.response_seconds);
    let response_before = whole(o.created_before.response_seconds);
    Ok(AnalyticsOverview {
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
    })
}

/// One agent's figures for a range, as both endpoints show them.
struct Row {
    performance: AgentPerformance,
    resolution_minutes: Option<u64>,
}

async fn rows(state: &AppState, workspace_id: &str, plan: &Plan) -> Result<Vec<Row>, ApiError> {
    let rows = by_agent(state, workspace_id, plan.clone()).await?;
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

/// Every agent's figures, best first by `sort_by`.
pub async fn agents(
    state: &AppState,
    caller: &Caller,
    query: &AgentPerformanceQuery,
) -> Result<Vec<AgentPerformance>, ApiError> {
    let days = Days::parse(&query.days, Reach::Range)?;
    let mut data: Vec<AgentPerformance> = rows(state, &caller.workspace_id, &days.plan())
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
    Ok(data)
}

/// One agent's figures (AGENT-001 for one the workspace does not have).
pub async fn agent_stats(
    state: &AppState,
    caller: &Caller,
    raw_agent_id: &str,
    query: &DateRangeQuery,
) -> Result<AgentStats, ApiError> {
    let agent_id = AgentId::parse(raw_agent_id).map_err(|_| ErrorCode::AgentNotFound)?;
    let days = Days::parse(query, Reach::Range)?;
    let row = rows(state, &caller.workspace_id, &days.plan())
        .await?
        .into_iter()
        .find(|r| r.performance.agent_id == agent_id)
        .ok_or(ErrorCode::AgentNotFound)?;
    let p = row.performance;
    Ok(AgentStats {
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
    })
}

/// Each day of the range, all chats or one agent's.
pub async fn daily(
    state: &AppState,
    caller: &Caller,
    query: &DailyQuery,
) -> Result<DailyPage, ApiError> {
    let days = Days::parse(&query.days, Reach::Range)?;
    let db = state.db()?;
    let series = analytics::series(&days.range, |day| days.midnight(day));
    let rows = daily_rows(
        state,
        &caller.workspace_id,
        series,
        query.agent_id.as_ref().map(|a| a.as_str().to_string()),
    );
    // One agent's series reads only (its hours or days, never a new zone's days), so it
    // overlaps the directory's check that the agent is the workspace's.
    let rows = match &query.agent_id {
        Some(agent) => {
            let (rows, found) = futures_util::future::try_join(
                rows,
                store::agents::get(&db, &caller.workspace_id, agent.as_str()),
            )
            .await?;
            found.ok_or(ErrorCode::AgentNotFound)?;
            rows
        }
        None => rows.await?,
    };
    Ok(DailyPage {
        period: days.range.period(),
        data: rows.data,
    })
}

/// [`AnalyticsDaily`](shared_types::analytics::AnalyticsDaily) with its days as the JSON the workspace's object wrote.
#[derive(Debug, serde::Serialize)]
pub struct DailyPage {
    pub period: Period,
    pub data: Box<serde_json::value::RawValue>,
}

/// The sums, run inside the workspace's object.
pub mod object {
    use serde::de::DeserializeOwned;
    use worker::{SqlStorage, SqlStorageValue};

    use crate::domain::analytics::{Plan, Series, Source};
    use crate::error::ApiError;
    use crate::objects::workspace::protocol::{AnalyticsOp, Figures, Overview};
    use crate::objects::workspace::sql::{rows, run};
    use crate::objects::workspace::{answer, answer_written};

    /// Seconds from the visitor's first message to the first agent reply; chats where an
    /// agent wrote first (a proactive message) have no response time.
    const RESPONSE_SECONDS: &str = "CASE WHEN first_response_at >= first_visitor_message_at \
         THEN (julianday(first_response_at) - julianday(first_visitor_message_at)) * 86400.0 END";
    const RESOLUTION_MINUTES: &str = "(julianday(closed_at) - julianday(created_at)) * 1440.0";

    /// The figures of a set of rollup rows, named as `Created`, `Closed` and `Rated` read them.
    const ROLLUP_FIGURES: &str = "COALESCE(SUM(created), 0) AS chats, SUM(resolved) AS resolved, \
         CAST(SUM(response_s) AS REAL) / NULLIF(SUM(response_n), 0) AS response_seconds, \
         COALESCE(SUM(closed), 0) AS closed, \
         CAST(SUM(resolution_s) AS REAL) / 60.0 / NULLIF(SUM(closed), 0) AS resolution_minutes, \
         SUM(first_contact) AS first_contact, COALESCE(SUM(ratings), 0) AS ratings, \
         CAST(SUM(rating_sum) AS REAL) / NULLIF(SUM(ratings), 0) AS csat";

    pub fn handle(sql: &SqlStorage, op: AnalyticsOp) -> Result<String, ApiError> {
        match op {
            AnalyticsOp::Overview { now, before } => {
                let figures = figures(sql, &now, false)?;
                let previous = figures_created(sql, &before)?;
                answer(Overview {
                    created: figures.created.into_iter().next().unwrap_or_default(),
                    created_before: previous,
                    closed: figures.closed.into_iter().next().unwrap_or_default(),
                    rated: figures.rated.into_iter().next().unwrap_or_default(),
                })
            }
            AnalyticsOp::ByAgent { plan } => answer(figures(sql, &plan, true)?),
            AnalyticsOp::Daily { series, agent } => {
                Ok(answer_written(&[("data", &daily(sql, &series, agent)?)]))
            }
        }
    }

    /// Every figure of a plan's rollup buckets in one row (per agent when grouped). The
    /// columns carry the names of `Created`, `Closed` and `Rated`, so each reads its part.
    fn rollups_sql(by_agent: bool) -> String {
        // The workspace as a whole reads its own rollups: a row per bucket, not per agent.
        let (select, columns, suffix, filter, group) = if by_agent {
            (
                "agent AS agent_id,",
                "*",
                "",
                "WHERE agent <> ''",
                "GROUP BY agent",
            )
        } else {
            ("NULL AS agent_id,", FIGURE_COLUMNS, "_all", "", "")
        };
        format!(
            "SELECT {select} {ROLLUP_FIGURES} \
               FROM (SELECT {columns} FROM stats_hourly{suffix} WHERE bucket >= ?1 AND bucket < ?2 \
                     UNION ALL \
                     SELECT {columns} FROM stats_daily{suffix} WHERE bucket >= ?3 AND bucket < ?4 \
                     UNION ALL \
                     SELECT {columns} FROM stats_monthly{suffix} WHERE bucket >= ?5 AND bucket < ?6 \
                     UNION ALL \
                     SELECT {columns} FROM stats_daily{suffix} WHERE bucket >= ?7 AND bucket < ?8 \
                     UNION ALL \
                     SELECT {columns} FROM stats_hourly{suffix} WHERE bucket >= ?9 AND bucket < ?10) \
              {filter} {group}"
        )
    }

    fn all<T: DeserializeOwned>(
        sql: &SqlStorage,
        query: &str,
        values: Vec<SqlStorageValue>,
    ) -> Result<Vec<T>, ApiError> {
        rows(sql, query, values)
    }

    /// Rows that carry every figure at once (the rollups'), read as each kind.
    fn every_figure(
        sql: &SqlStorage,
        query: &str,
        values: Vec<SqlStorageValue>,
    ) -> Result<Figures, ApiError> {
        let found: Vec<serde_json::Value> = all(sql, query, values)?;
        fn each<T: DeserializeOwned>(rows: &[serde_json::Value]) -> Result<Vec<T>, ApiError> {
            rows.iter()
                .map(|row| {
                    serde_json::from_value(row.clone())
                        .map_err(|e| ApiError::internal(format!("analytics row: {e}")))
                })
                .collect()
        }
        Ok(Figures {
            created: each(&found)?,
            closed: each(&found)?,
            rated: each(&found)?,
        })
    }

    /// A plan's figures, per agent when grouped.
    fn figures(sql: &SqlStorage, plan: &Plan, by_agent: bool) -> Result<Figures, ApiError> {
        match plan {
            Plan::Rollups {
                hours_before,
                days_before,
                months,
                days_after,
                hours_after,
            } => {
                let values: Vec<SqlStorageValue> =
                    [hours_before, days_before, months, days_after, hours_after]
                        .into_iter()
                        .flat_map(|(first, past)| [first, past])
                        .map(|v| v.as_str().into())
                        .collect();
                every_figure(sql, &rollups_sql(by_agent), values)
            }
            Plan::Chats((start, end)) => {
                let range = || vec![start.as_str().into(), end.as_str().into()];
                Ok(Figures {
                    created: all(sql, &created_sql(by_agent), range())?,
                    closed: all(sql, &closed_sql(by_agent), range())?,
                    rated: all(sql, &rated_sql(by_agent), range())?,
                })
            }
        }
    }

    /// Only the chats created under a plan, for the trends.
    fn figures_created(
        sql: &SqlStorage,
        plan: &Plan,
    ) -> Result<crate::objects::workspace::protocol::Created, ApiError> {
        let created = match plan {
            Plan::Rollups { .. } => figures(sql, plan, false)?.created,
            Plan::Chats((start, end)) => all(
                sql,
                &created_sql(false),
                vec![start.as_str().into(), end.as_str().into()],
            )?,
        };
        Ok(created.into_iter().next().unwrap_or_default())
    }

    fn created_sql(by_agent: bool) -> String {
        let (select, group) = agent_grouping(by_agent);
        format!(
            "SELECT {select} COUNT(*) AS chats, SUM(status = 'closed') AS resolved, \
                    AVG({RESPONSE_SECONDS}) AS response_seconds \
               FROM chats WHERE created_at >= ?1 AND created_at < ?2 {group}"
        )
    }

    fn closed_sql(by_agent: bool) -> String {
        let (select, group) = agent_grouping(by_agent);
        format!(
            "SELECT {select} COUNT(*) AS closed, AVG({RESOLUTION_MINUTES}) AS resolution_minutes, \
                    SUM(reopened_count = 0 AND agents_replied <= 1) AS first_contact \
               FROM chats WHERE closed_at >= ?1 AND closed_at < ?2 {group}"
        )
    }

    fn rated_sql(by_agent: bool) -> String {
        let (select, group) = agent_grouping(by_agent);
        format!(
            "SELECT {select} COUNT(*) AS ratings, AVG(rating_score) AS csat \
               FROM chats WHERE rated_at >= ?1 AND rated_at < ?2 {group}"
        )
    }

    fn agent_grouping(by_agent: bool) -> (&'static str, &'static str) {
        if by_agent {
            (
                "assigned_to AS agent_id,",
                "AND assigned_to IS NOT NULL GROUP BY assigned_to",
            )
        } else {
            ("NULL AS agent_id,", "")
        }
    }

    /// The rows of `series`, every day of it in order, written by SQLite as the JSON of
    /// [`DailyFigures`](shared_types::analytics::DailyFigures) field for field, rounded
    /// as `whole`, `decimals` and `rate` round (half away from zero, on the same
    /// products), so neither the object nor the worker decodes a row. The runs travel as
    /// one JSON value; each is one index range, and a row's day is its bucket's (or
    /// time's) date moved by the run's shift. The days come in order because `d`, which
    /// counts them up, is the outer loop of its LEFT JOINs; the aggregate takes each
    /// object as it is made, so no row is written as text and parsed again.
    pub fn daily(
        sql: &SqlStorage,
        series: &Series,
        agent: Option<String>,
    ) -> Result<String, ApiError> {
        let runs = serde_json::to_string(&series.runs)
            .map_err(|e| ApiError::internal(format!("a series' runs: {e}")))?;
        let has_agent = agent.is_some();
        let mut values: Vec<SqlStorageValue> = vec![
            runs.into(),
            series.from.as_str().into(),
            series.to.as_str().into(),
        ];
        if let Some(agent) = &agent {
            values.push(agent.as_str().into());
        }
        let within = |column: &str| format!("{column} >= j.first AND {column} < j.past");
        let rollup = |table: &str, day: &str, agent_filter: &str| {
            (
                format!(
                    "g AS MATERIALIZED (SELECT COALESCE(j.day, {day}) AS day, {ROLLUP_FIGURES} \
                       FROM j JOIN {table} AS s ON {} {agent_filter} GROUP BY 1)",
                    within("s.bucket")
                ),
                "LEFT JOIN g ON g.day = d.day".to_string(),
                Read::Grouped,
            )
        };
        let hour_of_day = "date(s.bucket || ':00', j.shift)";
        // A day that is one stored row (a UTC day's, or a local day of the series' one
        // shift) is read by its key, straight into the day's object: nothing grouped,
        // materialised or indexed on the way.
        let one_row = |join: &str| (String::new(), join.to_string(), Read::Row);
        let steady_shift = match series.runs.as_slice() {
            [run] if run.day.is_none() => Some(run.shift),
            _ => None,
        };
        let (groups, joins, read) = match (series.source, has_agent) {
            // Every day of a series of UTC days is its own bucket.
            (Source::Daily, false) => one_row("LEFT JOIN stats_daily_all AS s ON s.bucket = d.day"),
            (Source::Daily, true) => {
                one_row("LEFT JOIN stats_daily AS s ON s.bucket = d.day AND s.agent = ?4")
            }
            (Source::Hourly, true) => rollup("stats_hourly", hour_of_day, "AND s.agent = ?4"),
            (Source::Hourly, false) => {
                track_shifts(sql, series)?;
                if let Some(shift) = steady_shift {
                    values.push(shift.into());
                    return daily_json(
                        sql,
                        values,
                        one_row("LEFT JOIN stats_local AS s ON s.shift = ?4 AND s.day = d.day"),
                    );
                }
                // A steady run's local days are stored; a day with a clock change in it
                // is its hours.
                (
                    format!(
                        "g AS MATERIALIZED (SELECT day, {ROLLUP_FIGURES} FROM ( \
                           SELECT l.day AS day, {FIGURE_COLUMNS} FROM j JOIN stats_local AS l \
                               ON j.day IS NULL AND l.shift = j.shift_n \
                              AND l.day >= date(j.first || ':00', j.shift) \
                              AND l.day < date(j.past || ':00', j.shift) \
                           UNION ALL \
                           SELECT j.day, {FIGURE_COLUMNS} FROM j JOIN stats_hourly_all AS s \
                               ON j.day IS NOT NULL AND {}) \
                         GROUP BY 1)",
                        within("s.bucket")
                    ),
                    "LEFT JOIN g ON g.day = d.day".to_string(),
                    Read::Grouped,
                )
            }
            (Source::Chats, _) => {
                let agent_filter = if has_agent {
                    "AND c.assigned_to = ?4"
                } else {
                    ""
                };
                let group = |name: &str, time: &str, figures: &str| {
                    format!(
                        "{name} AS MATERIALIZED (SELECT COALESCE(j.day, date({time}, j.shift)) AS day, \
                                {figures} FROM j JOIN chats AS c ON {} {agent_filter} GROUP BY 1)",
                        within(time)
                    )
                };
                (
                    [
                        group(
                            "gc",
                            "c.created_at",
                            &format!(
                                "COUNT(*) AS chats, SUM(status = 'closed') AS resolved, \
                                 AVG({RESPONSE_SECONDS}) AS response_seconds"
                            ),
                        ),
                        group(
                            "gx",
                            "c.closed_at",
                            &format!(
                                "COUNT(*) AS closed, AVG({RESOLUTION_MINUTES}) AS resolution_minutes, \
                                 SUM(reopened_count = 0 AND agents_replied <= 1) AS first_contact"
                            ),
                        ),
                        group(
                            "gr",
                            "c.rated_at",
                            "COUNT(*) AS ratings, AVG(rating_score) AS csat",
                        ),
                    ]
                    .join(", "),
                    "LEFT JOIN gc ON gc.day = d.day LEFT JOIN gx ON gx.day = d.day \
                     LEFT JOIN gr ON gr.day = d.day"
                        .to_string(),
                    Read::Grouped,
                )
            }
        };
        daily_json(sql, values, (groups, joins, read))
    }

    /// The runs of a series (`?1`) as a table, and its days from `?2` to `?3`.
    const RUNS: &str = "j AS MATERIALIZED (SELECT json_extract(value, '$.first') AS first, \
         json_extract(value, '$.past') AS past, \
         json_extract(value, '$.shift') AS shift_n, \
         json_extract(value, '$.shift') || ' seconds' AS shift, \
         json_extract(value, '$.day') AS day FROM json_each(?1)), \
         d(day) AS (SELECT ?2 UNION ALL SELECT date(day, '+1 day') FROM d WHERE day < ?3)";

    /// Where the series' select finds a day's figures.
    #[derive(Clone, Copy)]
    enum Read {
        /// The named columns of the grouped tables `g` (or `gc`, `gx`, `gr`).
        Grouped,
        /// The one rollup row `s` of the day, whose sums make the figures.
        Row,
    }

    impl Read {
        /// The figure `name` (as [`ROLLUP_FIGURES`] names it) of a day.
        fn figure(self, name: &str) -> String {
            match (self, name) {
                (Read::Grouped, _) => name.to_string(),
                (Read::Row, "chats") => "s.created".to_string(),
                (Read::Row, "response_seconds") => {
                    "CAST(s.response_s AS REAL) / NULLIF(s.response_n, 0)".to_string()
                }
                (Read::Row, "resolution_minutes") => {
                    "CAST(s.resolution_s AS REAL) / 60.0 / NULLIF(s.closed, 0)".to_string()
                }
                (Read::Row, "csat") => {
                    "CAST(s.rating_sum AS REAL) / NULLIF(s.ratings, 0)".to_string()
                }
                (Read::Row, column) => format!("s.{column}"),
            }
        }
    }

    /// Runs a series' query: `WITH` the runs, the days and `groups`, every day of `d`
    /// with its figures through `joins`, as one JSON array.
    fn daily_json(
        sql: &SqlStorage,
        values: Vec<SqlStorageValue>,
        (groups, joins, read): (String, String, Read),
    ) -> Result<String, ApiError> {
        #[derive(serde::Deserialize)]
        struct Rows {
            data: String,
        }
        let f = |name: &str| read.figure(name);
        let groups = if groups.is_empty() {
            String::new()
        } else {
            format!(", {groups}")
        };
        let whole = |v: &str| format!("CAST(round(max({}, 0.0)) AS INTEGER)", f(v));
        let (closed, first_contact) = (f("closed"), f("first_contact"));
        let query = format!(
            "WITH RECURSIVE {RUNS}{groups} \
             SELECT COALESCE(json_group_array(json_object('date', d.day, \
                   'total_chats', COALESCE({}, 0), \
                   'resolved_chats', COALESCE({}, 0), \
                   'avg_response_time_seconds', {}, \
                   'closed_chats', COALESCE({closed}, 0), \
                   'avg_resolution_time_minutes', {}, \
                   'first_contact_resolution_rate', CASE WHEN {closed} > 0 THEN \
                       round(CAST(COALESCE({first_contact}, 0) AS REAL) / {closed} * 100.0) / 100.0 END, \
                   'csat_score', round({} * 10.0) / 10.0, \
                   'csat_responses', COALESCE({}, 0))), '[]') AS data \
               FROM d {joins}",
            f("chats"),
            f("resolved"),
            whole("response_seconds"),
            whole("resolution_minutes"),
            f("csat"),
            f("ratings"),
        );
        let found: Vec<Rows> = rows(sql, &query, values)?;
        Ok(found
            .into_iter()
            .next()
            .map_or_else(|| "[]".to_string(), |r| r.data))
    }

    /// The nine figures every rollup row carries, as the `l.*`/`s.*` of a union reads them.
    const FIGURE_COLUMNS: &str = "created, resolved, response_n, response_s, closed, \
         resolution_s, first_contact, ratings, rating_sum";

    /// Starts keeping the local days of every steady run's shift not kept yet: once, from
    /// the hourly rollups, after which the triggers of workspace-migrations/0014 keep
    /// them.
    fn track_shifts(sql: &SqlStorage, series: &Series) -> Result<(), ApiError> {
        #[derive(serde::Deserialize)]
        struct Count {
            n: u64,
        }
        let shifts: std::collections::BTreeSet<i64> = series
            .runs
            .iter()
            .filter(|r| r.day.is_none())
            .map(|r| r.shift)
            .collect();
        for shift in shifts {
            let kept: Vec<Count> = rows(
                sql,
                "SELECT COUNT(*) AS n FROM stats_shifts WHERE shift = ?",
                vec![shift.into()],
            )?;
            if kept.first().is_some_and(|c| c.n > 0) {
                continue;
            }
            run(
                sql,
                "INSERT INTO stats_shifts (shift) VALUES (?)",
                vec![shift.into()],
            )?;
            run(
                sql,
                &format!(
                    "INSERT INTO stats_local (shift, day, {FIGURE_COLUMNS}) \
                     SELECT ?1, date(bucket || ':00', ?1 || ' seconds'), {} \
                       FROM stats_hourly_all GROUP BY 2",
                    FIGURE_COLUMNS
                        .split(", ")
                        .map(|c| format!("SUM({c})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                vec![shift.into()],
            )?;
        }
        Ok(())
    }
}
