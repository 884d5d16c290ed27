//! Domain values that parse their input once: a function that takes a
//! [`HexColor`] or a [`MessageText`] never checks it again.
//!
//! Every type here deserialises through its `parse`, so a request body holding
//! an invalid value fails to deserialise (the worker answers
//! [`ErrorCode::Validation`](crate::ErrorCode::Validation) with the serde path
//! as the field). Parsers return [`ValueError`], whose text is a field-agnostic
//! English reason ("must not be empty") for [`FieldErrors`](crate::FieldErrors).
//!
//! Pure and allocation-light; no I/O.

use std::fmt;

/// Why a value was refused: a short English reason that reads after a field
/// name ("text: must not be empty"). Maps to
/// [`ErrorCode::Validation`](crate::ErrorCode::Validation) in a body and
/// [`ErrorCode::InvalidQuery`](crate::ErrorCode::InvalidQuery) in a query
/// string; the caller knows which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    reason: String,
}

impl ValueError {
    /// A refusal with this reason.
    pub fn new(reason: impl Into<String>) -> Self {
        ValueError {
            reason: reason.into(),
        }
    }

    /// "must be one of: a, b, c" — for closed sets of spellings.
    pub fn one_of(spellings: &[&str]) -> Self {
        ValueError::new(format!("must be one of: {}", spellings.join(", ")))
    }

    /// The English reason.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for ValueError {}

// ---------------------------------------------------------------------------
// Free text
// ---------------------------------------------------------------------------

/// Trims `input` and checks its length in characters (not bytes: Uzbek and
/// Russian text is multi-byte) and that it holds no control characters other
/// than line breaks and tabs where `multiline` allows them.
fn bounded_text(
    input: &str,
    min: usize,
    max: usize,
    multiline: bool,
) -> Result<String, ValueError> {
    let text = input.trim();
    let allowed_control = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if text.chars().any(|c| c.is_control() && !allowed_control(c)) {
        return Err(ValueError::new(if multiline {
            "must not contain control characters other than line breaks and tabs"
        } else {
            "must not contain control characters or line breaks"
        }));
    }
    let chars = text.chars().count();
    // Every type here has a minimum of 0 or 1, so "too short" means "empty".
    if chars < min {
        return Err(ValueError::new("must not be empty"));
    }
    if chars > max {
        return Err(ValueError::new(format!("must be at most {max} characters")));
    }
    Ok(text.to_owned())
}

/// Defines a trimmed, length-bounded text newtype over [`bounded_text`].
macro_rules! text_newtype {
    ($(#[$doc:meta])* $name:ident, min = $min:expr, max = $max:expr, multiline = $ml:expr, $expecting:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// The most characters (Unicode scalar values) accepted after trimming.
            pub const MAX_CHARS: usize = $max;

            /// Trims surrounding whitespace, then checks the rules above.
            pub fn parse(input: &str) -> Result<Self, ValueError> {
                bounded_text(input, $min, $max, $ml).map($name)
            }

            /// The trimmed text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The trimmed text, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        string_serde!(
            $name,
            ValueError,
            $expecting,
            schema = $crate::openapi::trimmed_text(
                $expecting,
                $min,
                $max,
                $ml
            )
        );
    };
}

text_newtype!(
    /// A chat message body: trimmed, non-empty, at most 10,000 characters;
    /// line breaks and tabs allowed, other control characters refused. Rendered
    /// as text, never as HTML.
    MessageText, min = 1, max = 10_000, multiline = true, "message text"
);

text_newtype!(
    /// A name or short label (agent, workspace, trigger, API key, button text):
    /// trimmed, non-empty, at most 100 characters, single line.
    ShortText, min = 1, max = 100, multiline = false, "a short single-line text"
);

text_newtype!(
    /// A chat tag such as `vip`: trimmed, non-empty, at most 50 characters,
    /// single line. Case is kept as given.
    Tag, min = 1, max = 50, multiline = false, "a tag"
);

text_newtype!(
    /// What an agent searches for (`GET /search?q=`): trimmed, non-empty, at most 200
    /// characters, single line.
    SearchText, min = 1, max = 200, multiline = false, "a search text"
);

text_newtype!(
    /// Optional free text (chat notes, rating comments): trimmed, may be empty,
    /// at most 10,000 characters; line breaks and tabs allowed.
    FreeText, min = 0, max = 10_000, multiline = true, "free text"
);

/// A file name without any directory part: trimmed, 1..=255 characters, no `/`
/// or `\`, not `.` or `..`, no control characters. Never used as a storage key
/// (files are stored under their [`FileId`](crate::FileId)); kept for display
/// and `Content-Disposition`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileName(String);

impl FileName {
    /// The most characters accepted after trimming.
    pub const MAX_CHARS: usize = 255;

