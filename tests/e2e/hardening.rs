//! Hostile input against the running worker: huge, deeply nested, non-UTF-8 and
//! truncated bodies, absurd headers. Each gets a 4xx with the error envelope, changes
//! nothing, and the service stays up. Operator endpoints never answer cross-origin.

use serde_json::json;
use shared_types::error::ErrorCode;

use crate::client::{bearer, Ctx, TestWorkspace};

fn agent_count(ws: &TestWorkspace) -> usize {
    ws.get("/v1/agents").json()["data"]
        .as_array()
        .map_or(0, Vec::len)
}

#[crate::e2e_test]
fn hostile_bodies_get_4xx_and_change_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let auth = bearer(&ws.api_key);
    let post = |body: &[u8], content_type: &str| {
        ws.client.send_raw(
            "POST",
            "/v1/agents",
            &[("Authorization", &auth), ("Content-Type", content_type)],
            body,
        )
    };
    let json = "application/json";
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!("{}{}", r#"{"name":"#.repeat(5_000), "}".repeat(5_000));
    let buried = format!(
        r#"{{"name":"Vali","email":"vali@example.com","extra":{}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    // Bodies are read straight into their typed shape, so nesting fails at its first
    // wrong value (REQ-004) and never reaches the parser's depth limit.
    let cases: Vec<(&str, Vec<u8>, &str, ErrorCode)> = vec![
        (
            "2 MB of JSON",
            format!(r#"{{"name":"{}"}}"#, "a".repeat(2 << 20)).into_bytes(),
            json,
            ErrorCode::PayloadTooLarge,
        ),
        (
            "100,000 nested arrays",
            deep.into_bytes(),
            json,
            ErrorCode::Validation,
        ),
        (
            "5,000 nested objects",
            deep_object.into_bytes(),
            json,
            ErrorCode::Validation,
        ),
        (
            "100,000 arrays nested in an unknown field",
            buried.into_bytes(),
            json,
            ErrorCode::Validation,
        ),
        (
            "not UTF-8",
            b"{\"name\":\"\xff\xfe\xfd\",\"email\":\"a@b.uz\"}".to_vec(),
            json,
            ErrorCode::MalformedJson,
        ),
        (
            "truncated",
            br#"{"name":"Vali","email":"va"#.to_vec(),
            json,
            ErrorCode::MalformedJson,
        ),
        ("empty", Vec::new(), json, ErrorCode::MalformedJson),
        (
            "NUL bytes",
            b"\0\0\0\0".to_vec(),
            json,
            ErrorCode::MalformedJson,
        ),
        (
            "a JSON string",
            br#""agent""#.to_vec(),
            json,
            ErrorCode::Validation,
        ),
        (
            "form data",
            b"name=Vali".to_vec(),
            "application/x-www-form-urlencoded",
            ErrorCode::UnsupportedMediaType,
        ),
    ];
    for (what, body, content_type, code) in cases {
        let resp = post(&body, content_type);
        assert!(
            (400..500).contains(&resp.status),
            "{what}: status {} {}",
            resp.status,
            resp.text.chars().take(200).collect::<String>()
        );
        assert_eq!(
            resp.json()["error"]["code"],
            code.code(),
            "{what}: {}",
            resp.text.chars().take(300).collect::<String>()
        );
        resp.assert_error(code);
    }
    assert_eq!(agent_count(&ws), 1, "nothing was created");
    assert_eq!(ctx.client.send("GET", "/v1/health", &[], None).status, 200);
}

#[crate::e2e_test]
fn absurd_headers_are_refused_and_the_service_stays_up(ctx: &Ctx) {
    let ws = ctx.workspace();
    let long_key = format!("Bearer cf_live_{}", "x".repeat(60_000));
    let resp = ws
        .client
        .send("GET", "/v1/chats", &[("Authorization", &long_key)], None);
    assert!(
        (400..500).contains(&resp.status),
        "a 60 KB Authorization header: {}",
        resp.status
    );
    let resp = ws.client.send(
        "POST",
        "/v1/agents",
        &[
            ("Authorization", &bearer(&ws.api_key)),
            ("Idempotency-Key", &"k".repeat(10_000)),
        ],
        Some(&json!({"name": "Vali", "email": "vali@example.com", "role": "operator"})),
    );
    assert!(
        (400..500).contains(&resp.status),
        "a 10 KB Idempotency-Key: {}",
        resp.status
    );
    let many: Vec<(String, String)> = (0..200)
        .map(|i| (format!("X-Junk-{i}"), "y".repeat(100)))
        .collect();
    let headers: Vec<(&str, &str)> = many.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let resp = ctx.client.send("GET", "/v1/health", &headers, None);
    assert!(
        resp.status == 200 || (400..500).contains(&resp.status),
        "{}",
        resp.status
    );
    assert_eq!(agent_count(&ws), 1, "nothing was created");
    assert_eq!(ctx.client.send("GET", "/v1/health", &[], None).status, 200);
}

#[crate::e2e_test]
fn operator_endpoints_do_not_answer_other_origins(ctx: &Ctx) {
    let ws = ctx.workspace();
    let evil = "https://evil.example";
    let preflight = ws.client.send(
        "OPTIONS",
        "/v1/agents",
        &[
            ("Origin", evil),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "authorization, content-type",
            ),
        ],
        None,
    );
    assert_eq!(preflight.header("access-control-allow-origin"), None);
    assert_eq!(preflight.header("access-control-allow-credentials"), None);
    let read = ws.client.send(
        "GET",
        "/v1/agents",
        &[("Origin", evil), ("Authorization", &bearer(&ws.api_key))],
        None,
    );
    assert_eq!(
        read.header("access-control-allow-origin"),
        None,
        "a page elsewhere cannot read it"
    );
}
