//! Webhook rules that need no binding: which URLs may receive deliveries, how a
//! delivery is signed, when it is retried, when a failing webhook is switched off,
//! and which events a chat change fires.

use std::net::{Ipv4Addr, Ipv6Addr};

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use shared_types::chats::{ChatDetail, ChatStatus};
use shared_types::validate::HttpUrl;
use shared_types::webhooks::{SignatureHeader, WebhookEvent};

/// Attempts per delivery, the first included. Must equal `max_retries + 1` of the
/// WEBHOOKS consumer in wrangler.toml: the queue, not this code, moves a message to
/// the dead-letter queue, and this number only tells the log that no retry follows.
pub const MAX_ATTEMPTS: u32 = 9;

/// Seconds before the first retry in production. Each later retry waits twice as
/// long, up to [`MAX_BACKOFF_FACTOR`] times this, so the retries of one delivery
/// span 1+2+4+8+16+16+16+16 = 79 minutes.
pub const DEFAULT_RETRY_BASE_SECONDS: u32 = 60;

/// The longest wait between attempts, in multiples of the base: past it, waiting
/// longer would only push the dead letter beyond the hour an integrator expects.
pub const MAX_BACKOFF_FACTOR: u32 = 16;

/// The longest delay Cloudflare Queues accept for a retry (12 hours).
const MAX_QUEUE_DELAY_SECONDS: u32 = 43_200;

/// How long a receiver has to answer with a 2xx.
pub const DELIVERY_TIMEOUT_MS: u32 = 10_000;

/// A webhook whose deliveries have failed without a success in between for this long
/// is deactivated.
pub fn deactivate_after() -> Duration {
    Duration::days(1)
}

/// The deliveries log shows a month; older attempts are deleted by the workspace
/// object's alarm.
pub const DELIVERY_LOG_DAYS: i64 = 30;

/// Attempts logged before this instant have expired at `now`.
pub fn delivery_log_cutoff(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(DELIVERY_LOG_DAYS)
}

/// When the object's alarm next deletes expired attempts: when the oldest attempt left
/// expires, but not before `not_before`. Arming after a write passes the present, so a
/// log that is already overdue is swept at once; the alarm itself passes a day from
/// now, so a busy log is swept daily rather than each time its oldest row expires.
pub fn next_log_sweep(oldest: DateTime<Utc>, not_before: DateTime<Utc>) -> DateTime<Utc> {
    (oldest + Duration::days(DELIVERY_LOG_DAYS)).max(not_before)
}

/// The least time between two sweeps of a workspace's deliveries log.
pub fn log_sweep_interval() -> Duration {
    Duration::days(1)
}

/// A 2xx answer is the only success; redirects are not followed, since a receiver
/// that moved must be updated by its owner, not guessed at.
pub fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Seconds to wait before the attempt after `failed_attempt` (1-based):
/// `base * 2^(failed_attempt - 1)`, at most `base * MAX_BACKOFF_FACTOR` and the
/// queue's 12-hour limit.
pub fn retry_delay_seconds(failed_attempt: u32, base: u32) -> u32 {
    let factor = 1u32
        .checked_shl(failed_attempt.saturating_sub(1))
        .unwrap_or(u32::MAX)
        .min(MAX_BACKOFF_FACTOR);
    base.saturating_mul(factor).min(MAX_QUEUE_DELAY_SECONDS)
}

/// What a failed attempt does to the webhook's run of failures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureOutcome {
    /// The start of the run, to store in `failing_since`.
    pub failing_since: DateTime<Utc>,
    /// True when the run has lasted [`deactivate_after`]: switch the webhook off.
    pub deactivate: bool,
}

/// A failure at `now` extends the run that began at `failing_since` (or starts one).
pub fn after_failure(failing_since: Option<DateTime<Utc>>, now: DateTime<Utc>) -> FailureOutcome {
    let since = failing_since.filter(|s| *s <= now).unwrap_or(now);
    FailureOutcome {
        failing_since: since,
        deactivate: now - since >= deactivate_after(),
    }
}

