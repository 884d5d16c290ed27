//! `RateLimiter`: one Durable Object per budget (an API key, a visitor, an IP address
//! on one workspace). Every isolate asks the same object, so the limit is exact. The
//! window is written to the object's storage on every accepted request and read back
//! after an eviction; the copy in memory only saves that read.

use std::cell::RefCell;

use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

use crate::domain::rate_limit::{Limits, Window};

const WINDOW_KEY: &str = "window";

#[durable_object]
pub struct RateLimiter {
    state: State,
    window: RefCell<Option<Window>>,
}

impl DurableObject for RateLimiter {
    fn new(state: State, _env: Env) -> Self {
        Self {
            state,
            window: RefCell::new(None),
        }
    }

    /// `POST /check` with the [`Limits`] as JSON → the [`Decision`](crate::domain::rate_limit::Decision).
    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let limits: Limits = req.json().await?;
        if self.window.borrow().is_none() {
            let stored: Option<Window> = self.state.storage().get(WINDOW_KEY).await?;
            // Another request may have loaded it while this one waited.
            self.window
                .borrow_mut()
                .get_or_insert(stored.unwrap_or_default());
        }
        // Deciding and recording happen with no await between them, so concurrent
        // requests cannot both take the last slot.
        let (decision, snapshot) = {
            let mut guard = self.window.borrow_mut();
            let window = guard.get_or_insert_with(Window::default);
            let decision = window.check(worker::Date::now().as_millis() as i64, limits);
            (decision, decision.allowed.then(|| window.clone()))
        };
        if let Some(window) = snapshot {
            self.state.storage().put(WINDOW_KEY, &window).await?;
        }
        Response::from_json(&decision)
    }
}
