//! Business hours: whether the workspace is open at a moment, and when it next opens.
//! Pure: the zone is given as its UTC offset at a moment (the worker reads it from the
//! platform's `Intl`, see [`crate::intl`]), so the rules are tested natively, daylight
//! saving included.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc, Weekday};
use shared_types::settings::{BusinessHours, Opening};

/// At most this many openings a day, and this many holidays.
pub const MAX_OPENINGS_PER_DAY: usize = 6;
pub const MAX_HOLIDAYS: usize = 400;

/// Minutes after local midnight of `HH:MM` (00:00 to 24:00).
fn minutes(hhmm: &str) -> Option<u32> {
    let (h, m) = hhmm.split_once(':')?;
    // Digits only: `u32::parse` would also take "+9".
    let digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(24 * 60),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

/// What is wrong with `hours`, as `(field, reason)` pairs naming the field the way the
/// request did (`business_hours.weekly.mon[0].close`). The zone's name is checked by the
/// caller, which has the zone database.
pub fn problems(hours: &BusinessHours) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (day, openings) in hours.weekly.days() {
        let at = |i: usize, part: &str| format!("business_hours.weekly.{day}[{i}]{part}");
        if openings.len() > MAX_OPENINGS_PER_DAY {
            found.push((
                format!("business_hours.weekly.{day}"),
                format!("at most {MAX_OPENINGS_PER_DAY} openings a day"),
            ));
            continue;
        }
        let mut spans: Vec<(u32, u32, usize)> = Vec::new();
        for (i, o) in openings.iter().enumerate() {
            let open = minutes(&o.open);
            let close = minutes(&o.close);
            if open.is_none_or(|m| m >= 24 * 60) {
                found.push((at(i, ".open"), "must be a time from 00:00 to 23:59".into()));
            }
            if close.is_none() {
                found.push((at(i, ".close"), "must be a time from 00:01 to 24:00".into()));
            }
            if let (Some(open), Some(close)) = (open, close) {
                if close <= open {
                    found.push((at(i, ".close"), "must be after open".into()));
                } else {
                    spans.push((open, close, i));
                }
            }
        }
        spans.sort();
        for pair in spans.windows(2) {
            if pair[1].0 < pair[0].1 {
                found.push((at(pair[1].2, ""), "overlaps another opening".into()));
            }
        }
    }
    if hours.holidays.len() > MAX_HOLIDAYS {
        found.push((
            "business_hours.holidays".into(),
            format!("at most {MAX_HOLIDAYS} days"),
        ));
    }
    for (i, day) in hours.holidays.iter().enumerate() {
        if NaiveDate::parse_from_str(day, "%Y-%m-%d").is_err() || day.len() != 10 {
            found.push((
                format!("business_hours.holidays[{i}]"),
                "must be a date, YYYY-MM-DD".into(),
            ));
        }
    }
    found
}

/// Open now, or closed with the next opening (`None` when none is ever ahead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub open: bool,
    pub opens_at: Option<DateTime<Utc>>,
}

fn openings_of(hours: &BusinessHours, day: Weekday) -> &[Opening] {
    let w = &hours.weekly;
    match day {
        Weekday::Mon => &w.mon,
        Weekday::Tue => &w.tue,
        Weekday::Wed => &w.wed,
        Weekday::Thu => &w.thu,
        Weekday::Fri => &w.fri,
        Weekday::Sat => &w.sat,
        Weekday::Sun => &w.sun,
    }
}

/// The spans of `day` in minutes, none on a holiday.
fn spans(hours: &BusinessHours, day: NaiveDate) -> Vec<(u32, u32)> {
    let name = day.format("%Y-%m-%d").to_string();
    if hours.holidays.contains(&name) {
        return Vec::new();
    }
    let mut spans: Vec<(u32, u32)> = openings_of(hours, day.weekday())
        .iter()
        .filter_map(|o| Some((minutes(&o.open)?, minutes(&o.close)?)))
        .filter(|(open, close)| open < close)
        .collect();
    spans.sort();
    spans
}

/// A local wall-clock moment in UTC. Twice through the offset, so a moment just after
/// a daylight-saving change lands on the offset of its own side.
fn to_utc(local: NaiveDateTime, offset_seconds: &impl Fn(DateTime<Utc>) -> i64) -> DateTime<Utc> {
    let guess = local.and_utc();
    let first = guess - Duration::seconds(offset_seconds(guess));
    guess - Duration::seconds(offset_seconds(first))
}

