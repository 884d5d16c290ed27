//! Visitor identity verification: the workspace's identity secret (shown once, sealed at
//! rest, rotated by asking again), `user_hash` on the session, `visitor.verified` on the
//! chat, and `require_identity`.

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use shared_types::chats::{ChatDetail, ChatSummary};
use shared_types::error::ErrorCode;
use shared_types::pagination::ListResponse;
use shared_types::visitor::{SessionResponse, StartedChat};
use shared_types::widget::{IdentitySecret, WidgetConfig};

use crate::bounds::visitors_of;
use crate::client::{bearer, Ctx, Resp, TestWorkspace};

crate::tests![
    the_identity_secret_is_for_managers_shown_once_and_sealed_at_rest,
    a_valid_user_hash_marks_the_visitor_verified_everywhere,
    without_require_identity_a_wrong_hash_is_accepted_unverified,
    require_identity_refuses_a_claimed_identity_without_a_valid_hash_and_stores_nothing,
    rotating_the_secret_stops_the_old_one_at_once,
];

pub(crate) fn user_hash(secret: &str, subject: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(subject.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

pub(crate) fn new_secret(ws: &TestWorkspace) -> String {
    let secret: IdentitySecret = ws
        .post("/v1/widget/identity-secret", &json!({}))
        .expect(201);
    assert!(secret.secret.starts_with("idsec_"), "{}", secret.secret);
    secret.secret
}

fn session(ws: &TestWorkspace, visitor: Value) -> Resp {
    ws.client.send(
        "POST",
        &format!("/v1/public/widgets/{}/sessions", ws.id),
        &[("Origin", "https://shop.example")],
        Some(&json!({ "visitor": visitor })),
    )
}

/// A chat started with the session's token; its detail as agents read it.
fn chat_of(ws: &TestWorkspace, session: &SessionResponse) -> ChatDetail {
    let started: StartedChat = ws
        .client
        .send(
            "POST",
            "/v1/visitor/chats",
            &[("Authorization", &bearer(&session.visitor_token))],
            Some(&json!({"text": "Salom"})),
        )
        .expect(201);
    ws.get(&format!("/v1/chats/{}", started.chat.id))
        .expect(200)
}

fn the_identity_secret_is_for_managers_shown_once_and_sealed_at_rest(ctx: &Ctx) {
    let ws = ctx.workspace();
    let operator = crate::chats::operator_key(ctx, &ws);
    // What the workspace's own database holds, as its export reads it.
    let stored =
        |ctx: &Ctx| ctx.exported_rows(&ws.id, "widget_config")[0]["identity_secret_sealed"].clone();
    ws.client
        .post("/v1/widget/identity-secret", &operator, &json!({}))
        .assert_error(ErrorCode::AuthForbidden);
    assert_eq!(stored(ctx), Value::Null);
    let secret = new_secret(&ws);
    let sealed = stored(ctx).as_str().unwrap_or_default().to_string();
    assert!(!sealed.is_empty());
    assert!(!sealed.contains(&secret), "stored readable: {sealed}");
    assert!(!sealed.contains(&secret["idsec_".len()..]));
    // It is never shown again: the widget config does not carry it.
    let config = ws.get("/v1/widget/config");
    assert_eq!(config.status, 200);
    assert!(!config.text.contains(&secret));
}

fn a_valid_user_hash_marks_the_visitor_verified_everywhere(ctx: &Ctx) {
    let ws = ctx.workspace();
    let secret = new_secret(&ws);
    // By user id when one is given.
    let by_id: SessionResponse = session(
        &ws,
        json!({"name": "Ali", "email": "ali@shop.example", "user_id": "u-42",
               "user_hash": user_hash(&secret, "u-42")}),
    )
    .expect(201);
    let chat = chat_of(&ws, &by_id);
    assert!(chat.visitor.verified);
    assert_eq!(chat.visitor.user_id.as_deref(), Some("u-42"));
    assert_eq!(chat.visitor.email.as_deref(), Some("ali@shop.example"));
    // By email otherwise, the hash in upper case too.
    let by_email: SessionResponse = session(
        &ws,
        json!({"email": "vali@shop.example",
               "user_hash": user_hash(&secret, "vali@shop.example").to_uppercase()}),
    )
    .expect(201);
    let second = chat_of(&ws, &by_email);
    assert!(second.visitor.verified);
    assert_eq!(second.visitor.user_id, None);
    // The inbox list agrees.
    let list: ListResponse<ChatSummary> = ws.get("/v1/chats").expect(200);
    for row in &list.data {
        assert!(row.visitor_verified, "{:?}", row);
    }
    assert_eq!(list.data.len(), 2);
    let raw: Value = ws.get(&format!("/v1/chats/{}", chat.id)).expect(200);
    assert_eq!(raw["visitor"]["verified"], json!(true));
}

fn without_require_identity_a_wrong_hash_is_accepted_unverified(ctx: &Ctx) {
    let ws = ctx.workspace();
    let secret = new_secret(&ws);
    let config: WidgetConfig = ws.get("/v1/widget/config").expect(200);
    assert!(!config.require_identity);
    for visitor in [
        json!({"email": "ali@shop.example"}),
        json!({"email": "ali@shop.example", "user_hash": user_hash(&secret, "boss@shop.example")}),
        json!({"email": "ali@shop.example", "user_hash": "not hex"}),
        json!({"user_id": "u-1", "user_hash": user_hash(&secret, "u-2")}),
        // The hash of the email does not vouch for a user id.
        json!({"email": "ali@shop.example", "user_id": "u-1",
               "user_hash": user_hash(&secret, "ali@shop.example")}),
    ] {
        let s: SessionResponse = session(&ws, visitor.clone()).expect(201);
        let chat = chat_of(&ws, &s);
        assert!(!chat.visitor.verified, "{visitor}");
    }
    // An anonymous visitor is simply unverified.
    let s: SessionResponse = session(&ws, json!({})).expect(201);
    assert!(!chat_of(&ws, &s).visitor.verified);
}

fn require_identity_refuses_a_claimed_identity_without_a_valid_hash_and_stores_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    // Required before any secret exists: nothing can verify, so every claim is refused.
    let config: WidgetConfig = ws
        .patch("/v1/widget/config", &json!({"require_identity": true}))
        .expect(200);
    assert!(config.require_identity);
    let shown: WidgetConfig = ws.get("/v1/widget/config").expect(200);
    assert!(shown.require_identity);
    let before = visitors_of(ctx, &ws);
    session(
        &ws,
        json!({"email": "ali@shop.example", "user_hash": "00".repeat(32)}),
    )
    .assert_error(ErrorCode::AuthIdentity);
    let secret = new_secret(&ws);
    for visitor in [
        json!({"email": "ali@shop.example"}),
        json!({"email": "ali@shop.example", "user_hash": user_hash(&secret, "boss@shop.example")}),
        json!({"user_id": "u-1"}),
        json!({"user_id": "u-1", "user_hash": user_hash("idsec_guess", "u-1")}),
        json!({"user_id": "u-1", "user_hash": "zz"}),
    ] {
        session(&ws, visitor.clone()).assert_error(ErrorCode::AuthIdentity);
    }
    assert_eq!(
        visitors_of(ctx, &ws),
        before,
        "a refused session stored a visitor"
    );
    // A verified one and an anonymous one are still welcome.
    let ok: SessionResponse = session(
        &ws,
        json!({"user_id": "u-1", "user_hash": user_hash(&secret, "u-1")}),
    )
    .expect(201);
    assert!(chat_of(&ws, &ok).visitor.verified);
    let anonymous: SessionResponse = session(&ws, json!({"name": "Mehmon"})).expect(201);
    assert!(!chat_of(&ws, &anonymous).visitor.verified);
    assert_eq!(visitors_of(ctx, &ws), before + 2);
}

fn rotating_the_secret_stops_the_old_one_at_once(ctx: &Ctx) {
    let ws = ctx.workspace();
    ws.patch("/v1/widget/config", &json!({"require_identity": true}))
        .expect::<WidgetConfig>(200);
    let old = new_secret(&ws);
    let claim = |secret: &str| json!({"user_id": "u-7", "user_hash": user_hash(secret, "u-7")});
    session(&ws, claim(&old)).expect::<SessionResponse>(201);
    let new = new_secret(&ws);
    assert_ne!(old, new);
    let before = visitors_of(ctx, &ws);
    session(&ws, claim(&old)).assert_error(ErrorCode::AuthIdentity);
    assert_eq!(visitors_of(ctx, &ws), before);
    session(&ws, claim(&new)).expect::<SessionResponse>(201);
}
