//! `GET /v1/openapi.json`: the API as an OpenAPI 3.1 document, generated from the wire
//! types' derives (`shared-types`, feature `openapi`) and the `#[utoipa::path]` beside
//! each handler. Each route module lists its operations in a `Doc` and the refusals
//! particular to them in `ERRORS`; what every operation of a kind can be refused with
//! (its credential, its body, its query, the limiter) is added here once, from the
//! operation's own security, body and parameters, so no operation can forget it.

use std::cell::OnceCell;
use std::collections::BTreeMap;

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use shared_types::error::{ErrorBody, ErrorCode, ErrorEnvelope};
use shared_types::webhooks::{WebhookEvent, SIGNATURE_HEADER};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ChatFlow API",
        description = "Live chat for websites: chats and messages, agents, the widget, \
            automation, files, analytics, webhooks and realtime sockets. Every error is the \
            envelope `{\"error\": {\"code\", \"message\", \"message_en\", \"details\", \
            \"request_id\"}}`; each operation lists the codes it can answer with.",
        license(name = "MIT"),
    ),
    servers(
        (url = "https://api.chatflow.uz", description = "Production"),
        (url = "https://api-staging.chatflow.uz", description = "Staging"),
    ),
    components(schemas(
        ErrorEnvelope,
        ErrorBody,
        shared_types::realtime::ServerFrame,
        shared_types::realtime::ClientFrame,
        shared_types::webhooks::WebhookEventPayload,
        shared_types::webhooks::ChatRating,
        shared_types::chats::ChatDetail,
        shared_types::chats::ConversationMessage,
        // Named only by query parameters, which do not bring their schemas along.
        shared_types::pagination::Page,
        shared_types::pagination::Limit,
        shared_types::validate::SearchText,
        shared_types::validate::TimeZoneName,
    )),
    tags(
        (name = "Chats", description = "Conversations and their messages, for agents"),
        (name = "Notes", description = "Private notes on a chat, never shown to the visitor"),
        (name = "Search", description = "Full-text search over messages and visitors"),
        (name = "Contacts", description = "Visitors who gave an email or a verified user id"),
        (name = "Agents", description = "The team, its invitations and its statistics"),
        (name = "Analytics", description = "Workspace figures"),
        (name = "Widget", description = "The chat widget's configuration"),
        (name = "Settings", description = "Assignment, business hours, typing preview, mail"),
        (name = "Automation", description = "Proactive message triggers"),
        (name = "Files", description = "The two-step upload flow on R2"),
        (name = "Webhooks", description = "Signed event deliveries"),
        (name = "API keys", description = "Credentials for integrations"),
        (name = "Realtime", description = "WebSockets for agents and visitors"),
        (name = "Console", description = "The agent console's sign-in"),
        (name = "Visitors", description = "Visitors on the site, blocking"),
        (name = "Widget API", description = "What the widget calls from customers' pages"),
        (name = "Mail", description = "Transcripts, the mail log and unsubscribing"),
        (name = "Operator", description = "Provisioning, with the ADMIN_TOKEN secret"),
        (name = "Service", description = "Health and this document"),
    )
)]
struct Base;

#[derive(OpenApi)]
#[openapi(paths(document_json))]
struct Own;

/// The whole document, built once per isolate: it depends on nothing but the code.
pub fn json() -> String {
    thread_local! {
        static JSON: OnceCell<String> = const { OnceCell::new() };
    }
    JSON.with(|cell| cell.get_or_init(|| document().to_string()).clone())
}

/// This document, for client generators and the reference page at `/docs/`.
#[utoipa::path(
    get,
    path = "/v1/openapi.json",
    operation_id = "getOpenApiDocument",
    tag = "Service",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json", body = Object)),
    security(())
)]
pub async fn document_json() -> Response {
    let mut res = json().into_response();
    let headers = res.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    // Generators and the reference page may live on any origin.
    headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    res
}

fn document() -> Value {
    let mut doc = Base::openapi();
    let (docs, errors) = super::documented();
    for part in docs {
        doc.merge(part);
    }
    doc.merge(Own::openapi());
    let mut doc = serde_json::to_value(&doc).unwrap_or_default();
    let specific: BTreeMap<&str, &[ErrorCode]> =
        errors.iter().flat_map(|e| e.iter().copied()).collect();
    finish(&mut doc, &specific);
    doc
}

/// Who may call an operation, read from its `security`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Credential {
    None,
    Agent,
    Visitor,
    Operator,
}

fn credential(op: &Value) -> Credential {
    let names: Vec<&str> = op["security"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|o| o.keys().map(String::as_str))
        .collect();
    if names.contains(&"apiKey") {
        Credential::Agent
    } else if names.contains(&"visitorToken") {
        Credential::Visitor
    } else if names.contains(&"adminToken") {
        Credential::Operator
    } else {
        Credential::None
    }
}

