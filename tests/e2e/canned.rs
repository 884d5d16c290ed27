//! Canned responses over the API: made, listed by shortcut, changed and removed by
//! owners and admins; every agent reads them; a shortcut names one in the workspace,
//! and another workspace never sees them.

use serde_json::{json, Value};
use shared_types::error::ErrorCode;

use crate::client::Ctx;

fn listed(ws: &crate::client::TestWorkspace) -> Vec<Value> {
    ws.get("/v1/canned-responses").json()["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[crate::e2e_test]
fn canned_responses_are_made_listed_changed_and_removed(ctx: &Ctx) {
    let ws = ctx.workspace();
    let made: Value = ws
        .post(
            "/v1/canned-responses",
            &json!({"shortcut": "yetkazish", "title": "Yetkazib berish",
                    "text": "Salom {{visitor.name}}! Yetkazish 1–2 kun."}),
        )
        .expect(201);
    assert!(made["id"]
        .as_str()
        .is_some_and(|id| id.starts_with("canned_")));
    assert_eq!(made["shortcut"], "yetkazish");
    assert_eq!(made["text"], "Salom {{visitor.name}}! Yetkazish 1–2 kun.");
    assert!(made["created_at"].is_string());
    ws.post(
        "/v1/canned-responses",
        &json!({"shortcut": "narx", "title": "Narxlar", "text": "Narxlar: https://shop.uz"}),
    )
    .expect::<Value>(201);
    let shortcuts: Vec<Value> = listed(&ws).iter().map(|c| c["shortcut"].clone()).collect();
    assert_eq!(shortcuts, vec![json!("narx"), json!("yetkazish")]);

    let id = made["id"].as_str().unwrap_or_default();
    let path = format!("/v1/canned-responses/{id}");
    let changed: Value = ws.patch(&path, &json!({"title": "Yetkazish"})).expect(200);
    assert_eq!(changed["title"], "Yetkazish");
    assert_eq!(changed["shortcut"], "yetkazish");

    // Another workspace sees none of them and cannot touch them.
    let other = ctx.workspace();
    assert!(listed(&other).is_empty());
    other
        .patch(&path, &json!({"title": "x"}))
        .assert_error(ErrorCode::CannedNotFound);
    other.delete(&path).assert_error(ErrorCode::CannedNotFound);

    assert_eq!(ws.delete(&path).status, 204);
    ws.delete(&path).assert_error(ErrorCode::CannedNotFound);
    assert_eq!(listed(&ws).len(), 1);
}

#[crate::e2e_test]
fn a_taken_or_malformed_shortcut_is_refused_and_changes_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let first: Value = ws
        .post(
            "/v1/canned-responses",
            &json!({"shortcut": "salom", "title": "Salom", "text": "Assalomu alaykum!"}),
        )
        .expect(201);
    let second: Value = ws
        .post(
            "/v1/canned-responses",
            &json!({"shortcut": "rahmat", "title": "Rahmat", "text": "Rahmat!"}),
        )
        .expect(201);
    let before = listed(&ws);
    ws.post(
        "/v1/canned-responses",
        &json!({"shortcut": "salom", "title": "Boshqa", "text": "Boshqa"}),
    )
    .assert_error(ErrorCode::CannedShortcutTaken);
    for bad in ["", "Salom", "bad shortcut", "привет", &"x".repeat(33)] {
        let refused = ws.post(
            "/v1/canned-responses",
            &json!({"shortcut": bad, "title": "T", "text": "T"}),
        );
        let envelope = refused.assert_error(ErrorCode::Validation);
        assert!(
            envelope.error.details.to_string().contains("shortcut"),
            "{bad}: {}",
            envelope.error.details
        );
    }
    let path = format!(
        "/v1/canned-responses/{}",
        second["id"].as_str().unwrap_or_default()
    );
    ws.patch(&path, &json!({"shortcut": first["shortcut"]}))
        .assert_error(ErrorCode::CannedShortcutTaken);
    ws.patch(&path, &json!({"text": ""}))
        .assert_error(ErrorCode::Validation);
    assert_eq!(listed(&ws), before);
}

#[crate::e2e_test]
fn operators_read_canned_responses_and_may_not_change_them(ctx: &Ctx) {
    let ws = ctx.workspace();
    let made: Value = ws
        .post(
            "/v1/canned-responses",
            &json!({"shortcut": "ish-vaqti", "title": "Ish vaqti", "text": "9:00–18:00"}),
        )
        .expect(201);
    let key = crate::chats::operator_key(ctx, &ws);
    let seen = ws.client.get("/v1/canned-responses", &key).json();
    assert_eq!(seen["data"][0]["shortcut"], "ish-vaqti");
    let before = listed(&ws);
    ws.client
        .post(
            "/v1/canned-responses",
            &key,
            &json!({"shortcut": "yangi", "title": "Yangi", "text": "Yangi"}),
        )
        .assert_error(ErrorCode::AuthForbidden);
    let path = format!(
        "/v1/canned-responses/{}",
        made["id"].as_str().unwrap_or_default()
    );
    ws.client
        .patch(&path, &key, &json!({"title": "x"}))
        .assert_error(ErrorCode::AuthForbidden);
    ws.client
        .delete(&path, &key)
        .assert_error(ErrorCode::AuthForbidden);
    assert_eq!(listed(&ws), before);
}