    /// Trims and checks the rules above.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let text = bounded_text(input, 1, Self::MAX_CHARS, false)?;
        if text.contains(['/', '\\']) {
            return Err(ValueError::new("must not contain '/' or '\\'"));
        }
        if text == "." || text == ".." {
            return Err(ValueError::new("must be a file name, not '.' or '..'"));
        }
        Ok(FileName(text))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_serde!(
    FileName,
    ValueError,
    "a file name",
    schema = crate::openapi::file_name()
);

/// A canned response's shortcut, typed after `/` in the composer: 1..=32 characters
/// of `a-z`, `0-9`, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Shortcut(String);

impl Shortcut {
    /// The most characters a shortcut has.
    pub const MAX_CHARS: usize = 32;

    /// Checks the rules above; nothing is trimmed or lowered (what is typed is matched).
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let ok = (1..=Self::MAX_CHARS).contains(&input.len())
            && input
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !ok {
            return Err(ValueError::new(
                "must be 1 to 32 characters of a-z, 0-9, '_' and '-'",
            ));
        }
        Ok(Shortcut(input.to_string()))
    }

    /// The shortcut.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_serde!(
    Shortcut,
    ValueError,
    "a shortcut",
    schema = crate::openapi::shortcut()
);

// ---------------------------------------------------------------------------
// Colours
// ---------------------------------------------------------------------------

/// A colour `#RRGGBB`. Accepts either case and stores upper case, so
/// `#4f46e5` and `#4F46E5` are the same value and serialise as `#4F46E5`.
/// Short (`#RGB`) and alpha (`#RRGGBBAA`) forms are refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HexColor(String);

impl HexColor {
    /// Checks the `#RRGGBB` shape and normalises to upper case.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let ok = input.len() == 7
            && input.starts_with('#')
            && input[1..].bytes().all(|b| b.is_ascii_hexdigit());
        if !ok {
            return Err(ValueError::new("must be a colour in the form #RRGGBB"));
        }
        Ok(HexColor(input.to_ascii_uppercase()))
    }

    /// `#RRGGBB`, upper case.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_serde!(
    HexColor,
    ValueError,
    "a colour #RRGGBB",
    schema = crate::openapi::hex_color()
);

// ---------------------------------------------------------------------------
// Hosts, domains, origins, URLs
// ---------------------------------------------------------------------------

/// Checks one DNS label of an already lower-cased host: 1..=63 of `[a-z0-9-]`,
/// not starting or ending with `-`.
fn valid_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Checks a lower-cased host name: labels per [`valid_label`], at most 253 bytes.
/// Internationalised names must be given in punycode (`xn--…`).
fn valid_host(host: &str) -> bool {
    !host.is_empty() && host.len() <= 253 && host.split('.').all(valid_label)
}

/// A widget domain: a host such as `company.uz`, or `*.company.uz` for every
/// subdomain. Lower-cased; no scheme, path, port or trailing dot; `*` only as the
/// whole first label. Single-label hosts (`localhost`) are allowed for local
/// development.
///
/// `company.uz` matches exactly that host. `*.company.uz` matches
/// `a.company.uz` and `a.b.company.uz` but **not** `company.uz` itself: list
/// both to allow both.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DomainPattern(String);

