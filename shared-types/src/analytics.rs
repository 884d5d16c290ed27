//! Analytics: `GET /analytics/overview` and `GET /analytics/agents`, plus the
//! date-range query and `period` object they share with agent stats.
//!
//! The formulas are in DESIGN.md ("Definitions of the metrics"); this module
//! only fixes the shapes. Figures with nothing to compute from are `null`, never
//! `0`, so "no ratings yet" is not read as "rated zero".

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, WorkspaceId};
use crate::validate::{IsoDate, TimeZoneName};

wire_enum! {
    /// `sort_by` of `GET /analytics/agents`. Every order puts the best first:
    /// most chats, highest score, fastest response (agents without a figure last).
    pub enum AgentSortBy {
        /// Most chats first.
        TotalChats = "total_chats",
        /// Highest CSAT first.
        CsatScore = "csat_score",
        /// Fastest average first response first.
        ResponseTime = "response_time",
    }
}

/// An inclusive date range, as returned in `period`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    /// First day, `YYYY-MM-DD` (UTC).
    pub from: IsoDate,
    /// Last day, `YYYY-MM-DD` (UTC), inclusive.
    pub to: IsoDate,
}

/// `?from=&to=&tz=` of `GET /agents/{id}/stats`, and of the other analytics queries
/// within theirs. Absent bounds are chosen by the
/// server and echoed in `period`; `from` after `to` is
/// [`ErrorCode::InvalidQuery`](crate::ErrorCode::InvalidQuery).
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct DateRangeQuery {
    /// First day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub from: Option<IsoDate>,
    /// Last day, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub to: Option<IsoDate>,
    /// The zone whose midnights bound the days; absent means UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub tz: Option<TimeZoneName>,
}

impl DateRangeQuery {
    /// False when both bounds are given and `from` is after `to`.
    pub fn is_ordered(&self) -> bool {
        match (&self.from, &self.to) {
            (Some(from), Some(to)) => from <= to,
            _ => true,
        }
    }
}

/// Query of `GET /analytics/overview`.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
pub struct OverviewQuery {
    /// `from`, `to` and `tz`.
    #[serde(flatten)]
    pub days: DateRangeQuery,
    /// Optional; must be the caller's own workspace (another one is a 404).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<WorkspaceId>,
}

/// The date range's parameters plus `workspace_id`.
#[cfg(feature = "openapi")]
impl utoipa::IntoParams for OverviewQuery {
    fn into_params(
        parameter_in_provider: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        let mut params = DateRangeQuery::into_params(&parameter_in_provider);
        params.push(crate::openapi::optional_query_param::<WorkspaceId>(
            "workspace_id",
            "Admin only: another workspace to report on.",
            parameter_in_provider(),
        ));
        params
    }
}

/// Query of `GET /analytics/agents`.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentPerformanceQuery {
    /// `from`, `to` and `tz`.
    #[serde(flatten)]
    pub days: DateRangeQuery,
    /// Order of the rows; absent means `total_chats`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<AgentSortBy>,
}

/// The date range's parameters plus `sort_by`.
#[cfg(feature = "openapi")]
impl utoipa::IntoParams for AgentPerformanceQuery {
    fn into_params(
        parameter_in_provider: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        let mut params = DateRangeQuery::into_params(&parameter_in_provider);
        params.push(crate::openapi::optional_query_param::<AgentSortBy>(
            "sort_by",
            "The order of the rows.",
            parameter_in_provider(),
        ));
        params
    }
}

/// `GET /analytics/overview`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnalyticsOverview {
    /// The range the figures cover.
    pub period: Period,
    /// Figures for the range.
    pub metrics: OverviewMetrics,
    /// Change against the range of the same length just before.
    pub trends: OverviewTrends,
}

/// The `metrics` of [`AnalyticsOverview`].
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverviewMetrics {
    /// Chats created in the period.
    pub total_chats: u64,
    /// Mean first-reply time in whole seconds, `null` without replies.
    pub avg_response_time_seconds: Option<u64>,
    /// Mean resolution time in whole minutes, `null` without closed chats.
    pub avg_resolution_time_minutes: Option<u64>,
    /// Mean 1–5 rating, one decimal place; `null` without ratings.
    pub csat_score: Option<f64>,
    /// 0.0..=1.0, two decimal places; `null` without closed chats.
    pub first_contact_resolution_rate: Option<f64>,
}

/// The `trends` of [`AnalyticsOverview`]: percent change, one decimal place,
/// negative for a decrease; `null` when the previous period has no figure to
/// compare with (percent change from zero is undefined).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverviewTrends {
    /// Change in `total_chats`.
    pub chats_change_percent: Option<f64>,
    /// Change in `avg_response_time_seconds` (negative is faster).
    pub response_time_change_percent: Option<f64>,
}

