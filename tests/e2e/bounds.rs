//! Anonymous traffic is bounded: what a visitor sends about itself, how many chats it
//! opens in an hour, and what it may upload in a day. Beyond a bound the answer is 400
//! REQ-004 (with the fields) or 429 RATE-001 (with Retry-After), and nothing is stored.

use serde_json::{json, Map, Value};
use shared_types::error::ErrorCode;
use shared_types::files::MAX_UPLOAD_BYTES;

use crate::client::{bearer, Ctx, Resp, TestWorkspace};

crate::tests![
    visitor_metadata_beyond_its_bounds_is_400_and_stores_no_visitor,
    the_twenty_first_new_chat_of_a_visitor_in_an_hour_is_429_and_opens_nothing,
    a_visitors_uploads_beyond_a_days_bytes_are_429_and_store_nothing,
    a_workspace_takes_600_new_sessions_a_minute_from_all_addresses_together,
];

/// How many rows `table` of the workspace's own database (its object's) holds, for
/// checks that nothing was stored.
pub fn rows_of(ctx: &Ctx, workspace_id: &str, table: &str) -> u64 {
    ctx.server
        .workspace_query(workspace_id, &format!("SELECT COUNT(*) AS n FROM {table}"))[0]["n"]
        .as_u64()
        .unwrap_or(u64::MAX)
}

/// How many visitors the workspace has.
pub fn visitors_of(ctx: &Ctx, ws: &TestWorkspace) -> u64 {
    rows_of(ctx, &ws.id, "visitors")
}

fn new_session(ws: &TestWorkspace, visitor: Value) -> Resp {
    new_session_from(ws, "127.0.0.1", visitor)
}

fn new_session_from(ws: &TestWorkspace, address: &str, visitor: Value) -> Resp {
    ws.client.impatient().send(
        "POST",
        &format!("/v1/public/widgets/{}/sessions", ws.id),
        &[
            ("Origin", "https://shop.example"),
            ("CF-Connecting-IP", address),
        ],
        Some(&json!({ "visitor": visitor })),
    )
}

fn a_workspace_takes_600_new_sessions_a_minute_from_all_addresses_together(ctx: &Ctx) {
    let ws = ctx.workspace();
    // Thirty addresses in turn, requests started at least 33 ms apart: each address
    // stays at 20 a minute and 1 a second (its own bound is 30 and 5) and the
    // workspace near 30 a second (its bound is 50), so only the minute's 600 binds.
    // Six senders share the turns so a slow answer does not stretch the run past the
    // minute; a turn taken late pushes the later ones back, so starts never bunch.
    let address = |i: usize| format!("198.51.100.{}", i % 30 + 1);
    let gap = std::time::Duration::from_millis(33);
    let started = std::time::Instant::now();
    let turns = std::sync::Mutex::new((0usize, started - gap));
    std::thread::scope(|s| {
        for _ in 0..6 {
            s.spawn(|| loop {
                let (i, at) = {
                    let mut turn = turns.lock().unwrap_or_else(|e| e.into_inner());
                    let at = std::time::Instant::now().max(turn.1 + gap);
                    *turn = (turn.0 + 1, at);
                    (turn.0 - 1, at)
                };
                if i >= 600 {
                    break;
                }
                std::thread::sleep(at.saturating_duration_since(std::time::Instant::now()));
                let r = new_session_from(&ws, &address(i), json!({"name": "Ali"}));
                assert_eq!(r.status, 201, "session {i}: {}", r.text);
            });
        }
    });
    assert!(
        started.elapsed() < std::time::Duration::from_secs(55),
        "600 sessions took {:?}: the minute's window no longer holds them all",
        started.elapsed()
    );
    let before = visitors_of(ctx, &ws);
    assert_eq!(before, 600);
    // A new address is refused too: the bound is the workspace's, not an address's.
    let refused = new_session_from(&ws, "203.0.113.7", json!({"name": "Ali"}));
    refused.assert_error(ErrorCode::RateLimited);
    assert!(refused.header("retry-after").is_some(), "{refused:?}");
    assert_eq!(visitors_of(ctx, &ws), before);
    // Another workspace's widget is not affected.
    let other = ctx.workspace();
    assert_eq!(
        new_session_from(&other, "203.0.113.7", json!({"name": "Ali"})).status,
        201
    );
}