impl DomainPattern {
    /// Trims, lower-cases and checks the rules above.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let text = input.trim().to_ascii_lowercase();
        if text.is_empty() {
            return Err(ValueError::new("must not be empty"));
        }
        if text.contains("://") {
            return Err(ValueError::new(
                "must be a host such as company.uz, without a scheme",
            ));
        }
        if text.contains(['/', '?', '#']) {
            return Err(ValueError::new("must be a host without a path"));
        }
        if text.contains(':') {
            return Err(ValueError::new("must be a host without a port"));
        }
        let base = text.strip_prefix("*.").unwrap_or(&text);
        if base.contains('*') {
            return Err(ValueError::new(
                "may use '*' only as the whole first label, as in *.company.uz",
            ));
        }
        if !valid_host(base) {
            return Err(ValueError::new(
                "must be a host name of letters, digits, '-' and '.' (use punycode for non-ASCII names)",
            ));
        }
        Ok(DomainPattern(text))
    }

    /// The normalised pattern, e.g. `*.company.uz`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for `*.…` patterns.
    pub fn is_wildcard(&self) -> bool {
        self.0.starts_with("*.")
    }

    /// Whether `host` (a bare host name, no port; any case) is allowed.
    pub fn matches(&self, host: &str) -> bool {
        match self.0.strip_prefix("*.") {
            None => host.eq_ignore_ascii_case(&self.0),
            Some(base) => {
                // `host` must be "<at least one char>.<base>". The byte at `cut` is
                // an ASCII '.', so both slices fall on character boundaries.
                let Some(cut) = host.len().checked_sub(base.len() + 1) else {
                    return false;
                };
                cut > 0
                    && host.as_bytes()[cut] == b'.'
                    && host[cut + 1..].eq_ignore_ascii_case(base)
            }
        }
    }

    /// Whether a request with this `Origin` header value may use a workspace's
    /// widget: an empty `domains` list allows any origin (including none); a
    /// non-empty list needs an `http(s)` origin whose host one pattern matches.
    pub fn allows_origin(domains: &[DomainPattern], origin: Option<&str>) -> bool {
        if domains.is_empty() {
            return true;
        }
        match origin.and_then(origin_host) {
            Some(host) => domains.iter().any(|d| d.matches(&host)),
            None => false,
        }
    }
}

string_serde!(
    DomainPattern,
    ValueError,
    "a domain such as company.uz or *.company.uz",
    schema = crate::openapi::domain_pattern()
);

/// The lower-cased host of an `Origin` header value (`https://a.company.uz:8443`
/// → `a.company.uz`), or `None` for `null`, a non-http(s) scheme, a path-bearing
/// or otherwise malformed value. IPv6 hosts come back bracketed (`[::1]`).
pub fn origin_host(origin: &str) -> Option<String> {
    let (scheme, rest) = origin.trim().split_once("://")?;
    if !(scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")) {
        return None;
    }
    // An Origin has no path, but tolerate a single trailing slash.
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    split_authority(authority).map(|(host, _)| host.to_ascii_lowercase())
}

/// Splits `host[:port]` (host may be `[v6]`), refusing userinfo, empty hosts,
/// bad ports and characters that have no place in a host.
fn split_authority(authority: &str) -> Option<(&str, Option<u16>)> {
    if authority.is_empty() || authority.contains(['@', '/', '?', '#']) {
        return None;
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let end = v6.find(']')?;
        let host = &authority[..end + 2];
        let after = &v6[end + 1..];
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        let ok = v6[..end]
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        if !ok || end == 0 {
            return None;
        }
        (host, port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        if !valid_host(&host.to_ascii_lowercase()) {
            return None;
        }
        (host, port)
    };
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().ok()?)
        }
        Some(_) => return None,
    };
    Some((host, port))
}

/// An absolute `http://` or `https://` URL: no whitespace or control
/// characters, at most 2,048 characters, a valid host (name, IPv4 or bracketed
/// IPv6; punycode for non-ASCII names), an optional port, and no `user:pass@`
/// part. The scheme is normalised to lower case; the rest is kept as given.
///
/// Whether plain `http` or a private address is acceptable is policy, decided
/// where the URL is used (webhooks: [`ErrorCode::WebhookUrlNotAllowed`](crate::ErrorCode::WebhookUrlNotAllowed)).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HttpUrl {
    text: String,
    host_start: usize,
    host_end: usize,
}

impl HttpUrl {
    /// The longest URL accepted, in characters.
    pub const MAX_CHARS: usize = 2048;

    /// Checks the rules above.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        if input.is_empty() {
            return Err(ValueError::new("must not be empty"));
        }
        if input.chars().count() > Self::MAX_CHARS {
            return Err(ValueError::new(format!(
                "must be at most {} characters",
                Self::MAX_CHARS
            )));
        }
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ValueError::new(
                "must not contain spaces or control characters",
            ));
        }
        let bad =
            || ValueError::new("must be an absolute http:// or https:// URL with a valid host");
        let (scheme, rest) = input.split_once("://").ok_or_else(bad)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(bad());
        }
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        if authority.contains('@') {
            return Err(ValueError::new("must not contain credentials (user@host)"));
        }
        let (host, _port) = split_authority(authority).ok_or_else(bad)?;
        let text = format!("{scheme}://{rest}");
        let host_start = scheme.len() + 3;
        Ok(HttpUrl {
            text,
            host_start,
            host_end: host_start + host.len(),
        })
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The host as written (IPv6 bracketed), without port.
    pub fn host(&self) -> &str {
        &self.text[self.host_start..self.host_end]
    }

    /// True for `https://`.
    pub fn is_https(&self) -> bool {
        self.text.starts_with("https://")
    }
}

