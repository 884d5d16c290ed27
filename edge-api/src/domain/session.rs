//! Console sessions: the secret token, its cookie, and the cross-site request guard.
//! Only the token's SHA-256 is stored, so a leaked `sessions` table signs nobody in.

use shared_types::auth::SESSION_COOKIE;

use super::{ids::random_base62, secret::sha256_hex};

/// A session lasts a week from sign-in.
pub const TTL_SECONDS: i64 = 7 * 24 * 3600;

const TOKEN_PREFIX: &str = "cfs_";

/// A new session token: `cfs_` and 43 base62 characters (~256 bits).
pub fn new_token() -> String {
    format!("{TOKEN_PREFIX}{}", random_base62(43))
}

/// A new invitation token: `inv_` and 43 base62 characters.
pub fn new_invitation_token() -> String {
    format!("inv_{}", random_base62(43))
}

/// What the store keeps for a token.
pub fn hash_hex(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// `Set-Cookie` for a new session: not readable by script, sent only over HTTPS and
/// only on requests from our own pages, for every path (the API and the console).
pub fn set_cookie(token: &str) -> String {
    format!("{SESSION_COOKIE}={token}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age={TTL_SECONDS}")
}

/// `Set-Cookie` that makes the browser forget the session.
pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0")
}

/// The session token in a `Cookie` header, if it has one of our shape.
pub fn token_from_cookie_header(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|v| v.starts_with(TOKEN_PREFIX) && v.len() <= 64)
}

/// What a cookie-authenticated request says about where it came from.
pub struct Provenance<'a> {
    pub method: &'a str,
    /// A WebSocket upgrade: a GET, but one that opens a channel acting as the agent.
    pub upgrade: bool,
    /// The `X-ChatFlow-Console` header.
    pub console_header: Option<&'a str>,
    /// The `Origin` header.
    pub origin: Option<&'a str>,
    /// This service's origin as the client reached it (`https://host`).
    pub service_origin: &'a str,
}

/// Whether a cookie-authenticated request may proceed. Reads are harmless (the
/// browser's same-origin policy keeps their answers from other sites); anything that
/// changes state or opens a socket needs our header (which other sites cannot set
/// without our CORS consent) or our own `Origin`. SameSite=Strict already keeps the
/// cookie off cross-site requests; this holds even where a browser ignores it.
pub fn request_is_ours(p: &Provenance<'_>) -> bool {
    let safe = matches!(p.method, "GET" | "HEAD" | "OPTIONS") && !p.upgrade;
    safe || p.console_header == Some("1") || p.origin == Some(p.service_origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_has_every_attribute() {
        let c = set_cookie("cfs_abc");
        for part in [
            "__Host-cf_session=cfs_abc",
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Path=/",
            "Max-Age=604800",
        ] {
            assert!(c.split("; ").any(|p| p == part), "{part} in {c}");
        }
        assert!(clear_cookie().contains("Max-Age=0"));
        assert!(clear_cookie().starts_with("__Host-cf_session=;"));
        assert!(!c.contains("Domain"));
    }

    #[test]
    fn tokens_are_long_distinct_and_found_among_other_cookies() {
        let t = new_token();
        assert_eq!(t.len(), 47);
        assert_ne!(t, new_token());
        let header = format!("theme=dark; __Host-cf_session={t}; lang=uz");
        assert_eq!(token_from_cookie_header(&header), Some(t.as_str()));
        assert_eq!(token_from_cookie_header("theme=dark"), None);
        assert_eq!(token_from_cookie_header("__Host-cf_session=garbage"), None);
        // The unprefixed name (a cookie any subdomain could set) is not the session.
        assert_eq!(token_from_cookie_header(&format!("cf_session={t}")), None);
        assert_eq!(token_from_cookie_header("x__Host-cf_session=cfs_x"), None);
        assert_ne!(hash_hex(&t), t);
    }

    fn p<'a>(method: &'a str, header: Option<&'a str>, origin: Option<&'a str>) -> Provenance<'a> {
        Provenance {
            method,
            upgrade: false,
            console_header: header,
            origin,
            service_origin: "https://api.chatflow.uz",
        }
    }

    #[test]
    fn writes_need_the_header_or_our_origin_reads_do_not() {
        assert!(request_is_ours(&p("GET", None, None)));
        assert!(request_is_ours(&p(
            "GET",
            None,
            Some("https://evil.example")
        )));
        assert!(!request_is_ours(&p("POST", None, None)));
        assert!(!request_is_ours(&p(
            "DELETE",
            None,
            Some("https://evil.example")
        )));
        assert!(!request_is_ours(&p("PATCH", Some("0"), None)));
        assert!(request_is_ours(&p("PATCH", Some("1"), None)));
        assert!(request_is_ours(&p(
            "POST",
            None,
            Some("https://api.chatflow.uz")
        )));
        let socket = Provenance {
            upgrade: true,
            ..p("GET", None, Some("https://evil.example"))
        };
        assert!(!request_is_ours(&socket));
    }
}
