//! Every JSON example of `spec/api-endpoints.md`, copied verbatim into
//! `tests/spec_examples/`, parses into its type and serialises back to the same
//! JSON value. If the spec is beside the repository (`../shared/spec/`, as in CI),
//! the copies are also checked against it, so spec drift fails here.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use shared_types::agents::{Agent, AgentStats};
use shared_types::analytics::{AgentPerformance, AnalyticsOverview};
use shared_types::automation::{CreateTrigger, Trigger};
use shared_types::chats::{
    ChatDetail, ChatSummary, Message, SendMessageRequest, UpdateChatRequest,
};
use shared_types::files::{ConfirmFileRequest, FileObject, UploadUrlRequest, UploadUrlResponse};
use shared_types::webhooks::{CreateWebhookRequest, CreatedWebhook, Webhook};
use shared_types::widget::{UpdateWidgetConfig, WidgetConfig};
use shared_types::{DataList, ErrorCode, ErrorEnvelope, ListResponse};

type RoundTrip = fn(&Value) -> Result<Value, serde_json::Error>;

/// Parses `value` as `T` and serialises it back.
fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, serde_json::Error> {
    let typed: T = serde_json::from_value(value.clone())?;
    serde_json::to_value(typed)
}

/// Each example file and the type its endpoint uses, in the spec's order.
const EXAMPLES: &[(&str, RoundTrip)] = &[
    (
        "get_chats.200.json",
        round_trip::<ListResponse<ChatSummary>>,
    ),
    ("get_chats_id.200.json", round_trip::<ChatDetail>),
    (
        "post_chats_id_messages.request.json",
        round_trip::<SendMessageRequest>,
    ),
    ("post_chats_id_messages.201.json", round_trip::<Message>),
    (
        "patch_chats_id.request.json",
        round_trip::<UpdateChatRequest>,
    ),
    ("get_agents.200.json", round_trip::<DataList<Agent>>),
    ("get_agents_id_stats.200.json", round_trip::<AgentStats>),
    ("get_webhooks.200.json", round_trip::<DataList<Webhook>>),
    (
        "post_webhooks.request.json",
        round_trip::<CreateWebhookRequest>,
    ),
    ("post_webhooks.201.json", round_trip::<CreatedWebhook>),
    (
        "get_analytics_overview.200.json",
        round_trip::<AnalyticsOverview>,
    ),
    (
        "get_analytics_agents.200.json",
        round_trip::<DataList<AgentPerformance>>,
    ),
    ("get_widget_config.200.json", round_trip::<WidgetConfig>),
    (
        "patch_widget_config.request.json",
        round_trip::<UpdateWidgetConfig>,
    ),
    (
        "get_automation_triggers.200.json",
        round_trip::<DataList<Trigger>>,
    ),
    (
        "post_automation_triggers.request.json",
        round_trip::<CreateTrigger>,
    ),
    (
        "post_files_upload_url.request.json",
        round_trip::<UploadUrlRequest>,
    ),
    (
        "post_files_upload_url.200.json",
        round_trip::<UploadUrlResponse>,
    ),
    (
        "post_files_confirm.request.json",
        round_trip::<ConfirmFileRequest>,
    ),
    ("post_files_confirm.200.json", round_trip::<FileObject>),
    ("error.example.json", round_trip::<ErrorEnvelope>),
];

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spec_examples")
}

fn read_example(name: &str) -> (String, Value) {
    let path = examples_dir().join(name);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
    (text, value)
}

/// Fields our answers add to an example's shape (documented on the type): the only
/// difference a round trip may show, and only when the example lacks them. A path goes
/// into objects with `.` and into every element of an array with `[]`.
const ADDITIONS: &[(&str, &[&str])] = &[
    (
        "get_chats_id.200.json",
        &[
            "page_url",
            "visitor_read_seq",
            "visitor.user_id",
            "visitor.verified",
            "visitor.contact_id",
            "visitor.country",
            "visitor.browser",
        ],
    ),
    (
        "get_chats.200.json",
        &[
            "data[].visitor_verified",
            "data[].last_message_text",
            "data[].last_message_sender",
        ],
    ),
    ("get_agents.200.json", &["data[].email_notifications"]),
    (
        "get_widget_config.200.json",
        &["prechat", "theme", "require_identity"],
    ),
];

