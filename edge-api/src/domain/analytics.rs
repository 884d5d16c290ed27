//! The arithmetic of analytics (DESIGN.md, "Definitions of the metrics"): which days a
//! request covers, the period before it for trends, and how figures are rounded. The
//! SQL that sums the figures lives in `store::analytics`.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeDelta, Timelike, Utc};
use shared_types::analytics::Period;
use shared_types::error::FieldErrors;
use shared_types::validate::IsoDate;

use super::time;

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

    /// The instants the range covers, `[start, end)`, when a day starts at
    /// `midnight(day)`.
    pub fn interval(&self, midnight: impl Fn(NaiveDate) -> DateTime<Utc>) -> Interval {
        Interval {
            start: midnight(self.from),
            end: midnight(self.to + Days::new(1)),
        }
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

/// `[start, end)` in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// Where a UTC day starts.
pub fn utc_midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// Where local midnight of `day` falls in a zone that is `offset_at(t)` seconds east of
/// UTC at instant `t`. The offset is read where the guess lands, a second time, so a
/// day that starts on the other side of a daylight-saving change still starts at its
/// own offset.
pub fn zoned_midnight(day: NaiveDate, offset_at: impl Fn(DateTime<Utc>) -> i64) -> DateTime<Utc> {
    let wall = utc_midnight(day);
    let guess = wall - TimeDelta::seconds(offset_at(wall));
    wall - TimeDelta::seconds(offset_at(guess))
}

/// A zone's offsets over a span of time, learnt from a few of the platform's answers
/// instead of one per instant asked: a year of days asks for about 1,500 offsets, each a
/// round of `Intl` formatting, while the offset changes at most a few times a year.
/// Every week of the span is sampled at both ends; a week whose ends differ is bisected
/// to the second at which the offset changed. No zone changes its offset twice within a
/// week, so a week whose ends agree has one offset throughout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offsets {
    start: i64,
    end: i64,
    /// From each instant (Unix seconds) on, this offset; sorted, the first at `start`.
    steps: Vec<(i64, i64)>,
}

impl Offsets {
    const WEEK: i64 = 7 * 86_400;

    /// Learns the offsets over `[start, end]` from `offset_at`.
    pub fn learn(
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        offset_at: impl Fn(DateTime<Utc>) -> i64,
    ) -> Offsets {
        let ask = |t: i64| offset_at(DateTime::from_timestamp(t, 0).unwrap_or_default());
        let (start, end) = (start.timestamp(), end.timestamp().max(start.timestamp()));
        let mut steps = vec![(start, ask(start))];
        let mut a = start;
        while a < end {
            let b = (a + Self::WEEK).min(end);
            let (before, after) = (steps.last().map_or(0, |s| s.1), ask(b));
            if before != after {
                // The offset is `before` at `lo` and `after` at `hi`.
                let (mut lo, mut hi) = (a, b);
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if ask(mid) == before {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                steps.push((hi, after));
            }
            a = b;
        }
        Offsets { start, end, steps }
    }

    /// The offset at `t`, if `t` is in the span learnt.
    pub fn at(&self, t: DateTime<Utc>) -> Option<i64> {
        let t = t.timestamp();
        if t < self.start || t > self.end {
            return None;
        }
        let i = self.steps.partition_point(|(from, _)| *from <= t);
        self.steps.get(i.checked_sub(1)?).map(|(_, offset)| *offset)
    }
}

/// Today's date in a zone `offset` seconds east of UTC.
pub fn local_today(now: DateTime<Utc>, offset: i64) -> NaiveDate {
    (now + TimeDelta::seconds(offset)).date_naive()
}

/// How to sum an interval. Rollup buckets are UTC months, days and hours, keyed by the
/// first 7, 10 or 13 characters of the stored RFC 3339 time (`2026-02`, `2026-02-11`,
/// `2026-02-11T14`), so each range is `[first, end)` of bucket names, empty when both
/// are equal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Plan {
    /// Whole hours: the hours up to the first midnight, the days up to the first of a
    /// month, whole months, the days after the last first of a month, then the hours
    /// after the last midnight. A year is about a dozen months and two edges of days,
    /// instead of 365 days, per agent.
    Rollups {
        hours_before: (String, String),
        days_before: (String, String),
        months: (String, String),
        days_after: (String, String),
        hours_after: (String, String),
    },
    /// An edge inside an hour (a zone such as Asia/Kolkata): the chats themselves, as
    /// stored times `[start, end)`.
    Chats((String, String)),
}

