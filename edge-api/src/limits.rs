//! Rate limits at the edge of every handler: each budget is a `RateLimiter` Durable
//! Object (see [`crate::domain::rate_limit`] for the arithmetic), but a visitor's, which
//! their workspace's object keeps (`crate::services::budgets`). The outer middleware
//! puts a [`RateSlot`] in the request; whoever authenticates the caller spends from the
//! caller's budget and leaves the decision there, and the middleware turns it into
//! `X-RateLimit-*` (and, when refused, `Retry-After`) headers on whatever the response is,
//! with `Server-Timing: auth;dur=…, ratelimit;dur=…`: the key's lookup and the budget's
//! check run side by side, and these say what each took (visible in a browser's
//! devtools; the benchmark derives the limiter's cost from them).
//!
//! A read (GET, HEAD) changes nothing, so its budget is checked beside its handler
//! ([`spend_beside`]): the limiter's round trip overlaps the handler's instead of
//! preceding it, and the middleware ([`RateSlot::settle`]) holds the answer until the
//! decision is in, replacing it with RATE-001 when the budget refused it.

use std::sync::{Arc, Mutex};

use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use futures_channel::oneshot;
use shared_types::error::ErrorCode;
use worker::{Method, RequestInit};

use crate::domain::rate_limit::{Decision, Limits, Quota, Spend};
use crate::error::ApiError;
use crate::state::AppState;

/// Request bodies above this are refused with 413 REQ-003 (file bytes take another path).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Where a request's rate-limit decision waits for its response.
#[derive(Clone, Default)]
pub struct RateSlot(Arc<Mutex<SlotContents>>);

#[derive(Default)]
struct SlotContents {
    decision: Option<Decision>,
    timings: Vec<(&'static str, f64)>,
    /// A check started beside the handler, not yet answered.
    pending: Option<oneshot::Receiver<Result<Checked, ApiError>>>,
}

impl RateSlot {
    /// Waits for a check started beside the handler, if one was, and records it:
    /// `Err` (RATE-001, or the limiter's failure) when the answer must not go out.
    pub async fn settle(&self) -> Result<(), ApiError> {
        let pending = self.0.lock().ok().and_then(|mut slot| slot.pending.take());
        let Some(pending) = pending else {
            return Ok(());
        };
        let checked = pending
            .await
            .map_err(|_| ApiError::unavailable("rate limiter check dropped"))??;
        self.record(checked)
    }

    fn record(&self, (decision, ms): Checked) -> Result<(), ApiError> {
        if let Ok(mut slot) = self.0.lock() {
            slot.timings.push(("ratelimit", ms));
            slot.decision = Some(decision);
        }
        if decision.allowed {
            Ok(())
        } else {
            Err(ErrorCode::RateLimited.into())
        }
    }

    /// Records a decision made inside another call, which therefore has no time of its
    /// own (`Append::charge`); the first decision recorded is the request's.
    pub fn record_spent(&self, decision: Decision) {
        if let Ok(mut slot) = self.0.lock() {
            slot.decision.get_or_insert(decision);
        }
    }

