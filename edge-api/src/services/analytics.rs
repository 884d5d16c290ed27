//! Analytics: the workspace's figures, summed inside its object. Whole UTC hours are
//! read from the rollups the chats' triggers keep (workspace-migrations/
//! 0004_conversations.sql): a year is a few hundred rows per agent. Any other range sums
//! the chats themselves over covering indexes. One object call per request, whatever
//! the number of figures. The pure parts (ranges, plans, rounding) are
//! `domain::analytics`.

use crate::domain::analytics::{Plan, Series};
use crate::error::ApiError;
use crate::objects::workspace::client;
use crate::objects::workspace::protocol::{AnalyticsOp, Figures, Overview, Request};
use crate::state::AppState;
use crate::store;
use crate::store::agents::AgentName;

async fn call<T: serde::de::DeserializeOwned>(
    state: &AppState,
    workspace_id: &str,
    op: AnalyticsOp,
) -> Result<T, ApiError> {
    client::ask(state, workspace_id, &Request::Analytics(op)).await
}

/// The overview of `now`, with the chats created in `before` for the trends.
pub async fn overview(
    state: &AppState,
    workspace_id: &str,
    now: Plan,
    before: Plan,
) -> Result<Overview, ApiError> {
    call(state, workspace_id, AnalyticsOp::Overview { now, before }).await
}

/// Every agent of the workspace (from the directory) with their figures for a range
/// (from the workspace's object).
pub struct AgentRows {
    pub agents: Vec<AgentName>,
    pub figures: Figures,
}

pub async fn by_agent(
    state: &AppState,
    workspace_id: &str,
    plan: Plan,
) -> Result<AgentRows, ApiError> {
    let agents = store::agents::names(&state.db()?, workspace_id).await?;
    let figures = call(state, workspace_id, AnalyticsOp::ByAgent { plan }).await?;
    Ok(AgentRows { agents, figures })
}

/// The days of `series`, all chats or only `agent`'s: one row per day that has any.
pub async fn daily(
    state: &AppState,
    workspace_id: &str,
    series: Series,
    agent: Option<String>,
) -> Result<Figures, ApiError> {
    call(state, workspace_id, AnalyticsOp::Daily { series, agent }).await
}

/// The sums, run inside the workspace's object.
pub mod object {
    use serde::de::DeserializeOwned;
    use worker::{SqlStorage, SqlStorageValue};

    use crate::domain::analytics::{Plan, Series};
    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::{AnalyticsOp, Figures, Overview};
    use crate::objects::workspace::sql::rows;

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
            AnalyticsOp::Daily { series, agent } => answer(daily(sql, &series, agent)?),
        }
    }

    /// Every figure of a plan's rollup buckets in one row (per agent when grouped). The
    /// columns carry the names of `Created`, `Closed` and `Rated`, so each reads its part.
    fn rollups_sql(by_agent: bool) -> String {
        let (select, filter, group) = if by_agent {
            ("agent AS agent_id,", "WHERE agent <> ''", "GROUP BY agent")
        } else {
            ("NULL AS agent_id,", "", "")
        };
        format!(
            "SELECT {select} {ROLLUP_FIGURES} \
               FROM (SELECT * FROM stats_hourly WHERE bucket >= ?1 AND bucket < ?2 \
                     UNION ALL \
                     SELECT * FROM stats_daily WHERE bucket >= ?3 AND bucket < ?4 \
                     UNION ALL \
                     SELECT * FROM stats_hourly WHERE bucket >= ?5 AND bucket < ?6) \
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
                days,
                hours_after,
            } => {
                let values: Vec<SqlStorageValue> = [
                    &hours_before.0,
                    &hours_before.1,
                    &days.0,
                    &days.1,
                    &hours_after.0,
                    &hours_after.1,
                ]
                .into_iter()
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

    /// The days of `series`. The days travel as one JSON value, `[{"day", "start",
    /// "end"}]`, joined against the rollups' (or the chats') index range by range.
    fn daily(
        sql: &SqlStorage,
        series: &Series,
        agent: Option<String>,
    ) -> Result<Figures, ApiError> {
        let (slices, source) = match series {
            Series::Daily(s) => (s, Some("stats_daily")),
            Series::Hourly(s) => (s, Some("stats_hourly")),
            Series::Chats(s) => (s, None),
        };
        let days: Vec<serde_json::Value> = slices
            .iter()
            .map(|d| serde_json::json!({"day": d.day, "start": d.start, "end": d.end}))
            .collect();
        let has_agent = agent.is_some();
        let values = || {
            let mut values: Vec<SqlStorageValue> =
                vec![serde_json::Value::Array(days.clone()).to_string().into()];
            if let Some(agent) = &agent {
                values.push(agent.as_str().into());
            }
            values
        };
        // The days are unpacked once, not per row compared.
        const DAYS: &str = "WITH j AS MATERIALIZED (SELECT json_extract(value, '$.day') AS day, \
             json_extract(value, '$.start') AS first, json_extract(value, '$.end') AS past \
             FROM json_each(?1))";
        let within = |column: &str| format!("{column} >= j.first AND {column} < j.past");
        match source {
            Some(table) => {
                let agent_filter = if has_agent { "AND s.agent = ?2" } else { "" };
                let query = format!(
                    "{DAYS} SELECT j.day AS day, {ROLLUP_FIGURES} \
                       FROM j JOIN {table} AS s ON {} {agent_filter} \
                      GROUP BY day",
                    within("s.bucket")
                );
                every_figure(sql, &query, values())
            }
            None => {
                let agent_filter = if has_agent {
                    "AND c.assigned_to = ?2"
                } else {
                    ""
                };
                let from_chats = |time: &str| {
                    format!(
                        "FROM j JOIN chats AS c ON {} {agent_filter} GROUP BY day",
                        within(time)
                    )
                };
                Ok(Figures {
                    created: all(
                        sql,
                        &format!(
                            "{DAYS} SELECT j.day AS day, COUNT(*) AS chats, \
                                    SUM(status = 'closed') AS resolved, \
                                    AVG({RESPONSE_SECONDS}) AS response_seconds {}",
                            from_chats("c.created_at")
                        ),
                        values(),
                    )?,
                    closed: all(
                        sql,
                        &format!(
                            "{DAYS} SELECT j.day AS day, COUNT(*) AS closed, \
                                    AVG({RESOLUTION_MINUTES}) AS resolution_minutes, \
                                    SUM(reopened_count = 0 AND agents_replied <= 1) AS first_contact {}",
                            from_chats("c.closed_at")
                        ),
                        values(),
                    )?,
                    rated: all(
                        sql,
                        &format!(
                            "{DAYS} SELECT j.day AS day, COUNT(*) AS ratings, \
                                    AVG(rating_score) AS csat {}",
                            from_chats("c.rated_at")
                        ),
                        values(),
                    )?,
                })
            }
        }
    }
}