fn visitor_metadata_beyond_its_bounds_is_400_and_stores_no_visitor(ctx: &Ctx) {
    let ws = ctx.workspace();
    let before = visitors_of(ctx, &ws);
    let many: Map<String, Value> = (0..51).map(|i| (format!("k{i}"), json!(i))).collect();
    let heavy: Map<String, Value> = (0..10)
        .map(|i| (format!("k{i}"), json!("z".repeat(900))))
        .collect();
    let cases = [
        (json!({"metadata": Value::Object(many)}), "visitor.metadata"),
        (
            json!({"metadata": {"note": "x".repeat(1_001)}}),
            "visitor.metadata.note",
        ),
        (
            json!({"metadata": Value::Object(heavy)}),
            "visitor.metadata",
        ),
        (
            json!({"name": "Ali", "metadata": {"blob": "y".repeat(900_000)}}),
            "visitor.metadata.blob",
        ),
    ];
    for (visitor, field) in cases {
        let refused = new_session(&ws, visitor);
        let envelope = refused.assert_error(ErrorCode::Validation);
        assert!(
            envelope.error.details["fields"].get(field).is_some(),
            "{field}: {}",
            refused.text
        );
    }
    assert_eq!(visitors_of(ctx, &ws), before);
    // At the bounds it is accepted.
    let full: Map<String, Value> = (0..50)
        .map(|i| (format!("k{i:02}"), json!("v".repeat(100))))
        .collect();
    new_session(&ws, json!({"metadata": Value::Object(full)})).expect::<Value>(201);
    assert_eq!(visitors_of(ctx, &ws), before + 1);
}

/// Sends impatiently, waiting out only the visitor's per-second burst, never the bound
/// under test (whose wait is far longer).
fn send_within_burst(ws: &TestWorkspace, path: &str, token: &str, body: &Value) -> Resp {
    loop {
        let resp = ws.client.impatient().send(
            "POST",
            path,
            &[("Authorization", &bearer(token))],
            Some(body),
        );
        let wait: u64 = resp
            .header("retry-after")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if resp.status == 429 && wait <= 2 {
            std::thread::sleep(std::time::Duration::from_secs(wait.max(1)));
            continue;
        }
        return resp;
    }
}

fn the_twenty_first_new_chat_of_a_visitor_in_an_hour_is_429_and_opens_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let token = ws.visitor("Ali");
    let body = json!({"text": "salom", "page_url": "https://shop.example/"});
    for i in 0..20 {
        let resp = send_within_burst(&ws, "/v1/visitor/chats", &token, &body);
        assert_eq!(resp.status, 201, "chat {i}: {}", resp.text);
    }
    let before = rows_of(ctx, &ws.id, "chats");
    let refused = send_within_burst(&ws, "/v1/visitor/chats", &token, &body);
    refused.assert_error(ErrorCode::RateLimited);
    let wait: u64 = refused
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!((60..=3_600).contains(&wait), "Retry-After {wait}");
    assert_eq!(rows_of(ctx, &ws.id, "chats"), before);
    // Another visitor of the same site is not affected.
    let other = ws.visitor("Vali");
    let resp = send_within_burst(&ws, "/v1/visitor/chats", &other, &body);
    assert_eq!(resp.status, 201, "{}", resp.text);
}

fn a_visitors_uploads_beyond_a_days_bytes_are_429_and_store_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (_, token) = ws.chat("fayllar");
    let ask = |size: u64| {
        send_within_burst(
            &ws,
            "/v1/visitor/files/upload-url",
            &token,
            &json!({"filename": "scan.pdf", "content_type": "application/pdf", "size_bytes": size}),
        )
    };
    // Five of the largest file fill the day's 50 MB.
    for i in 0..5 {
        let resp = ask(MAX_UPLOAD_BYTES);
        assert_eq!(resp.status, 200, "upload {i}: {}", resp.text);
    }
    let before = rows_of(ctx, &ws.id, "files");
    let refused = ask(1);
    refused.assert_error(ErrorCode::RateLimited);
    let wait: u64 = refused
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(wait > 3_600, "Retry-After {wait}");
    assert_eq!(rows_of(ctx, &ws.id, "files"), before);
    // A refused file type costs nothing of the budget and stores nothing either.
    ask(MAX_UPLOAD_BYTES + 1).assert_error(ErrorCode::FileTooLarge);
    assert_eq!(rows_of(ctx, &ws.id, "files"), before);
}
