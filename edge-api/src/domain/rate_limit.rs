//! Exact sliding-window rate limits. A window remembers when each accepted request
//! arrived over the last minute (at most `per_minute` instants), so both limits hold
//! for every 60 s and every 1 s interval, not just for aligned buckets, and the time a
//! refused caller must wait is known to the millisecond.
//!
//! Refused requests are not recorded: a client that backs off as told is never
//! punished for having asked.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

const MINUTE_MS: i64 = 60_000;
const SECOND_MS: i64 = 1_000;

/// How many requests a caller may make in any minute and in any second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub per_minute: u32,
    pub per_second: u32,
}

/// The spec's budget of an API key.
pub const API_KEY: Limits = Limits {
    per_minute: 100,
    per_second: 20,
};

/// A visitor, over every visitor endpoint: a person typing fast stays far below it,
/// a script flooding a chat does not get far.
pub const VISITOR: Limits = Limits {
    per_minute: 120,
    per_second: 10,
};

/// New visitor sessions of one workspace from one IP address: a page load makes at
/// most one, later loads reuse it.
pub const SESSIONS_PER_IP: Limits = Limits {
    per_minute: 30,
    per_second: 5,
};

/// Accepted requests of the last minute, oldest first, as unix milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    hits: VecDeque<i64>,
}

/// What one request learns; becomes the `X-RateLimit-*` and `Retry-After` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub allowed: bool,
    /// The per-minute limit.
    pub limit: u32,
    /// Requests left in the current minute window.
    pub remaining: u32,
    /// Unix seconds at which the window frees its next slot.
    pub reset: i64,
    /// Whole seconds after which the same request is accepted (refusals only).
    pub retry_after: Option<u64>,
}

impl Window {
    /// Decides on a request arriving at `now_ms`, recording it when allowed.
    pub fn check(&mut self, now_ms: i64, limits: Limits) -> Decision {
        // The clock never runs backwards for the window, so `hits` stays sorted.
        let now = self.hits.back().map_or(now_ms, |last| now_ms.max(*last));
        while self.hits.front().is_some_and(|t| *t <= now - MINUTE_MS) {
            self.hits.pop_front();
        }
        let in_minute = self.hits.len();
        let in_second = self
            .hits
            .iter()
            .rev()
            .take_while(|t| **t > now - SECOND_MS)
            .count();
        let per_minute = limits.per_minute as usize;
        let per_second = limits.per_second as usize;

        // The earliest instant both limits let one more request in: when the hit that
        // must leave each window has left it.
        let mut free_at = now;
        if in_minute >= per_minute {
            free_at = free_at.max(self.hits[in_minute - per_minute] + MINUTE_MS);
        }
        if in_second >= per_second {
            free_at = free_at.max(self.hits[in_minute - per_second] + SECOND_MS);
        }
        let allowed = free_at == now;
        if allowed {
            self.hits.push_back(now);
        }
        let remaining = per_minute.saturating_sub(self.hits.len()) as u32;
        let reset = self.hits.front().map_or(now, |oldest| oldest + MINUTE_MS);
        Decision {
            allowed,
            limit: limits.per_minute,
            remaining,
            reset: ceil_seconds(reset),
            retry_after: (!allowed).then(|| ceil_seconds(free_at - now) as u64),
        }
    }
}

