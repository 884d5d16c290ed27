//! The OpenAPI schemas of the wire types (feature `openapi`) say what the parsers
//! accept: each hand-written pattern is run against its parser on the parsers' own
//! test cases and on random text, the wire enums list their spellings, PATCH fields
//! are nullable exactly when `null` means "clear", and every spec example has the
//! fields its schema requires.
#![cfg(feature = "openapi")]

use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use fancy_regex::Regex;
use proptest::prelude::*;
use serde_json::{json, Value};
use utoipa::{OpenApi, PartialSchema};

use shared_types::admin::*;
use shared_types::agents::*;
use shared_types::analytics::*;
use shared_types::auth::*;
use shared_types::automation::*;
use shared_types::canned::*;
use shared_types::chats::*;
use shared_types::contacts::*;
use shared_types::email::*;
use shared_types::files::*;
use shared_types::ids::*;
use shared_types::notes::*;
use shared_types::pagination::*;
use shared_types::presence::*;
use shared_types::realtime::*;
use shared_types::search::*;
use shared_types::settings::*;
use shared_types::validate::*;
use shared_types::visitor::*;
use shared_types::webhooks::*;
use shared_types::widget::*;
use shared_types::{ErrorBody, ErrorEnvelope};

#[derive(OpenApi)]
#[openapi(components(schemas(
    CreateWorkspaceRequest, NewOwner, Workspace, CreateWorkspaceResponse, ApiKey,
    CreateApiKeyRequest, CreatedApiKey,
    AgentRole, AgentStatus, EmailNotifications, Agent, CreateAgentRequest, UpdateAgentRequest,
    AgentStats, AgentStatsFigures,
    AgentSortBy, Period, AnalyticsOverview, OverviewMetrics, OverviewTrends, AgentPerformance,
    AnalyticsDaily, DailyFigures,
    Password, LoginRequest, SessionInfo, Invitation, PendingInvitation, CreatedAgent,
    AcceptInviteRequest,
    TriggerCondition, Trigger, CreateTrigger, UpdateTrigger,
    CannedResponse, NewCannedResponse, UpdateCannedResponse,
    ChatStatus, SenderType, AttachmentType, ChatSummary, Visitor, ChatDetail, NewAttachment,
    Attachment, SendMessageRequest, Sender, Message, ConversationMessage, UpdateChatRequest,
    Contact, ContactDetail, UpdateContact,
    EmailKind, EmailStatus, EmailAttempt, EmailSettings, UpdateEmailSettings, TranscriptQueued,
    Unsubscribed,
    ErrorEnvelope, ErrorBody,
    SetLogoRequest, UploadUrlRequest, UploadUrlResponse, ConfirmFileRequest, FileObject,
    WorkspaceId, AgentId, ChatId, MessageId, TriggerId, WebhookId, FileId, ApiKeyId, VisitorId,
    EventId, RequestId,
    NoteAuthor, ChatNote, NewNote,
    Page, Limit, Pagination, ListResponse<ChatSummary>, DataList<Agent>,
    BeatKind, PresenceBeat, OnlineVisitor, InviteRequest, VisitorInvitation, BeatAnswer,
    ShownInvitation,
    RealtimeTicket, ServerFrame, ClientFrame,
    SearchHit,
    AssignmentMode, Assignment, Opening, Weekly, BusinessHours, Settings, UpdateAssignment,
    UpdateBusinessHours, UpdateWeekly, UpdateSettings,
    MessageText, ShortText, Tag, SearchText, FreeText, FileName, Shortcut, HexColor,
    DomainPattern, HttpUrl, UrlPattern, Email, Phone, IsoDate, TimeZoneName,
    PublicWidgetConfig, PublicTrigger, VisitorInfo, CreateSessionRequest, SessionResponse,
    StartChatRequest, StartedChat, MarkReadRequest, RatingRequest,
    WebhookEvent, Webhook, CreateWebhookRequest, UpdateWebhookRequest, WebhookDelivery,
    ChatRating, CreatedWebhook, WebhookSecret, WebhookEventPayload,
    WidgetShape, WidgetPosition, WidgetTheme, Prechat, WidgetConfig, Branding,
    UpdateWidgetConfig, UpdatePrechat, IdentitySecret, UpdateBranding,
)))]
struct Doc;