/// `ChatFlow-Signature` for a body sent at `timestamp` (unix seconds).
pub fn sign(secret: &[u8], timestamp: u64, body: &[u8]) -> SignatureHeader {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&SignatureHeader::signed_payload(timestamp, body));
    SignatureHeader {
        timestamp,
        v1: hex::encode(mac.finalize().into_bytes()),
    }
}

/// A new signing secret for a webhook created without one: `whsec_` and 32 base62
/// characters (~190 bits).
pub fn generate_secret() -> String {
    format!("whsec_{}", super::ids::random_base62(32))
}

/// An event's `created_at`: milliseconds, so receivers can order events of the same
/// second.
pub fn event_timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The events an agent's change to a chat fires, in the order they happened:
/// a reopened chat may be assigned in the same request, an assigned one closed.
pub fn chat_change_events(before: &ChatDetail, after: &ChatDetail) -> Vec<WebhookEvent> {
    let mut events = Vec::new();
    let was_closed = before.status == ChatStatus::Closed;
    let is_closed = after.status == ChatStatus::Closed;
    if was_closed && !is_closed {
        events.push(WebhookEvent::ChatReopened);
    }
    if after.assigned_to.is_some() && after.assigned_to != before.assigned_to {
        events.push(WebhookEvent::ChatAssigned);
    }
    if !was_closed && is_closed {
        events.push(WebhookEvent::ChatClosed);
    }
    events
}

/// Why a webhook URL is refused (the detail of HOOK-002).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlRefusal {
    NotHttps,
    PrivateAddress,
}

impl UrlRefusal {
    pub fn reason(self) -> &'static str {
        match self {
            UrlRefusal::NotHttps => "must be an https:// URL",
            UrlRefusal::PrivateAddress => {
                "must not point at a private, loopback, link-local or metadata address"
            }
        }
    }
}

/// Whether deliveries may go to `url`. Outside local development (`allow_private`
/// false) only https is accepted and the host must be public: no IP literal in a
/// private, loopback, link-local, shared, multicast or reserved range (in any of the
/// spellings a WHATWG URL parser turns into one, such as `http://2130706433/`), and
/// no name that only resolves inside a network (`localhost`, `*.internal`,
/// `*.local`, single labels such as `metadata`). Names are not resolved here: the
/// Workers runtime itself refuses to connect to private addresses, which covers a
/// public name pointing inwards.
pub fn check_url(url: &HttpUrl, allow_private: bool) -> Result<(), UrlRefusal> {
    if allow_private {
        return Ok(());
    }
    if !url.is_https() {
        return Err(UrlRefusal::NotHttps);
    }
    if host_is_public(url.host()) {
        Ok(())
    } else {
        Err(UrlRefusal::PrivateAddress)
    }
}

fn host_is_public(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner.parse::<Ipv6Addr>().is_ok_and(ipv6_is_public);
    }
    let host = host.strip_suffix('.').unwrap_or(&host);
    match whatwg_ipv4(host) {
        Ipv4Host::Address(ip) => return ipv4_is_public(ip),
        // A parser would refuse it; so do we, rather than guess what it names.
        Ipv4Host::Invalid => return false,
        Ipv4Host::NotNumeric => {}
    }
    let internal_suffixes = [
        ".localhost",
        ".internal",
        ".local",
        ".localdomain",
        ".home.arpa",
    ];
    !(host.is_empty()
        || !host.contains('.')
        || host == "localhost"
        || internal_suffixes.iter().any(|s| host.ends_with(s)))
}

enum Ipv4Host {
    Address(Ipv4Addr),
    Invalid,
    NotNumeric,
}

