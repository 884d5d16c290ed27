//! Timestamps as the API shows them: RFC 3339 in UTC to the second (`2026-02-11T14:23:00Z`),
//! which also sort lexically in time order in D1.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

pub fn now() -> DateTime<Utc> {
    Utc::now()
}

pub fn format(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn now_rfc3339() -> String {
    format(now())
}

pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The Unix seconds of a wall clock as `en-US` writes it with numeric fields and a
/// 24-hour clock (`12/7/2026, 23:15:45`): month, day, year, hour, minute, second, in
/// that order, whatever separates them.
pub fn wall_clock_seconds(text: &str) -> Option<i64> {
    let mut fields = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<u32>().ok());
    let mut next = || fields.next().flatten();
    let (month, day, year) = (next()?, next()?, next()?);
    let (hour, minute, second) = (next()?, next()?, next()?);
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
        .and_then(|d| d.and_hms_opt(hour, minute, second))
        .map(|wall| wall.and_utc().timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_the_spec() {
        let t = parse("2026-02-11T14:23:00Z").unwrap();
        assert_eq!(format(t), "2026-02-11T14:23:00Z");
    }

    #[test]
    fn offsets_are_normalised_to_utc() {
        let t = parse("2026-02-11T19:23:00+05:00").unwrap();
        assert_eq!(format(t), "2026-02-11T14:23:00Z");
    }

    #[test]
    fn the_wall_clock_is_read_from_en_us_numeric_text() {
        assert_eq!(wall_clock_seconds("1/1/1970, 00:00:00"), Some(0));
        assert_eq!(
            wall_clock_seconds("12/7/2026, 23:15:45"),
            Some(1_796_685_345)
        );
        // Whatever the separators (a narrow no-break space in newer ICU data).
        assert_eq!(
            wall_clock_seconds("12/7/2026,\u{202f}23:15:45"),
            Some(1_796_685_345)
        );
        assert_eq!(wall_clock_seconds("2/30/2026, 10:00:00"), None);
        assert_eq!(wall_clock_seconds("12/7/2026"), None);
    }
}