/// The document's `components.schemas`.
fn components() -> Value {
    let doc = serde_json::to_value(Doc::openapi()).unwrap();
    doc["components"]["schemas"].clone()
}

/// `T`'s own schema as JSON.
fn schema_of<T: PartialSchema>() -> Value {
    serde_json::to_value(T::schema()).unwrap()
}

/// Whether a string schema (pattern, minLength, maxLength; lengths in characters)
/// accepts `text`.
struct StringSchema {
    pattern: Option<Regex>,
    min: Option<usize>,
    max: Option<usize>,
}

impl StringSchema {
    fn of(schema: &Value) -> Self {
        assert!(
            schema["type"] == "string" || schema["type"] == json!(["string", "null"]),
            "{schema}"
        );
        StringSchema {
            pattern: schema["pattern"]
                .as_str()
                .map(|p| Regex::new(p).unwrap_or_else(|e| panic!("{p}: {e}"))),
            min: schema["minLength"].as_u64().map(|n| n as usize),
            max: schema["maxLength"].as_u64().map(|n| n as usize),
        }
    }

    fn accepts(&self, text: &str) -> bool {
        let n = text.chars().count();
        self.min.is_none_or(|min| n >= min)
            && self.max.is_none_or(|max| n <= max)
            && self
                .pattern
                .as_ref()
                .is_none_or(|p| p.is_match(text).unwrap())
    }
}

