//! `RateLimiter`: one Durable Object per budget (an API key, a console session, an IP
//! address on one workspace; a visitor's is kept by their workspace's object instead). Every isolate asks the same object, so the limit is exact. The
//! window is written to the object's storage on every accepted request and read back
//! after an eviction; the copy in memory only saves that read. An alarm deletes the
//! stored window and ledger once nothing in them counts any more. It is set once, not
//! on every request (a write of its own each time): when it fires early, because
//! requests came after it was set, it moves itself to one window after the latest of
//! them.

//!
//! `POST /check` takes per-minute and per-second [`Limits`]; `POST /spend` takes a
//! weighted [`Spend`] over a longer window (an hour's chats, a day's upload bytes).

use std::cell::{Cell, RefCell};

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
    /// Whether this instance has set the alarm (an evicted one sets it again, which only
    /// moves it later).
    alarm_set: Cell<bool>,
}

impl DurableObject for RateLimiter {
    fn new(state: State, _env: Env) -> Self {
        Self {
            state,
            window: RefCell::new(None),
            ledger: RefCell::new(None),
            alarm_set: Cell::new(false),
        }
    }

    /// → the [`Decision`](crate::domain::rate_limit::Decision) as JSON.
    async fn fetch(&self, mut req: Request) -> Result<Response> {
        if req.path() == "/spend" {
            let spend: Spend = crate::objects::read_json(&mut req).await?;
            return self.spend(&spend).await;
        }
        let limits: Limits = crate::objects::read_json(&mut req).await?;
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
            self.alarm_after(MINUTE_MS).await?;
        }
        Response::from_json(&decision)
    }

    async fn alarm(&self) -> Result<Response> {
        self.alarm_set.set(false);
        // Bound first: a scrutinee's borrow would live across the await below.
        let cached = self.window.borrow().clone();
        let window: Option<Window> = match cached {
            Some(window) => Some(window),
            None => self.state.storage().get(WINDOW_KEY).await?,
        };
        let cached = self.ledger.borrow().clone();
        let ledger: Option<Ledger> = match cached {
            Some(ledger) => Some(ledger),
            None => self.state.storage().get(LEDGER_KEY).await?,
        };
        let now = worker::Date::now().as_millis() as i64;
        let counts_until = [
            window.and_then(|w| w.last_hit()).map(|t| t + MINUTE_MS),
            ledger.and_then(|l| l.counts_until()),
        ]
        .into_iter()
        .flatten()
        .max();
        if let Some(until) = counts_until.filter(|until| *until > now) {
            self.state.storage().set_alarm(until - now).await?;
            self.alarm_set.set(true);
            return Response::ok("kept");
        }
        self.window.replace(None);
        self.ledger.replace(None);
        // Its two keys, not `deleteAll()`: on SQLite storage that removes the database
        // itself, a file operation that held the whole isolate for milliseconds each time
        // (5% of the worker's time under the tenants bench, in bursts as budgets idled).
        self.state
            .storage()
            .delete_multiple(vec![WINDOW_KEY, LEDGER_KEY])
            .await?;
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
            self.alarm_after(spend.window_ms).await?;
        }
        Response::from_json(&decision)
    }

    /// Sets the alarm `ms` from now unless this instance has set one already.
    async fn alarm_after(&self, ms: i64) -> Result<()> {
        if !self.alarm_set.get() {
            self.state.storage().set_alarm(ms).await?;
            self.alarm_set.set(true);
        }
        Ok(())
    }
}
