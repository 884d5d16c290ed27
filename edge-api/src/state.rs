//! What every handler can reach: the Worker's bindings.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use worker::send::SendWrapper;
use worker::{Bucket, Context, D1Database, Env, ObjectNamespace, Queue};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::ApiError;

/// Cheap to clone; axum hands a copy to every handler.
#[derive(Clone)]
pub struct AppState {
    // Env is !Send, but a worker isolate is single-threaded, so axum's Send bound is
    // satisfied without any real sharing across threads.
    env: Arc<SendWrapper<Env>>,
    /// The fetch event's context, so work the answer does not wait for can outlive it.
    ctx: Option<Arc<Context>>,
    /// How many D1 handles the request took (see `db`): what `Server-Timing` reports.
    d1_handles: Arc<AtomicU32>,
    /// The request's rate-limit decision, and a charge waiting for a call to carry it:
    /// here, rather than only in the request, so that a call into a workspace's object
    /// can take the charge with it (`objects::workspace::client`).
    rate: crate::limits::RateSlot,
}

/// Handlers and extractors take the request's state from its extensions, where the
/// fetch event put it: the router is built once per isolate, and axum's own `State`
/// would need the whole router rebuilt (or re-stated) for every request's `Env`.
impl<S: Send + Sync> FromRequestParts<S> for AppState {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        AppState::of(parts)
    }
}

impl AppState {
    /// The state the fetch event stored in the request.
    pub fn of(parts: &Parts) -> Result<AppState, ApiError> {
        parts
            .extensions
            .get::<AppState>()
            .cloned()
            .ok_or_else(|| ApiError::internal("the request carries no state"))
    }

    pub fn new(env: Env) -> Self {
        Self {
            env: Arc::new(SendWrapper::new(env)),
            ctx: None,
            d1_handles: Arc::default(),
            rate: crate::limits::RateSlot::default(),
        }
    }

    /// The request's rate slot (an unused one outside a request).
    pub fn rate_slot(&self) -> &crate::limits::RateSlot {
        &self.rate
    }

    /// The state of one fetch event.
    pub fn for_request(env: Env, ctx: Context) -> Self {
        Self {
            ctx: Some(Arc::new(ctx)),
            ..Self::new(env)
        }
    }

    /// How many D1 handles this request has taken so far.
    pub fn d1_handles(&self) -> u32 {
        self.d1_handles.load(Ordering::Relaxed)
    }

    /// Runs `work` after the response has gone out (the event waits for it) when there
    /// is a request to answer first; otherwise (a queue batch, a cron) runs it now.
    pub async fn after_response(&self, work: impl Future<Output = ()> + 'static) {
        match &self.ctx {
            Some(ctx) => ctx.wait_until(work),
            None => work.await,
        }
    }

    /// The directory. Every query needs a handle, so the count of handles taken bounds
    /// the queries a request made: none taken, none made.
    pub fn db(&self) -> Result<D1Database, ApiError> {
        self.d1_handles.fetch_add(1, Ordering::Relaxed);
        self.env
            .d1("DB")
            .map_err(|e| ApiError::unavailable(format!("D1 binding DB: {e}")))
    }

    /// The key that signs visitor tokens and upload URLs. Without it nothing signed can
    /// be trusted, so requests that need it fail with 503 rather than run unsigned.
    pub fn token_secret(&self) -> Result<String, ApiError> {
        self.secret("TOKEN_SECRET")
            .ok_or_else(|| ApiError::unavailable("the TOKEN_SECRET secret is not set"))
    }

    pub fn bucket(&self) -> Result<Bucket, ApiError> {
        self.env
            .bucket("FILES")
            .map_err(|e| ApiError::unavailable(format!("R2 binding FILES: {e}")))
    }

    pub fn chat_rooms(&self) -> Result<ObjectNamespace, ApiError> {
        self.env
            .durable_object("CHAT_ROOM")
            .map_err(|e| ApiError::unavailable(format!("Durable Object binding CHAT_ROOM: {e}")))
    }

