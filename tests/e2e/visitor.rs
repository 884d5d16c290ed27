//! The widget's side: sessions, the visitor's own chats, ratings, idempotent retries.

use serde_json::json;
use shared_types::chats::{ChatDetail, ChatStatus, ChatSummary, ConversationMessage};
use shared_types::error::ErrorCode;
use shared_types::visitor::StartedChat;
use shared_types::DataList;

use crate::client::Ctx;

#[crate::e2e_test]
fn a_visitor_starts_a_chat_and_sees_the_agents_reply(ctx: &Ctx) {
    let ws = ctx.workspace();
    let token = ws.visitor("Ali");
    let started: StartedChat = ws
        .client
        .post(
            "/v1/visitor/chats",
            &token,
            &json!({"text": "Salom", "page_url": "https://shop.example/pricing"}),
        )
        .expect(201);
    assert_eq!(started.chat.status, ChatStatus::Active);
    assert_eq!(started.message.seq, 1);
    assert_eq!(started.message.sender.kind.as_str(), "visitor");
    let chat_id = started.chat.id.as_str();
    ws.post(
        &format!("/v1/chats/{chat_id}/messages"),
        &json!({"text": "Va alaykum assalom"}),
    )
    .expect::<shared_types::chats::Message>(201);
    let convo: DataList<ConversationMessage> = ws
        .client
        .get(
            &format!("/v1/visitor/chats/{chat_id}/messages?after=1"),
            &token,
        )
        .expect(200);
    assert_eq!(convo.data.len(), 1);
    assert_eq!(convo.data[0].text, "Va alaykum assalom");
    assert_eq!(convo.data[0].seq, 2);
    let mine: DataList<ChatSummary> = ws.client.get("/v1/visitor/chats", &token).expect(200);
    assert_eq!(mine.data.len(), 1);
    let row = &ctx.server.workspace_query(
        &ws.id,
        &format!("SELECT page_url FROM chats WHERE id = '{chat_id}'"),
    )[0];
    assert_eq!(row["page_url"], "https://shop.example/pricing");
}

#[crate::e2e_test]
fn a_visitor_never_reaches_another_visitors_chat(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = ws.chat("mine");
    let stranger = ws.visitor("Vali");
    let c = &ws.client;
    c.get(&format!("/v1/visitor/chats/{chat_id}/messages"), &stranger)
        .assert_error(ErrorCode::ChatNotFound);
    c.post(
        &format!("/v1/visitor/chats/{chat_id}/messages"),
        &stranger,
        &json!({"text": "hi"}),
    )
    .assert_error(ErrorCode::ChatNotFound);
    c.post(
        &format!("/v1/visitor/chats/{chat_id}/read"),
        &stranger,
        &json!({}),
    )
    .assert_error(ErrorCode::ChatNotFound);
    assert!(c
        .get("/v1/visitor/chats", &stranger)
        .expect::<DataList<ChatSummary>>(200)
        .data
        .is_empty());
    // A visitor of another workspace neither.
    let other = ctx.workspace();
    let outsider = other.visitor("Eve");
    c.get(&format!("/v1/visitor/chats/{chat_id}/messages"), &outsider)
        .assert_error(ErrorCode::ChatNotFound);
}

#[crate::e2e_test]
fn bad_visitor_tokens_get_401_auth_007(ctx: &Ctx) {
    let ws = ctx.workspace();
    let token = ws.visitor("Ali");
    let forged = token.replace("vt1.", "vt1.x");
    let tampered = crate::harness::tamper_last(&token);
    for t in [
        forged.as_str(),
        tampered.as_str(),
        "nonsense",
        ws.api_key.as_str(),
    ] {
        ws.client
            .post("/v1/visitor/chats", t, &json!({"text": "hi"}))
            .assert_error(ErrorCode::AuthVisitorToken);
    }
    ws.client
        .send("GET", "/v1/visitor/chats", &[], None)
        .assert_error(ErrorCode::AuthVisitorToken);
    assert_eq!(crate::bounds::rows_of(ctx, &ws.id, "chats"), 0);
}

#[crate::e2e_test]
fn visitors_do_not_see_agents_tags_and_notes(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("hi");
    ws.patch(
        &format!("/v1/chats/{chat_id}"),
        &json!({"tags": ["angry"], "notes": "difficult customer", "status": "closed"}),
    )
    .expect::<ChatDetail>(200);
    let rated = ws.client.post(
        &format!("/v1/visitor/chats/{chat_id}/rating"),
        &token,
        &json!({"score": 4}),
    );
    assert_eq!(rated.status, 200, "{}", rated.text);
    assert!(!rated.text.contains("difficult") && !rated.text.contains("angry"));
}

