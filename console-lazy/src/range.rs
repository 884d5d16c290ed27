//! The days the Analytics tab asks about: a preset ending today or a custom from/to,
//! checked here as the API checks it (from ≤ to, at most 366 days) so a bad range is
//! refused before any request, and days counted in the agent's own time zone.

use shared_types::validate::{IsoDate, TimeZoneName};

/// The longest range the API accepts, in days (edge-api's `analytics::MAX_DAYS`).
pub const MAX_DAYS: i64 = 366;

/// A preset of the range picker: the last `n` days, today included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    Today,
    Days7,
    Days30,
    Days90,
}

impl Preset {
    pub const ALL: [Preset; 4] = [Preset::Today, Preset::Days7, Preset::Days30, Preset::Days90];

    pub fn days(self) -> i64 {
        match self {
            Preset::Today => 1,
            Preset::Days7 => 7,
            Preset::Days30 => 30,
            Preset::Days90 => 90,
        }
    }

    /// The `<option>` value.
    pub fn key(self) -> &'static str {
        match self {
            Preset::Today => "1",
            Preset::Days7 => "7",
            Preset::Days30 => "30",
            Preset::Days90 => "90",
        }
    }

    pub fn from_key(key: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.key() == key)
    }
}

/// Why a custom range is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeError {
    /// A bound is empty or not a date.
    Missing,
    /// `from` is after `to`.
    Reversed,
    /// More than [`MAX_DAYS`] days.
    TooLong,
}

/// An inclusive range of days, `from ≤ to`, at most [`MAX_DAYS`] long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayRange {
    from: IsoDate,
    to: IsoDate,
}

impl DayRange {
    /// The last `preset.days()` days up to `today`.
    pub fn preset(preset: Preset, today: &IsoDate) -> DayRange {
        let end = day_number(today);
        DayRange {
            from: iso_date(end - (preset.days() - 1)),
            to: today.clone(),
        }
    }

    /// A range typed into the two date inputs (`YYYY-MM-DD`, as `<input type=date>`
    /// gives them).
    pub fn custom(from: &str, to: &str) -> Result<DayRange, RangeError> {
        let parse = |s: &str| IsoDate::parse(s.trim()).map_err(|_| RangeError::Missing);
        let (from, to) = (parse(from)?, parse(to)?);
        if from > to {
            return Err(RangeError::Reversed);
        }
        if day_number(&to) - day_number(&from) + 1 > MAX_DAYS {
            return Err(RangeError::TooLong);
        }
        Ok(DayRange { from, to })
    }

    pub fn from(&self) -> &IsoDate {
        &self.from
    }

    pub fn to(&self) -> &IsoDate {
        &self.to
    }

    /// `from=…&to=…` and, outside UTC, `&tz=…`.
    pub fn query(&self, tz: Option<&TimeZoneName>) -> String {
        let mut q = format!("from={}&to={}", self.from.as_str(), self.to.as_str());
        if let Some(tz) = tz {
            // Zone names may hold `+` (`Etc/GMT+5`), which a query would read as a space.
            q.push_str("&tz=");
            q.push_str(&tz.as_str().replace('+', "%2B"));
        }
        q
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`), so ranges can be counted and stepped without a date library.
pub fn day_number(date: &IsoDate) -> i64 {
    let (y, m, d) = (
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01 (`civil_from_days`); years outside 1..=9999 are
/// clamped, which no range of the console reaches.
pub fn iso_date(days: i64) -> IsoDate {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = (yoe + era * 400 + i64::from(m <= 2)).clamp(1, 9999);
    ymd(y, m, d)
}

fn ymd(y: i64, m: i64, d: i64) -> IsoDate {
    IsoDate::parse(&format!("{y:04}-{m:02}-{d:02}"))
        .unwrap_or_else(|_| IsoDate::parse("1970-01-01").expect("a valid date"))
}

/// Today in the browser's own zone.
pub fn local_today() -> IsoDate {
    let now = js_sys::Date::new_0();
    ymd(
        i64::from(now.get_full_year()),
        i64::from(now.get_month()) + 1,
        i64::from(now.get_date()),
    )
}

/// The browser's IANA zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`), so the
/// server's days are the agent's days. `None` for UTC (the API's default) or a name
/// the API could not take.
pub fn browser_time_zone() -> Option<TimeZoneName> {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    let options = format.resolved_options();
    let name = js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()?
        .as_string()?;
    TimeZoneName::parse(&name).ok().filter(|tz| !tz.is_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> IsoDate {
        IsoDate::parse(s).unwrap()
    }

    #[test]
    fn day_numbers_round_trip_across_months_leap_days_and_years() {
        assert_eq!(day_number(&d("1970-01-01")), 0);
        assert_eq!(
            day_number(&d("2026-03-01")) - day_number(&d("2026-02-28")),
            1
        );
        assert_eq!(
            day_number(&d("2028-03-01")) - day_number(&d("2028-02-28")),
            2
        );
        for n in [-1, 0, 59, 20_000, 20_513, 21_000, 30_000] {
            assert_eq!(day_number(&iso_date(n)), n);
        }
        assert_eq!(iso_date(day_number(&d("2028-02-29"))), d("2028-02-29"));
    }

    #[test]
    fn presets_end_today_and_span_their_days() {
        let today = d("2026-03-05");
        let r = DayRange::preset(Preset::Today, &today);
        assert_eq!(
            (r.from().as_str(), r.to().as_str()),
            ("2026-03-05", "2026-03-05")
        );
        let r = DayRange::preset(Preset::Days7, &today);
        assert_eq!(r.from().as_str(), "2026-02-27");
        let r = DayRange::preset(Preset::Days90, &today);
        assert_eq!(day_number(r.to()) - day_number(r.from()) + 1, 90);
        assert_eq!(Preset::from_key("30"), Some(Preset::Days30));
        assert_eq!(Preset::from_key("custom"), None);
    }

    #[test]
    fn a_custom_range_is_refused_as_the_api_would_refuse_it() {
        assert_eq!(
            DayRange::custom("2026-03-09", "2026-03-01"),
            Err(RangeError::Reversed)
        );
        assert_eq!(DayRange::custom("", "2026-03-01"), Err(RangeError::Missing));
        assert_eq!(
            DayRange::custom("2026-02-30", "2026-03-01"),
            Err(RangeError::Missing)
        );
        assert_eq!(
            DayRange::custom("2025-02-28", "2026-03-01"),
            Err(RangeError::TooLong)
        );
        let year = DayRange::custom("2025-03-01", "2026-03-01").unwrap();
        assert_eq!(year.query(None), "from=2025-03-01&to=2026-03-01");
        let one = DayRange::custom("2026-03-01", "2026-03-01").unwrap();
        let tz = TimeZoneName::parse("Etc/GMT+5").unwrap();
        assert_eq!(
            one.query(Some(&tz)),
            "from=2026-03-01&to=2026-03-01&tz=Etc/GMT%2B5"
        );
    }
}