/// A string schema and the parser it must agree with.
type Checked = (&'static str, StringSchema, fn(&str) -> bool);

/// Asserts that every schema and its parser agree on every one of `inputs`.
fn agrees(checks: &[Checked], inputs: &[String]) {
    for (name, schema, parse) in checks {
        for input in inputs {
            let (by_schema, by_parser) = (schema.accepts(input), parse(input));
            // The one known gap: `maxLength` counts the padding the parser trims off.
            let padded_over_max = !by_schema
                && by_parser
                && schema.max.is_some_and(|max| input.chars().count() > max)
                && schema.accepts(input.trim());
            let shown: String = input.chars().take(80).collect();
            assert!(
                by_schema == by_parser || padded_over_max,
                "{name}: schema says {by_schema}, parser says {by_parser} for {shown:?} ({} chars)",
                input.chars().count()
            );
        }
    }
}

/// Hand-picked inputs: the parsers' own test cases, boundaries and the characters
/// where engines and Rust differ (Unicode spaces, controls, a final newline).
fn tricky() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "a",
        " a ",
        "a\n",
        "\na",
        "a\nb",
        "a\tb",
        "a\rb",
        "a\u{0}b",
        "a\u{7f}b",
        "a\u{85}",
        "\u{85}a",
        "a\u{85}b",
        "\u{a0}a\u{a0}",
        "a\u{a0}b",
        "\u{3000}a",
        "a\u{2028}",
        "\u{feff}a",
        "\u{1c}a",
        "a\u{1f}",
        "a\u{9f}b",
        "ў",
        "Salom!",
        "..",
        ".",
        "a/b",
        "a\\b",
        "x.png",
        " screenshot.png ",
        ".hidden",
        "a.",
        "#4F46E5",
        "#4f46e5",
        "#4F46E5\n",
        "#fff",
        "#4G46E5",
        " #4F46E5",
        "company.uz",
        " Company.UZ ",
        "*.company.uz",
        "*",
        "*.",
        "**.a.uz",
        "a.*.uz",
        "localhost",
        "-a.uz",
        "a-.uz",
        "xn--80ak6aa92e.com",
        "company.uz:80",
        "company.uz/",
        "https://company.uz",
        "http://a.uz",
        "HTTPS://a.uz:8443/x?y=1#z",
        "https://",
        "https:///x",
        "https://a b.uz",
        "https://u:p@a.uz/",
        "https://a.uz:70000/",
        "https://a.uz:65535",
        "https://a.uz:65536",
        "https://a.uz:",
        "https://a.uz:00080/",
        "http://[::1]:9/x",
        "http://[]/",
        "http://127.0.0.1:8787",
        "ftp://a.uz",
        "javascript://alert(1)",
        "https://exa_mple.com",
        "https://a.uz/\u{a0}",
        "https://a.uz?x",
        "https://a.uz#x",
        "https://a.uz/p@q",
        "/",
        "/pricing",
        " /pricing ",
        "/blog/*",
        "/*",
        "//*",
        "/blog*",
        "/*/x",
        "/a b",
        "/a?b",
        "/a#b",
        "**",
        "pricing",
        "/a*b/*",
        "ali@example.com",
        " Sara@Company.UZ ",
        "a.b+tag@sub.example.co.uz",
        "ali",
        "ali@",
        "@example.com",
        "ali@example",
        "ali@@example.com",
        "ali@exa mple.com",
        ".ali@example.com",
        "ali.@example.com",
        "a..li@example.com",
        "ali@example..com",
        "ali@1.2.3.4",
        "ali@-example.com",
        "\"ali\"@example.com",
        "a@b.c",
        "a@b.1-2",
        "a@b.12",
        "+998901234567",
        " +998901234567 ",
        "+998 (90) 123-45-67",
        "+",
        "1234",
        "12345",
        "+9989012345678901",
        "123456789012345",
        "1234567890123456",
        "call me",
        "+998-90-abc",
        "++12345",
        "12345+",
        "( 1 2 3 4 5 )",
        "2026-02-11",
        "2024-02-29",
        "2000-02-29",
        "1900-02-29",
        "2026-02-29",
        "2026-04-31",
        "2026-12-31",
        "0000-01-01",
        "0001-01-01",
        "2026-2-11",
        "2026-02-11T00:00:00Z",
        "2026-13-01",
        "2026-00-10",
        "2026-02-00",
        "+026-02-11",
        "Asia/Tashkent",
        "Etc/GMT+5",
        "Asia/Tash kent",
        "UTC",
        "narx",
        "yetkazish-1",
        "Narx",
        "salom_2",
        "a b",
        "secret12",
        "short",
        "pässwörd12",
        "chat_abc",
        "chat_",
        "chat_a-b",
        "agent_abc",
        "CHAT_abc",
        "chat_abc\n",
        "chat_ў",
        "image/png",
        "IMAGE/PNG; charset=x",
        " text/plain ",
        "text/html",
        "image/png;",
        "image/pngx",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for n in [
        7, 8, 9, 31, 32, 33, 49, 50, 51, 63, 64, 65, 99, 100, 101, 199, 200, 201, 253, 254, 255,
        256, 257, 2047, 2048, 2049, 9_999, 10_000, 10_001,
    ] {
        v.push("a".repeat(n));
        v.push(format!(" {} ", "ў".repeat(n)));
        v.push(format!("chat_{}", "a".repeat(n.saturating_sub(5))));
        v.push(format!("https://a.uz/{}", "x".repeat(n.saturating_sub(13))));
        v.push(format!("/{}", "x".repeat(n.saturating_sub(1))));
        v.push(format!("/{}/*", "x".repeat(n.saturating_sub(3))));
        v.push(format!("{}@example.com", "a".repeat(n.saturating_sub(12))));
        v.push(format!("a@{}.uz", "b".repeat(n.saturating_sub(5))));
        v.push(format!("{}.uz", "a".repeat(n.saturating_sub(3))));
        v.push(format!("{}.png", "a".repeat(n.saturating_sub(4))));
        v.push(format!("A{}b", " ".repeat(n)));
    }
    v
}

macro_rules! checks {
    ($($ty:ty),+ $(,)?) => {
        vec![$(
            (
                stringify!($ty),
                StringSchema::of(&schema_of::<$ty>()),
                (|s: &str| <$ty>::parse(s).is_ok()) as fn(&str) -> bool,
            ),
        )+]
    };
}

/// Every hand-written string schema with its parser, compiled once.
fn all_checks() -> &'static [Checked] {
    static CHECKS: OnceLock<Vec<Checked>> = OnceLock::new();
    CHECKS.get_or_init(|| {
        let mut checks = checks!(
            MessageText,
            ShortText,
            Tag,
            SearchText,
            FreeText,
            FileName,
            Shortcut,
            HexColor,
            DomainPattern,
            HttpUrl,
            UrlPattern,
            Email,
            Phone,
            IsoDate,
            TimeZoneName,
            Password,
            WebhookSecret,
            ChatId,
            AgentId,
            WorkspaceId,
            MessageId,
            TriggerId,
            WebhookId,
            FileId,
            ApiKeyId,
            VisitorId,
            EventId,
            RequestId,
        );
        let property =
            |name: &str, field: &str| StringSchema::of(&components()[name]["properties"][field]);
        checks.push((
            "UploadUrlRequest.content_type",
            property("UploadUrlRequest", "content_type"),
            |s| check_upload(s, 1).is_ok(),
        ));
        checks.push(
            ("VisitorInfo.phone", property("VisitorInfo", "phone"), |s| {
                Phone::parse(s).is_ok_and(|p| p.as_str().chars().count() <= 32)
            }),
        );
        checks.push((
            "PresenceBeat.presence_id",
            property("PresenceBeat", "presence_id"),
            is_presence_id,
        ));
        checks
    })
}

