//! The rate budgets a workspace's object keeps, rather than limiter objects of their own:
//! a visitor's (`domain::rate_limit::VISITOR`), one for their requests and their socket
//! messages, and an agent credential's (an API key's, a console session's). The object
//! serialises its calls, so each count is as exact as a limiter's.
//!
//! Each is spent inside a call the request makes anyway, which saves a round trip:
//! - a visitor's message, by socket or by REST, spends inside the call that stores it
//!   (`Append::charge`);
//! - an agent's read spends inside its first call into the workspace's object, which
//!   carries the charge (`x-charge`) and answers the decision (`x-budget`) beside its
//!   value. A read that waits on anything else first spends beside it instead
//!   ([`start_deferred`]); either way the answer goes out only once the budget allowed it.
//! - an agent's write spends before its handler starts ([`spend_credential`]), since a
//!   handler may change the directory, R2 or a chat's room before its first call here.

use axum::http::request::Parts;
use shared_types::error::ErrorCode;

use crate::auth::VisitorCaller;
use crate::domain::rate_limit::Decision;
use crate::error::ApiError;
use crate::limits::{self, Checked, RateSlot};
use crate::objects::workspace::client::ask;
use crate::objects::workspace::protocol::{BudgetOp, Charge, Request};
use crate::state::AppState;

/// Spends one request of the visitor's budget for a REST request, beside the handler when
/// it is a read (`limits::spend_beside_with`).
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
    let op = BudgetOp::Visitor {
        visitor_id: visitor.visitor_id.clone(),
    };
    // An erased workspace's token names nobody any more.
    check(
        state,
        &visitor.workspace_id,
        op,
        ErrorCode::AuthVisitorToken,
    )
    .await
}

/// Spends one request of an agent credential's budget now, before the handler of a
/// request that may change something; RATE-001 when it has no room.
pub async fn spend_credential(
    state: &AppState,
    parts: &Parts,
    workspace_id: &str,
    charge: Charge,
) -> Result<(), ApiError> {
    let checked = check_credential(state, workspace_id, charge).await?;
    limits::record(parts, checked)
}

/// Starts the charge a read left for its workspace's object (`RateSlot::defer`) beside
/// the handler, when the handler waits on something else first or finished without that
/// call: the answer waits for its decision (`RateSlot::settle`).
pub fn start_deferred(state: &AppState, slot: &RateSlot) {
    if let Some((workspace_id, charge)) = slot.take_deferred() {
        let state = state.clone();
        slot.start_beside(async move { check_credential(&state, &workspace_id, charge).await });
    }
}

async fn check_credential(
    state: &AppState,
    workspace_id: &str,
    charge: Charge,
) -> Result<Checked, ApiError> {
    // The workspace of a credential still in a cache was erased: the credential is gone.
    let gone = if charge.credential.starts_with("key:") {
        ErrorCode::AuthUnknownKey
    } else {
        ErrorCode::AuthSessionInvalid
    };
    check(state, workspace_id, BudgetOp::Credential(charge), gone).await
}

async fn check(
    state: &AppState,
    workspace_id: &str,
    op: BudgetOp,
    gone: ErrorCode,
) -> Result<Checked, ApiError> {
    let started = limits::clock_ms();
    let decision: Decision = ask(state, workspace_id, &Request::Budgets(op))
        .await
        .map_err(|e| match e.code {
            ErrorCode::WorkspaceNotFound => gone.into(),
            _ => e,
        })?;
    Ok((decision, limits::clock_ms().saturating_sub(started) as f64))
}

pub mod object {
    use chrono::{DateTime, Duration, Utc};
    use serde::Deserialize;
    use worker::SqlStorage;

    use crate::domain::rate_limit::{self, Decision, Limits, Window};
    use crate::domain::time;
    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::BudgetOp;
    use crate::objects::workspace::sql::{earliest, rows, run};

