//! Mail: who is told what and when (the rules), what goes out (`mime`, `compose`), and
//! what comes back (`inbound`, `reply`). No bindings here; the worker's half is
//! `crate::services::email`.
//!
//! A reply address is `chat+<token>@<reply domain>`. The token is a random id (a row of
//! the directory's `reply_addresses`, which names the workspace, the chat and the
//! recipient) followed by an HMAC of it, all in lower-case base32, so it survives mail
//! systems that fold case and fits the 64 characters an address's local part may have.

pub mod compose;
pub mod inbound;
pub mod mime;
pub mod reply;

use chrono::{DateTime, Duration, Utc};

use super::token;

/// The quiet time before a notification, when the Worker variable is not set.
pub const DEFAULT_NOTIFY_DELAY_SECONDS: i64 = 120;
/// At most one mail per chat and recipient in this many minutes; later messages wait.
pub const MIN_GAP_MINUTES: i64 = 10;
/// A reply address stops working this long after the last mail that carried it.
pub const REPLY_ADDRESS_DAYS: i64 = 90;
/// Replies to a chat closed longer ago than this are refused.
pub const CLOSED_CHAT_REPLY_DAYS: i64 = 30;
/// Messages quoted in one mail at most (the newest).
pub const MAX_MESSAGES_PER_MAIL: usize = 20;

const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
const ID_CHARS: usize = 16;
const MAC_CHARS: usize = 10;

/// When an agent wants to be told of a visitor's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preference {
    /// Only while the agent has no open socket (the default).
    Offline,
    Always,
    Off,
}

impl Preference {
    pub fn parse(value: &str) -> Option<Preference> {
        match value {
            "offline" => Some(Preference::Offline),
            "always" => Some(Preference::Always),
            "off" => Some(Preference::Off),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Preference::Offline => "offline",
            Preference::Always => "always",
            Preference::Off => "off",
        }
    }

    /// Whether an agent with this preference is mailed, given whether they are online.
    pub fn wants_mail(self, online: bool) -> bool {
        match self {
            Preference::Always => true,
            Preference::Offline => !online,
            Preference::Off => false,
        }
    }
}

/// When a mail for `recipient` may go: after the quiet time from the first unanswered
/// message, and no sooner than [`MIN_GAP_MINUTES`] after the last mail to them.
pub fn due_at(
    first_unanswered: DateTime<Utc>,
    delay: Duration,
    last_sent: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    let quiet = first_unanswered + delay;
    match last_sent {
        Some(at) => quiet.max(at + Duration::minutes(MIN_GAP_MINUTES)),
        None => quiet,
    }
}

/// A new random reply-address id.
pub fn new_reply_id() -> String {
    let mut bytes = [0u8; ID_CHARS];
    // The system RNG never fails on workerd or the test host (see `ids`).
    getrandom::getrandom(&mut bytes).expect("system random number generator");
    bytes
        .iter()
        .map(|b| BASE32[usize::from(b % 32)] as char)
        .collect()
}

/// The token of the reply address with `id`.
pub fn reply_token(secret: &[u8], id: &str) -> String {
    let mac = token::sign(secret, &format!("reply.{id}"));
    let mac: String = hex::decode(mac)
        .unwrap_or_default()
        .iter()
        .take(MAC_CHARS)
        .map(|b| BASE32[usize::from(b % 32)] as char)
        .collect();
    format!("{id}{mac}")
}

/// The id of a genuine token; None for a forged or malformed one.
pub fn read_reply_token(secret: &[u8], token: &str) -> Option<String> {
    let token = token.to_ascii_lowercase();
    if token.len() != ID_CHARS + MAC_CHARS || !token.bytes().all(|b| BASE32.contains(&b)) {
        return None;
    }
    let id = &token[..ID_CHARS];
    let expected = reply_token(secret, id);
    super::secret::constant_time_eq(expected.as_bytes(), token.as_bytes()).then(|| id.to_string())
}

/// Whether `text` is a domain name mail can be routed to: two or more labels of
/// letters, digits and inner hyphens, 3..=253 characters in all.
pub fn is_domain(text: &str) -> bool {
    let labels: Vec<&str> = text.split('.').collect();
    (3..=253).contains(&text.len())
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.bytes().any(|b| b.is_ascii_alphabetic()))
}

/// `chat+<token>@<domain>`.
pub fn reply_address(token: &str, domain: &str) -> String {
    format!("chat+{token}@{domain}")
}

/// The token in a reply address, if it is one.
pub fn token_of_address(address: &str) -> Option<String> {
    let address = address.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, _) = address.rsplit_once('@')?;
    let token = local
        .to_ascii_lowercase()
        .strip_prefix("chat+")?
        .to_string();
    Some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_told_from_other_text() {
        for good in ["reply.shop.uz", "mail-in.example.com", "a.io"] {
            assert!(is_domain(good), "{good}");
        }
        for bad in [
            "localhost",
            "shop..uz",
            "-a.uz",
            "a-.uz",
            "a b.uz",
            "shop.uz/x",
            "1.2.3.4",
            "x@y.uz",
            "",
        ] {
            assert!(!is_domain(bad), "{bad}");
        }
    }
    use chrono::TimeZone;

    #[test]
    fn a_token_reads_back_to_its_id_and_any_change_breaks_it() {
        let id = new_reply_id();
        let token = reply_token(b"secret", &id);
        assert_eq!(token.len(), 26);
        assert_eq!(
            read_reply_token(b"secret", &token).as_deref(),
            Some(id.as_str())
        );
        assert_eq!(
            read_reply_token(b"secret", &token.to_ascii_uppercase()).as_deref(),
            Some(id.as_str())
        );
        assert_eq!(read_reply_token(b"other", &token), None);
        let mut forged = token.clone().into_bytes();
        forged[3] = if forged[3] == b'a' { b'b' } else { b'a' };
        assert_eq!(
            read_reply_token(b"secret", &String::from_utf8(forged).unwrap()),
            None
        );
        assert_eq!(read_reply_token(b"secret", "short"), None);
    }

    #[test]
    fn a_reply_address_fits_a_local_part_and_gives_its_token_back() {
        let token = reply_token(b"s", &new_reply_id());
        let address = reply_address(&token, "reply.chatflow.example");
        assert!(address.split('@').next().unwrap().len() <= 64);
        assert_eq!(
            token_of_address(&format!("<{}>", address.to_uppercase())),
            Some(token)
        );
        assert_eq!(token_of_address("owner@shop.uz"), None);
    }

    #[test]
    fn preferences_decide_by_presence() {
        assert!(Preference::Offline.wants_mail(false));
        assert!(!Preference::Offline.wants_mail(true));
        assert!(Preference::Always.wants_mail(true));
        assert!(!Preference::Off.wants_mail(false));
        assert_eq!(Preference::parse("always"), Some(Preference::Always));
        assert_eq!(Preference::parse("never"), None);
    }

    #[test]
    fn a_mail_waits_for_the_quiet_time_and_the_gap_after_the_last() {
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 19, 0, 0).unwrap();
        let delay = Duration::seconds(120);
        assert_eq!(due_at(t, delay, None), t + delay);
        let last = t - Duration::minutes(3);
        assert_eq!(due_at(t, delay, Some(last)), last + Duration::minutes(10));
        let long_ago = t - Duration::hours(1);
        assert_eq!(due_at(t, delay, Some(long_ago)), t + delay);
    }
}
