//! What a ChatFlow webhook receiver needs: [`verify`] checks a delivery's
//! `ChatFlow-Signature` against the raw body and the shared secret, and refuses a
//! timestamp more than five minutes from the receiver's clock (replayed or stale
//! deliveries). [`http`] is a minimal HTTP/1.1 reader and writer on `std::net`, enough
//! for this example and the end-to-end tests; a real receiver uses its web framework
//! and calls [`verify`] with the body bytes exactly as received.
//!
//! Receivers should also deduplicate by the event id (`ChatFlow-Event-Id`, the
//! payload's `id`): a delivery whose answer was lost is delivered again.

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::Sha256;
pub use shared_types::webhooks::{
    SignatureHeader, WebhookEventPayload, SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS,
};

/// The header naming the event, equal to the payload's `id`.
pub const EVENT_ID_HEADER: &str = "ChatFlow-Event-Id";

/// Why a delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// The header is not `t=<unix seconds>,v1=<64 hex digits>`.
    MalformedHeader(String),
    /// The timestamp is more than [`SIGNATURE_TOLERANCE_SECONDS`] from now.
    StaleTimestamp { timestamp: u64, now: u64 },
    /// The HMAC does not match: wrong secret, or the body or timestamp was altered.
    BadSignature,
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VerifyError::MalformedHeader(why) => write!(f, "malformed signature header: {why}"),
            VerifyError::StaleTimestamp { timestamp, now } => write!(
                f,
                "timestamp {timestamp} is more than {SIGNATURE_TOLERANCE_SECONDS} s from now ({now})"
            ),
            VerifyError::BadSignature => f.write_str("signature does not match"),
        }
    }
}

impl std::error::Error for VerifyError {}

/// Checks `header` (the `ChatFlow-Signature` value) for `body` (the raw request body)
/// signed with `secret`, at `now` (unix seconds). The comparison takes the same time
/// whichever byte differs.
pub fn verify(secret: &[u8], header: &str, body: &[u8], now: u64) -> Result<(), VerifyError> {
    let parsed = SignatureHeader::parse(header)
        .map_err(|e| VerifyError::MalformedHeader(format!("{e:?}")))?;
    if !parsed.is_fresh(now) {
        return Err(VerifyError::StaleTimestamp {
            timestamp: parsed.timestamp,
            now,
        });
    }
    let expected =
        hex::decode(&parsed.v1).map_err(|e| VerifyError::MalformedHeader(e.to_string()))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&SignatureHeader::signed_payload(parsed.timestamp, body));
    mac.verify_slice(&expected)
        .map_err(|_| VerifyError::BadSignature)
}

/// [`verify`] against the system clock.
pub fn verify_now(secret: &[u8], header: &str, body: &[u8]) -> Result<(), VerifyError> {
    verify(secret, header, body, unix_now())
}

/// The signature header ChatFlow would send for `body` at `timestamp`; for tests of a
/// receiver.
pub fn sign(secret: &[u8], timestamp: u64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&SignatureHeader::signed_payload(timestamp, body));
    SignatureHeader {
        timestamp,
        v1: hex::encode(mac.finalize().into_bytes()),
    }
    .to_string()
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A minimal HTTP/1.1 server side: one request per connection, `Content-Length`
/// bodies only (what ChatFlow sends).
pub mod http {
    use std::io::{self, BufRead, BufReader, Read, Write};
    use std::net::TcpStream;

    /// The most a request body may carry here.
    const MAX_BODY: usize = 1024 * 1024;

    /// A request as read off the wire.
    #[derive(Debug, Clone)]
    pub struct Request {
        pub method: String,
        pub path: String,
        pub headers: Vec<(String, String)>,
        pub body: Vec<u8>,
    }

    impl Request {
        /// A header's value, by case-insensitive name.
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }
    }

    /// Reads one request from the connection.
    pub fn read_request(stream: &mut TcpStream) -> io::Result<Request> {
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let path = parts.next().unwrap_or_default().to_string();
        let mut headers = Vec::new();
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let trimmed = line.trim_end();
            if trimmed.is_empty() {
                break;
            }
            if let Some((name, value)) = trimmed.split_once(':') {
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
        }
        let length = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        if length > MAX_BODY {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "body too large"));
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        Ok(Request {
            method,
            path,
            headers,
            body,
        })
    }

    /// Writes a response with a plain-text body and closes the exchange.
    pub fn respond(stream: &mut TcpStream, status: u16, body: &str) -> io::Result<()> {
        write!(
            stream,
            "HTTP/1.1 {status} {}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            if (200..300).contains(&status) { "OK" } else { "Error" },
            body.len()
        )?;
        stream.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"chat.created"}"#;

    #[test]
    fn a_fresh_signature_verifies() {
        let header = sign(SECRET, 1_770_000_000, BODY);
        assert_eq!(verify(SECRET, &header, BODY, 1_770_000_000), Ok(()));
        assert_eq!(verify(SECRET, &header, BODY, 1_770_000_300), Ok(()));
    }

    #[test]
    fn tampering_or_a_wrong_secret_fails() {
        let header = sign(SECRET, 1_770_000_000, BODY);
        let tampered = br#"{"id":"evt_1","type":"chat.closed"}"#;
        assert_eq!(
            verify(SECRET, &header, tampered, 1_770_000_000),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify(b"other", &header, BODY, 1_770_000_000),
            Err(VerifyError::BadSignature)
        );
        // Moving the timestamp (to pass the freshness check) breaks the HMAC.
        let moved = header.replace("t=1770000000", "t=1770000500");
        assert_eq!(
            verify(SECRET, &moved, BODY, 1_770_000_500),
            Err(VerifyError::BadSignature)
        );
    }

    #[test]
    fn old_or_future_timestamps_fail() {
        let header = sign(SECRET, 1_770_000_000, BODY);
        assert!(matches!(
            verify(SECRET, &header, BODY, 1_770_000_301),
            Err(VerifyError::StaleTimestamp { .. })
        ));
        assert!(matches!(
            verify(SECRET, &header, BODY, 1_769_999_699),
            Err(VerifyError::StaleTimestamp { .. })
        ));
    }

    #[test]
    fn malformed_headers_fail() {
        for header in ["", "t=1", "v1=00", "t=abc,v1=00"] {
            assert!(matches!(
                verify(SECRET, header, BODY, 1),
                Err(VerifyError::MalformedHeader(_))
            ));
        }
    }
}