fn check_all(inputs: &[String]) {
    agrees(all_checks(), inputs);
}

#[test]
fn string_schemas_accept_exactly_what_the_parsers_accept() {
    check_all(&tricky());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn string_schemas_agree_with_the_parsers_on_random_text(
        parts in proptest::collection::vec(
            prop_oneof![
                Just(" ".to_string()), Just("\n".to_string()), Just("\u{a0}".to_string()),
                Just("\u{85}".to_string()), Just("\u{0}".to_string()), Just(".".to_string()),
                Just("/".to_string()), Just("*".to_string()), Just("@".to_string()),
                Just(":".to_string()), Just("-".to_string()), Just("+".to_string()),
                Just("#".to_string()), Just("://".to_string()), Just("https://".to_string()),
                Just("chat_".to_string()), Just("[::1]".to_string()), Just(";".to_string()),
                "[a-zA-Z0-9]{1,4}", "\\PC{1,2}",
            ],
            0..12,
        )
    ) {
        check_all(&[parts.concat()]);
    }
}

#[test]
fn wire_enums_list_exactly_their_spellings() {
    let c = components();
    let cases: &[(&str, &[&str])] = &[
        ("ChatStatus", ChatStatus::SPELLINGS),
        ("SenderType", SenderType::SPELLINGS),
        ("AgentRole", AgentRole::SPELLINGS),
        ("WebhookEvent", WebhookEvent::SPELLINGS),
        ("WidgetPosition", WidgetPosition::SPELLINGS),
        ("TriggerCondition", TriggerCondition::SPELLINGS),
        ("AssignmentMode", AssignmentMode::SPELLINGS),
    ];
    for (name, spellings) in cases {
        assert_eq!(c[name]["type"], "string", "{name}");
        assert_eq!(c[name]["enum"], json!(spellings), "{name}");
    }
}

#[test]
fn an_id_pattern_takes_a_generated_id_and_refuses_another_kind() {
    let chat = StringSchema::of(&components()["ChatId"]);
    assert!(chat.accepts(ChatId::with_suffix("a1B2c3").as_str()));
    assert!(!chat.accepts(AgentId::with_suffix("a1B2c3").as_str()));
    assert!(!chat.accepts("chat_"));
    let webhook = StringSchema::of(&components()["WebhookId"]);
    assert!(webhook.accepts("webhook_abc123"));
    assert!(!webhook.accepts("wh_abc123"));
}

/// `properties.<field>` of component `name`.
fn property(name: &str, field: &str) -> Value {
    let c = components();
    let p = c[name]["properties"][field].clone();
    assert!(!p.is_null(), "{name}.{field} missing");
    p
}

/// Whether a property schema admits `null`.
fn nullable(p: &Value) -> bool {
    let in_type = match &p["type"] {
        Value::Array(types) => types.contains(&json!("null")),
        t => t == "null",
    };
    let in_one_of = p["oneOf"]
        .as_array()
        .is_some_and(|alts| alts.iter().any(|a| a["type"] == "null"));
    in_type || in_one_of
}

