//! OpenAPI building blocks (feature `openapi`) for the types whose serde is written by
//! hand: ids, validated strings, wire enums and page numbers. Everything else derives
//! `utoipa::ToSchema`/`IntoParams` beside its serde attributes.
//!
//! Each schema must accept exactly what the type's `parse` accepts: the fuzzer sends
//! schema-valid values expecting success and schema-invalid ones expecting a 400.
//! Patterns are ECMA-262 (the OpenAPI dialect) and spell every character class out
//! instead of `\s`, `\d` or `\w`, whose meanings differ between engines and from
//! Rust's `str::trim`/`char::is_control`. Look-aheads are only negative: generators
//! (Hypothesis, under schemathesis) skip a `(?!…)` and filter, but write a `(?=…)`'s
//! content out as if it were consumed, so a positive one makes valid data ungeneratable.
//! `tests/openapi_schemas.rs` checks every pattern against its parser.

use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};

/// Rust's `char::is_whitespace` (Unicode White_Space), what `str::trim` strips.
pub const WHITESPACE: &str =
    r"[\t\n\x0B\x0C\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

/// Neither whitespace nor a control character (`char::is_control`, category Cc).
pub const VISIBLE: &str = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

/// Anchors a pattern body at both ends. In ECMA-262 (and the Rust and fancy-regex
/// engines validators use) `$` is the very end; Python's `$` also matches before a
/// final `\n`, which is why nothing here relies on Python's reading.
pub fn anchored(body: &str) -> String {
    format!("^{body}$")
}

/// A string schema with a description.
pub fn string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
}

/// A string that is one of `spellings`, exactly.
pub fn string_enum(spellings: &[&str]) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(spellings.iter().copied()))
}

/// An id: `prefix` then 1+ ASCII letters or digits, at most [`crate::ids::MAX_ID_LEN`]
/// characters in all.
pub fn id(prefix: &str) -> ObjectBuilder {
    let max_suffix = crate::ids::MAX_ID_LEN - prefix.len();
    string(&format!("An id starting with `{prefix}`."))
        .pattern(Some(anchored(&format!(
            "{prefix}[A-Za-z0-9]{{1,{max_suffix}}}"
        ))))
        .min_length(Some(prefix.len() + 1))
        .max_length(Some(crate::ids::MAX_ID_LEN))
        .examples([format!("{prefix}a1b2c3")])
}

/// The pattern of a trimmed text (`validate::bounded_text`): any surrounding
/// whitespace around text that starts and ends with a visible character and holds no
/// control character but, when `multiline`, line breaks and tabs; empty text too when
/// `allow_empty`.
pub fn trimmed_text_pattern(allow_empty: bool, multiline: bool) -> String {
    let inner = if multiline {
        r"[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]"
    } else {
        r"[^\x00-\x1F\x7F-\x9F]"
    };
    let core = format!("{VISIBLE}(?:{inner}*{VISIBLE})?");
    let core = if allow_empty {
        format!("(?:{core})?")
    } else {
        core
    };
    anchored(&format!("{WHITESPACE}*{core}{WHITESPACE}*"))
}

/// A trimmed text schema; see [`trimmed_text_pattern`]. The server counts `max`
/// after trimming, but `maxLength` counts the whole string: a pattern cannot carry
/// the count (validators' regex engines refuse `{0,9998}` of a Unicode class), so
/// padding that takes text over `max` is refused here though the server would trim it.
pub fn trimmed_text(what: &str, min: usize, max: usize, multiline: bool) -> ObjectBuilder {
    let lines = if multiline {
        "line breaks and tabs allowed, no other control characters"
    } else {
        "one line, no control characters"
    };
    string(&format!(
        "{what}: {min} to {max} characters after trimming surrounding whitespace; {lines}."
    ))
    .pattern(Some(trimmed_text_pattern(min == 0, multiline)))
    .min_length(Some(min))
    .max_length(Some(max))
}

/// One DNS label, either case: 1..=63 of letters, digits and `-`, not starting or
/// ending with `-`.
pub const LABEL: &str = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";