string_serde!(
    HttpUrl,
    ValueError,
    "an http(s) URL",
    schema = crate::openapi::http_url()
);

/// Where on a site a trigger fires, matched against the page's path:
/// - `*` matches every page;
/// - `/pricing` matches that path only (a trailing `/` on either side is ignored);
/// - `/blog/*` matches `/blog`, `/blog/` and everything beneath it
///   (`/blog/a`, `/blog/a/b`), but not `/blogging`.
///
/// Must be `*` or start with `/`; `*` only as the final `/*`; no whitespace,
/// `?` or `#`; at most 2,048 characters. Paths match case-sensitively, and a
/// query string or fragment on the page's path is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UrlPattern(String);

impl UrlPattern {
    /// The longest pattern accepted, in characters.
    pub const MAX_CHARS: usize = 2048;

    /// The pattern that matches every page.
    pub fn any() -> Self {
        UrlPattern("*".to_owned())
    }

    /// Trims and checks the rules above.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(ValueError::new("must not be empty"));
        }
        if text == "*" {
            return Ok(Self::any());
        }
        if !text.starts_with('/') {
            return Err(ValueError::new("must be '*' or a path starting with '/'"));
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(ValueError::new(format!(
                "must be at most {} characters",
                Self::MAX_CHARS
            )));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ValueError::new(
                "must not contain spaces or control characters",
            ));
        }
        if text.contains(['?', '#']) {
            return Err(ValueError::new("must be a path without '?' or '#'"));
        }
        let body = text.strip_suffix("/*").unwrap_or(text);
        if body.contains('*') {
            return Err(ValueError::new("may use '*' only as a final '/*'"));
        }
        Ok(UrlPattern(text.to_owned()))
    }

    /// The pattern as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a page with this path (`location.pathname`, optionally followed
    /// by `?query` or `#fragment`, which are ignored) matches.
    pub fn matches(&self, path: &str) -> bool {
        let path = path.split(['?', '#']).next().unwrap_or("");
        let path = if path.is_empty() { "/" } else { path };
        if self.0 == "*" {
            return true;
        }
        match self.0.strip_suffix("/*") {
            Some(base) => match path.strip_prefix(base) {
                Some(rest) => rest.is_empty() || rest.starts_with('/'),
                None => false,
            },
            None => without_trailing_slash(path) == without_trailing_slash(&self.0),
        }
    }
}

/// `/a/` → `/a`; `/` stays `/`.
fn without_trailing_slash(path: &str) -> &str {
    match path.strip_suffix('/') {
        Some("") | None => path,
        Some(p) => p,
    }
}

impl Default for UrlPattern {
    /// [`UrlPattern::any`].
    fn default() -> Self {
        Self::any()
    }
}

string_serde!(
    UrlPattern,
    ValueError,
    "a URL pattern such as *, /pricing or /blog/*",
    schema = crate::openapi::url_pattern()
);

// ---------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------

/// An email address, checked pragmatically (no quoted local parts, no IP
/// literals): trimmed and lower-cased (agents are unique by email, so
/// `Sara@Company.uz` and `sara@company.uz` are the same person); at most 254
/// characters; one `@`; a local part of 1..=64 printable ASCII characters
/// without spaces, `"(),:;<>[\]` or leading/trailing/double dots; a domain of at
/// least two valid labels whose last is not all digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Checks the rules above.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let text = input.trim().to_ascii_lowercase();
        let bad = || ValueError::new("must be an email address such as name@company.uz");
        if text.is_empty() {
            return Err(ValueError::new("must not be empty"));
        }
        if text.len() > 254 {
            return Err(ValueError::new("must be at most 254 characters"));
        }
        let (local, domain) = text.split_once('@').ok_or_else(bad)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"\"(),:;<>[\\]@".contains(&b));
        let tld_ok = domain
            .rsplit('.')
            .next()
            .is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()));
        if !local_ok || !domain.contains('.') || !valid_host(domain) || !tld_ok {
            return Err(bad());
        }
        Ok(Email(text))
    }

    /// The lower-cased address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_serde!(
    Email,
    ValueError,
    "an email address",
    schema = crate::openapi::email()
);