pub fn plan(interval: &Interval) -> Plan {
    let whole_hour = |t: DateTime<Utc>| t.minute() == 0 && t.second() == 0 && t.nanosecond() == 0;
    if !whole_hour(interval.start) || !whole_hour(interval.end) {
        return Plan::Chats((time::format(interval.start), time::format(interval.end)));
    }
    let hour = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H").to_string();
    let day = |t: DateTime<Utc>| t.format("%Y-%m-%d").to_string();
    let first_midnight = {
        let floor = utc_midnight(interval.start.date_naive());
        if floor == interval.start {
            floor
        } else {
            floor + TimeDelta::days(1)
        }
    };
    let last_midnight = utc_midnight(interval.end.date_naive());
    let none = || (String::new(), String::new());
    if first_midnight >= last_midnight {
        return Plan::Rollups {
            hours_before: (hour(interval.start), hour(interval.end)),
            days_before: none(),
            months: none(),
            days_after: none(),
            hours_after: none(),
        };
    }
    let month = |t: DateTime<Utc>| t.format("%Y-%m").to_string();
    let month_start = |t: DateTime<Utc>| {
        let d = t.date_naive();
        utc_midnight(d - TimeDelta::days(i64::from(d.day0())))
    };
    let first_month = {
        let floor = month_start(first_midnight);
        if floor == first_midnight {
            floor
        } else {
            month_start(floor + TimeDelta::days(31))
        }
    };
    let last_month = month_start(last_midnight);
    let hours_before = (hour(interval.start), hour(first_midnight));
    let hours_after = (hour(last_midnight), hour(interval.end));
    if first_month >= last_month {
        return Plan::Rollups {
            hours_before,
            days_before: (day(first_midnight), day(last_midnight)),
            months: none(),
            days_after: none(),
            hours_after,
        };
    }
    Plan::Rollups {
        hours_before,
        days_before: (day(first_midnight), day(first_month)),
        months: (month(first_month), month(last_month)),
        days_after: (day(last_month), day(last_midnight)),
        hours_after,
    }
}

/// Consecutive days of a series that one range of buckets (or stored times) holds. A
/// run of days that share one UTC offset names each row's day by its own time moved
/// `shift` seconds east (`day` is `None`); a day a clock change falls in is a run of its
/// own, named outright.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DayRun {
    pub first: String,
    pub past: String,
    pub shift: i64,
    pub day: Option<String>,
}

/// Where a series of days is summed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Source {
    /// Every day is a UTC day: the daily rollups.
    Daily,
    /// Days start on whole UTC hours: the hourly rollups.
    Hourly,
    /// Days start inside an hour: the chats themselves.
    Chats,
}

/// The days of a range as the runs of buckets that hold them: a year in one zone is one
/// run, or three around two clock changes, instead of 365 ranges to join.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Series {
    pub source: Source,
    pub runs: Vec<DayRun>,
    /// The first and last day, `YYYY-MM-DD`: every day between is a row of the answer.
    pub from: String,
    pub to: String,
}