#[test]
fn patch_fields_are_nullable_exactly_when_null_clears() {
    let present = [
        ("UpdateChatRequest", "status"),
        ("UpdateChatRequest", "tags"),
        ("UpdateAgentRequest", "name"),
        ("UpdateWidgetConfig", "color"),
        ("UpdateWidgetConfig", "domains"),
        ("UpdateBranding", "show_powered_by"),
        ("UpdateWebhookRequest", "events"),
        ("UpdateTrigger", "delay_seconds"),
        ("UpdateContact", "metadata"),
        ("UpdateBusinessHours", "holidays"),
        ("CreateWebhookRequest", "secret"),
    ];
    for (name, field) in present {
        assert!(
            !nullable(&property(name, field)),
            "{name}.{field} must not be nullable"
        );
    }
    let clears = [
        ("UpdateChatRequest", "assigned_to"),
        ("UpdateChatRequest", "notes"),
        ("UpdateBranding", "logo_url"),
        ("UpdateContact", "name"),
        ("UpdateContact", "phone"),
        ("UpdateAssignment", "max_active_per_agent"),
        ("UpdateEmailSettings", "reply_domain"),
        ("UpdateEmailSettings", "from_name"),
    ];
    for (name, field) in clears {
        assert!(
            nullable(&property(name, field)),
            "{name}.{field} must be nullable"
        );
    }
    // Every PATCH body refuses unknown fields and requires nothing.
    for name in [
        "UpdateChatRequest",
        "UpdateWidgetConfig",
        "UpdateSettings",
        "UpdateContact",
    ] {
        let c = components();
        assert_eq!(c[name]["additionalProperties"], false, "{name}");
        assert!(c[name]["required"].is_null(), "{name}");
    }
}

#[test]
fn numeric_bounds_follow_the_deserialisers() {
    let score = property("RatingRequest", "score");
    assert_eq!(
        (score["minimum"].as_f64(), score["maximum"].as_f64()),
        (Some(1.0), Some(5.0))
    );
    let delay = property("CreateTrigger", "delay_seconds");
    assert_eq!(
        delay["maximum"].as_u64(),
        Some(u64::from(MAX_DELAY_SECONDS))
    );
    let size = property("UploadUrlRequest", "size_bytes");
    assert_eq!(
        (size["minimum"].as_u64(), size["maximum"].as_u64()),
        (Some(1), Some(MAX_UPLOAD_BYTES))
    );
    let limit = schema_of::<Limit>();
    assert_eq!(
        (limit["minimum"].as_u64(), limit["maximum"].as_u64()),
        (Some(1), Some(100))
    );
    assert_eq!(limit["default"], 20);
    assert_eq!(property("CreateWebhookRequest", "events")["minItems"], 1);
}

#[test]
fn query_structs_name_their_parameters() {
    use utoipa::IntoParams;
    let names = |params: Vec<utoipa::openapi::path::Parameter>| -> Vec<String> {
        params.into_iter().map(|p| p.name).collect()
    };
    assert_eq!(
        names(ListChatsQuery::into_params(|| None)),
        ["status", "agent_id", "page", "limit"]
    );
    assert_eq!(
        names(AgentPerformanceQuery::into_params(|| None)),
        ["from", "to", "tz", "sort_by"]
    );
    assert_eq!(names(SearchQuery::into_params(|| None))[0], "q");
}

/// Resolves a `$ref` to its component.
fn resolve(schema: &Value, c: &Value) -> Value {
    match schema["$ref"].as_str() {
        Some(r) => c[r.trim_start_matches("#/components/schemas/")].clone(),
        None => schema.clone(),
    }
}

