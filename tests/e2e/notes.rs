//! Private notes: agents' own words about a chat, listed oldest first, sent to the
//! agents' feed, and never to the visitor (their socket or their message list).

use std::time::Duration;

use serde_json::{json, Value};
use shared_types::error::ErrorCode;

use crate::client::Ctx;
use crate::realtime::{connect, feed, next};

#[crate::e2e_test]
fn a_private_note_reaches_agents_and_never_the_visitor(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("Buyurtma raqamim 1234");
    let mut visitor = connect(ctx, &chat_id, Some(&token), None).expect("visitor socket");
    let mut agents = feed(ctx, "", Some(&ws.api_key)).expect("agent feed");
    let path = format!("/v1/chats/{chat_id}/notes");

    let first: Value = ws
        .post(&path, &json!({"text": "Doimiy mijoz, chegirma mumkin <b>"}))
        .expect::<Value>(201);
    assert!(first["id"]
        .as_str()
        .is_some_and(|id| id.starts_with("note_")));
    assert_eq!(first["chat_id"], chat_id.as_str());
    assert_eq!(first["text"], "Doimiy mijoz, chegirma mumkin <b>");
    assert_eq!(first["author"]["id"], ws.owner.id.as_str());
    assert_eq!(first["author"]["name"], "Sara");
    assert!(first["created_at"].is_string());
    let second: Value = ws
        .post(&path, &json!({"text": "Ertaga qo'ng'iroq qilaman"}))
        .expect::<Value>(201);

    let listed = ws.get(&path).json()["data"].clone();
    assert_eq!(listed, json!([first, second]));

    // The agents' feed hears of it.
    let heard = crate::harness::poll(Duration::from_secs(5), Duration::ZERO, || {
        next(&mut agents, Duration::ZERO).filter(|f| f["type"] == "note.created")
    })
    .expect("note.created on the feed");
    assert_eq!(heard["note"]["id"], first["id"]);

    // The visitor hears nothing of it, and does not see it among the messages.
    let leaked = crate::harness::poll(Duration::from_secs(2), Duration::ZERO, || {
        next(&mut visitor, Duration::ZERO).filter(|f| f.to_string().contains("chegirma"))
    });
    assert!(leaked.is_err(), "the visitor's socket got {leaked:?}");
    let theirs = ws
        .client
        .get(&format!("/v1/visitor/chats/{chat_id}/messages"), &token)
        .text;
    assert!(!theirs.contains("chegirma"), "{theirs}");
    let agents_view = ws.get(&format!("/v1/chats/{chat_id}/messages")).text;
    assert!(
        !agents_view.contains("chegirma"),
        "a note is no message: {agents_view}"
    );
}

#[crate::e2e_test]
fn an_empty_note_or_another_workspaces_chat_is_refused_and_stores_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = ws.chat("Salom");
    let path = format!("/v1/chats/{chat_id}/notes");
    ws.post(&path, &json!({"text": "   "}))
        .assert_error(ErrorCode::Validation);
    ws.post(&path, &json!({"text": "x", "internal": true}))
        .assert_error(ErrorCode::Validation);
    let other = ctx.workspace();
    other
        .post(&path, &json!({"text": "begona"}))
        .assert_error(ErrorCode::ChatNotFound);
    other.get(&path).assert_error(ErrorCode::ChatNotFound);
    ws.post(
        "/v1/chats/chat_doesnotexist0000000/notes",
        &json!({"text": "x"}),
    )
    .assert_error(ErrorCode::ChatNotFound);
    assert_eq!(ws.get(&path).json()["data"], json!([]));
}

/// The inbox row's second line is the newest message, whoever wrote it, cut to 140
/// characters; a note, being no message, never shows there.
#[crate::e2e_test]
fn a_chats_row_shows_its_newest_message_and_never_a_note(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _token) = ws.chat("Yetkazib berish bormi?");
    let row = |ws: &crate::client::TestWorkspace| -> Value {
        ws.get("/v1/chats").json()["data"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["id"] == chat_id.as_str()).cloned())
            .expect("the chat's row")
    };
    let first = row(&ws);
    assert_eq!(first["last_message_text"], "Yetkazib berish bormi?");
    assert_eq!(first["last_message_sender"], "visitor");

    let reply = format!("Ha, {}", "bor. ".repeat(60));
    ws.post(
        &format!("/v1/chats/{chat_id}/messages"),
        &json!({"text": reply}),
    )
    .expect::<Value>(201);
    ws.post(
        &format!("/v1/chats/{chat_id}/notes"),
        &json!({"text": "ichki izoh"}),
    )
    .expect::<Value>(201);
    let after = row(&ws);
    let expected: String = reply.chars().take(140).collect();
    assert_eq!(after["last_message_text"], expected.as_str());
    assert_eq!(after["last_message_sender"], "agent");
}