/// The days of `range`, each starting at `midnight(day)`.
pub fn series(range: &DayRange, midnight: impl Fn(NaiveDate) -> DateTime<Utc>) -> Series {
    let days: Vec<(NaiveDate, DateTime<Utc>, DateTime<Utc>)> = range
        .from
        .iter_days()
        .take_while(|d| *d <= range.to)
        .map(|d| (d, midnight(d), midnight(d + Days::new(1))))
        .collect();
    let on_utc_midnight = |t: &DateTime<Utc>| *t == utc_midnight(t.date_naive());
    let on_hour = |t: &DateTime<Utc>| t.minute() == 0 && t.second() == 0 && t.nanosecond() == 0;
    let (source, bound): (Source, &dyn Fn(DateTime<Utc>) -> String) = if days
        .iter()
        .all(|(_, s, e)| on_utc_midnight(s) && on_utc_midnight(e))
    {
        (Source::Daily, &|t| t.format("%Y-%m-%d").to_string())
    } else if days.iter().all(|(_, s, e)| on_hour(s) && on_hour(e)) {
        (Source::Hourly, &|t| t.format("%Y-%m-%dT%H").to_string())
    } else {
        (Source::Chats, &|t| time::format(t))
    };
    // A run as it grows; its bounds are named once it is whole (a year is one run of
    // 365 days, not 365 names).
    struct Span {
        first: DateTime<Utc>,
        past: DateTime<Utc>,
        shift: i64,
        day: Option<String>,
    }
    let mut spans: Vec<Span> = Vec::new();
    for (day, start, end) in &days {
        let shift = (utc_midnight(*day) - *start).num_seconds();
        // A day of 24 hours starts and ends at the same offset; one of 23 or 25 holds a
        // clock change, so its hours are not all `shift` from UTC.
        let steady = *end - *start == TimeDelta::days(1);
        match spans.last_mut() {
            Some(run)
                if steady && run.day.is_none() && run.shift == shift && run.past == *start =>
            {
                run.past = *end;
            }
            _ => spans.push(Span {
                first: *start,
                past: *end,
                shift: if steady { shift } else { 0 },
                day: (!steady).then(|| day.format("%Y-%m-%d").to_string()),
            }),
        }
    }
    let runs = spans
        .into_iter()
        .map(|run| DayRun {
            first: bound(run.first),
            past: bound(run.past),
            shift: run.shift,
            day: run.day,
        })
        .collect();
    Series {
        source,
        runs,
        from: range.from.format("%Y-%m-%d").to_string(),
        to: range.to.format("%Y-%m-%d").to_string(),
    }
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
        let i = r.interval(utc_midnight);
        assert_eq!(
            (time::format(i.start), time::format(i.end)),
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

    fn range(from: &str, to: &str) -> DayRange {
        DayRange {
            from: day(from),
            to: day(to),
        }
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.into(), b.into())
    }

    #[test]
    fn utc_days_are_summed_from_daily_rollups_alone() {
        let p = plan(&range("2026-02-01", "2026-02-11").interval(utc_midnight));
        assert_eq!(
            p,
            Plan::Rollups {
                hours_before: pair("2026-02-01T00", "2026-02-01T00"),
                days_before: pair("2026-02-01", "2026-02-12"),
                months: pair("", ""),
                days_after: pair("", ""),
                hours_after: pair("2026-02-12T00", "2026-02-12T00"),
            }
        );
    }

    #[test]
    fn whole_months_are_summed_from_monthly_rollups_between_edges_of_days() {
        let p = plan(&range("2025-12-08", "2026-12-07").interval(utc_midnight));
        assert_eq!(
            p,
            Plan::Rollups {
                hours_before: pair("2025-12-08T00", "2025-12-08T00"),
                days_before: pair("2025-12-08", "2026-01-01"),
                months: pair("2026-01", "2026-12"),
                days_after: pair("2026-12-01", "2026-12-08"),
                hours_after: pair("2026-12-08T00", "2026-12-08T00"),
            }
        );
        // A range that starts on a first and ends on a last day has no edge of days.
        let p = plan(&range("2026-02-01", "2026-03-31").interval(utc_midnight));
        let Plan::Rollups {
            days_before,
            months,
            days_after,
            ..
        } = p
        else {
            panic!("whole days use rollups");
        };
        assert_eq!(days_before, pair("2026-02-01", "2026-02-01"));
        assert_eq!(months, pair("2026-02", "2026-04"));
        assert_eq!(days_after, pair("2026-04-01", "2026-04-01"));
        // Tashkent's year: hours, then days to 1 January, months, days, hours.
        let tashkent = |d: NaiveDate| zoned_midnight(d, |_| 5 * 3600);
        let p = plan(&range("2025-12-31", "2026-02-01").interval(tashkent));
        assert_eq!(
            p,
            Plan::Rollups {
                hours_before: pair("2025-12-30T19", "2025-12-31T00"),
                days_before: pair("2025-12-31", "2026-01-01"),
                months: pair("2026-01", "2026-02"),
                days_after: pair("2026-02-01", "2026-02-01"),
                hours_after: pair("2026-02-01T00", "2026-02-01T19"),
            }
        );
        // A month is never read in part: 10 January to 20 February has none whole.
        let p = plan(&range("2026-01-10", "2026-02-20").interval(utc_midnight));
        let Plan::Rollups {
            days_before,
            months,
            ..
        } = p
        else {
            panic!("whole days use rollups");
        };
        assert_eq!(days_before, pair("2026-01-10", "2026-02-21"));
        assert_eq!(months, pair("", ""));
    }

    #[test]
    fn a_zone_east_of_utc_takes_its_edges_from_hourly_rollups() {
        // Tashkent is UTC+5 all year: its 1 February starts at 19:00 UTC the day before.
        let tashkent = |d: NaiveDate| zoned_midnight(d, |_| 5 * 3600);
        let p = plan(&range("2026-02-01", "2026-02-11").interval(tashkent));
        assert_eq!(
            p,
            Plan::Rollups {
                hours_before: pair("2026-01-31T19", "2026-02-01T00"),
                days_before: pair("2026-02-01", "2026-02-11"),
                months: pair("", ""),
                days_after: pair("", ""),
                hours_after: pair("2026-02-11T00", "2026-02-11T19"),
            }
        );
        // West of UTC one day spans a UTC midnight but no whole UTC day: all hours.
        let new_york = |d: NaiveDate| zoned_midnight(d, |_| -5 * 3600);
        let p = plan(&range("2026-02-01", "2026-02-01").interval(new_york));
        assert_eq!(
            p,
            Plan::Rollups {
                hours_before: pair("2026-02-01T05", "2026-02-02T05"),
                days_before: pair("", ""),
                months: pair("", ""),
                days_after: pair("", ""),
                hours_after: pair("", ""),
            }
        );
    }

    #[test]
    fn a_day_inside_one_utc_day_is_all_hours() {
        // UTC+14 (Kiritimati): 1 February runs from 10:00 on 31 January to 10:00 on 1 February.
        let line = |d: NaiveDate| zoned_midnight(d, |_| 14 * 3600);
        let i = range("2026-02-01", "2026-02-01").interval(line);
        let Plan::Rollups {
            hours_before,
            days_before,
            ..
        } = plan(&i)
        else {
            panic!("whole hours use rollups");
        };
        assert_eq!(hours_before, pair("2026-01-31T10", "2026-02-01T10"));
        assert_eq!(days_before, pair("", ""));
        let short = Interval {
            start: utc_midnight(day("2026-02-01")) + TimeDelta::hours(3),
            end: utc_midnight(day("2026-02-01")) + TimeDelta::hours(20),
        };
        assert_eq!(
            plan(&short),
            Plan::Rollups {
                hours_before: pair("2026-02-01T03", "2026-02-01T20"),
                days_before: pair("", ""),
                months: pair("", ""),
                days_after: pair("", ""),
                hours_after: pair("", ""),
            }
        );
    }

    #[test]
    fn half_hour_zones_sum_the_chats_themselves() {
        let kolkata = |d: NaiveDate| zoned_midnight(d, |_| 5 * 3600 + 1800);
        assert_eq!(
            plan(&range("2026-02-01", "2026-02-02").interval(kolkata)),
            Plan::Chats(pair("2026-01-31T18:30:00Z", "2026-02-02T18:30:00Z"))
        );
    }

    #[test]
    fn midnight_after_a_daylight_saving_change_uses_the_new_offset() {
        // New York moved from UTC-5 to UTC-4 at 07:00 UTC on 8 March 2026.
        let change = utc_midnight(day("2026-03-08")) + TimeDelta::hours(7);
        let offset = |t: DateTime<Utc>| if t < change { -5 * 3600 } else { -4 * 3600 };
        assert_eq!(
            time::format(zoned_midnight(day("2026-03-08"), offset)),
            "2026-03-08T05:00:00Z"
        );
        assert_eq!(
            time::format(zoned_midnight(day("2026-03-09"), offset)),
            "2026-03-09T04:00:00Z"
        );
        assert_eq!(
            local_today(
                utc_midnight(day("2026-03-09")) + TimeDelta::hours(3),
                -4 * 3600
            ),
            day("2026-03-08")
        );
    }

    #[test]
    fn a_series_reads_the_finest_rollup_its_days_need() {
        let r = range("2026-03-07", "2026-03-09");
        let runs = |s: &Series| {
            s.runs
                .iter()
                .map(|r| (r.first.clone(), r.past.clone(), r.shift, r.day.clone()))
                .collect::<Vec<_>>()
        };
        let utc = series(&r, utc_midnight);
        assert_eq!(utc.source, Source::Daily, "UTC days are daily rollups");
        assert_eq!(
            runs(&utc),
            [("2026-03-07".into(), "2026-03-10".into(), 0, None)]
        );
        assert_eq!(
            (utc.from.as_str(), utc.to.as_str()),
            ("2026-03-07", "2026-03-09")
        );
        // New York's 8 March 2026 is 23 hours long: a run of its own, named outright.
        let change = utc_midnight(day("2026-03-08")) + TimeDelta::hours(7);
        let ny = |d| zoned_midnight(d, |t| if t < change { -5 * 3600 } else { -4 * 3600 });
        let ny = series(&r, ny);
        assert_eq!(
            ny.source,
            Source::Hourly,
            "whole-hour zones are hourly rollups"
        );
        assert_eq!(
            runs(&ny),
            [
                (
                    "2026-03-07T05".into(),
                    "2026-03-08T05".into(),
                    -5 * 3600,
                    None
                ),
                (
                    "2026-03-08T05".into(),
                    "2026-03-09T04".into(),
                    0,
                    Some("2026-03-08".into())
                ),
                (
                    "2026-03-09T04".into(),
                    "2026-03-10T04".into(),
                    -4 * 3600,
                    None
                ),
            ]
        );
        let kolkata = |d| zoned_midnight(d, |_| 5 * 3600 + 1800);
        let kolkata = series(&r, kolkata);
        assert_eq!(
            kolkata.source,
            Source::Chats,
            "half-hour zones sum the chats"
        );
        assert_eq!(
            runs(&kolkata),
            [(
                "2026-03-06T18:30:00Z".into(),
                "2026-03-09T18:30:00Z".into(),
                5 * 3600 + 1800,
                None
            )]
        );
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

    /// A zone with summer time from the last Sunday of March 01:00 UTC to the last
    /// Sunday of October 01:00 UTC (as in Europe), +1 h and +2 h.
    fn european(t: DateTime<Utc>) -> i64 {
        use chrono::Datelike;
        let last_sunday_1am = |month: u32| {
            let mut day = NaiveDate::from_ymd_opt(t.year(), month, 31).unwrap();
            while day.weekday() != chrono::Weekday::Sun {
                day = day.pred_opt().unwrap();
            }
            day.and_hms_opt(1, 0, 0).unwrap().and_utc()
        };
        if t >= last_sunday_1am(3) && t < last_sunday_1am(10) {
            7200
        } else {
            3600
        }
    }

    #[test]
    fn learnt_offsets_agree_with_the_zone_at_every_instant_asked() {
        let start = utc_midnight(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        let end = utc_midnight(NaiveDate::from_ymd_opt(2027, 1, 3).unwrap());
        let asked = std::cell::Cell::new(0);
        let offsets = Offsets::learn(start, end, |t| {
            asked.set(asked.get() + 1);
            european(t)
        });
        // Two years of weekly samples and four bisections, not one question per instant.
        assert!(asked.get() < 250, "asked {} times", asked.get());
        let mut t = start;
        while t <= end {
            assert_eq!(offsets.at(t), Some(european(t)), "at {t}");
            t += TimeDelta::minutes(17);
        }
        // Either side of a change, to the second.
        let change = NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(1, 0, 0)
            .unwrap()
            .and_utc();
        assert_eq!(offsets.at(change - TimeDelta::seconds(1)), Some(3600));
        assert_eq!(offsets.at(change), Some(7200));
        assert_eq!(offsets.at(start - TimeDelta::seconds(1)), None);
        assert_eq!(offsets.at(end + TimeDelta::seconds(1)), None);
    }

    #[test]
    fn a_fixed_zone_is_learnt_from_one_sample_a_week() {
        let start = utc_midnight(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        let end = start + TimeDelta::days(366);
        let offsets = Offsets::learn(start, end, |_| 5 * 3600);
        assert_eq!(offsets.steps, vec![(start.timestamp(), 5 * 3600)]);
        assert_eq!(offsets.at(end), Some(5 * 3600));
    }
}
