//! Timestamps as the API shows them: RFC 3339 in UTC to the second (`2026-02-11T14:23:00Z`),
//! which also sort lexically in time order in D1.

use chrono::{DateTime, SecondsFormat, Utc};

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
}