/// A phone number as a person typed it (`+998 90 123-45-67`): trimmed; an
/// optional leading `+`, then digits with optional spaces, `-`, `.` or
/// parentheses; 5..=15 digits (E.164's maximum). Kept as typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Checks the rules above.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let text = input.trim();
        let body = text.strip_prefix('+').unwrap_or(text);
        let chars_ok = body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')'));
        let digits = body.chars().filter(char::is_ascii_digit).count();
        if !chars_ok || !(5..=15).contains(&digits) {
            return Err(ValueError::new(
                "must be a phone number of 5 to 15 digits, optionally starting with '+'",
            ));
        }
        Ok(Phone(text.to_owned()))
    }

    /// The number as typed (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_serde!(
    Phone,
    ValueError,
    "a phone number",
    schema = crate::openapi::phone()
);

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

/// A calendar date `YYYY-MM-DD` (years 0001..=9999, real month lengths, leap
/// years included), as in the spec's `from`/`to` parameters and `period`.
/// Ordering is chronological.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IsoDate(String);

impl IsoDate {
    /// Checks the rules above.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let bad = || ValueError::new("must be a date in the form YYYY-MM-DD");
        let b = input.as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return Err(bad());
        }
        let num = |s: &str| s.parse::<u16>().map_err(|_| bad());
        let (year, month, day) = (num(&input[..4])?, num(&input[5..7])?, num(&input[8..])?);
        if year == 0 || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(ValueError::new("must be a real calendar date (YYYY-MM-DD)"));
        }
        Ok(IsoDate(input.to_owned()))
    }

    /// `YYYY-MM-DD`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The year, 1..=9999.
    pub fn year(&self) -> u16 {
        self.0[..4].parse().unwrap_or(1)
    }

    /// The month, 1..=12.
    pub fn month(&self) -> u8 {
        self.0[5..7].parse().unwrap_or(1)
    }

    /// The day of the month, 1..=31.
    pub fn day(&self) -> u8 {
        self.0[8..].parse().unwrap_or(1)
    }
}

/// Days in `month` (1..=12) of the proleptic Gregorian `year`.
fn days_in_month(year: u16, month: u16) -> u16 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

string_serde!(
    IsoDate,
    ValueError,
    "a date YYYY-MM-DD",
    schema = crate::openapi::iso_date()
);

/// An IANA time zone name as written (`Asia/Tashkent`, `UTC`, `America/Argentina/Salta`):
/// 1 to 64 characters of letters, digits, `/`, `_`, `+` and `-`. Whether the zone exists
/// is for the platform's zone database to say.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    /// Checks the shape above.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        let ok = (1..=64).contains(&input.len())
            && input
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'/' | b'_' | b'+' | b'-'));
        if ok {
            Ok(TimeZoneName(input.to_owned()))
        } else {
            Err(ValueError::new(
                "must be an IANA time zone name such as Asia/Tashkent",
            ))
        }
    }

    /// The name as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// UTC under any of its names: ranges then need no conversion.
    pub fn is_utc(&self) -> bool {
        matches!(
            self.0.as_str(),
            "UTC"
                | "Etc/UTC"
                | "Etc/GMT"
                | "GMT"
                | "Etc/Universal"
                | "Etc/Zulu"
                | "Zulu"
                | "Universal"
        )
    }
}