/// Whether `hours` are open at `now`, and if not, when they next open (searched a year
/// and a week ahead). Hours that are not enabled are always open.
pub fn status(
    hours: &BusinessHours,
    now: DateTime<Utc>,
    offset_seconds: impl Fn(DateTime<Utc>) -> i64,
) -> Status {
    if !hours.enabled {
        return Status {
            open: true,
            opens_at: None,
        };
    }
    let local = now.naive_utc() + Duration::seconds(offset_seconds(now));
    let today = local.date();
    let minute = local
        .time()
        .signed_duration_since(chrono::NaiveTime::MIN)
        .num_minutes() as u32;
    if spans(hours, today)
        .iter()
        .any(|(open, close)| *open <= minute && minute < *close)
    {
        return Status {
            open: true,
            opens_at: None,
        };
    }
    for ahead in 0..372 {
        let day = today + Duration::days(ahead);
        for (open, _) in spans(hours, day) {
            if ahead == 0 && open <= minute {
                continue;
            }
            let at = day.and_hms_opt(open / 60, open % 60, 0).unwrap_or_default();
            let utc = to_utc(at, &offset_seconds);
            if utc > now {
                return Status {
                    open: false,
                    opens_at: Some(utc),
                };
            }
        }
    }
    Status {
        open: false,
        opens_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared_types::settings::Weekly;

    fn opening(open: &str, close: &str) -> Opening {
        Opening {
            open: open.into(),
            close: close.into(),
        }
    }

    fn hours() -> BusinessHours {
        BusinessHours {
            enabled: true,
            ..BusinessHours::default()
        }
    }

    fn at(stamp: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(stamp).unwrap().to_utc()
    }

    const TASHKENT: fn(DateTime<Utc>) -> i64 = |_| 5 * 3600;

    #[test]
    fn tashkent_office_hours_open_on_a_weekday_and_say_when_they_open_at_night() {
        // 2026-12-03 is a Thursday.
        let open = status(&hours(), at("2026-12-03T06:00:00Z"), TASHKENT);
        assert_eq!(
            open,
            Status {
                open: true,
                opens_at: None
            }
        );
        // 18:00 in Tashkent is closing time: the next opening is Friday 09:00 (04:00Z).
        let closed = status(&hours(), at("2026-12-03T13:00:00Z"), TASHKENT);
        assert_eq!(
            closed,
            Status {
                open: false,
                opens_at: Some(at("2026-12-04T04:00:00Z"))
            }
        );
        // Friday night waits for Monday.
        let weekend = status(&hours(), at("2026-12-04T20:00:00Z"), TASHKENT);
        assert_eq!(weekend.opens_at, Some(at("2026-12-07T04:00:00Z")));
        // Before opening on the same day.
        let early = status(&hours(), at("2026-12-03T02:00:00Z"), TASHKENT);
        assert_eq!(early.opens_at, Some(at("2026-12-03T04:00:00Z")));
    }

    #[test]
    fn a_time_is_two_digits_a_colon_and_two_digits() {
        assert_eq!(minutes("09:30"), Some(570));
        assert_eq!(minutes("24:00"), Some(1440));
        for bad in [
            "+9:00", "9:00", "09:+5", "-1:00", "24:01", "09:60", "0930", " 9:00",
        ] {
            assert_eq!(minutes(bad), None, "{bad}");
        }
    }

    #[test]
    fn holidays_and_disabled_hours() {
        let mut h = hours();
        h.holidays = vec!["2026-12-04".into(), "2026-12-07".into()];
        let closed = status(&h, at("2026-12-03T20:00:00Z"), TASHKENT);
        assert_eq!(closed.opens_at, Some(at("2026-12-08T04:00:00Z")));
        h.enabled = false;
        assert!(status(&h, at("2026-12-04T06:00:00Z"), TASHKENT).open);
        let never = BusinessHours {
            enabled: true,
            weekly: Weekly::default(),
            ..BusinessHours::default()
        };
        assert_eq!(
            status(&never, at("2026-12-04T06:00:00Z"), TASHKENT),
            Status {
                open: false,
                opens_at: None
            }
        );
    }

    #[test]
    fn a_split_day_and_a_day_open_to_midnight() {
        let mut h = hours();
        h.weekly.thu = vec![opening("14:00", "24:00"), opening("09:00", "12:00")];
        h.weekly.fri = vec![opening("00:00", "02:00")];
        let lunch = status(&h, at("2026-12-03T07:30:00Z"), TASHKENT); // 12:30 local
        assert_eq!(lunch.opens_at, Some(at("2026-12-03T09:00:00Z")));
        assert!(status(&h, at("2026-12-03T18:59:00Z"), TASHKENT).open); // 23:59
        assert!(status(&h, at("2026-12-03T19:30:00Z"), TASHKENT).open); // Fri 00:30
    }

    #[test]
    fn opening_follows_the_clock_across_daylight_saving() {
        // Berlin: +1 in winter, +2 from 2027-03-28T01:00Z.
        let berlin = |t: DateTime<Utc>| {
            if t >= at("2027-03-28T01:00:00Z") {
                7200
            } else {
                3600
            }
        };
        let mut h = hours();
        h.timezone = "Europe/Berlin".into();
        // Saturday night before the change: Monday 09:00 is 07:00Z in summer time.
        let s = status(&h, at("2027-03-27T22:00:00Z"), berlin);
        assert_eq!(s.opens_at, Some(at("2027-03-29T07:00:00Z")));
        // A Thursday evening in winter: Friday 09:00 is 08:00Z.
        let s = status(&h, at("2027-03-25T18:00:00Z"), berlin);
        assert_eq!(s.opens_at, Some(at("2027-03-26T08:00:00Z")));
    }

    #[test]
    fn bad_hours_are_named_field_by_field() {
        let mut h = hours();
        h.weekly.mon = vec![
            opening("9:00", "18:00"),
            opening("10:00", "09:00"),
            opening("12:00", "25:00"),
        ];
        h.weekly.tue = vec![opening("09:00", "13:00"), opening("12:00", "18:00")];
        h.holidays = vec!["2026-02-30".into(), "2026-03-21".into()];
        let found: Vec<String> = problems(&h).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            found,
            [
                "business_hours.weekly.mon[0].open",
                "business_hours.weekly.mon[1].close",
                "business_hours.weekly.mon[2].close",
                "business_hours.weekly.tue[1]",
                "business_hours.holidays[0]",
            ]
        );
        assert!(problems(&hours()).is_empty());
    }
}
