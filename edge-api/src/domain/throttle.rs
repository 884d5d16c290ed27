//! Throttling failed sign-ins (and invitation acceptances) so that guessing is slow but a
//! stranger cannot use the throttle to keep an agent out. Three counts over the last
//! [`WINDOW_SECONDS`], each of failures only (an agent who types the password right is
//! never slowed down, and a refused attempt is not a failure):
//!
//! - one email from one address (the *pair*): [`PER_PAIR`] failures, then that pair
//!   waits until its oldest failure leaves the window;
//! - one address, whatever the email: [`PER_ADDRESS`] failures, then that address waits
//!   the same way (an office behind one address has several agents);
//! - one email, from every address: past [`FREE_PER_EMAIL`] failures, every address that
//!   has itself failed for the email backs off exponentially from its own last failure,
//!   `2^(n - FREE_PER_EMAIL)` seconds for the email's `n`-th, at most
//!   [`MAX_BACKOFF_SECONDS`].
//!
//! An address that has not failed for an email is never held back by others' failures
//! for it, so the owner, from their own address, waits at most a minute (after a typo
//! of their own) whatever strangers do elsewhere; a stranger, from any one address,
//! gets at most [`PER_PAIR`] guesses per window, spaced by the email's back-off.

/// The sliding window, in seconds (15 minutes).
pub const WINDOW_SECONDS: i64 = 15 * 60;

/// Failures allowed for one email from one address in the window: enough for typos,
/// far too few to guess.
pub const PER_PAIR: usize = 5;

/// Failures allowed from one address in the window, over all emails.
pub const PER_ADDRESS: usize = 20;

/// Failures of one email (any address) before the back-off starts.
pub const FREE_PER_EMAIL: usize = 5;

/// The longest back-off: what a stranger's failures can cost the owner.
pub const MAX_BACKOFF_SECONDS: i64 = 60;

/// The unix seconds of the failures that bear on one attempt.
#[derive(Debug, Clone, Copy, Default)]
pub struct Failures<'a> {
    /// This email from this address.
    pub pair: &'a [i64],
    /// This address, any email.
    pub address: &'a [i64],
    /// This email, any address (the pair's included).
    pub email: &'a [i64],
}

/// Seconds until the attempt is allowed; `None` when it is allowed now. Exact: the
/// attempt is allowed at `now + wait` and not a second before, counting the failures
/// that leave the window meanwhile (which can shorten the back-off too).
pub fn retry_after(f: &Failures<'_>, now: i64) -> Option<u64> {
    if allowed_at(f, now) {
        return None;
    }
    // Nothing new is counted while waiting, so once allowed an attempt stays allowed,
    // and the first allowed instant is one where a count or a back-off ends.
    let mut candidates: Vec<i64> = f
        .pair
        .iter()
        .chain(f.address)
        .chain(f.email)
        .map(|t| t + WINDOW_SECONDS)
        .collect();
    if let Some(last_own) = recent(f.pair, now).max() {
        candidates.extend((0..=FREE_PER_EMAIL + 6).map(|n| last_own + backoff_seconds(n)));
    }
    candidates.retain(|c| *c > now);
    candidates.sort_unstable();
    candidates.dedup();
    let first = candidates.partition_point(|c| !allowed_at(f, *c));
    let at = candidates
        .get(first)
        .copied()
        .unwrap_or(now + WINDOW_SECONDS);
    Some((at - now) as u64)
}

/// The back-off after the email's `n`-th failure in the window.
pub fn backoff_seconds(n: usize) -> i64 {
    match n.checked_sub(FREE_PER_EMAIL) {
        None | Some(0) => 0,
        Some(over) if over >= 6 => MAX_BACKOFF_SECONDS,
        Some(over) => (1i64 << over).min(MAX_BACKOFF_SECONDS),
    }
}

fn recent(failures: &[i64], now: i64) -> impl Iterator<Item = i64> + '_ {
    failures
        .iter()
        .copied()
        .filter(move |t| *t > now - WINDOW_SECONDS && *t <= now)
}

fn allowed_at(f: &Failures<'_>, at: i64) -> bool {
    recent(f.pair, at).count() < PER_PAIR
        && recent(f.address, at).count() < PER_ADDRESS
        && backoff_over(f, at)
}

