//! The sums behind analytics. Whole UTC hours are read from the rollups the chats'
//! triggers keep (migrations/0007_analytics_rollups.sql): a year is a few hundred rows
//! per agent. Any other range sums the chats themselves over covering indexes
//! (migrations/0005_analytics.sql). One D1 batch per request: a round trip, whatever
//! the number of figures.

use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use super::{d1_error, stmt};
use crate::domain::analytics::{Plan, Series};
use crate::error::ApiError;

/// Seconds from the visitor's first message to the first agent reply; chats where an
/// agent wrote first (a proactive message) have no response time.
const RESPONSE_SECONDS: &str = "CASE WHEN first_response_at >= first_visitor_message_at \
     THEN (julianday(first_response_at) - julianday(first_visitor_message_at)) * 86400.0 END";
const RESOLUTION_MINUTES: &str = "(julianday(closed_at) - julianday(created_at)) * 1440.0";

/// Chats created in a range.
#[derive(Debug, Default, Deserialize)]
pub struct Created {
    pub agent_id: Option<String>,
    /// The day of a series' row.
    #[serde(default)]
    pub day: Option<String>,
    pub chats: u64,
    pub resolved: Option<u64>,
    pub response_seconds: Option<f64>,
}

/// Chats closed in a range.
#[derive(Debug, Default, Deserialize)]
pub struct Closed {
    pub agent_id: Option<String>,
    /// The day of a series' row.
    #[serde(default)]
    pub day: Option<String>,
    pub closed: u64,
    pub resolution_minutes: Option<f64>,
    pub first_contact: Option<u64>,
}

/// Ratings given in a range.
#[derive(Debug, Default, Deserialize)]
pub struct Rated {
    pub agent_id: Option<String>,
    /// The day of a series' row.
    #[serde(default)]
    pub day: Option<String>,
    pub ratings: u64,
    pub csat: Option<f64>,
}

/// The workspace's figures for a range, and the chats created in the range before it.
pub struct Overview {
    pub created: Created,
    pub created_before: Created,
    pub closed: Closed,
    pub rated: Rated,
}

type Range<'a> = (&'a str, &'a str);

/// The figures of a set of rollup rows, named as `Created`, `Closed` and `Rated` read them.
const ROLLUP_FIGURES: &str = "COALESCE(SUM(created), 0) AS chats, SUM(resolved) AS resolved, \
     CAST(SUM(response_s) AS REAL) / NULLIF(SUM(response_n), 0) AS response_seconds, \
     COALESCE(SUM(closed), 0) AS closed, \
     CAST(SUM(resolution_s) AS REAL) / 60.0 / NULLIF(SUM(closed), 0) AS resolution_minutes, \
     SUM(first_contact) AS first_contact, COALESCE(SUM(ratings), 0) AS ratings, \
     CAST(SUM(rating_sum) AS REAL) / NULLIF(SUM(ratings), 0) AS csat";

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
           FROM (SELECT * FROM stats_hourly WHERE workspace_id = ?1 AND bucket >= ?2 AND bucket < ?3 \
                 UNION ALL \
                 SELECT * FROM stats_daily WHERE workspace_id = ?1 AND bucket >= ?4 AND bucket < ?5 \
                 UNION ALL \
                 SELECT * FROM stats_hourly WHERE workspace_id = ?1 AND bucket >= ?6 AND bucket < ?7) \
          {filter} {group}"
    )
}

/// The statements that sum `plan`, to be read back by [`Figures::read`].
fn statements(
    db: &D1Database,
    workspace_id: &str,
    plan: &Plan,
    by_agent: bool,
) -> Result<Vec<D1PreparedStatement>, ApiError> {
    match plan {
        Plan::Rollups {
            hours_before,
            days,
            hours_after,
        } => {
            let values: Vec<JsValue> = [
                workspace_id,
                &hours_before.0,
                &hours_before.1,
                &days.0,
                &days.1,
                &hours_after.0,
                &hours_after.1,
            ]
            .into_iter()
            .map(JsValue::from)
            .collect();
            Ok(vec![stmt(db, &rollups_sql(by_agent), &values)?])
        }
        Plan::Chats((start, end)) => {
            let range = (start.as_str(), end.as_str());
            Ok(vec![
                stmt(db, &created_sql(by_agent), &args(workspace_id, range))?,
                stmt(db, &closed_sql(by_agent), &args(workspace_id, range))?,
                stmt(db, &rated_sql(by_agent), &args(workspace_id, range))?,
            ])
        }
    }
}

