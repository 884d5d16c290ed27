//! `GET /v1/openapi.json` against the router that serves it: every route the router
//! declares is in the document and nothing else is, each documented operation is really
//! answered, each carries its refusals and headers, the generated TypeScript
//! declarations are the document's, and schemathesis (every check) finds nothing.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;
use shared_types::error::ErrorCode;
use shared_types::webhooks::WebhookEvent;

use crate::client::Ctx;
use crate::harness::{repo_root, TempDir};

/// Routes the router serves that are pages, not API: they are not in the document.
const NOT_API: &[(&str, &str)] = &[
    ("GET", "/console"),
    ("GET", "/console/{*rest}"),
    ("GET", "/demo/{workspace_id}"),
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn document(ctx: &Ctx) -> Value {
    let resp = ctx.client.send("GET", "/v1/openapi.json", &[], None);
    assert_eq!(resp.status, 200, "{}", resp.text);
    assert_eq!(resp.header("content-type"), Some("application/json"));
    resp.json()
}

/// (METHOD, path) of every operation in the document.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if item.get(method).is_some() {
                ops.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

/// The router's table as its source declares it: each `.route("<path>", <methods>)` in
/// `edge-api/src/routes/`, with the methods of its `get(…).post(…)` chain.
fn routed(source: &str) -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    let mut rest = source;
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        let Some(open) = rest.find('"') else { break };
        let after = &rest[open + 1..];
        let Some(close) = after.find('"') else { break };
        let path = &after[..close];
        // The method chain runs to the parenthesis that closes `.route(`.
        let chain = &after[close + 1..];
        let mut depth = 1;
        let mut end = chain.len();
        for (i, c) in chain.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let chain = &chain[..end];
        for method in METHODS {
            let called = chain.match_indices(&format!("{method}(")).any(|(i, _)| {
                i == 0
                    || !chain.as_bytes()[i - 1].is_ascii_alphanumeric()
                        && chain.as_bytes()[i - 1] != b'_'
            });
            if called {
                routes.insert((method.to_uppercase(), path.to_string()));
            }
        }
    }
    routes
}

fn router_source() -> String {
    let dir = repo_root().join("edge-api/src/routes");
    let mut text = String::new();
    for entry in std::fs::read_dir(&dir).expect("routes dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            text.push_str(&std::fs::read_to_string(&path).expect("route source"));
        }
    }
    text
}

#[crate::e2e_test]
fn the_route_reader_reads_chains_across_lines(_ctx: &Ctx) {
    let sample = r#"
        Router::new()
            .route("/v1/a", get(list).post(create))
            .route(
                "/v1/a/{id}",
                axum::routing::patch(update).delete(remove),
            )
            .route("/v1/b", put(set_logo))
            .route("/v1/c", get(get_settings).patch(update_settings))
    "#;
    let found = routed(sample);
    let want: BTreeSet<(String, String)> = [
        ("GET", "/v1/a"),
        ("POST", "/v1/a"),
        ("PATCH", "/v1/a/{id}"),
        ("DELETE", "/v1/a/{id}"),
        ("PUT", "/v1/b"),
        ("GET", "/v1/c"),
        ("PATCH", "/v1/c"),
    ]
    .iter()
    .map(|(m, p)| (m.to_string(), p.to_string()))
    .collect();
    assert_eq!(found, want);
}

#[crate::e2e_test]
fn the_document_has_every_route_of_the_router_and_nothing_more(ctx: &Ctx) {
    let doc = document(ctx);
    assert_eq!(doc["openapi"], "3.1.0");
    let mut routes = routed(&router_source());
    for (method, path) in NOT_API {
        let pair = (method.to_string(), path.to_string());
        assert!(
            routes.remove(&pair),
            "{method} {path} is no longer routed: update NOT_API"
        );
    }
    let documented = documented(&doc);
    let missing: Vec<_> = routes.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&routes).collect();
    assert!(missing.is_empty(), "routed but not documented: {missing:?}");
    assert!(extra.is_empty(), "documented but not routed: {extra:?}");
    assert!(
        documented.len() > 70,
        "only {} operations",
        documented.len()
    );
}

/// A documented path with its parameters filled in.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("x1");
            }
            '}' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

#[crate::e2e_test]
fn each_documented_operation_is_answered_and_other_methods_are_not(ctx: &Ctx) {
    let doc = document(ctx);
    let client = ctx.client.impatient();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let url = concrete(path);
        for method in METHODS {
            let resp = client.send(&method.to_uppercase(), &url, &[], None);
            let code = resp.json()["error"]["code"].as_str().map(String::from);
            if item.get(method).is_some() {
                // Refused for want of a credential or a real id, but by the route.
                assert_ne!(
                    code.as_deref(),
                    Some("RES-002"),
                    "{method} {path}: {}",
                    resp.text
                );
                assert_ne!(
                    code.as_deref(),
                    Some("RES-001"),
                    "{method} {path}: {}",
                    resp.text
                );
            } else {
                assert_eq!(
                    resp.status, 405,
                    "{method} {path} is served but not documented: {}",
                    resp.text
                );
            }
        }
    }
}

