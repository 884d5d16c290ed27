//! The sums behind analytics, each over one time range of one workspace's chats and
//! answered from a covering index (migrations/0005_analytics.sql). One D1 batch per
//! request: a round trip, whatever the number of figures.

use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1Database;

use super::{d1_error, stmt};
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
    pub chats: u64,
    pub resolved: Option<u64>,
    pub response_seconds: Option<f64>,
}

/// Chats closed in a range.
#[derive(Debug, Default, Deserialize)]
pub struct Closed {
    pub agent_id: Option<String>,
    pub closed: u64,
    pub resolution_minutes: Option<f64>,
    pub first_contact: Option<u64>,
}

/// Ratings given in a range.
#[derive(Debug, Default, Deserialize)]
pub struct Rated {
    pub agent_id: Option<String>,
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

/// The overview of `range`, with the chats created in `before` for the trends.
pub async fn overview(
    db: &D1Database,
    workspace_id: &str,
    range: Range<'_>,
    before: Range<'_>,
) -> Result<Overview, ApiError> {
    let results = db
        .batch(vec![
            stmt(db, &created_sql(false), &args(workspace_id, range))?,
            stmt(db, &created_sql(false), &args(workspace_id, before))?,
            stmt(db, &closed_sql(false), &args(workspace_id, range))?,
            stmt(db, &rated_sql(false), &args(workspace_id, range))?,
        ])
        .await
        .map_err(|e| d1_error("analytics overview", e))?;
    Ok(Overview {
        created: one(rows(results.first(), "created")?),
        created_before: one(rows(results.get(1), "created before")?),
        closed: one(rows(results.get(2), "closed")?),
        rated: one(rows(results.get(3), "rated")?),
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
    range: Range<'_>,
) -> Result<AgentRows, ApiError> {
    let results = db
        .batch(vec![
            stmt(
                db,
                "SELECT id, name FROM agents WHERE workspace_id = ?1 ORDER BY created_at, id",
                &[workspace_id.into()],
            )?,
            stmt(db, &created_sql(true), &args(workspace_id, range))?,
            stmt(db, &closed_sql(true), &args(workspace_id, range))?,
            stmt(db, &rated_sql(true), &args(workspace_id, range))?,
        ])
        .await
        .map_err(|e| d1_error("analytics by agent", e))?;
    Ok(AgentRows {
        agents: rows(results.first(), "agents")?,
        created: rows(results.get(1), "created")?,
        closed: rows(results.get(2), "closed")?,
        rated: rows(results.get(3), "rated")?,
    })
}