fn ceil_seconds(ms: i64) -> i64 {
    (ms + SECOND_MS - 1).div_euclid(SECOND_MS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const T0: i64 = 1_790_000_000_000;

    #[test]
    fn a_minute_allows_exactly_the_limit_when_bursts_are_respected() {
        let mut w = Window::default();
        // 150 requests 60 ms apart (under 20/s): 9 s in all.
        let allowed: Vec<bool> = (0..150)
            .map(|i| w.check(T0 + i * 60, API_KEY).allowed)
            .collect();
        assert_eq!(allowed.iter().filter(|a| **a).count(), 100);
        assert!(allowed[..100].iter().all(|a| *a));
    }

    #[test]
    fn a_second_allows_exactly_the_burst() {
        let mut w = Window::default();
        let allowed = (0..40).filter(|_| w.check(T0, API_KEY).allowed).count();
        assert_eq!(allowed, 20);
        let refused = w.check(T0 + 10, API_KEY);
        assert_eq!(refused.retry_after, Some(1));
        assert!(w.check(T0 + SECOND_MS, API_KEY).allowed);
    }

    #[test]
    fn remaining_counts_down_and_reset_is_when_the_oldest_leaves() {
        let mut w = Window::default();
        let first = w.check(T0 + 400, API_KEY);
        assert_eq!((first.limit, first.remaining), (100, 99));
        assert_eq!(first.reset, ceil_seconds(T0 + 400 + MINUTE_MS));
        let second = w.check(T0 + 900, API_KEY);
        assert_eq!(second.remaining, 98);
        assert_eq!(second.reset, first.reset);
        assert_eq!(second.retry_after, None);
    }

    #[test]
    fn retry_after_waits_for_the_minute_window() {
        let mut w = Window::default();
        for i in 0..100 {
            assert!(w.check(T0 + i * 100, API_KEY).allowed);
        }
        // The oldest hit (T0) leaves at T0 + 60 s; asked at T0 + 10.5 s: 49.5 s → 50.
        let refused = w.check(T0 + 10_500, API_KEY);
        assert!(!refused.allowed);
        assert_eq!(refused.remaining, 0);
        assert_eq!(refused.retry_after, Some(50));
        assert!(!w.check(T0 + 10_500 + 49_000, API_KEY).allowed);
        assert!(w.check(T0 + 10_500 + 50_000, API_KEY).allowed);
    }

    #[test]
    fn the_window_survives_serialisation() {
        let mut w = Window::default();
        for i in 0..5 {
            w.check(T0 + i, API_KEY);
        }
        let mut back: Window =
            serde_json::from_str(&serde_json::to_string(&w).expect("json")).expect("parse");
        assert_eq!(back, w);
        assert_eq!(back.check(T0 + 10, API_KEY).remaining, 94);
    }

    #[test]
    fn a_clock_step_backwards_does_not_reorder_the_window() {
        let mut w = Window::default();
        w.check(T0 + 5_000, API_KEY);
        let d = w.check(T0, API_KEY);
        assert!(d.allowed);
        assert_eq!(d.remaining, 98);
    }

    proptest! {
        /// Whatever the arrival times: no 60 s or 1 s interval ever holds more accepted
        /// requests than its limit, and Retry-After is exact: neither early nor late.
        #[test]
        fn limits_hold_in_every_interval_and_retry_after_is_exact(
            gaps in proptest::collection::vec(0i64..400, 1..400),
            per_minute in 1u32..60,
            per_second in 1u32..10,
        ) {
            let limits = Limits { per_minute, per_second };
            let mut w = Window::default();
            let mut now = T0;
            let mut accepted = Vec::new();
            for gap in gaps {
                now += gap;
                let before = w.clone();
                let d = w.check(now, limits);
                if d.allowed {
                    accepted.push(now);
                } else {
                    let wait = d.retry_after.expect("a refusal says how long") as i64 * SECOND_MS;
                    let mut later = before.clone();
                    prop_assert!(later.check(now + wait, limits).allowed, "not early");
                    if wait > SECOND_MS {
                        let mut sooner = before;
                        prop_assert!(!sooner.check(now + wait - SECOND_MS, limits).allowed, "not late");
                    }
                }
            }
            for (i, t) in accepted.iter().enumerate() {
                let in_minute = accepted[i..].iter().take_while(|u| **u < t + MINUTE_MS).count();
                let in_second = accepted[i..].iter().take_while(|u| **u < t + SECOND_MS).count();
                prop_assert!(in_minute <= per_minute as usize);
                prop_assert!(in_second <= per_second as usize);
            }
        }
    }
}