/// Every refusal an operation can answer with: those of its kind, then its own.
fn refusals(method: &str, op: &Value, own: &[ErrorCode]) -> Vec<ErrorCode> {
    use ErrorCode::*;
    let mut codes = Vec::new();
    match credential(op) {
        Credential::Agent => codes.extend([
            AuthMissing,
            AuthMalformed,
            AuthUnknownKey,
            AuthRevokedKey,
            AuthSessionInvalid,
            AuthCsrf,
            RateLimited,
        ]),
        Credential::Visitor => {
            codes.extend([AuthVisitorToken, AuthVisitorBlocked, RateLimited]);
        }
        Credential::Operator => codes.extend([AdminToken, RouteNotFound]),
        Credential::None => {}
    }
    if op.get("requestBody").is_some() {
        codes.extend([MalformedJson, UnsupportedMediaType, Validation]);
    }
    let has_query = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|p| p["in"] == "query");
    if has_query {
        codes.push(InvalidQuery);
    }
    if method == "post" && credential(op) != Credential::None {
        codes.extend([Validation, IdempotencyConflict]);
    }
    codes.extend([PayloadTooLarge, Internal, Unavailable]);
    codes.extend_from_slice(own);
    let mut seen = Vec::new();
    codes.retain(|c| {
        let first = !seen.contains(c);
        seen.push(*c);
        first
    });
    codes
}

const RATE_HEADERS: [(&str, &str); 3] = [
    (
        "X-RateLimit-Limit",
        "Requests allowed in the current minute",
    ),
    (
        "X-RateLimit-Remaining",
        "Requests left in the current minute",
    ),
    (
        "X-RateLimit-Reset",
        "Unix seconds when the minute's budget is refilled",
    ),
];

fn finish(doc: &mut Value, specific: &BTreeMap<&str, &[ErrorCode]>) {
    doc["components"]["securitySchemes"] = json!({
        "apiKey": {
            "type": "http", "scheme": "bearer", "bearerFormat": "cf_live_…",
            "description": "An API key (Developer → API Keys): `Authorization: Bearer <key>`. It acts as the agent it was made for."
        },
        "consoleSession": {
            "type": "apiKey", "in": "cookie", "name": shared_types::auth::SESSION_COOKIE,
            "description": "The console's session cookie from `POST /v1/auth/login`. Writes also need the `X-ChatFlow-Console: 1` header."
        },
        "visitorToken": {
            "type": "http", "scheme": "bearer",
            "description": "A visitor's token from `POST /v1/public/widgets/{workspace_id}/sessions`."
        },
        "adminToken": {
            "type": "http", "scheme": "bearer",
            "description": "The operator's ADMIN_TOKEN secret."
        }
    });
    let headers = &mut doc["components"]["headers"];
    for (name, description) in RATE_HEADERS {
        headers[name] =
            json!({"description": description, "schema": {"type": "integer", "minimum": 0}});
    }
    headers["Retry-After"] = json!({"description": "Seconds to wait before trying again", "schema": {"type": "integer", "minimum": 0}});
    headers["X-Request-Id"] = json!({
        "description": "This request's id, also in any error envelope's `request_id`",
        "schema": {"type": "string"}
    });
    doc["components"]["parameters"]["IdempotencyKey"] = json!({
        "name": "Idempotency-Key", "in": "header", "required": false,
        "description": "Sent again with the same body, the request gets the first answer and creates nothing new; with another body it is 409 REQ-006.",
        "schema": {"type": "string", "maxLength": 255, "pattern": "\\S"}
    });
    // Each code's envelope once, referred to by every operation that can answer it.
    for code in ErrorCode::ALL {
        let body = ErrorEnvelope::new(*code, json!({}), "req_abc123xyz");
        doc["components"]["examples"][code.code()] =
            json!({"summary": code.message_en(), "value": body});
    }
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let id = op["operationId"].as_str().unwrap_or_default().to_string();
            let own = specific.get(id.as_str()).copied().unwrap_or_default();
            let codes = refusals(method, op, own);
            let limited = codes.contains(&ErrorCode::RateLimited);
            if method == "post" && credential(op) != Credential::None {
                let params = op["parameters"].as_array().cloned().unwrap_or_default();
                let mut params = params;
                params.push(json!({"$ref": "#/components/parameters/IdempotencyKey"}));
                op["parameters"] = Value::Array(params);
            }
            add_errors(op, &codes);
            stamp_headers(op, limited);
        }
    }
    doc["webhooks"] = webhooks();
    name_the_zones(doc);
}