    pub fn inboxes(&self) -> Result<ObjectNamespace, ApiError> {
        self.env
            .durable_object("INBOX")
            .map_err(|e| ApiError::unavailable(format!("Durable Object binding INBOX: {e}")))
    }

    /// Each workspace's own database (`crate::objects::workspace`).
    pub fn workspaces(&self) -> Result<ObjectNamespace, ApiError> {
        self.env
            .durable_object("WORKSPACE")
            .map_err(|e| ApiError::unavailable(format!("Durable Object binding WORKSPACE: {e}")))
    }

    pub fn rate_limiters(&self) -> Result<ObjectNamespace, ApiError> {
        self.env
            .durable_object("RATE_LIMITER")
            .map_err(|e| ApiError::unavailable(format!("Durable Object binding RATE_LIMITER: {e}")))
    }

    /// Read-mostly copies (see `crate::cache`).
    pub fn cache(&self) -> Result<worker::kv::KvStore, ApiError> {
        self.env
            .kv("CACHE")
            .map_err(|e| ApiError::unavailable(format!("KV binding CACHE: {e}")))
    }

    /// The static files (dist/public): the widget, the console, the demo's assets.
    pub fn assets(&self) -> Result<worker::Fetcher, ApiError> {
        self.env
            .assets("ASSETS")
            .map_err(|e| ApiError::unavailable(format!("assets binding ASSETS: {e}")))
    }

    /// Where webhook deliveries are enqueued.
    pub fn webhook_queue(&self) -> Result<Queue, ApiError> {
        self.env
            .queue("WEBHOOKS")
            .map_err(|e| ApiError::unavailable(format!("Queue binding WEBHOOKS: {e}")))
    }

    /// The `send_email` binding all mail goes out through.
    pub fn mailer(&self) -> Result<worker::SendEmail, ApiError> {
        self.env
            .get_binding::<worker::SendEmail>("EMAIL")
            .map_err(|e| ApiError::unavailable(format!("send_email binding EMAIL: {e}")))
    }

    /// Local development delivers to loopback receivers over plain http (.dev.vars or
    /// `--var` sets ALLOW_PRIVATE_WEBHOOK_URLS "true"); wrangler.toml says "false"
    /// everywhere, its top level included.
    pub fn allow_private_webhook_urls(&self) -> bool {
        crate::domain::webhook::allows_private(self.secret("ALLOW_PRIVATE_WEBHOOK_URLS").as_deref())
    }

    /// `WEBHOOK_EGRESS=loopback` (the e2e harness): deliveries to any other host are
    /// recorded as failed without a request, so a test (or a fuzzer inventing URLs)
    /// never sends traffic off the machine, DNS lookups included.
    pub fn webhooks_to_loopback_only(&self) -> bool {
        self.secret("WEBHOOK_EGRESS").as_deref() == Some("loopback")
    }

    /// The first retry's delay; tests shorten it with `--var WEBHOOK_RETRY_BASE_SECONDS:1`
    /// so a whole retry schedule fits in a test run.
    pub fn webhook_retry_base_seconds(&self) -> u32 {
        self.secret("WEBHOOK_RETRY_BASE_SECONDS")
            .and_then(|v| v.parse().ok())
            .unwrap_or(crate::domain::webhook::DEFAULT_RETRY_BASE_SECONDS)
    }

    /// A plain-text variable or secret; `None` when unset or empty.
    /// A duration set in seconds by the variable `name` (the test harness shortens
    /// waits this way); `default` seconds when it is unset, unreadable or negative.
    pub fn seconds_var(&self, name: &str, default: i64) -> chrono::Duration {
        let seconds = self
            .secret(name)
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|s| *s >= 0)
            .unwrap_or(default);
        chrono::Duration::seconds(seconds)
    }

    pub fn secret(&self, name: &str) -> Option<String> {
        let value = self
            .env
            .secret(name)
            .map(|s| s.to_string())
            .or_else(|_| self.env.var(name).map(|v| v.to_string()))
            .ok()?;
        (!value.is_empty()).then_some(value)
    }
}