    /// How long after a budget stops counting its row may stay: the sweep deletes many
    /// at once instead of waking every minute while visitors write.
    pub const SWEEP_SLACK: Duration = Duration::hours(1);

    /// Whose budget, and so which table keeps it.
    #[derive(Debug, Clone, Copy)]
    pub enum Budget<'a> {
        /// A visitor's, by their id (workspace migration 0016).
        Visitor(&'a str),
        /// An API key's or a console session's (`key:<hash>`, `session:<hash>`), with
        /// its numbers (workspace migration 0018).
        Credential(&'a str, Limits),
    }

    impl Budget<'_> {
        /// The table, its key column and the budget's numbers. Only these constants are
        /// ever formatted into a query.
        fn kept(&self) -> (&'static str, &'static str, &str, Limits) {
            match *self {
                Budget::Visitor(id) => ("visitor_budgets", "visitor_id", id, rate_limit::VISITOR),
                Budget::Credential(name, limits) => {
                    ("credential_budgets", "credential", name, limits)
                }
            }
        }
    }

    /// The two tables, for the sweep.
    const TABLES: [&str; 2] = ["visitor_budgets", "credential_budgets"];

    pub fn handle(sql: &SqlStorage, op: BudgetOp) -> Result<String, ApiError> {
        let now = time::now();
        match op {
            BudgetOp::Visitor { visitor_id } => {
                answer(spend(sql, Budget::Visitor(&visitor_id), now)?)
            }
            BudgetOp::Credential(charge) => answer(spend(
                sql,
                Budget::Credential(&charge.credential, charge.limits),
                now,
            )?),
        }
    }

    /// Spends one request of `budget` at `now`, recording it if allowed. Deciding and
    /// recording happen in one synchronous step of the object, so two requests cannot
    /// both take the last place.
    pub fn spend(
        sql: &SqlStorage,
        budget: Budget,
        now: DateTime<Utc>,
    ) -> Result<Decision, ApiError> {
        #[derive(Deserialize)]
        struct Row {
            hits: String,
        }
        let (table, key, name, limits) = budget.kept();
        let found: Vec<Row> = rows(
            sql,
            &format!("SELECT hits FROM {table} WHERE {key} = ?1"),
            vec![name.into()],
        )?;
        // A row that does not parse (none is written so) counts as an empty window.
        let mut window: Window = found
            .first()
            .and_then(|r| serde_json::from_str(&r.hits).ok())
            .unwrap_or_default();
        let decision = window.check(now.timestamp_millis(), limits);
        if decision.allowed {
            let hits =
                serde_json::to_string(&window).map_err(|e| ApiError::internal(e.to_string()))?;
            // Whole seconds, rounded up: the row must not go while a hit still counts.
            let until = now + Duration::minutes(1) + Duration::seconds(1);
            run(
                sql,
                &format!(
                    "INSERT INTO {table} ({key}, hits, counts_until) VALUES (?1, ?2, ?3)
                     ON CONFLICT ({key}) DO UPDATE
                        SET hits = excluded.hits, counts_until = excluded.counts_until"
                ),
                vec![name.into(), hits.into(), time::format(until).into()],
            )?;
        }
        Ok(decision)
    }

    /// Deletes the budgets that count nothing at `now`.
    pub fn sweep(sql: &SqlStorage, now: DateTime<Utc>) -> Result<(), ApiError> {
        for table in TABLES {
            run(
                sql,
                &format!("DELETE FROM {table} WHERE counts_until <= ?1"),
                vec![time::format(now).into()],
            )?;
        }
        Ok(())
    }

    /// When the sweep should next delete a budget, if any is kept.
    pub fn next_sweep(sql: &SqlStorage) -> Result<Option<DateTime<Utc>>, ApiError> {
        let mut next = None;
        for table in TABLES {
            let at = earliest(sql, &format!("SELECT MIN(counts_until) AS at FROM {table}"))?;
            next = next.into_iter().chain(at).min();
        }
        Ok(next.map(|at| at + SWEEP_SLACK))
    }
}