#[crate::e2e_test]
fn writing_into_a_closed_chat_reopens_it(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("hi");
    let path = format!("/v1/chats/{chat_id}");
    ws.patch(&path, &json!({"assigned_to": ws.owner.id.as_str()}))
        .expect::<ChatDetail>(200);
    ws.patch(&path, &json!({"status": "closed"}))
        .expect::<ChatDetail>(200);
    ws.client
        .post(
            &format!("/v1/visitor/chats/{chat_id}/messages"),
            &token,
            &json!({"text": "one more thing"}),
        )
        .expect::<ConversationMessage>(201);
    let chat: ChatDetail = ws.get(&path).expect(200);
    assert_eq!(chat.status, ChatStatus::Assigned);
    let row = &ctx.server.workspace_query(
        &ws.id,
        &format!("SELECT reopened_count, closed_at FROM chats WHERE id = '{chat_id}'"),
    )[0];
    assert_eq!(row["reopened_count"], 1);
    assert!(row["closed_at"].is_null());
}

#[crate::e2e_test]
fn rating_needs_a_closed_chat_and_happens_once(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("hi");
    let rate = |score: u8| {
        ws.client.post(
            &format!("/v1/visitor/chats/{chat_id}/rating"),
            &token,
            &json!({"score": score, "comment": "Rahmat"}),
        )
    };
    rate(5).assert_error(ErrorCode::ChatNotClosed);
    ws.patch(
        &format!("/v1/chats/{chat_id}"),
        &json!({"status": "closed"}),
    )
    .expect::<ChatDetail>(200);
    assert_eq!(rate(5).status, 200);
    rate(1).assert_error(ErrorCode::AlreadyRated);
    let row = &ctx.server.workspace_query(
        &ws.id,
        &format!("SELECT rating_score, rating_comment FROM chats WHERE id = '{chat_id}'"),
    )[0];
    assert_eq!(row["rating_score"], 5);
    assert_eq!(row["rating_comment"], "Rahmat");
}

#[crate::e2e_test]
fn invalid_ratings_get_400_and_store_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("hi");
    ws.patch(
        &format!("/v1/chats/{chat_id}"),
        &json!({"status": "closed"}),
    )
    .expect::<ChatDetail>(200);
    for body in [
        json!({"score": 0}),
        json!({"score": 6}),
        json!({"score": "5"}),
        json!({}),
    ] {
        ws.client
            .post(
                &format!("/v1/visitor/chats/{chat_id}/rating"),
                &token,
                &body,
            )
            .assert_error(ErrorCode::Validation);
    }
    let row = &ctx.server.workspace_query(
        &ws.id,
        &format!("SELECT rating_score FROM chats WHERE id = '{chat_id}'"),
    )[0];
    assert!(row["rating_score"].is_null());
}

#[crate::e2e_test]
fn a_retried_post_with_the_same_idempotency_key_creates_nothing_new(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = ws.chat("hi");
    let auth = format!("Bearer {}", ws.api_key);
    let headers = [
        ("Authorization", auth.as_str()),
        ("Idempotency-Key", "retry-123"),
    ];
    let body = json!({"text": "exactly once"});
    let path = format!("/v1/chats/{chat_id}/messages");
    let first = ws.client.send("POST", &path, &headers, Some(&body));
    let second = ws.client.send("POST", &path, &headers, Some(&body));
    assert_eq!((first.status, second.status), (201, 201));
    assert_eq!(first.json()["id"], second.json()["id"]);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    let convo: DataList<ConversationMessage> = ws.get(&path).expect(200);
    assert_eq!(convo.data.len(), 2);
}

#[crate::e2e_test]
fn the_same_idempotency_key_with_another_body_is_409_req_006(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = ws.chat("hi");
    let auth = format!("Bearer {}", ws.api_key);
    let headers = [("Authorization", auth.as_str()), ("Idempotency-Key", "k-1")];
    let path = format!("/v1/chats/{chat_id}/messages");
    assert_eq!(
        ws.client
            .send("POST", &path, &headers, Some(&json!({"text": "a"})))
            .status,
        201
    );
    ws.client
        .send("POST", &path, &headers, Some(&json!({"text": "b"})))
        .assert_error(ErrorCode::IdempotencyConflict);
    let convo: DataList<ConversationMessage> = ws.get(&path).expect(200);
    assert_eq!(convo.data.len(), 2);
}
