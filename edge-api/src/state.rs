//! What every handler can reach: the Worker's bindings.

use std::sync::Arc;
use worker::send::SendWrapper;
use worker::{D1Database, Env};

use crate::error::ApiError;

/// Cheap to clone; axum hands a copy to every handler.
#[derive(Clone)]
pub struct AppState {
    // Env is !Send, but a worker isolate is single-threaded, so axum's Send bound is
    // satisfied without any real sharing across threads.
    env: Arc<SendWrapper<Env>>,
}

impl AppState {
    pub fn new(env: Env) -> Self {
        Self {
            env: Arc::new(SendWrapper::new(env)),
        }
    }

    pub fn db(&self) -> Result<D1Database, ApiError> {
        self.env
            .d1("DB")
            .map_err(|e| ApiError::unavailable(format!("D1 binding DB: {e}")))
    }

    /// A plain-text variable or secret; `None` when unset or empty.
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