/// The WHATWG URL standard's IPv4 parser, which workerd's `fetch` uses: a host whose
/// last label is a number is an IPv4 address, written with 1 to 4 parts, each
/// decimal, octal (leading 0) or hex (0x), the last part filling the remaining bytes.
fn whatwg_ipv4(host: &str) -> Ipv4Host {
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    let last = parts.last().copied().unwrap_or_default();
    let last_is_number = !last.is_empty()
        && (last.bytes().all(|b| b.is_ascii_digit()) || parse_ipv4_part(last).is_some());
    if !last_is_number {
        return Ipv4Host::NotNumeric;
    }
    if parts.len() > 4 {
        return Ipv4Host::Invalid;
    }
    let Some(numbers) = parts
        .iter()
        .map(|p| parse_ipv4_part(p))
        .collect::<Option<Vec<u64>>>()
    else {
        return Ipv4Host::Invalid;
    };
    let (head, tail) = numbers.split_at(numbers.len() - 1);
    if head.iter().any(|n| *n > 255) {
        return Ipv4Host::Invalid;
    }
    let tail_bytes = 4 - head.len() as u32;
    if tail[0] >= 1u64 << (8 * tail_bytes) {
        return Ipv4Host::Invalid;
    }
    let mut value = tail[0];
    for (i, n) in head.iter().enumerate() {
        value += n << (8 * (3 - i));
    }
    Ipv4Host::Address(Ipv4Addr::from(value as u32))
}

fn parse_ipv4_part(part: &str) -> Option<u64> {
    let (digits, radix) =
        if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            (hex, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (part, 10)
        };
    if digits.is_empty() {
        // "0x" alone is zero in the standard; "" is not a number.
        return (radix == 16).then_some(0);
    }
    if digits.len() > 20 {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

fn ipv4_is_public(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0                                   // "this network"
        || a == 10                             // private
        || a == 127                            // loopback
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 169 && b == 254)              // link-local, cloud metadata
        || (a == 172 && (16..32).contains(&b)) // private
        || (a == 192 && b == 0 && c == 0)      // IETF protocol assignments
        || (a == 192 && b == 168)              // private
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 224) // multicast, reserved, broadcast
}

fn ipv6_is_public(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    // Addresses that carry or tunnel to an IPv4 address: the IPv4 behind them may be
    // private, and a public webhook has no reason to be written in them, so all are
    // refused, whatever the IPv4 inside (IPv4-mapped ::ffff:0:0/96 included: a
    // private mapped address is refused as such, a public one as a mapped spelling).
    let tunnels = ip.to_ipv4_mapped().is_some()
        || s[0] == 0x2002 // 6to4 2002::/16
        || (s[0] == 0x2001 && s[1] == 0) // Teredo 2001::/32
        || (s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1); // local-use NAT64 64:ff9b:1::/48
    if tunnels {
        return false;
    }
    // Well-known NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6].iter().all(|x| *x == 0) {
        return ipv4_is_public(Ipv4Addr::new(
            (s[6] >> 8) as u8,
            s[6] as u8,
            (s[7] >> 8) as u8,
            s[7] as u8,
        ));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local, incl. fd00:ec2::254 metadata
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // deprecated site-local
        || s[..6].iter().all(|x| *x == 0)) // IPv4-compatible (::a.b.c.d)
}

/// Whether the ALLOW_PRIVATE_WEBHOOK_URLS setting lets deliveries reach private
/// addresses: only the exact text "true" does, so an unset, empty or misspelt value
/// (a bare `wrangler deploy` of the top-level config) refuses them.
pub fn allows_private(setting: Option<&str>) -> bool {
    setting == Some("true")
}