/// A plan's figures, per agent when grouped.
struct Figures {
    created: Vec<Created>,
    closed: Vec<Closed>,
    rated: Vec<Rated>,
}

impl Figures {
    /// Reads the results of [`statements`] for `plan`, starting at `results[at]`.
    fn read(results: &[worker::D1Result], at: usize, plan: &Plan) -> Result<Self, ApiError> {
        let (created, closed, rated) = match plan {
            Plan::Rollups { .. } => (at, at, at),
            Plan::Chats(_) => (at, at + 1, at + 2),
        };
        Ok(Figures {
            created: rows(results.get(created), "created")?,
            closed: rows(results.get(closed), "closed")?,
            rated: rows(results.get(rated), "rated")?,
        })
    }

    fn statements(plan: &Plan) -> usize {
        match plan {
            Plan::Rollups { .. } => 1,
            Plan::Chats(_) => 3,
        }
    }
}

/// The single row of an aggregate without GROUP BY.
fn one<T: Default>(mut rows: Vec<T>) -> T {
    rows.pop().unwrap_or_default()
}

fn created_sql(by_agent: bool) -> String {
    let (select, group) = agent_grouping(by_agent);
    format!(
        "SELECT {select} COUNT(*) AS chats, SUM(status = 'closed') AS resolved, \
                AVG({RESPONSE_SECONDS}) AS response_seconds \
           FROM chats WHERE workspace_id = ?1 AND created_at >= ?2 AND created_at < ?3 {group}"
    )
}

fn closed_sql(by_agent: bool) -> String {
    let (select, group) = agent_grouping(by_agent);
    format!(
        "SELECT {select} COUNT(*) AS closed, AVG({RESOLUTION_MINUTES}) AS resolution_minutes, \
                SUM(reopened_count = 0 AND agents_replied <= 1) AS first_contact \
           FROM chats WHERE workspace_id = ?1 AND closed_at >= ?2 AND closed_at < ?3 {group}"
    )
}