/// An integer in `min..=max` (`u32` bounds: `utoipa::Number` holds unsigned values as
/// `usize`, which is 32 bits on the worker's wasm32).
pub fn integer(min: u32, max: u32) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min))
        .maximum(Some(max))
}

/// `u64::MAX + 1` (2^64, exact as an `f64`) as an exclusive maximum: a `u64` field's
/// bound written without `usize`, which cannot hold `u64::MAX` on wasm32.
pub const U64_EXCLUSIVE_MAXIMUM: f64 = 18_446_744_073_709_551_616.0;

/// Python and ECMA agree on these classes; see the module docs.
const LOCAL_CHAR: &str = r"[!#-'*+/-9=?A-Z^-~-]";

/// [`crate::validate::FileName`].
pub fn file_name() -> ObjectBuilder {
    // `VISIBLE`/inner text without `/` and `\`; one or two characters must not be
    // `.` or `..`.
    let edge = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000/\\]";
    let edge_no_dot = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000/\\.]";
    let inner = r"[^\x00-\x1F\x7F-\x9F/\\]";
    let core =
        format!("(?:{edge_no_dot}|{edge_no_dot}{edge}|\\.{edge_no_dot}|{edge}{inner}+{edge})");
    string("A file name: trimmed, 1 to 255 characters, no `/` or `\\`, not `.` or `..`, no control characters.")
        .pattern(Some(anchored(&format!("{WHITESPACE}*{core}{WHITESPACE}*"))))
        .min_length(Some(1))
        .max_length(Some(crate::validate::FileName::MAX_CHARS))
}

/// [`crate::validate::Shortcut`].
pub fn shortcut() -> ObjectBuilder {
    string("1 to 32 characters of a-z, 0-9, `_` and `-`.")
        .pattern(Some(anchored("[a-z0-9_-]{1,32}")))
        .min_length(Some(1))
        .max_length(Some(crate::validate::Shortcut::MAX_CHARS))
}

/// [`crate::validate::HexColor`].
pub fn hex_color() -> ObjectBuilder {
    string("A colour `#RRGGBB`, either case; answered in upper case.")
        .pattern(Some(anchored("#[0-9A-Fa-f]{6}")))
        .min_length(Some(7))
        .max_length(Some(7))
        .examples(["#4F46E5"])
}

/// [`crate::validate::DomainPattern`].
pub fn domain_pattern() -> ObjectBuilder {
    string("A host such as `company.uz`, or `*.company.uz` for its subdomains; no scheme, port or path; punycode for non-ASCII names. Trimmed and lower-cased.")
        .pattern(Some(anchored(&format!(
            r"{WHITESPACE}*(?:\*\.)?{LABEL}(?:\.{LABEL})*{WHITESPACE}*"
        ))))
        .min_length(Some(1))
        // The host is at most 253 characters; untrimmed padding beyond that is refused
        // here although the server would trim it.
        .max_length(Some(253))
        .examples(["*.company.uz"])
}

/// The port of an authority: 1 to 5 digits, at most 65535.
const PORT: &str =
    "(?:[0-9]{1,4}|[0-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])";

/// [`crate::validate::HttpUrl`].
pub fn http_url() -> ObjectBuilder {
    let host = format!(r"(?:{LABEL}(?:\.{LABEL})*|\[[0-9A-Fa-f:.]+\])");
    string("An absolute http:// or https:// URL, at most 2048 characters, without credentials or whitespace.")
        .pattern(Some(anchored(&format!(
            r"[Hh][Tt][Tt][Pp][Ss]?://{host}(?::{PORT})?(?:[/?#]{VISIBLE}*)?"
        ))))
        .min_length(Some(8))
        .max_length(Some(crate::validate::HttpUrl::MAX_CHARS))
        .examples(["https://myapp.com/webhooks/chatflow"])
}

/// [`crate::validate::UrlPattern`].
pub fn url_pattern() -> ObjectBuilder {
    let path = r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000?#*]";
    string("`*` (every page), an exact path such as `/pricing`, or a prefix such as `/blog/*`. Trimmed; at most 2048 characters; no `?`, `#` or whitespace.")
        .pattern(Some(anchored(&format!(
            r"{WHITESPACE}*(?:\*|/{path}*|(?:/{path}*)?/\*){WHITESPACE}*"
        ))))
        .min_length(Some(1))
        .max_length(Some(crate::validate::UrlPattern::MAX_CHARS))
        .examples(["/pricing"])
}

