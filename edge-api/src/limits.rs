//! Rate limits at the edge of every handler. An agent credential's budget and a
//! visitor's are kept by their workspace's object (`crate::services::budgets`); the
//! rest (an IP address's, a visitor's hourly chats, upload bytes) are each a
//! `RateLimiter` Durable Object (see [`crate::domain::rate_limit`] for the arithmetic).
//! The outer middleware puts a [`RateSlot`] in the request; whoever authenticates the
//! caller spends from the caller's budget and leaves the decision there, and the
//! middleware turns it into `X-RateLimit-*` (and, when refused, `Retry-After`) headers on
//! whatever the response is, with `Server-Timing: auth;dur=…, ratelimit;dur=…` when the
//! budget took a call of its own (visible in a browser's devtools).
//!
//! A read (GET, HEAD) changes nothing, so its budget is spent inside a call it makes
//! anyway, or beside its handler ([`spend_beside_with`]): either way, the middleware
//! ([`RateSlot::settle`]) holds the answer until the decision is in, replacing it with
//! RATE-001 when the budget refused it.

use std::sync::{Arc, Mutex};

use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use futures_channel::oneshot;
use shared_types::error::ErrorCode;
use worker::{Method, RequestInit};

use crate::domain::rate_limit::{Decision, Limits, Quota, Spend};
use crate::error::ApiError;
use crate::objects::workspace::protocol::Charge;
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
    /// A read's charge of an agent credential, left for its first call into its
    /// workspace's object (the id here) to carry (`services::budgets`).
    deferred: Option<(String, Charge)>,
}

impl RateSlot {
    /// Waits for a check started beside the handler, if one was, and records it:
    /// `Err` (RATE-001, or the limiter's failure) when the answer must not go out.
    pub async fn settle(&self) -> Result<(), ApiError> {
        let pending = self.0.lock().ok().and_then(|mut slot| slot.pending.take());
        let Some(pending) = pending else {
            // A refusal recorded from inside a call stands even if its handler went on.
            let refused = self
                .0
                .lock()
                .ok()
                .and_then(|slot| slot.decision)
                .is_some_and(|d| !d.allowed);
            return match refused {
                true => Err(ErrorCode::RateLimited.into()),
                false => Ok(()),
            };
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

    /// Leaves `charge` for the request's first call into `workspace_id`'s object.
    pub fn defer(&self, workspace_id: &str, charge: Charge) {
        if let Ok(mut slot) = self.0.lock() {
            slot.deferred = Some((workspace_id.to_string(), charge));
        }
    }

    /// The charge left for a call into `workspace_id`'s object, now taken by that call.
    pub fn claim(&self, workspace_id: &str) -> Option<Charge> {
        let mut slot = self.0.lock().ok()?;
        match &slot.deferred {
            Some((id, _)) if id == workspace_id => slot.deferred.take().map(|(_, c)| c),
            _ => None,
        }
    }

    /// The charge no call took, to be spent some other way.
    pub fn take_deferred(&self) -> Option<(String, Charge)> {
        self.0.lock().ok().and_then(|mut slot| slot.deferred.take())
    }

    /// Runs `check` while the handler goes on; [`Self::settle`] waits for it.
    pub fn start_beside(
        &self,
        check: impl std::future::Future<Output = Result<Checked, ApiError>> + 'static,
    ) {
        let (answer, pending) = oneshot::channel();
        wasm_bindgen_futures::spawn_local(async move {
            // The receiver is gone only if the request was dropped: nothing to tell.
            let _ = answer.send(check.await);
        });
        if let Ok(mut contents) = self.0.lock() {
            contents.pending = Some(pending);
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

/// Spends from a budget (`check` does) while the handler runs, for a request that
/// changes nothing (GET, HEAD): the middleware waits for the decision before answering
/// (see [`RateSlot::settle`]). Anything else is checked before its handler.
pub async fn spend_beside_with(
    parts: &Parts,
    check: impl std::future::Future<Output = Result<Checked, ApiError>> + 'static,
) -> Result<(), ApiError> {
    let slot = parts.extensions.get::<RateSlot>();
    let (Some(slot), true) = (slot, is_read(parts)) else {
        return record(parts, check.await?);
    };
    slot.start_beside(check);
    Ok(())
}

/// Whether the request changes nothing, so that its budget may be decided while it
/// runs. A socket's upgrade is a GET too, but its handler hands the socket to an object:
/// that must not happen before the budget allowed it.
pub fn is_read(parts: &Parts) -> bool {
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