/// A zone is checked against the platform's zone database, so the document lists that
/// database's names: the shape alone (`Area/City`) would promise more than is accepted.
/// Every place the zone's schema appears, inline or as its component, gets the list.
fn name_the_zones(doc: &mut Value) {
    use shared_types::validate::TimeZoneName;
    let names: Vec<Value> = crate::intl::zone_names()
        .into_iter()
        .filter(|n| TimeZoneName::parse(n).is_ok())
        .map(Value::String)
        .collect();
    if names.is_empty() {
        return;
    }
    let shape =
        serde_json::to_value(<TimeZoneName as utoipa::PartialSchema>::schema()).unwrap_or_default();
    fn visit(node: &mut Value, shape: &Value, names: &[Value]) {
        if *node == *shape {
            node["enum"] = Value::Array(names.to_vec());
            return;
        }
        match node {
            Value::Object(map) => map.values_mut().for_each(|v| visit(v, shape, names)),
            Value::Array(items) => items.iter_mut().for_each(|v| visit(v, shape, names)),
            _ => {}
        }
    }
    visit(doc, &shape, &names);
}

/// The error responses, one per status, each listing its codes with an example of each.
fn add_errors(op: &mut Value, codes: &[ErrorCode]) {
    let mut by_status: BTreeMap<u16, Vec<ErrorCode>> = BTreeMap::new();
    for code in codes {
        by_status.entry(code.status()).or_default().push(*code);
    }
    let responses = &mut op["responses"];
    for (status, codes) in by_status {
        let lines: Vec<String> = codes
            .iter()
            .map(|c| format!("- `{}`: {}", c.code(), c.message_en()))
            .collect();
        let examples: Map<String, Value> = codes
            .iter()
            .map(|c| {
                let at = format!("#/components/examples/{}", c.code());
                (c.code().to_string(), json!({ "$ref": at }))
            })
            .collect();
        responses[status.to_string()] = json!({
            "description": lines.join("\n"),
            "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/ErrorEnvelope"},
                "examples": examples
            }}
        });
    }
}

/// Every response names its request id; those of a limited operation carry the
/// limiter's headers, and its 429 says when to come back.
fn stamp_headers(op: &mut Value, limited: bool) {
    let Some(responses) = op["responses"].as_object_mut() else {
        return;
    };
    for (status, response) in responses.iter_mut() {
        let headers = &mut response["headers"];
        headers["X-Request-Id"] = json!({"$ref": "#/components/headers/X-Request-Id"});
        if limited {
            for (name, _) in RATE_HEADERS {
                headers[name] = json!({"$ref": format!("#/components/headers/{name}")});
            }
        }
        if status == "429" {
            headers["Retry-After"] = json!({"$ref": "#/components/headers/Retry-After"});
        }
    }
}

/// What a receiver gets: one POST per event, signed, with the event's `data` shape.
fn webhooks() -> Value {
    let mut hooks = Map::new();
    for event in WebhookEvent::ALL {
        let (data, about) = match event {
            WebhookEvent::MessageSent | WebhookEvent::MessageReceived => (
                "ConversationMessage",
                "the message as `GET /v1/chats/{chat_id}/messages` lists it",
            ),
            WebhookEvent::ChatRated => ("ChatRating", "the rating"),
            _ => (
                "ChatDetail",
                "the chat as `GET /v1/chats/{chat_id}` returns it",
            ),
        };
        hooks.insert(
            event.as_str().to_string(),
            json!({"post": {
                "operationId": format!("webhook_{}", event.as_str().replace('.', "_")),
                "summary": format!("`{}`: `data` is {about}", event.as_str()),
                "description": "POSTed to each active webhook subscribed to the event. Retried with backoff until the receiver answers 2xx; receivers deduplicate by `id`.",
                "parameters": [
                    {"name": SIGNATURE_HEADER, "in": "header", "required": true,
                     "description": "`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<raw body>\")>`; reject a `t` more than 300 s from your clock.",
                     "schema": {"type": "string", "pattern": "^t=[0-9]+,v1=[0-9a-f]{64}$"}},
                    {"name": "ChatFlow-Event-Id", "in": "header", "required": true, "schema": {"type": "string"}}
                ],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "allOf": [
                        {"$ref": "#/components/schemas/WebhookEventPayload"},
                        {"type": "object", "required": ["type", "data"], "properties": {
                            "type": {"const": event.as_str()},
                            "data": {"$ref": format!("#/components/schemas/{data}")}
                        }}
                    ]
                }}}},
                "responses": {"2XX": {"description": "Received; anything else is retried"}}
            }}),
        );
    }
    Value::Object(hooks)
}