#[crate::e2e_test]
fn every_operation_names_its_refusals_headers_and_credentials(ctx: &Ctx) {
    let doc = document(ctx);
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let name = format!("{method} {path}");
            assert!(op["operationId"].is_string(), "{name}: no operationId");
            assert!(op["security"].is_array(), "{name}: no security");
            for param in op["parameters"].as_array().into_iter().flatten() {
                if param["in"] == "path" {
                    let slot = format!("{{{}}}", param["name"].as_str().unwrap_or_default());
                    assert!(
                        path.contains(&slot),
                        "{name}: path parameter {slot} is not in the path"
                    );
                }
            }
            let responses = op["responses"].as_object().expect("responses");
            assert!(responses.contains_key("500"), "{name}: no 500");
            for (status, response) in responses {
                assert!(
                    response["headers"]["X-Request-Id"].is_object(),
                    "{name} {status}"
                );
                if status.starts_with('4') || status.starts_with('5') {
                    let content = &response["content"]["application/json"];
                    assert_eq!(
                        content["schema"]["$ref"], "#/components/schemas/ErrorEnvelope",
                        "{name} {status}"
                    );
                    for (code, example) in content["examples"].as_object().expect("examples") {
                        let known =
                            ErrorCode::from_code(code).unwrap_or_else(|| panic!("{name}: {code}"));
                        assert_eq!(known.status().to_string(), *status, "{name}: {code}");
                        let at = example["$ref"].as_str().expect("a shared example");
                        let shared = &doc["components"]["examples"]
                            [at.rsplit('/').next().unwrap_or_default()];
                        assert_eq!(shared["value"]["error"]["code"], *code, "{name}: {at}");
                        assert_eq!(shared["value"]["error"]["message_en"], known.message_en());
                    }
                }
            }
            let agent = op["security"].to_string().contains("apiKey");
            if agent {
                let auth = responses["401"]["content"]["application/json"]["examples"]
                    .as_object()
                    .unwrap_or_else(|| panic!("{name}: no 401"));
                assert!(auth.contains_key("AUTH-004"), "{name}");
                assert!(
                    responses["429"]["headers"]["Retry-After"].is_object(),
                    "{name}"
                );
                let (_, success) = responses
                    .iter()
                    .find(|(status, _)| status.starts_with('2') || *status == "101")
                    .unwrap_or_else(|| panic!("{name}: no success"));
                assert!(
                    success["headers"]["X-RateLimit-Remaining"].is_object(),
                    "{name}"
                );
            }
        }
    }
    // One operation's own refusals, and the spec's example on it.
    let get_chat = &doc["paths"]["/v1/chats/{chat_id}"]["get"];
    assert!(
        get_chat["responses"]["404"]["content"]["application/json"]["examples"]["CHAT-001"]
            .is_object()
    );
    let example = &get_chat["responses"]["200"]["content"]["application/json"]["example"];
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(
            repo_root().join("shared-types/tests/spec_examples/get_chats_id.200.json"),
        )
        .expect("spec example"),
    )
    .expect("json");
    assert_eq!(*example, spec);
    let limit = &doc["paths"]["/v1/chats"]["get"]["responses"]["200"]["headers"];
    for name in [
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Reset",
    ] {
        assert!(limit[name].is_object(), "{name}");
    }
    let schemes = doc["components"]["securitySchemes"]
        .as_object()
        .expect("schemes");
    for scheme in ["apiKey", "visitorToken", "consoleSession", "adminToken"] {
        assert!(schemes.contains_key(scheme), "{scheme}");
    }
    let schemas = &doc["components"]["schemas"];
    for frame in ["ServerFrame", "ClientFrame", "ErrorEnvelope"] {
        assert!(schemas[frame].is_object(), "{frame}");
    }
    for event in WebhookEvent::ALL {
        assert!(
            doc["webhooks"][event.as_str()]["post"]["requestBody"].is_object(),
            "{event}"
        );
    }
}

#[crate::e2e_test]
fn the_reference_page_renders_the_document(ctx: &Ctx) {
    let page = ctx.client.send("GET", "/docs/", &[], None);
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text.contains("spec-url=\"/v1/openapi.json\""),
        "{}",
        page.text
    );
    let renderer = ctx
        .client
        .send("GET", "/docs/redoc.standalone.js", &[], None);
    assert_eq!(renderer.status, 200);
    assert!(renderer.text.len() > 100_000);
}