/// [`crate::validate::Email`].
pub fn email() -> ObjectBuilder {
    string("An email address such as `name@company.uz`: trimmed and lower-cased; at most 254 characters, the part before `@` at most 64; ASCII only (punycode domains).")
        .pattern(Some(anchored(&format!(
            r"{WHITESPACE}*(?![!-~]{{255}})(?![^@]{{65}}){LOCAL_CHAR}+(?:\.{LOCAL_CHAR}+)*@(?:{LABEL}\.)+(?![0-9]+{WHITESPACE}*$){LABEL}{WHITESPACE}*"
        ))))
        .min_length(Some(5))
        .examples(["sara@company.uz"])
}

/// [`crate::validate::Phone`].
pub fn phone() -> ObjectBuilder {
    string("A phone number: 5 to 15 digits, optionally starting with `+`, with spaces, `-`, `.`, `(` and `)` allowed between them.")
        .pattern(Some(anchored(&format!(
            r"{WHITESPACE}*\+?[ .()-]*(?:[0-9][ .()-]*){{5,15}}{WHITESPACE}*"
        ))))
        .min_length(Some(5))
        .examples(["+998901234567"])
}

/// [`crate::validate::IsoDate`]: a real calendar date, year 0001 to 9999.
pub fn iso_date() -> ObjectBuilder {
    let leap = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)";
    let common = "(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)";
    string("A date `YYYY-MM-DD`.")
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .pattern(Some(anchored(&format!(
            "(?!0000)(?:[0-9]{{4}}-{common}|{leap}-02-29)"
        ))))
        .min_length(Some(10))
        .max_length(Some(10))
        .examples(["2026-02-11"])
}

/// [`crate::validate::TimeZoneName`].
pub fn time_zone_name() -> ObjectBuilder {
    string("An IANA time zone name such as `Asia/Tashkent`: 1 to 64 of letters, digits, `/`, `_`, `+` and `-`.")
        .pattern(Some(anchored("[A-Za-z0-9/_+-]{1,64}")))
        .min_length(Some(1))
        .max_length(Some(64))
        .examples(["Asia/Tashkent"])
}

/// [`crate::auth::Password`].
pub fn password() -> ObjectBuilder {
    string("8 to 128 characters.")
        .min_length(Some(crate::auth::Password::MIN_CHARS))
        .max_length(Some(crate::auth::Password::MAX_CHARS))
}

/// [`crate::webhooks::WebhookSecret`].
pub fn webhook_secret() -> ObjectBuilder {
    string("8 to 256 printable ASCII characters, no spaces.")
        .pattern(Some(anchored("[!-~]{8,256}")))
        .min_length(Some(crate::webhooks::WebhookSecret::MIN_CHARS))
        .max_length(Some(crate::webhooks::WebhookSecret::MAX_CHARS))
}

/// An optional query parameter whose schema is `T`'s, for the hand-written
/// `IntoParams` of the query structs that `#[serde(flatten)]` another (the derive
/// does not follow `flatten`).
pub fn optional_query_param<T: utoipa::PartialSchema>(
    name: &str,
    description: &str,
    parameter_in: Option<utoipa::openapi::path::ParameterIn>,
) -> utoipa::openapi::path::Parameter {
    utoipa::openapi::path::ParameterBuilder::new()
        .name(name)
        // A query struct's own field: the query, whatever the caller's default.
        .parameter_in(parameter_in.unwrap_or(utoipa::openapi::path::ParameterIn::Query))
        .required(utoipa::openapi::Required::False)
        .description(Some(description))
        .schema(Some(T::schema()))
        .build()
}

/// `schema` that also admits `null` (for `Option` fields given a `schema_with`).
fn or_null(schema: ObjectBuilder, ty: Type) -> ObjectBuilder {
    schema.schema_type(utoipa::openapi::schema::SchemaType::from_iter([
        ty,
        Type::Null,
    ]))
}