string_serde!(
    TimeZoneName,
    ValueError,
    "an IANA time zone name",
    schema = crate::openapi::time_zone_name()
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shortcuts_are_short_lower_case_words() {
        for good in ["narx", "yetkazish-1", "a", "salom_2", &"x".repeat(32)] {
            assert_eq!(Shortcut::parse(good).unwrap().as_str(), good);
        }
        for bad in ["", "Narx", "narx ", "нарх", "a/b", &"x".repeat(33)] {
            assert!(Shortcut::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn time_zone_names_are_iana_shaped() {
        assert!(TimeZoneName::parse("Asia/Tashkent").is_ok());
        assert!(TimeZoneName::parse("America/Argentina/Salta").is_ok());
        assert!(TimeZoneName::parse("Etc/GMT+5").is_ok());
        assert!(TimeZoneName::parse("UTC").unwrap().is_utc());
        assert!(!TimeZoneName::parse("Asia/Tashkent").unwrap().is_utc());
        assert!(TimeZoneName::parse("").is_err());
        assert!(TimeZoneName::parse("Asia/Tash kent").is_err());
        assert!(TimeZoneName::parse("Asia/Tashkent;DROP").is_err());
        assert!(TimeZoneName::parse(&"A".repeat(65)).is_err());
    }

    #[test]
    fn message_text_is_trimmed_and_bounded_in_characters() {
        assert_eq!(
            MessageText::parse("  Salom!\n ").unwrap().as_str(),
            "Salom!"
        );
        assert_eq!(MessageText::parse("a\nb\tc").unwrap().as_str(), "a\nb\tc");
        assert!(MessageText::parse("").is_err());
        assert!(MessageText::parse(" \n\t ").is_err());
        assert!(MessageText::parse("a\u{0}b").is_err());
        // 10,000 two-byte characters are 20,000 bytes but still allowed.
        let max = "ў".repeat(10_000);
        assert!(MessageText::parse(&max).is_ok());
        let over = "a".repeat(10_001);
        assert_eq!(
            MessageText::parse(&over).unwrap_err().reason(),
            "must be at most 10000 characters"
        );
        // Whitespace around the limit does not count.
        assert!(MessageText::parse(&format!("  {}  ", "a".repeat(10_000))).is_ok());
    }

    #[test]
    fn short_text_refuses_line_breaks_and_long_names() {
        assert_eq!(ShortText::parse(" Sara ").unwrap().as_str(), "Sara");
        assert!(ShortText::parse("a\nb").is_err());
        assert!(ShortText::parse(&"x".repeat(100)).is_ok());
        assert!(ShortText::parse(&"x".repeat(101)).is_err());
        assert!(Tag::parse(&"x".repeat(51)).is_err());
        assert_eq!(FreeText::parse("   ").unwrap().as_str(), "");
    }

    #[test]
    fn file_names_have_no_directories() {
        assert_eq!(
            FileName::parse(" screenshot.png ").unwrap().as_str(),
            "screenshot.png"
        );
        for bad in ["", "..", ".", "a/b.png", "..\\x", "a\nb"] {
            assert!(FileName::parse(bad).is_err(), "{bad:?}");
        }
        assert!(FileName::parse(&"a".repeat(256)).is_err());
    }

    #[test]
    fn hex_color_normalises_to_upper_case() {
        assert_eq!(HexColor::parse("#4f46e5").unwrap().as_str(), "#4F46E5");
        assert_eq!(
            HexColor::parse("#4F46E5").unwrap(),
            HexColor::parse("#4f46E5").unwrap()
        );
        for bad in [
            "", "#", "4F46E5", "#4F46E", "#4F46E5A", "#4G46E5", "#fff", " #4F46E5", "#ÿÿÿ",
        ] {
            assert!(HexColor::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn domain_pattern_normalises_and_refuses_urls() {
        assert_eq!(
            DomainPattern::parse(" Company.UZ ").unwrap().as_str(),
            "company.uz"
        );
        assert_eq!(
            DomainPattern::parse("*.company.uz").unwrap().as_str(),
            "*.company.uz"
        );
        assert!(DomainPattern::parse("localhost").is_ok());
        assert!(DomainPattern::parse("xn--80ak6aa92e.com").is_ok());
        for bad in [
            "",
            "*",
            "*.",
            "https://company.uz",
            "company.uz/",
            "company.uz:8080",
            "a.*.company.uz",
            "*company.uz",
            "**.company.uz",
            "company..uz",
            ".company.uz",
            "company.uz.",
            "-a.uz",
            "a-.uz",
            "comp any.uz",
            "компания.uz",
            "user@company.uz",
        ] {
            assert!(DomainPattern::parse(bad).is_err(), "{bad:?}");
        }
        assert!(DomainPattern::parse(&format!("{}.uz", "a".repeat(64))).is_err());
    }

    #[test]
    fn domain_pattern_matching() {
        let exact = DomainPattern::parse("company.uz").unwrap();
        assert!(exact.matches("company.uz"));
        assert!(exact.matches("Company.UZ"));
        assert!(!exact.matches("a.company.uz"));
        assert!(!exact.matches("evilcompany.uz"));

        let wild = DomainPattern::parse("*.company.uz").unwrap();
        assert!(wild.is_wildcard());
        assert!(wild.matches("a.company.uz"));
        assert!(wild.matches("a.b.company.uz"));
        assert!(wild.matches("A.Company.uz"));
        assert!(!wild.matches("company.uz"));
        assert!(!wild.matches(".company.uz"));
        assert!(!wild.matches("evilcompany.uz"));
        assert!(!wild.matches("a.company.uz.evil.com"));
        assert!(!wild.matches(""));
        assert!(!wild.matches("ў.company.uz.x"));
    }

    #[test]
    fn origins_are_reduced_to_their_host() {
        assert_eq!(
            origin_host("https://a.company.uz:8443").as_deref(),
            Some("a.company.uz")
        );
        assert_eq!(
            origin_host("http://LOCALHOST:8787/").as_deref(),
            Some("localhost")
        );
        assert_eq!(origin_host("http://[::1]:8787").as_deref(), Some("[::1]"));
        for bad in [
            "null",
            "",
            "company.uz",
            "file:///x",
            "https://",
            "https://a.uz/path",
            "https://u@a.uz",
            "https://a.uz:99999",
            "https://a.uz:",
        ] {
            assert_eq!(origin_host(bad), None, "{bad:?}");
        }
        let domains = [
            DomainPattern::parse("company.uz").unwrap(),
            DomainPattern::parse("*.company.uz").unwrap(),
        ];
        assert!(DomainPattern::allows_origin(
            &domains,
            Some("https://company.uz")
        ));
        assert!(DomainPattern::allows_origin(
            &domains,
            Some("https://shop.company.uz")
        ));
        assert!(!DomainPattern::allows_origin(
            &domains,
            Some("https://evil.uz")
        ));
        assert!(!DomainPattern::allows_origin(&domains, None));
        assert!(!DomainPattern::allows_origin(&domains, Some("null")));
        assert!(DomainPattern::allows_origin(&[], None));
        assert!(DomainPattern::allows_origin(
            &[],
            Some("https://any.example")
        ));
    }

    #[test]
    fn http_urls() {
        let url = HttpUrl::parse("HTTPS://myapp.com:8443/webhooks/chatflow?x=1").unwrap();
        assert_eq!(url.as_str(), "https://myapp.com:8443/webhooks/chatflow?x=1");
        assert_eq!(url.host(), "myapp.com");
        assert!(url.is_https());
        let local = HttpUrl::parse("http://127.0.0.1:8787").unwrap();
        assert_eq!(local.host(), "127.0.0.1");
        assert!(!local.is_https());
        assert_eq!(HttpUrl::parse("http://[::1]:9/x").unwrap().host(), "[::1]");
        for bad in [
            "",
            "myapp.com/hook",
            "ftp://myapp.com",
            "https://",
            "https:///x",
            "https://my app.com",
            "https://user:pw@myapp.com/",
            "https://myapp.com:70000/",
            "javascript://alert(1)",
            "https://exa_mple.com",
        ] {
            assert!(HttpUrl::parse(bad).is_err(), "{bad:?}");
        }
        assert!(HttpUrl::parse(&format!("https://a.uz/{}", "x".repeat(2048))).is_err());
    }

    #[test]
    fn url_pattern_rules() {
        for ok in ["*", "/", "/pricing", "/blog/*", "/*", " /pricing "] {
            assert!(UrlPattern::parse(ok).is_ok(), "{ok:?}");
        }
        for bad in [
            "",
            "pricing",
            "/blog*",
            "/*/x",
            "/a b",
            "/a?b",
            "/a#b",
            "**",
            "https://a.uz/x",
        ] {
            assert!(UrlPattern::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn url_pattern_matching() {
        let any = UrlPattern::parse("*").unwrap();
        assert!(any.matches("/"));
        assert!(any.matches("/anything/at/all?x=1"));

        let exact = UrlPattern::parse("/pricing").unwrap();
        assert!(exact.matches("/pricing"));
        assert!(exact.matches("/pricing/"));
        assert!(exact.matches("/pricing?plan=pro"));
        assert!(exact.matches("/pricing#faq"));
        assert!(!exact.matches("/pricing/enterprise"));
        assert!(!exact.matches("/Pricing"));
        assert!(!exact.matches("/"));

        let root = UrlPattern::parse("/").unwrap();
        assert!(root.matches("/"));
        assert!(root.matches(""));
        assert!(!root.matches("/a"));

        let blog = UrlPattern::parse("/blog/*").unwrap();
        assert!(blog.matches("/blog"));
        assert!(blog.matches("/blog/"));
        assert!(blog.matches("/blog/post-1"));
        assert!(blog.matches("/blog/2026/02/post"));
        assert!(!blog.matches("/blogging"));
        assert!(!blog.matches("/"));
        assert!(!blog.matches("/news/blog/x"));

        let all = UrlPattern::parse("/*").unwrap();
        assert!(all.matches("/"));
        assert!(all.matches("/x/y"));
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Sara@Company.UZ ").unwrap().as_str(),
            "sara@company.uz"
        );
        for ok in [
            "ali@example.com",
            "a.b+tag@sub.example.co.uz",
            "x@xn--80ak6aa92e.com",
        ] {
            assert!(Email::parse(ok).is_ok(), "{ok:?}");
        }
        for bad in [
            "",
            "ali",
            "ali@",
            "@example.com",
            "ali@example",
            "ali@@example.com",
            "a@b@example.com",
            "ali@exa mple.com",
            "a li@example.com",
            ".ali@example.com",
            "ali.@example.com",
            "a..li@example.com",
            "ali@example..com",
            "ali@1.2.3.4",
            "ali@-example.com",
            "\"ali\"@example.com",
            "алі@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(65))).is_err());
    }

    #[test]
    fn phones() {
        assert_eq!(
            Phone::parse(" +998901234567 ").unwrap().as_str(),
            "+998901234567"
        );
        assert!(Phone::parse("+998 (90) 123-45-67").is_ok());
        for bad in [
            "",
            "+",
            "1234",
            "+9989012345678901",
            "call me",
            "+998-90-abc",
        ] {
            assert!(Phone::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn iso_dates() {
        let d = IsoDate::parse("2026-02-11").unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2026, 2, 11));
        assert!(IsoDate::parse("2024-02-29").is_ok());
        assert!(IsoDate::parse("2000-02-29").is_ok());
        for bad in [
            "",
            "2026-2-11",
            "2026/02/11",
            "2026-02-11T00:00:00Z",
            "2026-13-01",
            "2026-00-10",
            "2026-02-00",
            "2026-02-29",
            "1900-02-29",
            "2026-04-31",
            "0000-01-01",
            "+026-02-11",
            "２０２６-02-11",
        ] {
            assert!(IsoDate::parse(bad).is_err(), "{bad:?}");
        }
        assert!(IsoDate::parse("2026-02-01").unwrap() < IsoDate::parse("2026-02-11").unwrap());
    }

    #[test]
    fn values_deserialise_through_their_parser() {
        let c: HexColor = serde_json::from_str("\"#abcdef\"").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"#ABCDEF\"");
        let err = serde_json::from_str::<HexColor>("\"red\"").unwrap_err();
        assert!(err.to_string().contains("#RRGGBB"), "{err}");
        assert!(serde_json::from_str::<MessageText>("12").is_err());
    }

    proptest! {
        #[test]
        fn domain_pattern_never_panics_and_is_idempotent(input in "\\PC{0,80}") {
            if let Ok(p) = DomainPattern::parse(&input) {
                prop_assert_eq!(DomainPattern::parse(p.as_str()), Ok(p.clone()));
                let _ = p.matches(&input);
            }
        }

        #[test]
        fn domain_pattern_from_host_like_input(input in "(\\*\\.)?[a-zA-Z0-9.-]{0,30}") {
            if let Ok(p) = DomainPattern::parse(&input) {
                prop_assert_eq!(DomainPattern::parse(p.as_str()), Ok(p.clone()));
                if !p.is_wildcard() {
                    prop_assert!(p.matches(p.as_str()));
                }
            }
        }

        #[test]
        fn wildcard_matches_every_subdomain_but_not_the_apex(
            sub in "[a-z0-9]{1,10}(\\.[a-z0-9]{1,10}){0,2}",
            base in "[a-z]{1,10}\\.[a-z]{2,5}",
        ) {
            let p = DomainPattern::parse(&format!("*.{base}")).unwrap();
            let host = format!("{sub}.{base}");
            prop_assert!(p.matches(&host));
            prop_assert!(!p.matches(&base));
        }

        #[test]
        fn parsers_never_panic(input in "\\PC{0,64}") {
            let _ = HexColor::parse(&input);
            let _ = UrlPattern::parse(&input).map(|p| p.matches(&input));
            let _ = Email::parse(&input);
            let _ = Phone::parse(&input);
            let _ = IsoDate::parse(&input);
            let _ = HttpUrl::parse(&input);
            let _ = origin_host(&input);
        }

        #[test]
        fn url_pattern_reparses_to_itself(input in "(\\*|/[a-z0-9/_-]{0,20}(/\\*)?)") {
            if let Ok(p) = UrlPattern::parse(&input) {
                prop_assert_eq!(UrlPattern::parse(p.as_str()), Ok(p.clone()));
            }
        }

        #[test]
        fn message_text_length_is_counted_in_chars(n in 1usize..200, c in "[a-zўқғҳ]") {
            let text = c.repeat(n);
            prop_assert_eq!(MessageText::parse(&text).map(|t| t.as_str().chars().count()), Ok(n));
        }
    }
}