#[crate::e2e_test]
fn in_the_browser_the_reference_page_shows_the_operations(ctx: &Ctx) {
    let browser = crate::browser::Browser::start(1280, 800);
    browser.goto(&format!("{}/docs/", ctx.server.base_url));
    // Redoc has fetched the document and painted its operations and webhooks.
    let text = browser.wait_for(
        "const t = document.body.innerText; \
         return t.includes('ChatFlow API') && t.includes('List chats, newest activity first') \
             && t.includes('chat.closed') ? t.length : null;",
        std::time::Duration::from_secs(20),
    );
    assert!(text.as_u64().unwrap_or_default() > 10_000, "{text}");
}

fn node_tool(name: &str) -> std::path::PathBuf {
    let path = repo_root().join("node_modules/.bin").join(name);
    assert!(
        path.exists(),
        "{} is missing: run scripts/setup.sh",
        path.display()
    );
    path
}

fn run(command: &mut Command, what: &str) -> String {
    let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

#[crate::e2e_test]
fn the_typescript_declarations_are_the_documents_and_the_example_type_checks(ctx: &Ctx) {
    let resp = ctx.client.send("GET", "/v1/openapi.json", &[], None);
    let temp = TempDir::new("openapi-ts");
    let doc_path = temp.path().join("openapi.json");
    std::fs::write(&doc_path, &resp.text).expect("write document");
    let generated = temp.path().join("chatflow-api.d.ts");
    run(
        Command::new(node_tool("openapi-typescript"))
            .arg(&doc_path)
            .arg("-o")
            .arg(&generated),
        "openapi-typescript",
    );
    let shipped = repo_root().join("examples/typescript/chatflow-api.d.ts");
    let want = std::fs::read_to_string(&generated).expect("generated");
    let have = std::fs::read_to_string(&shipped).unwrap_or_default();
    assert!(
        want == have,
        "{} is not what the document generates: run `bash examples/typescript/generate.sh` against a running server",
        shipped.display()
    );
    run(
        Command::new(node_tool("tsc"))
            .args(["--noEmit", "-p"])
            .arg(repo_root().join("examples/typescript")),
        "tsc",
    );
}

/// schemathesis, installed by scripts/setup.sh into target/schemathesis.
fn schemathesis() -> std::path::PathBuf {
    let st = repo_root().join("target/schemathesis/bin/st");
    assert!(
        st.exists(),
        "{} is missing: run scripts/setup.sh",
        st.display()
    );
    st
}

#[crate::e2e_test]
fn schemathesis_with_every_check_finds_nothing(_shared: &Ctx) {
    // A server of its own: the fuzzer's requests are not the suite's, so they cannot
    // wait for `client::QUIET`, and a test's `wrangler d1 execute` on the shared
    // server's file would make them fail (SQLITE_BUSY); its load, minutes of it, would
    // also slow the timed tests running beside it.
    let server = crate::harness::TestServer::start();
    let client = crate::client::Client::new(&server.base_url);
    let own = Ctx { server, client };
    let ctx = &own;
    let ws = ctx.workspace_named("Fuzzed Shop");
    // Something real to find, and a visitor's credential for the widget's operations.
    let (_, visitor) = ws.chat("Salom, yetkazib berish bormi?");
    let temp = TempDir::new("schemathesis");
    // Each operation gets the credential its own security names.
    let config = temp.path().join("schemathesis.toml");
    let shared = std::fs::read_to_string(repo_root().join("tests/schemathesis.toml"))
        .expect("tests/schemathesis.toml");
    std::fs::write(
        &config,
        format!(
            "{shared}\n[auth.openapi.apiKey]\nbearer = \"{}\"\n\n\
             [auth.openapi.visitorToken]\nbearer = \"{visitor}\"\n\n\
             [auth.openapi.adminToken]\nbearer = \"{}\"\n",
            ws.api_key,
            ctx.admin_token()
        ),
    )
    .expect("config");
    let base = &ctx.server.base_url;
    let out = Command::new(schemathesis())
        .current_dir(temp.path())
        .arg("--config-file")
        .arg(&config)
        .args([
            "--no-color",
            "run",
            &format!("{base}/v1/openapi.json"),
            "--url",
            base,
        ])
        // Every check; the phases that fit the spec's 100 requests a minute in a few
        // minutes: the document's own examples, then 5 generated cases per operation.
        .args([
            "--checks",
            "all",
            "--phases",
            "examples,fuzzing",
            "--max-examples",
            "5",
        ])
        .args(["--rate-limit", "100/m", "--workers", "1", "--seed", "1"])
        // A WebSocket is not HTTP: a good handshake is 101 and the socket stays open.
        // The socket has suites of its own (realtime::, socket_bounds::).
        .args(["--exclude-operation-id", "openRealtimeSocket"])
        .output()
        .expect("schemathesis runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "schemathesis found something:\n{text}"
    );
    assert!(text.contains("Selected: 7"), "{text}");
}
