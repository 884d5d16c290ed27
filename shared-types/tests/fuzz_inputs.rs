//! Property-based fuzzing of everything the service parses from the outside: every
//! request body and query type, the real-time client frames, and the domain and
//! URL-pattern matchers. Inputs are arbitrary bytes, arbitrary JSON shaped like the real
//! bodies (the field names of the spec, any values, nested), and arbitrary strings.
//! The properties: nothing panics; what parses serialises and parses back to the same
//! value; the matchers keep their documented rules.
//!
//! `cargo test -p shared-types --test fuzz_inputs`; `FUZZ_CASES=100000` for a longer run
//! (default 2,000 cases per property).

use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use shared_types::validate::{DomainPattern, UrlPattern};
use shared_types::{admin, agents, analytics, automation, chats, files, realtime, visitor};
use shared_types::{webhooks, widget};

fn config() -> ProptestConfig {
    let cases = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    ProptestConfig::with_cases(cases)
}

/// Field names of the spec's bodies, so objects often look almost right.
const FIELDS: &[&str] = &[
    "text",
    "attachments",
    "url",
    "type",
    "status",
    "assigned_to",
    "tags",
    "notes",
    "name",
    "email",
    "role",
    "color",
    "shape",
    "position",
    "button_text",
    "welcome_message",
    "offline_message",
    "branding",
    "show_powered_by",
    "logo_url",
    "domains",
    "condition",
    "delay_seconds",
    "url_pattern",
    "message",
    "active",
    "events",
    "secret",
    "filename",
    "content_type",
    "size_bytes",
    "chat_id",
    "file_id",
    "visitor",
    "page_url",
    "rating",
    "comment",
    "seq",
    "chats",
    "is_typing",
    "owner",
    "workspace",
    "metadata",
    "from",
    "to",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<String>().prop_map(Value::String),
        prop::sample::select(vec![
            "",
            "#FF5733",
            "rounded",
            "bottom-right",
            "active",
            "closed",
            "page_load",
            "/pricing",
            "*",
            "company.uz",
            "*.company.uz",
            "https://shop.example/a",
            "ali@example.com",
            "agent_abc",
            "chat_abc",
            "2026-01-01",
            "\u{0}",
            "\u{202e}",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        prop::sample::select(FIELDS).prop_map(str::to_owned),
                        any::<String>()
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Parses `value` and `bytes` as `T`; whatever parses must survive a round trip.
fn survives<T>(value: &Value, bytes: &[u8]) -> Result<(), TestCaseError>
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    for parsed in [
        serde_json::from_value::<T>(value.clone()).ok(),
        serde_json::from_slice::<T>(bytes).ok(),
    ]
    .into_iter()
    .flatten()
    {
        let again: T =
            serde_json::from_value(serde_json::to_value(&parsed).expect("serialises"))
                .map_err(|e| TestCaseError::fail(format!("{parsed:?} does not parse back: {e}")))?;
        prop_assert_eq!(again, parsed);
    }
    Ok(())
}

macro_rules! bodies {
    ($value:expr, $bytes:expr; $($t:ty),+ $(,)?) => {
        $( survives::<$t>($value, $bytes)?; )+
    };
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn request_bodies_and_frames(value in json_value(), bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        bodies!(&value, &bytes;
            admin::CreateWorkspaceRequest,
            admin::CreateApiKeyRequest,
            agents::CreateAgentRequest,
            agents::UpdateAgentRequest,
            chats::SendMessageRequest,
            chats::UpdateChatRequest,
            widget::UpdateWidgetConfig,
            automation::CreateTrigger,
            automation::UpdateTrigger,
            files::UploadUrlRequest,
            files::ConfirmFileRequest,
            visitor::CreateSessionRequest,
            visitor::StartChatRequest,
            visitor::MarkReadRequest,
            visitor::RatingRequest,
            realtime::ClientFrame,
        );
        // Webhook bodies parse too (their secret is never serialised back in full).
        let _ = serde_json::from_value::<webhooks::CreateWebhookRequest>(value.clone());
        let _ = serde_json::from_slice::<webhooks::CreateWebhookRequest>(&bytes);
    }

    #[test]
    fn the_same_bodies_as_text(value in json_value()) {
        // Through the text parser, as the worker reads a body.
        let text = value.to_string();
        bodies!(&value, text.as_bytes();
            chats::SendMessageRequest,
            chats::UpdateChatRequest,
            widget::UpdateWidgetConfig,
            automation::CreateTrigger,
            realtime::ClientFrame,
        );
    }

    #[test]
    fn query_strings(query in any::<String>(), pairs in prop::collection::vec((prop::sample::select(vec!["status", "agent_id", "page", "limit", "after", "from", "to", "sort_by", "workspace_id"]), any::<String>()), 0..6)) {
        let built = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        for q in [query.as_str(), built.as_str()] {
            let _ = serde_urlencoded::from_str::<chats::ListChatsQuery>(q);
            let _ = serde_urlencoded::from_str::<chats::MessagesQuery>(q);
            let _ = serde_urlencoded::from_str::<analytics::DateRangeQuery>(q);
            let _ = serde_urlencoded::from_str::<analytics::OverviewQuery>(q);
            let _ = serde_urlencoded::from_str::<analytics::AgentPerformanceQuery>(q);
            let _ = serde_urlencoded::from_str::<analytics::DailyQuery>(q);
        }
    }

    #[test]
    fn domain_patterns(input in prop_oneof![any::<String>(), "(\\*\\.)?[a-zA-Z0-9-]{1,10}(\\.[a-zA-Z0-9-]{1,10}){0,3}"], host in any::<String>(), origin in any::<String>(), label in "[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?") {
        if let Ok(pattern) = DomainPattern::parse(&input) {
            let _ = pattern.matches(&host);
            let text = pattern.as_str();
            match text.strip_prefix("*.") {
                Some(base) => {
                    let (sub, glued) = (format!("{label}.{base}"), format!("{label}{base}"));
                    prop_assert!(pattern.matches(&sub));
                    prop_assert!(!pattern.matches(base), "a wildcard does not match its base");
                    prop_assert!(!pattern.matches(&glued));
                }
                None => {
                    let sub = format!("{label}.{text}");
                    prop_assert!(pattern.matches(text));
                    prop_assert!(pattern.matches(&text.to_uppercase()));
                    prop_assert!(!pattern.matches(&sub), "exact means exact");
                }
            }
            let _ = DomainPattern::allows_origin(std::slice::from_ref(&pattern), Some(&origin));
        }
        prop_assert!(DomainPattern::allows_origin(&[], Some(&origin)));
    }

    #[test]
    fn url_patterns(input in prop_oneof![any::<String>(), "/[a-z0-9/._-]{0,20}(/\\*)?"], path in any::<String>(), tail in "[a-z0-9/._-]{0,30}") {
        if let Ok(pattern) = UrlPattern::parse(&input) {
            let _ = pattern.matches(&path);
            let text = pattern.as_str();
            match text.strip_suffix("/*") {
                Some(base) => {
                    let below = format!("{base}/{tail}");
                    let with_query = format!("{below}?q=1#top");
                    let beside = format!("{base}x{tail}");
                    prop_assert!(pattern.matches(base));
                    prop_assert!(pattern.matches(&below));
                    prop_assert!(pattern.matches(&with_query));
                    prop_assert!(base.is_empty() || !pattern.matches(&beside), "/blog/* is not /blogx");
                }
                None if text == "*" => prop_assert!(pattern.matches(&path)),
                None => {
                    let with_query = format!("{text}?utm=1");
                    prop_assert!(pattern.matches(text));
                    prop_assert!(pattern.matches(&with_query));
                }
            }
        }
    }
}
