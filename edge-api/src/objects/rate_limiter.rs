//! `RateLimiter`: one Durable Object per budget (an API key, a visitor, an IP address
//! on one workspace). Every isolate asks the same object, so the limit is exact. The
//! window is written to the object's storage on every accepted request and read back
//! after an eviction; the copy in memory only saves that read. An alarm one window
//! after the last accepted request deletes the storage: by then nothing in it counts.
//!
//! `POST /check` takes per-minute and per-second [`Limits`]; `POST /spend` takes a
//! weighted [`Spend`] over a longer window (an hour's chats, a day's upload bytes).

use std::cell::RefCell;

use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

use crate::domain::rate_limit::{Ledger, Limits, Spend, Window};

const WINDOW_KEY: &str = "window";
const LEDGER_KEY: &str = "ledger";
const MINUTE_MS: i64 = 60_000;

#[durable_object]
pub struct RateLimiter {
    state: State,
    window: RefCell<Option<Window>>,
    ledger: RefCell<Option<Ledger>>,
}

impl DurableObject for RateLimiter {
    fn new(state: State, _env: Env) -> Self {
        Self {
            state,
            window: RefCell::new(None),
            ledger: RefCell::new(None),
        }
    }

    /// → the [`Decision`](crate::domain::rate_limit::Decision) as JSON.
    async fn fetch(&self, mut req: Request) -> Result<Response> {
        if req.path() == "/spend" {
            let spend: Spend = req.json().await?;
            return self.spend(&spend).await;
        }
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
            self.state.storage().set_alarm(MINUTE_MS).await?;
        }
        Response::from_json(&decision)
    }

    async fn alarm(&self) -> Result<Response> {
        self.window.replace(None);
        self.ledger.replace(None);
        self.state.storage().delete_all().await?;
        Response::ok("cleared")
    }
}

impl RateLimiter {
    async fn spend(&self, spend: &Spend) -> Result<Response> {
        if self.ledger.borrow().is_none() {
            let stored: Option<Ledger> = self.state.storage().get(LEDGER_KEY).await?;
            self.ledger
                .borrow_mut()
                .get_or_insert(stored.unwrap_or_default());
        }
        let (decision, snapshot) = {
            let mut guard = self.ledger.borrow_mut();
            let ledger = guard.get_or_insert_with(Ledger::default);
            let decision = ledger.spend(worker::Date::now().as_millis() as i64, spend);
            (decision, decision.allowed.then(|| ledger.clone()))
        };
        if let Some(ledger) = snapshot {
            self.state.storage().put(LEDGER_KEY, &ledger).await?;
            self.state.storage().set_alarm(spend.window_ms).await?;
        }
        Response::from_json(&decision)
    }
}