fn rated_sql(by_agent: bool) -> String {
    let (select, group) = agent_grouping(by_agent);
    format!(
        "SELECT {select} COUNT(*) AS ratings, AVG(rating_score) AS csat \
           FROM chats WHERE workspace_id = ?1 AND rated_at >= ?2 AND rated_at < ?3 {group}"
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

fn args(workspace_id: &str, range: Range<'_>) -> [JsValue; 3] {
    [workspace_id.into(), range.0.into(), range.1.into()]
}

fn rows<T: for<'de> Deserialize<'de>>(
    result: Option<&worker::D1Result>,
    what: &str,
) -> Result<Vec<T>, ApiError> {
    result
        .ok_or_else(|| ApiError::internal(format!("analytics: no result for {what}")))?
        .results::<T>()
        .map_err(|e| ApiError::internal(format!("analytics: decoding {what}: {e}")))
}

/// The overview of `now`, with the chats created in `before` for the trends.
pub async fn overview(
    db: &D1Database,
    workspace_id: &str,
    now: &Plan,
    before: &Plan,
) -> Result<Overview, ApiError> {
    let mut batch = statements(db, workspace_id, now, false)?;
    batch.extend(statements(db, workspace_id, before, false)?);
    let results = db
        .batch(batch)
        .await
        .map_err(|e| d1_error("analytics overview", e))?;
    let figures = Figures::read(&results, 0, now)?;
    let previous = Figures::read(&results, Figures::statements(now), before)?;
    Ok(Overview {
        created: one(figures.created),
        created_before: one(previous.created),
        closed: one(figures.closed),
        rated: one(figures.rated),
    })
}

/// Every agent of the workspace with their figures for `range`.
pub struct AgentRows {
    pub agents: Vec<AgentName>,
    pub created: Vec<Created>,
    pub closed: Vec<Closed>,
    pub rated: Vec<Rated>,
}

#[derive(Debug, Deserialize)]
pub struct AgentName {
    pub id: String,
    pub name: String,
}

pub async fn by_agent(
    db: &D1Database,
    workspace_id: &str,
    plan: &Plan,
) -> Result<AgentRows, ApiError> {
    let mut batch = vec![stmt(
        db,
        "SELECT id, name FROM agents WHERE workspace_id = ?1 ORDER BY created_at, id",
        &[workspace_id.into()],
    )?];
    batch.extend(statements(db, workspace_id, plan, true)?);
    let results = db
        .batch(batch)
        .await
        .map_err(|e| d1_error("analytics by agent", e))?;
    let figures = Figures::read(&results, 1, plan)?;
    Ok(AgentRows {
        agents: rows(results.first(), "agents")?,
        created: figures.created,
        closed: figures.closed,
        rated: figures.rated,
    })
}

/// A series' figures, one row per day that has any (the `day` field), per kind.
pub struct DailyRows {
    pub created: Vec<Created>,
    pub closed: Vec<Closed>,
    pub rated: Vec<Rated>,
}

/// The days of `series`, all chats or only `agent`'s. The days travel as one JSON
/// value, `[{"day", "start", "end"}]`, joined against the rollups' (or the chats')
/// index range by range.
pub async fn daily(
    db: &D1Database,
    workspace_id: &str,
    series: &Series,
    agent: Option<&str>,
) -> Result<DailyRows, ApiError> {
    let (slices, source) = match series {
        Series::Daily(s) => (s, Some("stats_daily")),
        Series::Hourly(s) => (s, Some("stats_hourly")),
        Series::Chats(s) => (s, None),
    };
    let days: Vec<serde_json::Value> = slices
        .iter()
        .map(|d| serde_json::json!({"day": d.day, "start": d.start, "end": d.end}))
        .collect();
    let mut values: Vec<JsValue> = vec![
        workspace_id.into(),
        serde_json::Value::Array(days).to_string().into(),
    ];
    if let Some(agent) = agent {
        values.push(agent.into());
    }
    // The days are unpacked once, not per row compared.
    const DAYS: &str = "WITH j AS MATERIALIZED (SELECT json_extract(value, '$.day') AS day, \
         json_extract(value, '$.start') AS first, json_extract(value, '$.end') AS past \
         FROM json_each(?2))";
    const DAY: &str = "j.day";
    let within = |column: &str| format!("{column} >= j.first AND {column} < j.past");
    let statements = match source {
        Some(table) => {
            let agent_filter = if agent.is_some() {
                "AND s.agent = ?3"
            } else {
                ""
            };
            vec![stmt(
                db,
                &format!(
                    "{DAYS} SELECT {DAY} AS day, {ROLLUP_FIGURES} \
                       FROM j \
                       JOIN {table} AS s ON s.workspace_id = ?1 AND {} {agent_filter} \
                      GROUP BY day",
                    within("s.bucket")
                ),
                &values,
            )?]
        }
        None => {
            let agent_filter = if agent.is_some() {
                "AND c.assigned_to = ?3"
            } else {
                ""
            };
            let from_chats = |time: &str| {
                format!(
                    "FROM j JOIN chats AS c ON c.workspace_id = ?1 AND {} {agent_filter} \
                     GROUP BY day",
                    within(time)
                )
            };
            vec![
                stmt(
                    db,
                    &format!(
                        "{DAYS} SELECT {DAY} AS day, COUNT(*) AS chats, SUM(status = 'closed') AS resolved, \
                                AVG({RESPONSE_SECONDS}) AS response_seconds {}",
                        from_chats("c.created_at")
                    ),
                    &values,
                )?,
                stmt(
                    db,
                    &format!(
                        "{DAYS} SELECT {DAY} AS day, COUNT(*) AS closed, \
                                AVG({RESOLUTION_MINUTES}) AS resolution_minutes, \
                                SUM(reopened_count = 0 AND agents_replied <= 1) AS first_contact {}",
                        from_chats("c.closed_at")
                    ),
                    &values,
                )?,
                stmt(
                    db,
                    &format!(
                        "{DAYS} SELECT {DAY} AS day, COUNT(*) AS ratings, AVG(rating_score) AS csat {}",
                        from_chats("c.rated_at")
                    ),
                    &values,
                )?,
            ]
        }
    };
    let kinds = statements.len();
    let results = db
        .batch(statements)
        .await
        .map_err(|e| d1_error("analytics daily", e))?;
    let (created, closed, rated) = if kinds == 1 { (0, 0, 0) } else { (0, 1, 2) };
    Ok(DailyRows {
        created: rows(results.get(created), "created by day")?,
        closed: rows(results.get(closed), "closed by day")?,
        rated: rows(results.get(rated), "rated by day")?,
    })
}