    /// Adds the headers of the decision, if a budget was spent.
    pub fn stamp(&self, headers: &mut HeaderMap) {
        let Ok(slot) = self.0.lock() else {
            return;
        };
        let mut set = |name: &'static str, value: String| {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        };
        if let Some(d) = slot.decision {
            set("x-ratelimit-limit", d.limit.to_string());
            set("x-ratelimit-remaining", d.remaining.to_string());
            set("x-ratelimit-reset", d.reset.to_string());
            if let Some(seconds) = d.retry_after {
                set("retry-after", seconds.to_string());
            }
        }
        if !slot.timings.is_empty() {
            let timings: Vec<String> = slot
                .timings
                .iter()
                .map(|(name, ms)| format!("{name};dur={ms}"))
                .collect();
            set("server-timing", timings.join(", "));
        }
    }
}

/// Notes how long a step of the request took, for `Server-Timing`.
pub fn note_timing(parts: &Parts, name: &'static str, ms: f64) {
    if let Some(RateSlot(slot)) = parts.extensions.get::<RateSlot>() {
        if let Ok(mut slot) = slot.lock() {
            slot.timings.push((name, ms));
        }
    }
}

/// Milliseconds on the worker's clock (which moves on I/O, so it times I/O well).
pub fn clock_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// Spends one request from the budget `name`; RATE-001 when it is exhausted.
pub async fn spend(
    state: &AppState,
    parts: &Parts,
    name: &str,
    limits: Limits,
) -> Result<(), ApiError> {
    let checked = check(state, name, limits).await?;
    record(parts, checked)
}

/// A decision and how long it took to get, in milliseconds.
pub type Checked = (Decision, f64);

/// Asks the budget `name` for one request, without yet answering the caller: see
/// [`record`].
pub async fn check(state: &AppState, name: &str, limits: Limits) -> Result<Checked, ApiError> {
    let started = clock_ms();
    let decision = ask(state, name, limits).await?;
    Ok((decision, clock_ms().saturating_sub(started) as f64))
}

/// Leaves the decision for the response's headers; RATE-001 when it refused.
pub fn record(parts: &Parts, checked: Checked) -> Result<(), ApiError> {
    match parts.extensions.get::<RateSlot>() {
        Some(slot) => slot.record(checked),
        None if checked.0.allowed => Ok(()),
        None => Err(ErrorCode::RateLimited.into()),
    }
}

/// Spends one request from the budget `name` while the handler runs, for a request
/// that changes nothing (GET, HEAD): the middleware waits for the decision before
/// answering (see [`RateSlot::settle`]). Anything else is checked before its handler.
pub async fn spend_beside(
    state: &AppState,
    parts: &Parts,
    name: &str,
    limits: Limits,
) -> Result<(), ApiError> {
    let (state, name) = (state.clone(), name.to_string());
    spend_beside_with(parts, async move { check(&state, &name, limits).await }).await
}

/// [`spend_beside`] for a budget kept elsewhere than in a limiter object: `check` spends
/// from it (`services::budgets`).
pub async fn spend_beside_with(
    parts: &Parts,
    check: impl std::future::Future<Output = Result<Checked, ApiError>> + 'static,
) -> Result<(), ApiError> {
    let slot = parts.extensions.get::<RateSlot>();
    let (Some(slot), true) = (slot, is_read(parts)) else {
        return record(parts, check.await?);
    };
    let (answer, pending) = oneshot::channel();
    wasm_bindgen_futures::spawn_local(async move {
        // The receiver is gone only if the request was dropped: nothing to tell.
        let _ = answer.send(check.await);
    });
    if let Ok(mut contents) = slot.0.lock() {
        contents.pending = Some(pending);
    }
    Ok(())
}

/// A socket's upgrade is a GET too, but its handler hands the socket to an object: that
/// must not happen before the budget allowed it.
fn is_read(parts: &Parts) -> bool {
    let read = parts.method == axum::http::Method::GET || parts.method == axum::http::Method::HEAD;
    read && !parts.headers.contains_key(axum::http::header::UPGRADE)
}

/// Spends `amounts` of the quotas (one window) from the budget `name`, all or nothing;
/// RATE-001 with `Retry-After` when one has no room. Nothing is recorded on refusal.
pub async fn spend_quota(
    state: &AppState,
    parts: &Parts,
    name: &str,
    amounts: &[(Quota, u64)],
) -> Result<(), ApiError> {
    let started = clock_ms();
    let body = serde_json::to_string(&Spend::of(amounts))
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let decision = call(state, name, "https://limiter/spend", body).await?;
    record(parts, (decision, clock_ms().saturating_sub(started) as f64))
}

async fn ask(state: &AppState, name: &str, limits: Limits) -> Result<Decision, ApiError> {
    let body = serde_json::to_string(&limits).map_err(|e| ApiError::internal(e.to_string()))?;
    call(state, name, "https://limiter/check", body).await
}

async fn call(state: &AppState, name: &str, url: &str, body: String) -> Result<Decision, ApiError> {
    let stub = state
        .rate_limiters()?
        .get_by_name(name)
        .map_err(|e| ApiError::unavailable(format!("rate limiter stub: {e}")))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    let req = worker::Request::new_with_init(url, &init)?;
    // Without an answer the limit cannot be kept, so the request is not served.
    let mut res = stub
        .fetch_with_request(req)
        .await
        .map_err(|e| ApiError::unavailable(format!("rate limiter {name}: {e}")))?;
    res.json()
        .await
        .map_err(|e| ApiError::unavailable(format!("rate limiter {name}: {e}")))
}

/// The caller's address as Cloudflare (and `wrangler dev`) reports it.
pub fn client_ip(headers: &HeaderMap) -> &str {
    headers
        .get("cf-connecting-ip")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown")
}
