//! Throttling failed sign-ins: at most [`PER_EMAIL`] failures for one email and
//! [`PER_ADDRESS`] from one address in any [`WINDOW_SECONDS`]; past that, sign-in is
//! refused (RATE-001) until the oldest counted failure leaves the window. Only failures
//! count, so an agent who types the password right is never slowed down.

/// The sliding window, in seconds (15 minutes).
pub const WINDOW_SECONDS: i64 = 15 * 60;

/// Failures allowed per email in the window: enough for typos, far too few to guess.
pub const PER_EMAIL: usize = 5;

/// Failures allowed per address: an office behind one address has several agents.
pub const PER_ADDRESS: usize = 20;

/// Seconds until one more attempt is allowed, given the unix seconds of the subject's
/// failures (any order) and its allowance; `None` when an attempt is allowed now.
pub fn retry_after(failures: &[i64], allowed: usize, now: i64) -> Option<u64> {
    let mut recent: Vec<i64> = failures
        .iter()
        .copied()
        .filter(|t| *t > now - WINDOW_SECONDS)
        .collect();
    if recent.len() < allowed {
        return None;
    }
    recent.sort_unstable();
    // Once this one leaves the window, fewer than `allowed` remain.
    let freeing = recent[recent.len() - allowed];
    Some((freeing + WINDOW_SECONDS - now).max(1) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fewer_failures_than_allowed_pass() {
        assert_eq!(retry_after(&[], PER_EMAIL, 1_000), None);
        assert_eq!(retry_after(&[990, 991, 992, 993], PER_EMAIL, 1_000), None);
    }

    #[test]
    fn the_fifth_failure_blocks_until_the_oldest_leaves_the_window() {
        let now = 10_000;
        let f = [now - 100, now - 50, now - 40, now - 30, now - 20];
        assert_eq!(retry_after(&f, 5, now), Some(800));
        // 800 s later the oldest is out and one more try is allowed.
        assert_eq!(retry_after(&f, 5, now + 800), None);
    }

    #[test]
    fn old_failures_do_not_count_and_order_does_not_matter() {
        let now = 10_000;
        let f = [
            now - 20,
            now - 2_000,
            now - 30,
            now - 40,
            now - 3_000,
            now - 10,
        ];
        assert_eq!(retry_after(&f, 5, now), None);
        let f = [now - 1, now - 5, now - 3, now - 4, now - 2, now - 6];
        // Six in the window, five allowed: the second oldest must leave first.
        assert_eq!(retry_after(&f, 5, now), Some((WINDOW_SECONDS - 5) as u64));
    }

    #[test]
    fn the_wait_is_at_least_a_second() {
        let now = 10_000;
        let f = [now - WINDOW_SECONDS + 1; 5];
        assert_eq!(retry_after(&f, 5, now), Some(1));
    }
}