/// Whether the pair's back-off is over: only a pair that has failed backs off, so
/// others' failures hold no one else.
fn backoff_over(f: &Failures<'_>, at: i64) -> bool {
    match recent(f.pair, at).max() {
        None => true,
        Some(last_own) => at >= last_own + backoff_seconds(recent(f.email, at).count()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 100_000;

    #[test]
    fn fewer_failures_than_allowed_pass() {
        assert_eq!(retry_after(&Failures::default(), NOW), None);
        let few = [NOW - 100, NOW - 90];
        let f = Failures {
            pair: &few,
            address: &few,
            email: &few,
        };
        assert_eq!(retry_after(&f, NOW), None);
    }

    #[test]
    fn the_pair_is_held_until_its_oldest_failure_leaves_the_window() {
        let f5 = [NOW - 800, NOW - 700, NOW - 600, NOW - 500, NOW - 400];
        let f = Failures {
            pair: &f5,
            address: &f5,
            email: &f5,
        };
        assert_eq!(retry_after(&f, NOW), Some((WINDOW_SECONDS - 800) as u64));
        assert_eq!(retry_after(&f, NOW + WINDOW_SECONDS - 800), None);
    }

    #[test]
    fn the_address_is_held_after_failures_for_many_emails() {
        let twenty: Vec<i64> = (0..PER_ADDRESS as i64).map(|i| NOW - 100 + i).collect();
        let f = Failures {
            address: &twenty,
            ..Failures::default()
        };
        assert_eq!(retry_after(&f, NOW), Some((WINDOW_SECONDS - 100) as u64));
    }

    #[test]
    fn the_backoff_doubles_and_stops_at_a_minute() {
        assert_eq!(backoff_seconds(FREE_PER_EMAIL), 0);
        assert_eq!(backoff_seconds(FREE_PER_EMAIL + 1), 2);
        assert_eq!(backoff_seconds(FREE_PER_EMAIL + 2), 4);
        assert_eq!(backoff_seconds(FREE_PER_EMAIL + 5), 32);
        assert_eq!(backoff_seconds(FREE_PER_EMAIL + 6), 60);
        assert_eq!(backoff_seconds(10_000), 60);
    }

    #[test]
    fn a_pair_that_failed_backs_off_from_its_own_last_failure() {
        let email: Vec<i64> = (0..10).map(|i| NOW - 50 + i).collect();
        let own = [NOW - 10];
        let f = Failures {
            pair: &own,
            address: &own,
            email: &email,
        };
        // The email's 10th failure: 2^5 s from the pair's own, 10 s ago.
        assert_eq!(retry_after(&f, NOW), Some(22));
        assert_eq!(retry_after(&f, NOW + 22), None);
    }

    #[test]
    fn others_failures_never_hold_a_clean_address() {
        let email: Vec<i64> = (0..10_000).map(|i| NOW - i % 800).collect();
        let f = Failures {
            email: &email,
            ..Failures::default()
        };
        assert_eq!(retry_after(&f, NOW), None);
    }

    proptest! {
        /// Whatever strangers do from other addresses (any failures of the email), the
        /// owner from their own address, with fewer of their own failures than the pair
        /// allows, waits at most a minute.
        #[test]
        fn the_owner_waits_at_most_a_minute(
            strangers in proptest::collection::vec(0i64..WINDOW_SECONDS * 2, 0..300),
            own in proptest::collection::vec(0i64..WINDOW_SECONDS * 2, 0..PER_PAIR),
        ) {
            let at = |ago: &Vec<i64>| -> Vec<i64> { ago.iter().map(|a| NOW - a).collect() };
            let own = at(&own);
            let email: Vec<i64> = at(&strangers).into_iter().chain(own.iter().copied()).collect();
            let f = Failures { pair: &own, address: &own, email: &email };
            let wait = retry_after(&f, NOW).unwrap_or(0);
            prop_assert!(wait <= MAX_BACKOFF_SECONDS as u64, "waited {wait}");
        }

        /// The wait is exact: allowed at `now + wait`, refused a second before.
        #[test]
        fn the_wait_is_neither_early_nor_late(
            pair in proptest::collection::vec(0i64..WINDOW_SECONDS * 2, 0..8),
            email in proptest::collection::vec(0i64..WINDOW_SECONDS * 2, 0..20),
        ) {
            let at = |ago: &Vec<i64>| -> Vec<i64> { ago.iter().map(|a| NOW - a).collect() };
            let (pair, mut email) = (at(&pair), at(&email));
            email.extend(&pair);
            let f = Failures { pair: &pair, address: &pair, email: &email };
            if let Some(wait) = retry_after(&f, NOW) {
                prop_assert_eq!(retry_after(&f, NOW + wait as i64), None);
                prop_assert!(retry_after(&f, NOW + wait as i64 - 1).is_some());
            }
        }
    }
}