/// One row of `GET /analytics/agents`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentPerformance {
    /// The agent.
    pub agent_id: AgentId,
    /// Their display name.
    pub name: String,
    /// Chats assigned to them and created in the period.
    pub total_chats: u64,
    /// Of those, how many are closed.
    pub resolved_chats: u64,
    /// Mean first-reply time in whole seconds, `null` without replies.
    pub avg_response_time_seconds: Option<u64>,
    /// Mean 1–5 rating, one decimal place; `null` without ratings.
    pub csat_score: Option<f64>,
    /// Number of ratings behind `csat_score`.
    pub csat_responses: u64,
}

/// Query of `GET /v1/analytics/daily` (ours: the series behind the console's charts).
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
pub struct DailyQuery {
    /// `from`, `to` and `tz`.
    #[serde(flatten)]
    pub days: DateRangeQuery,
    /// Only the chats assigned to this agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
}

/// The date range's parameters plus `agent_id`.
#[cfg(feature = "openapi")]
impl utoipa::IntoParams for DailyQuery {
    fn into_params(
        parameter_in_provider: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        let mut params = DateRangeQuery::into_params(&parameter_in_provider);
        params.push(crate::openapi::optional_query_param::<AgentId>(
            "agent_id",
            "Only this agent's chats.",
            parameter_in_provider(),
        ));
        params
    }
}

/// `GET /v1/analytics/daily`: one row per day of the period, oldest first, empty days
/// included.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnalyticsDaily {
    /// The range the rows cover.
    pub period: Period,
    /// One per day.
    pub data: Vec<DailyFigures>,
}

/// One day's figures, by the same definitions as the overview.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyFigures {
    /// The day, in the request's zone.
    pub date: IsoDate,
    /// Chats created that day.
    pub total_chats: u64,
    /// Of those, how many are closed now.
    pub resolved_chats: u64,
    /// Mean first-reply time of that day's chats, whole seconds.
    pub avg_response_time_seconds: Option<u64>,
    /// Chats closed that day.
    pub closed_chats: u64,
    /// Mean resolution time of the chats closed that day, whole minutes.
    pub avg_resolution_time_minutes: Option<u64>,
    /// First contact resolution among the chats closed that day, two decimals.
    pub first_contact_resolution_rate: Option<f64>,
    /// Mean of the ratings given that day, one decimal.
    pub csat_score: Option<f64>,
    /// Ratings given that day.
    pub csat_responses: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn date_range_is_checked_for_order_and_shape() {
        let q: DateRangeQuery =
            serde_json::from_value(json!({"from": "2026-02-01", "to": "2026-02-11"})).unwrap();
        assert!(q.is_ordered());
        let q: DateRangeQuery =
            serde_json::from_value(json!({"from": "2026-02-12", "to": "2026-02-11"})).unwrap();
        assert!(!q.is_ordered());
        assert!(DateRangeQuery::default().is_ordered());
        assert!(serde_json::from_value::<DateRangeQuery>(json!({"from": "2026-02-30"})).is_err());
    }

    #[test]
    fn queries_read_query_strings() {
        let q: AgentPerformanceQuery =
            serde_urlencoded::from_str("from=2026-02-01&to=2026-02-11&sort_by=csat_score").unwrap();
        assert_eq!(q.sort_by, Some(AgentSortBy::CsatScore));
        assert_eq!(q.days.from.unwrap().as_str(), "2026-02-01");
        let o: OverviewQuery = serde_urlencoded::from_str("workspace_id=ws_1").unwrap();
        assert_eq!(o.workspace_id.unwrap().as_str(), "ws_1");
        for bad in ["sort_by=name", "from=yesterday", "to=2026-02-30"] {
            assert!(
                serde_urlencoded::from_str::<AgentPerformanceQuery>(bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn sort_by_spellings() {
        assert_eq!(
            AgentSortBy::SPELLINGS,
            &["total_chats", "csat_score", "response_time"]
        );
        assert!("avg_response_time".parse::<AgentSortBy>().is_err());
    }

    #[test]
    fn empty_period_serialises_nulls_not_zeros() {
        let m = OverviewMetrics {
            total_chats: 0,
            avg_response_time_seconds: None,
            avg_resolution_time_minutes: None,
            csat_score: None,
            first_contact_resolution_rate: None,
        };
        let t = OverviewTrends {
            chats_change_percent: None,
            response_time_change_percent: None,
        };
        assert_eq!(
            serde_json::to_value(m).unwrap(),
            json!({"total_chats": 0, "avg_response_time_seconds": null,
                   "avg_resolution_time_minutes": null, "csat_score": null,
                   "first_contact_resolution_rate": null})
        );
        assert_eq!(
            serde_json::to_value(t).unwrap(),
            json!({"chats_change_percent": null, "response_time_change_percent": null})
        );
    }
}
