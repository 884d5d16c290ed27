//! The arithmetic of analytics (DESIGN.md, "Definitions of the metrics"): which days a
//! request covers, the period before it for trends, and how figures are rounded. The
//! SQL that sums the figures lives in `store::analytics`.

use chrono::{Days, NaiveDate};
use shared_types::analytics::Period;
use shared_types::error::FieldErrors;
use shared_types::validate::IsoDate;

/// The longest range one request may cover, in days (a leap year).
pub const MAX_DAYS: u64 = 366;
/// The range when none is given: the last 30 days, today included.
pub const DEFAULT_DAYS: u64 = 30;

/// An inclusive range of UTC days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DayRange {
    pub fn days(&self) -> u64 {
        (self.to - self.from).num_days() as u64 + 1
    }

    /// The same number of days just before.
    pub fn previous(&self) -> DayRange {
        let to = self.from - Days::new(1);
        DayRange {
            from: to - Days::new(self.days() - 1),
            to,
        }
    }

    /// `[start, end)` as the RFC 3339 UTC strings stored in D1, which compare in time
    /// order as text.
    pub fn bounds(&self) -> (String, String) {
        let end = self.to + Days::new(1);
        (
            format!("{}T00:00:00Z", self.from.format("%Y-%m-%d")),
            format!("{}T00:00:00Z", end.format("%Y-%m-%d")),
        )
    }

    pub fn period(&self) -> Period {
        let date = |d: NaiveDate| {
            IsoDate::parse(&d.format("%Y-%m-%d").to_string()).expect("a formatted date parses")
        };
        Period {
            from: date(self.from),
            to: date(self.to),
        }
    }
}

fn naive(d: &IsoDate) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        i32::from(d.year()),
        u32::from(d.month()),
        u32::from(d.day()),
    )
}

/// The days a request asks for: `from` and `to` inclusive; a missing `to` is today, a
/// missing `from` is 30 days up to `to`. REQ-005 fields when `from` is after `to` or the
/// range is longer than [`MAX_DAYS`].
pub fn resolve(
    from: Option<&IsoDate>,
    to: Option<&IsoDate>,
    today: NaiveDate,
) -> Result<DayRange, FieldErrors> {
    let mut fields = FieldErrors::default();
    let to = to.and_then(naive).unwrap_or(today);
    let from = from
        .and_then(naive)
        .unwrap_or(to - Days::new(DEFAULT_DAYS - 1));
    if from > to {
        fields.push("from", "must not be after to");
        return Err(fields);
    }
    let range = DayRange { from, to };
    if range.days() > MAX_DAYS {
        fields.push("to", format!("the range may cover at most {MAX_DAYS} days"));
        return Err(fields);
    }
    Ok(range)
}

/// Whole units, half away from zero; `None` stays `None`.
pub fn whole(value: Option<f64>) -> Option<u64> {
    value
        .filter(|v| v.is_finite())
        .map(|v| v.max(0.0).round() as u64)
}

/// `places` decimals, half away from zero.
pub fn decimals(value: Option<f64>, places: i32) -> Option<f64> {
    let scale = 10f64.powi(places);
    value
        .filter(|v| v.is_finite())
        .map(|v| (v * scale).round() / scale)
}

/// Percent change from `before` to `now`, one decimal; `None` when there is nothing to
/// compare with (a change from zero has no percentage).
pub fn change_percent(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    match (now, before) {
        (Some(now), Some(before)) if before != 0.0 => {
            decimals(Some((now - before) / before * 100.0), 1)
        }
        _ => None,
    }
}

/// `part / whole` with two decimals; `None` for an empty whole.
pub fn rate(part: u64, of: u64) -> Option<f64> {
    (of > 0)
        .then(|| decimals(Some(part as f64 / of as f64), 2))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> IsoDate {
        IsoDate::parse(s).expect("date")
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day")
    }

    #[test]
    fn the_default_is_the_last_30_days_with_today() {
        let r = resolve(None, None, day("2026-02-11")).expect("range");
        assert_eq!(
            (r.from, r.to, r.days()),
            (day("2026-01-13"), day("2026-02-11"), 30)
        );
        let r = resolve(None, Some(&date("2026-03-01")), day("2026-11-25")).expect("range");
        assert_eq!(r.from, day("2026-01-31"));
    }

    #[test]
    fn ranges_are_inclusive_and_bounded() {
        let r = resolve(
            Some(&date("2026-02-01")),
            Some(&date("2026-02-11")),
            day("2026-11-25"),
        )
        .expect("range");
        assert_eq!(r.days(), 11);
        assert_eq!(
            r.bounds(),
            ("2026-02-01T00:00:00Z".into(), "2026-02-12T00:00:00Z".into())
        );
        let one = resolve(
            Some(&date("2026-02-01")),
            Some(&date("2026-02-01")),
            day("2026-11-25"),
        )
        .expect("one day");
        assert_eq!(one.days(), 1);
        assert!(resolve(
            Some(&date("2026-02-02")),
            Some(&date("2026-02-01")),
            day("2026-11-25")
        )
        .is_err());
        assert!(resolve(
            Some(&date("2024-01-01")),
            Some(&date("2024-12-31")),
            day("2026-11-25")
        )
        .is_ok());
        assert!(resolve(
            Some(&date("2025-01-01")),
            Some(&date("2026-01-02")),
            day("2026-11-25")
        )
        .is_err());
    }

    #[test]
    fn the_previous_period_has_the_same_length_just_before() {
        let r = resolve(
            Some(&date("2026-03-01")),
            Some(&date("2026-03-10")),
            day("2026-11-25"),
        )
        .expect("range");
        let p = r.previous();
        assert_eq!((p.from, p.to), (day("2026-02-19"), day("2026-02-28")));
        assert_eq!(p.days(), r.days());
    }

    #[test]
    fn rounding_follows_the_spec() {
        assert_eq!(whole(Some(141.5)), Some(142));
        assert_eq!(whole(Some(141.49)), Some(141));
        assert_eq!(whole(None), None);
        assert_eq!(whole(Some(f64::NAN)), None);
        assert_eq!(decimals(Some(4.65), 1), Some(4.7));
        assert_eq!(decimals(Some(4.0), 1), Some(4.0));
        assert_eq!(rate(73, 100), Some(0.73));
        assert_eq!(rate(2, 3), Some(0.67));
        assert_eq!(rate(0, 0), None);
        assert_eq!(change_percent(Some(1256.0), Some(1116.4)), Some(12.5));
        assert_eq!(change_percent(Some(130.0), Some(142.0)), Some(-8.5));
        assert_eq!(change_percent(Some(5.0), Some(0.0)), None);
        assert_eq!(change_percent(Some(5.0), None), None);
    }
}
