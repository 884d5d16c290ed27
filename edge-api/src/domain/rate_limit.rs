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

/// A console session: a person, not a program. Opening one chat reads its detail,
/// messages, notes, mails and contact (about eight requests), so the key's 100 a minute
/// would stop an agent after a dozen chats; a script holding a stolen cookie still
/// meets a ceiling.
pub const CONSOLE_SESSION: Limits = Limits {
    per_minute: 600,
    per_second: 40,
};

/// A visitor, over every visitor endpoint and their socket messages, one budget for
/// both (kept by the workspace's object, `services::budgets`): a person typing fast
/// stays far below it, a script flooding a chat does not get far.
pub const VISITOR: Limits = Limits {
    per_minute: 120,
    per_second: 10,
};

/// Presence beats of one workspace from one IP address: a page view on every load and
/// navigation and a ping every 30 s per tab; an office behind one address has room.
pub const PRESENCE_PER_IP: Limits = Limits {
    per_minute: 300,
    per_second: 20,
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
    /// When the newest accepted request came, if one is still in the window.
    pub fn last_hit(&self) -> Option<i64> {
        self.hits.back().copied()
    }

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

/// A budget over a longer window (an hour, a day), spent in weighted amounts: a count
/// spends 1 per request, a byte budget spends the request's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    pub window_ms: i64,
    pub limit: u64,
}

/// One spend against several quotas of the same window, all or nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spend {
    pub window_ms: i64,
    /// `(limit, amount)` for each quota.
    pub amounts: Vec<(u64, u64)>,
}

impl Spend {
    /// The same spend against `quotas` (which share one window), `amounts` in order.
    pub fn of(quotas: &[(Quota, u64)]) -> Spend {
        Spend {
            window_ms: quotas.iter().map(|(q, _)| q.window_ms).max().unwrap_or(0),
            amounts: quotas.iter().map(|(q, a)| (q.limit, *a)).collect(),
        }
    }
}

/// Accepted spends of the last window, oldest first: when, and how much of each quota.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    spends: VecDeque<(i64, Vec<u64>)>,
    /// The window of the spends, so that the ledger knows when they stop counting.
    #[serde(default)]
    window_ms: i64,
}

impl Ledger {
    /// When the newest accepted spend stops counting, if there is one.
    pub fn counts_until(&self) -> Option<i64> {
        self.spends.back().map(|(t, _)| t + self.window_ms)
    }

    /// Decides on a spend arriving at `now_ms`, recording it when every quota has room.
    /// A refusal says when the earliest spend whose leaving makes room leaves.
    pub fn spend(&mut self, now_ms: i64, spend: &Spend) -> Decision {
        self.window_ms = self.window_ms.max(spend.window_ms);
        let now = self
            .spends
            .back()
            .map_or(now_ms, |(last, _)| now_ms.max(*last));
        while self
            .spends
            .front()
            .is_some_and(|(t, _)| *t <= now - spend.window_ms)
        {
            self.spends.pop_front();
        }
        let used = |spends: &VecDeque<(i64, Vec<u64>)>, i: usize| -> u64 {
            spends
                .iter()
                .map(|(_, a)| a.get(i).copied().unwrap_or(0))
                .sum()
        };
        let mut free_at = now;
        for (i, (limit, amount)) in spend.amounts.iter().enumerate() {
            let mut over = (used(&self.spends, i) + amount).saturating_sub(*limit);
            if *amount > *limit {
                // Never fits: refused for the whole window.
                free_at = free_at.max(now + spend.window_ms);
                continue;
            }
            for (t, a) in &self.spends {
                if over == 0 {
                    break;
                }
                over = over.saturating_sub(a.get(i).copied().unwrap_or(0));
                free_at = free_at.max(t + spend.window_ms);
            }
        }
        let allowed = free_at == now;
        if allowed {
            self.spends
                .push_back((now, spend.amounts.iter().map(|(_, a)| *a).collect()));
        }
        let (limit, remaining) = spend.amounts.first().map_or((0, 0), |(limit, _)| {
            (*limit, limit.saturating_sub(used(&self.spends, 0)))
        });
        Decision {
            allowed,
            limit: limit.min(u32::MAX as u64) as u32,
            remaining: remaining.min(u32::MAX as u64) as u32,
            reset: self
                .spends
                .front()
                .map_or(now, |(t, _)| t + spend.window_ms)
                / 1000,
            retry_after: (!allowed).then(|| ((free_at - now + 999) / 1000).max(1) as u64),
        }
    }

    /// Whether nothing is left in the window, so the ledger need not be kept.
    pub fn is_empty(&self) -> bool {
        self.spends.is_empty()
    }
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
        // A refusal is not a hit: the window counts from the last accepted request.
        assert_eq!(w.last_hit(), Some(T0 + 99 * 60));
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

    #[test]
    fn a_ledger_holds_count_and_bytes_together_and_frees_with_the_window() {
        let count = Quota {
            window_ms: 10_000,
            limit: 3,
        };
        let bytes = Quota {
            window_ms: 10_000,
            limit: 100,
        };
        let mut l = Ledger::default();
        assert!(l.spend(T0, &Spend::of(&[(count, 1), (bytes, 60)])).allowed);
        let refused = l.spend(T0 + 1_000, &Spend::of(&[(count, 1), (bytes, 60)]));
        assert!(!refused.allowed, "bytes over");
        assert_eq!(refused.retry_after, Some(9));
        assert!(
            l.spend(T0 + 1_000, &Spend::of(&[(count, 1), (bytes, 40)]))
                .allowed
        );
        assert!(
            !l.spend(T0 + 2_000, &Spend::of(&[(count, 1), (bytes, 1)]))
                .allowed
        );
        assert!(
            l.spend(T0 + 10_000, &Spend::of(&[(count, 1), (bytes, 60)]))
                .allowed
        );
        let too_big = l.spend(T0 + 10_000, &Spend::of(&[(count, 1), (bytes, 101)]));
        assert_eq!(too_big.retry_after, Some(10));
        // The storage may go one window after the newest accepted spend, not before.
        assert_eq!(l.counts_until(), Some(T0 + 20_000));
        let mut back: Ledger =
            serde_json::from_str(&serde_json::to_string(&l).expect("json")).expect("parse");
        assert_eq!(back, l);
        assert!(!back.is_empty());
        back.spend(T0 + 100_000, &Spend::of(&[(count, 0)]));
        assert!(!back.is_empty());
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
