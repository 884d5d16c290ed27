//! A visitor's rate budget (`domain::rate_limit::VISITOR`), one for their requests and
//! their socket messages, kept in the workspace's own object rather than in a limiter
//! object of its own: a message, by socket or by REST, spends it inside the call that
//! stores it (`Append::charge`), which saves the hottest path a round trip. The object
//! serialises its calls, so the count is as exact as the limiter's.

use axum::http::request::Parts;
use shared_types::error::ErrorCode;

use crate::auth::VisitorCaller;
use crate::domain::rate_limit::Decision;
use crate::error::ApiError;
use crate::limits::{self, Checked};
use crate::objects::workspace::client::ask;
use crate::objects::workspace::protocol::{BudgetOp, Request};
use crate::state::AppState;

/// Spends one request of the visitor's budget for a REST request, beside the handler when
/// it is a read (`limits::spend_beside`).
pub async fn spend_visitor(
    state: &AppState,
    parts: &Parts,
    visitor: &VisitorCaller,
) -> Result<(), ApiError> {
    let (state, visitor) = (state.clone(), visitor.clone());
    limits::spend_beside_with(parts, async move { check_visitor(&state, &visitor).await }).await
}

/// The answer to a visitor's request refused (with `refusal`) before it reached the call
/// that would have spent its budget: it spends now, and RATE-001 answers instead when
/// the budget has no room, as it would have before the request was looked at.
pub async fn charge_refused(
    state: &AppState,
    visitor: &VisitorCaller,
    refusal: ApiError,
) -> ApiError {
    match check_visitor(state, visitor).await {
        Ok((decision, _)) if !decision.allowed => {
            ApiError::new(ErrorCode::RateLimited).with_rate(Some(decision))
        }
        Ok((decision, _)) => refusal.with_rate(Some(decision)),
        Err(e) => e,
    }
}

async fn check_visitor(state: &AppState, visitor: &VisitorCaller) -> Result<Checked, ApiError> {
    let started = limits::clock_ms();
    let op = Request::Budgets(BudgetOp::Visitor {
        visitor_id: visitor.visitor_id.clone(),
    });
    let decision: Decision =
        ask(state, &visitor.workspace_id, &op)
            .await
            .map_err(|e| match e.code {
                // An erased workspace's token names nobody any more.
                ErrorCode::WorkspaceNotFound => ErrorCode::AuthVisitorToken.into(),
                _ => e,
            })?;
    Ok((decision, limits::clock_ms().saturating_sub(started) as f64))
}

pub mod object {
    use chrono::{DateTime, Duration, Utc};
    use serde::Deserialize;
    use worker::SqlStorage;

    use crate::domain::rate_limit::{self, Decision, Window};
    use crate::domain::time;
    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::BudgetOp;
    use crate::objects::workspace::sql::{earliest, rows, run};

    /// How long after a budget stops counting its row may stay: the sweep deletes many
    /// at once instead of waking every minute while visitors write.
    pub const SWEEP_SLACK: Duration = Duration::hours(1);

    pub fn handle(sql: &SqlStorage, op: BudgetOp) -> Result<String, ApiError> {
        match op {
            BudgetOp::Visitor { visitor_id } => answer(spend(sql, &visitor_id, time::now())?),
        }
    }

    /// Spends one request of `visitor_id`'s budget at `now`, recording it if allowed.
    /// Deciding and recording happen in one synchronous step of the object, so two
    /// requests cannot both take the last place.
    pub fn spend(
        sql: &SqlStorage,
        visitor_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Decision, ApiError> {
        #[derive(Deserialize)]
        struct Row {
            hits: String,
        }
        let found: Vec<Row> = rows(
            sql,
            "SELECT hits FROM visitor_budgets WHERE visitor_id = ?1",
            vec![visitor_id.into()],
        )?;
        // A row that does not parse (none is written so) counts as an empty window.
        let mut window: Window = found
            .first()
            .and_then(|r| serde_json::from_str(&r.hits).ok())
            .unwrap_or_default();
        let decision = window.check(now.timestamp_millis(), rate_limit::VISITOR);
        if decision.allowed {
            let hits =
                serde_json::to_string(&window).map_err(|e| ApiError::internal(e.to_string()))?;
            // Whole seconds, rounded up: the row must not go while a hit still counts.
            let until = now + Duration::minutes(1) + Duration::seconds(1);
            run(
                sql,
                "INSERT INTO visitor_budgets (visitor_id, hits, counts_until)
                 VALUES (?1, ?2, ?3)
                 ON CONFLICT (visitor_id) DO UPDATE
                    SET hits = excluded.hits, counts_until = excluded.counts_until",
                vec![visitor_id.into(), hits.into(), time::format(until).into()],
            )?;
        }
        Ok(decision)
    }

    /// Deletes the budgets that count nothing at `now`.
    pub fn sweep(sql: &SqlStorage, now: DateTime<Utc>) -> Result<(), ApiError> {
        run(
            sql,
            "DELETE FROM visitor_budgets WHERE counts_until <= ?1",
            vec![time::format(now).into()],
        )
    }

    /// When the sweep should next delete a budget, if any is kept.
    pub fn next_sweep(sql: &SqlStorage) -> Result<Option<DateTime<Utc>>, ApiError> {
        Ok(
            earliest(sql, "SELECT MIN(counts_until) AS at FROM visitor_budgets")?
                .map(|at| at + SWEEP_SLACK),
        )
    }
}