/// Matches `text` in any ASCII case, for values the server lower-cases first.
fn any_case(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            c if c.is_ascii_alphabetic() => {
                format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
            }
            '.' | '+' | '*' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '^' | '$' | '\\' => {
                format!("\\{c}")
            }
            c => c.to_string(),
        })
        .collect()
}

/// `UploadUrlRequest::content_type`: an allowed type in any case, optionally padded
/// and followed by `;` parameters ([`crate::files::check_upload`]).
pub fn upload_content_type() -> ObjectBuilder {
    let types: Vec<String> = crate::files::ALLOWED_CONTENT_TYPES
        .iter()
        .map(|t| any_case(t))
        .collect();
    string("One of the allowed types (any case), optionally with `;` parameters.")
        .pattern(Some(anchored(&format!(
            r"{WHITESPACE}*(?:{}){WHITESPACE}*(?:;[\s\S]*)?",
            types.join("|")
        ))))
        .examples(["image/png"])
}

/// A visitor's or contact's `metadata`: at most 50 keys, string values at most 1,000
/// characters (the worker's `domain::bounds`).
pub fn metadata() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some("Free-form key/value data: at most 50 keys, each value at most 1,000 characters (non-string values counted as JSON text), at most 8 KiB as JSON."))
        .max_properties(Some(50))
        .additional_properties(Some(
            ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::SchemaType::AnyValue)
                .max_length(Some(1000)),
        ))
}

/// [`metadata`] or `null`.
pub fn metadata_or_null() -> ObjectBuilder {
    or_null(metadata(), Type::Object)
}

/// `VisitorInfo::phone`: a [`phone`] the worker also holds to 32 characters after
/// trimming, or `null`.
pub fn visitor_phone_or_null() -> ObjectBuilder {
    or_null(
        string("A phone number (see `Phone`), at most 32 characters.")
            .pattern(Some(anchored(&format!(
                r"{WHITESPACE}*(?![0-9 .()+-]{{32}} *[0-9.()+-])\+?[ .()-]*(?:[0-9][ .()-]*){{5,15}}{WHITESPACE}*"
            ))))
            .min_length(Some(5)),
        Type::String,
    )
}

/// `UpdateEmailSettings::reply_domain`: a domain of 2+ labels whose last has a letter,
/// at most 253 characters, or `null` to clear it.
pub fn reply_domain_or_null() -> ObjectBuilder {
    or_null(
        string("A domain name such as `reply.example.uz`.")
            .pattern(Some(anchored(&format!(
                r"(?:{LABEL}\.)+(?![0-9-]+$){LABEL}"
            ))))
            .min_length(Some(3))
            .max_length(Some(253)),
        Type::String,
    )
}

/// `Opening::open`: `HH:MM`, 00:00 to 23:59.
pub fn opening_open() -> ObjectBuilder {
    string("Local time `HH:MM`, 00:00 to 23:59.")
        .pattern(Some(anchored("(?:[01][0-9]|2[0-3]):[0-5][0-9]")))
        .examples(["09:00"])
}

/// `Opening::close`: `HH:MM`, 00:01 to 24:00 (and after `open`, which no schema says).
pub fn opening_close() -> ObjectBuilder {
    string("Local time `HH:MM`, 00:01 to 24:00, after `open`.")
        .pattern(Some(anchored(
            "(?!00:00)(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00)",
        )))
        .examples(["18:00"])
}

/// `UpdateBusinessHours::holidays`: at most 400 calendar dates `YYYY-MM-DD`.
pub fn holidays() -> utoipa::openapi::schema::ArrayBuilder {
    let leap = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)";
    let common = "(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)";
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(
            string("A date `YYYY-MM-DD`.")
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
                .pattern(Some(anchored(&format!(
                    "(?:[0-9]{{4}}-{common}|{leap}-02-29)"
                )))),
        )
        .max_items(Some(400))
}

/// `PresenceBeat::presence_id`: `pv_` and 20 letters or digits.
pub fn presence_id() -> ObjectBuilder {
    string("The page view's id: `pv_` and 20 letters or digits, made by the loader.")
        .pattern(Some(anchored("pv_[A-Za-z0-9]{20}")))
        .min_length(Some(23))
        .max_length(Some(23))
}