/// `actual` less the additions named for `name` that `expected` does not have.
fn without_additions(name: &str, expected: &Value, mut actual: Value) -> Value {
    let added = ADDITIONS
        .iter()
        .filter(|(example, _)| *example == name)
        .flat_map(|(_, fields)| fields.iter());
    for path in added {
        let segments: Vec<&str> = path.split('.').collect();
        remove_addition(&segments, expected, &mut actual);
    }
    actual
}

fn remove_addition(path: &[&str], expected: &Value, actual: &mut Value) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if let Some(array) = first.strip_suffix("[]") {
        let Some(items) = actual.get_mut(array).and_then(Value::as_array_mut) else {
            return;
        };
        for (i, item) in items.iter_mut().enumerate() {
            let expected_item = &expected[array][i];
            remove_addition(rest, expected_item, item);
        }
        return;
    }
    if rest.is_empty() {
        if expected.get(first).is_none() {
            if let Some(object) = actual.as_object_mut() {
                object.remove(*first);
            }
        }
        return;
    }
    if let Some(inner) = actual.get_mut(*first) {
        remove_addition(rest, &expected[*first], inner);
    }
}

#[test]
fn every_spec_example_round_trips_through_its_type() {
    let mut failures = Vec::new();
    for (name, round_trip) in EXAMPLES {
        let (_, expected) = read_example(name);
        match round_trip(&expected).map(|actual| without_additions(name, &expected, actual)) {
            Ok(actual) if actual == expected => {}
            Ok(actual) => failures.push(format!(
                "{name}: re-serialised differently\n  expected {expected}\n  actual   {actual}"
            )),
            Err(e) => failures.push(format!("{name}: does not parse: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_example_file_is_listed() {
    let on_disk: BTreeSet<String> = fs::read_dir(examples_dir())
        .expect("tests/spec_examples exists")
        .map(|entry| {
            entry
                .expect("readable entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let listed: BTreeSet<String> = EXAMPLES.iter().map(|(n, _)| (*n).to_owned()).collect();
    assert_eq!(
        on_disk, listed,
        "files in tests/spec_examples/ and EXAMPLES differ"
    );
    assert_eq!(EXAMPLES.len(), 21, "the spec has 21 JSON examples");
}

/// The ```json blocks of a markdown document, in order.
fn json_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```json") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn examples_are_verbatim_copies_of_the_spec() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec/api-endpoints.md");
    let Ok(markdown) = fs::read_to_string(&spec) else {
        eprintln!(
            "skipped: {} not found (the spec lives outside the repository)",
            spec.display()
        );
        return;
    };
    let blocks = json_blocks(&markdown);
    assert_eq!(
        blocks.len(),
        EXAMPLES.len(),
        "the spec's JSON block count changed"
    );
    for (block, (name, _)) in blocks.iter().zip(EXAMPLES) {
        let (text, _) = read_example(name);
        assert_eq!(
            &text, block,
            "{name} is not a verbatim copy of its spec block"
        );
    }
}

#[test]
fn error_example_is_the_catalogues_auth_001() {
    let (_, value) = read_example("error.example.json");
    let envelope: ErrorEnvelope = serde_json::from_value(value).expect("parses");
    let code = ErrorCode::from_code(&envelope.error.code).expect("AUTH-001 is in the catalogue");
    assert_eq!(code, ErrorCode::AuthInvalidCredentials);
    assert_eq!(code.message(), envelope.error.message);
    assert_eq!(code.message_en(), envelope.error.message_en);
    assert_eq!(code.status(), 401);
    let rebuilt = ErrorEnvelope::new(
        code,
        serde_json::json!({}),
        envelope.error.request_id.clone(),
    );
    assert_eq!(rebuilt, envelope);
}