/// Whether `url` names this machine: `localhost`, `127.0.0.0/8` or `[::1]`, over http(s).
pub fn is_loopback_url(url: &str) -> bool {
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        match v6.split_once(']') {
            Some((h, _)) => h,
            None => return false,
        }
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    let host = host.to_ascii_lowercase();
    if host == "localhost" || host == "::1" {
        return true;
    }
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4
        && octets[0] == "127"
        && octets.iter().all(|o| {
            !o.is_empty()
                && o.len() <= 3
                && o.bytes().all(|b| b.is_ascii_digit())
                && o.parse::<u8>().is_ok()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn loopback_urls_are_this_machine_only() {
        for url in [
            "http://127.0.0.1:8080/hook",
            "https://localhost/x",
            "http://[::1]:9/x",
            "http://127.9.0.1",
            "http://LOCALHOST:1",
        ] {
            assert!(is_loopback_url(url), "{url}");
        }
        for url in [
            "https://myapp.com/webhooks/chatflow",
            "http://127.0.0.1.example.com/x",
            "http://user@127.0.0.1.evil/x",
            "http://128.0.0.1/",
            "http://127.0.0.256/",
            "ftp://127.0.0.1/",
            "http://10.0.0.1/",
            "127.0.0.1",
        ] {
            assert!(!is_loopback_url(url), "{url}");
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        crate::domain::time::parse(s).unwrap()
    }

    #[test]
    fn an_attempt_expires_thirty_days_after_it_was_logged() {
        let now = at("2026-03-31T12:00:00Z");
        assert_eq!(delivery_log_cutoff(now), at("2026-03-01T12:00:00Z"));
    }

    #[test]
    fn the_sweep_comes_when_the_oldest_attempt_expires() {
        let now = at("2026-03-10T00:00:00Z");
        let oldest = at("2026-03-05T08:00:00Z");
        assert_eq!(next_log_sweep(oldest, now), at("2026-04-04T08:00:00Z"));
    }

    #[test]
    fn an_overdue_log_is_swept_at_once_after_a_write_and_daily_after_a_sweep() {
        let now = at("2026-03-10T00:00:00Z");
        let oldest = at("2026-01-01T00:00:00Z");
        assert_eq!(next_log_sweep(oldest, now), now);
        assert_eq!(
            next_log_sweep(oldest, now + log_sweep_interval()),
            at("2026-03-11T00:00:00Z")
        );
    }

    fn check(url: &str) -> Result<(), UrlRefusal> {
        check_url(&HttpUrl::parse(url).unwrap(), false)
    }

    #[test]
    fn public_https_urls_are_accepted() {
        for url in [
            "https://myapp.com/webhooks/chatflow",
            "https://hooks.example.uz:8443/x?y=1",
            "https://8.8.8.8/hook",
            "https://[2606:4700::1111]/hook",
            "https://172.32.0.1/",
            "https://100.128.0.1/",
        ] {
            assert_eq!(check(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn plain_http_is_refused_outside_development() {
        assert_eq!(check("http://myapp.com/hook"), Err(UrlRefusal::NotHttps));
    }

    #[test]
    fn private_loopback_link_local_and_metadata_hosts_are_refused() {
        for url in [
            "https://127.0.0.1/",
            "https://127.1.2.3:8080/",
            "https://10.0.0.5/",
            "https://172.16.0.1/",
            "https://172.31.255.255/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest/meta-data/",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://224.0.0.1/",
            "https://255.255.255.255/",
            "https://[::1]/",
            "https://[::]/",
            "https://[fe80::1]/",
            "https://[fd00:ec2::254]/",
            "https://[fc00::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::ffff:a9fe:a9fe]/",
            "https://[64:ff9b::10.0.0.1]/",
            "https://[64:ff9b::7f00:1]/",
            "https://[::ffff:8.8.8.8]/",
            "https://[::ffff:169.254.169.254]/",
            "https://[::ffff:10.0.0.1]/",
            "https://[2002:c0a8:101::1]/",
            "https://[2002:808:808::1]/",
            "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
            "https://[2001::1]/",
            "https://[64:ff9b:1::a00:1]/",
            "https://[64:ff9b:1:ffff::1]/",
            "https://localhost/",
            "https://LOCALHOST/",
            "https://api.localhost/",
            "https://metadata.google.internal/",
            "https://printer.local/",
            "https://metadata/",
            "https://intranet/",
        ] {
            assert_eq!(check(url), Err(UrlRefusal::PrivateAddress), "{url}");
        }
    }

    #[test]
    fn numeric_spellings_of_private_addresses_are_refused() {
        for url in [
            "https://2130706433/",          // 127.0.0.1 as one number
            "https://0x7f000001/",          // hex
            "https://0177.0.0.1/",          // octal first part
            "https://127.1/",               // two parts
            "https://0xa9.0xfe.0xa9.0xfe/", // 169.254.169.254
            "https://1.2.3.4.5/",           // not an address at all
            "https://256.0.0.1/",           // out of range
            "https://1.2.3.09/",            // invalid octal
        ] {
            assert_eq!(check(url), Err(UrlRefusal::PrivateAddress), "{url}");
        }
        // A name that merely contains digits is still a name.
        assert_eq!(check("https://1password.com/"), Ok(()));
        assert_eq!(check("https://3.example/"), Ok(()));
    }

    #[test]
    fn public_ipv6_outside_the_tunnel_ranges_is_allowed() {
        for url in [
            "https://[2606:4700:4700::1111]/",
            "https://[2001:db9::1]/",
            "https://[2001:1::1]/",
            "https://[64:ff9b::808:808]/",
            "https://[2003::1]/",
        ] {
            assert_eq!(check(url), Ok(()), "{url}");
        }
    }

    /// What a bare `wrangler deploy` uses is the top level of wrangler.toml: it must
    /// never let webhooks reach private addresses (local development sets the variable
    /// in .dev.vars or with --var).
    #[test]
    fn a_bare_deploy_config_refuses_private_webhook_urls() {
        let config = include_str!("../../../wrangler.toml");
        let top_level = config.split("\n[env.").next().unwrap_or(config);
        let vars = top_level
            .split("\n[vars]")
            .nth(1)
            .expect("wrangler.toml has a top-level [vars]");
        let vars = vars.split("\n[").next().unwrap_or(vars);
        let value = vars.lines().find_map(|line| {
            let (name, value) = line.split_once('=')?;
            (name.trim() == "ALLOW_PRIVATE_WEBHOOK_URLS").then_some(value.trim().trim_matches('"'))
        });
        assert_eq!(value, Some("false"));
        assert!(!allows_private(value));
        assert!(allows_private(Some("true")));
        assert!(!allows_private(None));
        assert!(!allows_private(Some("TRUE")));
        let url = HttpUrl::parse("https://10.0.0.1/hook").unwrap();
        assert_eq!(
            check_url(&url, allows_private(value)),
            Err(UrlRefusal::PrivateAddress)
        );
    }

    #[test]
    fn development_allows_loopback_and_http() {
        let url = HttpUrl::parse("http://127.0.0.1:9000/hook").unwrap();
        assert_eq!(check_url(&url, true), Ok(()));
        assert_eq!(check_url(&url, false), Err(UrlRefusal::NotHttps));
    }

    #[test]
    fn signature_matches_a_reference_hmac() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let h = sign(b"Jefe", 0, b"");
        assert_eq!(h.timestamp, 0);
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"0.");
        assert_eq!(h.v1, hex::encode(mac.finalize().into_bytes()));
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let signed = sign(b"whsec_x", 1_770_000_000, br#"{"id":"evt_1"}"#);
        assert_eq!(signed.v1.len(), 64);
        assert_ne!(
            signed,
            sign(b"whsec_x", 1_770_000_001, br#"{"id":"evt_1"}"#)
        );
        assert_ne!(
            signed,
            sign(b"whsec_y", 1_770_000_000, br#"{"id":"evt_1"}"#)
        );
        assert_eq!(SignatureHeader::parse(&signed.to_string()), Ok(signed));
    }

    #[test]
    fn production_retries_span_about_an_hour() {
        let delays: Vec<u32> = (1..MAX_ATTEMPTS)
            .map(|a| retry_delay_seconds(a, DEFAULT_RETRY_BASE_SECONDS))
            .collect();
        assert_eq!(delays, vec![60, 120, 240, 480, 960, 960, 960, 960]);
        const { assert!(MAX_ATTEMPTS >= 6) };
        let total: u32 = delays.iter().sum();
        assert_eq!(total, 79 * 60);
        assert_eq!(retry_delay_seconds(40, 60), 960);
        assert_eq!(retry_delay_seconds(2, 10_000), 20_000);
        assert_eq!(retry_delay_seconds(9, 10_000), 43_200);
        assert_eq!(retry_delay_seconds(3, 0), 0);
    }

    #[test]
    fn a_day_of_failures_deactivates() {
        let t0 = crate::domain::time::parse("2026-02-11T10:00:00Z").unwrap();
        let first = after_failure(None, t0);
        assert_eq!((first.failing_since, first.deactivate), (t0, false));
        let later = after_failure(Some(t0), t0 + Duration::hours(23));
        assert_eq!((later.failing_since, later.deactivate), (t0, false));
        let day = after_failure(Some(t0), t0 + Duration::days(1));
        assert!(day.deactivate);
        // A clock that went backwards starts a new run instead of deactivating.
        let skew = after_failure(Some(t0 + Duration::days(3)), t0);
        assert_eq!((skew.failing_since, skew.deactivate), (t0, false));
    }

    #[test]
    fn only_2xx_is_success() {
        assert!(is_success(200) && is_success(204) && is_success(299));
        assert!(!is_success(199) && !is_success(301) && !is_success(500));
    }

    #[test]
    fn generated_secrets_are_prefixed_and_valid() {
        let s = generate_secret();
        assert!(s.starts_with("whsec_") && s.len() == 38, "{s}");
        assert!(shared_types::webhooks::WebhookSecret::parse(&s).is_ok());
        assert_ne!(s, generate_secret());
    }

    #[test]
    fn event_timestamps_have_milliseconds() {
        let t = crate::domain::time::parse("2026-02-11T14:30:00.123Z").unwrap();
        assert_eq!(event_timestamp(t), "2026-02-11T14:30:00.123Z");
    }

    fn chat(status: ChatStatus, agent: Option<&str>) -> ChatDetail {
        serde_json::from_value(serde_json::json!({
            "id": "chat_1",
            "visitor": {"name": null, "email": null, "phone": null, "metadata": {}},
            "status": status.as_str(),
            "assigned_to": agent,
            "tags": [], "notes": null,
            "created_at": "2026-02-11T13:15:00Z", "updated_at": "2026-02-11T13:15:00Z"
        }))
        .unwrap()
    }

    #[test]
    fn chat_changes_fire_their_events() {
        use ChatStatus::*;
        use WebhookEvent::*;
        let cases = [
            (
                chat(Active, None),
                chat(Assigned, Some("agent_1")),
                vec![ChatAssigned],
            ),
            (
                chat(Assigned, Some("agent_1")),
                chat(Assigned, Some("agent_2")),
                vec![ChatAssigned],
            ),
            (
                chat(Assigned, Some("agent_1")),
                chat(Assigned, Some("agent_1")),
                vec![],
            ),
            (
                chat(Assigned, Some("agent_1")),
                chat(Closed, Some("agent_1")),
                vec![ChatClosed],
            ),
            (
                chat(Active, None),
                chat(Closed, Some("agent_1")),
                vec![ChatAssigned, ChatClosed],
            ),
            (
                chat(Closed, Some("agent_1")),
                chat(Active, None),
                vec![ChatReopened],
            ),
            (
                chat(Closed, None),
                chat(Assigned, Some("agent_2")),
                vec![ChatReopened, ChatAssigned],
            ),
            (chat(Assigned, Some("agent_1")), chat(Active, None), vec![]),
        ];
        for (before, after, expected) in cases {
            assert_eq!(
                chat_change_events(&before, &after),
                expected,
                "{before:?} -> {after:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn any_dotted_private_ipv4_is_refused(b in 0u8..=255, c in 0u8..=255, d in 0u8..=255) {
            for a in [10u8, 127] {
                let url = format!("https://{a}.{b}.{c}.{d}/");
                prop_assert_eq!(check(&url), Err(UrlRefusal::PrivateAddress));
            }
            let url = format!("https://192.168.{c}.{d}/");
            prop_assert_eq!(check(&url), Err(UrlRefusal::PrivateAddress));
        }

        #[test]
        fn retry_delays_never_shrink(a in 1u32..60, base in 0u32..3600) {
            prop_assert!(retry_delay_seconds(a + 1, base) >= retry_delay_seconds(a, base));
        }
    }
}
