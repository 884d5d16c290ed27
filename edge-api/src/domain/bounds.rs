//! What one workspace's anonymous traffic may store. A visitor needs no account, so
//! these bounds are the only thing between a script and the database; each is far above
//! what a real site's visitors ever reach (README, "Bounds on anonymous traffic").

use serde_json::{Map, Value};
use shared_types::error::FieldErrors;

use super::rate_limit::{Limits, Quota};

/// Keys in a visitor's `metadata`.
pub const METADATA_MAX_KEYS: usize = 50;
/// Characters of one `metadata` value (a non-string value counts as its JSON text).
pub const METADATA_MAX_VALUE_CHARS: usize = 1_000;
/// Bytes of the whole `metadata` object as JSON.
pub const METADATA_MAX_BYTES: usize = 8 * 1024;
/// Characters of a visitor's `name` (shared-types already holds it to 100).
pub const NAME_MAX_CHARS: usize = 200;
/// Characters of a visitor's `phone` (shared-types already holds it to 16).
pub const PHONE_MAX_CHARS: usize = 32;
/// Characters of a chat's `page_url` (shared-types' `HttpUrl` holds it to this).
pub const PAGE_URL_MAX_CHARS: usize = 2_048;

const HOUR_MS: i64 = 60 * 60 * 1_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// New chats one visitor may open in any hour: a person opens one or two.
pub const NEW_CHATS_PER_VISITOR: Quota = Quota {
    window_ms: HOUR_MS,
    limit: 20,
};

/// Upload URLs one visitor may ask for in any day.
pub const UPLOADS_PER_VISITOR: Quota = Quota {
    window_ms: DAY_MS,
    limit: 50,
};

/// Bytes one visitor may declare for upload in any day (five files at the 10 MB cap).
pub const UPLOAD_BYTES_PER_VISITOR: Quota = Quota {
    window_ms: DAY_MS,
    limit: 50 * 1024 * 1024,
};

/// New visitor sessions of one workspace across all addresses: a busy site gets a few
/// a second; a flood from many addresses stops here.
pub const SESSIONS_PER_WORKSPACE: Limits = Limits {
    per_minute: 600,
    per_second: 50,
};

/// Field errors for a visitor's `metadata` beyond the bounds; empty when it fits.
pub fn check_metadata(metadata: &Map<String, Value>, fields: &mut FieldErrors) {
    check_metadata_at("visitor.metadata", metadata, fields);
}

/// [`check_metadata`] for metadata at another place of a body (`field`).
pub fn check_metadata_at(field: &str, metadata: &Map<String, Value>, fields: &mut FieldErrors) {
    if metadata.len() > METADATA_MAX_KEYS {
        fields.push(field, format!("at most {METADATA_MAX_KEYS} keys"));
    }
    for (key, value) in metadata {
        let chars = match value {
            Value::String(s) => s.chars().count(),
            other => other.to_string().chars().count(),
        };
        if chars > METADATA_MAX_VALUE_CHARS {
            fields.push(
                format!("{field}.{key}"),
                format!("at most {METADATA_MAX_VALUE_CHARS} characters"),
            );
        }
    }
    let bytes = Value::Object(metadata.clone()).to_string().len();
    if bytes > METADATA_MAX_BYTES {
        fields.push(field, format!("at most {METADATA_MAX_BYTES} bytes as JSON"));
    }
}

/// Field errors for text beyond `max` characters.
pub fn check_chars(field: &str, text: Option<&str>, max: usize, fields: &mut FieldErrors) {
    if text.is_some_and(|t| t.chars().count() > max) {
        fields.push(field, format!("at most {max} characters"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors(metadata: Value) -> FieldErrors {
        let mut fields = FieldErrors::default();
        check_metadata(metadata.as_object().expect("object"), &mut fields);
        fields
    }

    #[test]
    fn metadata_within_the_bounds_passes() {
        assert!(errors(json!({"plan": "pro", "seats": 5})).is_empty());
        let full: Map<String, Value> = (0..METADATA_MAX_KEYS)
            .map(|i| (format!("k{i}"), json!("v".repeat(100))))
            .collect();
        assert!(errors(Value::Object(full)).is_empty());
    }

    #[test]
    fn each_bound_is_reported_under_its_field() {
        let many: Map<String, Value> = (0..=METADATA_MAX_KEYS)
            .map(|i| (format!("k{i}"), json!(i)))
            .collect();
        assert!(!errors(Value::Object(many)).is_empty());
        let long = errors(json!({"note": "x".repeat(METADATA_MAX_VALUE_CHARS + 1)}));
        assert!(!long.is_empty());
        let exact = errors(json!({"note": "x".repeat(METADATA_MAX_VALUE_CHARS)}));
        assert!(exact.is_empty());
        let nested = errors(json!({"deep": ["y".repeat(METADATA_MAX_VALUE_CHARS)]}));
        assert!(!nested.is_empty());
        let heavy: Map<String, Value> = (0..10)
            .map(|i| (format!("k{i}"), json!("z".repeat(900))))
            .collect();
        assert!(!errors(Value::Object(heavy)).is_empty());
    }

    #[test]
    fn text_bounds_count_characters_not_bytes() {
        let mut fields = FieldErrors::default();
        check_chars(
            "name",
            Some(&"ў".repeat(NAME_MAX_CHARS)),
            NAME_MAX_CHARS,
            &mut fields,
        );
        check_chars("name", None, NAME_MAX_CHARS, &mut fields);
        assert!(fields.is_empty());
        check_chars("phone", Some(&"1".repeat(33)), PHONE_MAX_CHARS, &mut fields);
        assert!(!fields.is_empty());
    }
}