/// Every field `schema` requires is in `value`, recursively through objects,
/// arrays, `allOf` and references.
fn has_required(value: &Value, schema: &Value, c: &Value, at: &str) {
    let schema = resolve(schema, c);
    if let Some(all) = schema["allOf"].as_array() {
        for part in all {
            has_required(value, part, c, at);
        }
    }
    if let Some(required) = schema["required"].as_array() {
        for field in required {
            let field = field.as_str().unwrap();
            assert!(
                value.get(field).is_some(),
                "{at}: `{field}` is required but missing"
            );
        }
    }
    if let (Some(props), Some(obj)) = (schema["properties"].as_object(), value.as_object()) {
        for (k, v) in obj {
            if let Some(p) = props.get(k) {
                let p = p["oneOf"].as_array().and_then(|a| a.first()).unwrap_or(p);
                has_required(v, p, c, &format!("{at}.{k}"));
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), value.as_array()) {
        for (i, v) in arr.iter().enumerate() {
            has_required(v, items, c, &format!("{at}[{i}]"));
        }
    }
}

#[test]
fn every_spec_example_has_the_fields_its_schema_requires() {
    let c = components();
    let examples: &[(&str, Value)] = &[
        (
            "get_chats.200.json",
            schema_of::<ListResponse<ChatSummary>>(),
        ),
        (
            "get_chats_id.200.json",
            json!({"$ref": "#/components/schemas/ChatDetail"}),
        ),
        (
            "post_chats_id_messages.request.json",
            json!({"$ref": "#/components/schemas/SendMessageRequest"}),
        ),
        (
            "post_chats_id_messages.201.json",
            json!({"$ref": "#/components/schemas/Message"}),
        ),
        (
            "patch_chats_id.request.json",
            json!({"$ref": "#/components/schemas/UpdateChatRequest"}),
        ),
        ("get_agents.200.json", schema_of::<DataList<Agent>>()),
        (
            "get_agents_id_stats.200.json",
            json!({"$ref": "#/components/schemas/AgentStats"}),
        ),
        ("get_webhooks.200.json", schema_of::<DataList<Webhook>>()),
        (
            "post_webhooks.request.json",
            json!({"$ref": "#/components/schemas/CreateWebhookRequest"}),
        ),
        (
            "post_webhooks.201.json",
            json!({"$ref": "#/components/schemas/CreatedWebhook"}),
        ),
        (
            "get_analytics_overview.200.json",
            json!({"$ref": "#/components/schemas/AnalyticsOverview"}),
        ),
        (
            "get_analytics_agents.200.json",
            schema_of::<DataList<AgentPerformance>>(),
        ),
        (
            "get_automation_triggers.200.json",
            schema_of::<DataList<Trigger>>(),
        ),
        (
            "post_automation_triggers.request.json",
            json!({"$ref": "#/components/schemas/CreateTrigger"}),
        ),
        (
            "get_widget_config.200.json",
            json!({"$ref": "#/components/schemas/WidgetConfig"}),
        ),
        (
            "patch_widget_config.request.json",
            json!({"$ref": "#/components/schemas/UpdateWidgetConfig"}),
        ),
        (
            "post_files_upload_url.request.json",
            json!({"$ref": "#/components/schemas/UploadUrlRequest"}),
        ),
        (
            "post_files_upload_url.200.json",
            json!({"$ref": "#/components/schemas/UploadUrlResponse"}),
        ),
        (
            "post_files_confirm.request.json",
            json!({"$ref": "#/components/schemas/ConfirmFileRequest"}),
        ),
        (
            "post_files_confirm.200.json",
            json!({"$ref": "#/components/schemas/FileObject"}),
        ),
        (
            "error.example.json",
            json!({"$ref": "#/components/schemas/ErrorEnvelope"}),
        ),
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spec_examples");
    let mut seen = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().file_name().into_string().unwrap();
        let (_, schema) = examples
            .iter()
            .find(|(name, _)| *name == file)
            .unwrap_or_else(|| panic!("{file} has no schema here"));
        let value: Value =
            serde_json::from_str(&fs::read_to_string(dir.join(&file)).unwrap()).unwrap();
        has_required(&value, schema, &c, &file);
        seen += 1;
    }
    assert_eq!(seen, examples.len());
}

#[test]
fn a_missing_required_field_is_noticed() {
    let c = components();
    let result = std::panic::catch_unwind(|| {
        has_required(
            &json!({"text": "hi"}),
            &json!({"$ref": "#/components/schemas/Message"}),
            &c,
            "m",
        )
    });
    assert!(result.is_err());
}

#[test]
#[ignore = "writes the components for a manual look"]
fn dump() {
    let out = std::env::var("OPENAPI_DUMP").unwrap_or_else(|_| "/tmp/components.json".into());
    fs::write(out, serde_json::to_string_pretty(&components()).unwrap()).unwrap();
}

#[test]
fn an_operations_error_schema_lists_its_codes() {
    use shared_types::ErrorCode;
    let codes: Vec<ErrorCode> = ErrorCode::with_status(404).collect();
    assert!(codes.contains(&ErrorCode::ChatNotFound));
    assert!(codes.iter().all(|c| c.status() == 404));
    let schema = serde_json::to_value(ErrorEnvelope::schema_with_codes(&codes)).unwrap();
    let listed: Vec<&str> = codes.iter().map(|c| c.code()).collect();
    assert_eq!(
        schema["properties"]["error"]["properties"]["code"]["enum"],
        json!(listed)
    );
    assert_eq!(schema["required"], json!(["error"]));
    // The general envelope: code a free string, details a free-form object.
    let body = &components()["ErrorBody"];
    assert_eq!(body["properties"]["code"]["type"], "string");
    assert_eq!(body["properties"]["details"]["type"], "object");
}
