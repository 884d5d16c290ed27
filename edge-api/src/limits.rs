//! Rate limits at the edge of every handler: each budget is a `RateLimiter` Durable
//! Object (see [`crate::domain::rate_limit`] for the arithmetic). The outer middleware
//! puts a [`RateSlot`] in the request; whoever authenticates the caller spends from the
//! caller's budget and leaves the decision there, and the middleware turns it into
//! `X-RateLimit-*` (and, when refused, `Retry-After`) headers on whatever the response is.

use std::sync::{Arc, Mutex};

use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use shared_types::error::ErrorCode;
use worker::{Method, RequestInit};

use crate::domain::rate_limit::{Decision, Limits};
use crate::error::ApiError;
use crate::state::AppState;

/// Where a request's rate-limit decision waits for its response.
#[derive(Clone, Default)]
pub struct RateSlot(Arc<Mutex<Option<Decision>>>);

impl RateSlot {
    /// Adds the headers of the decision, if a budget was spent.
    pub fn stamp(&self, headers: &mut HeaderMap) {
        let Some(d) = self.0.lock().ok().and_then(|d| *d) else {
            return;
        };
        let mut set = |name: &'static str, value: String| {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        };
        set("x-ratelimit-limit", d.limit.to_string());
        set("x-ratelimit-remaining", d.remaining.to_string());
        set("x-ratelimit-reset", d.reset.to_string());
        if let Some(seconds) = d.retry_after {
            set("retry-after", seconds.to_string());
        }
    }
}

/// Spends one request from the budget `name`; RATE-001 when it is exhausted.
pub async fn spend(
    state: &AppState,
    parts: &Parts,
    name: &str,
    limits: Limits,
) -> Result<(), ApiError> {
    let slot = parts.extensions.get::<RateSlot>().cloned();
    let decision = ask(state, name, limits).await?;
    if let Some(RateSlot(slot)) = slot {
        if let Ok(mut slot) = slot.lock() {
            *slot = Some(decision);
        }
    }
    if decision.allowed {
        Ok(())
    } else {
        Err(ErrorCode::RateLimited.into())
    }
}

async fn ask(state: &AppState, name: &str, limits: Limits) -> Result<Decision, ApiError> {
    let body = serde_json::to_string(&limits).map_err(|e| ApiError::internal(e.to_string()))?;
    let stub = state
        .rate_limiters()?
        .get_by_name(name)
        .map_err(|e| ApiError::unavailable(format!("rate limiter stub: {e}")))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    let req = worker::Request::new_with_init("https://limiter/check", &init)?;
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
