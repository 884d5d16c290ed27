//! Bounded sockets and blocked visitors: a visitor holds at most 10 sockets and an agent
//! credential 20 (one more is 429 RATE-001); a frame over 4 KB or past 10 a second gets
//! an error frame and a 1008 close; a read receipt beyond the chat's last message is
//! refused on the socket and over REST; a blocked visitor's token opens nothing and its
//! sockets close.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use shared_types::error::ErrorCode;
use shared_types::visitor::{SessionResponse, StartedChat};
use tungstenite::Message as Frame;

use crate::client::{Ctx, TestWorkspace};
use crate::offboarding::{assert_revoked, assert_stays_open, await_close};
use crate::realtime::{connect, feed, next, refusal, send, Refusal, Socket};

crate::tests![
    a_visitor_holds_at_most_ten_sockets_and_a_closed_one_frees_its_place,
    an_agent_credential_holds_at_most_twenty_sockets_across_feed_and_rooms,
    an_oversized_frame_gets_an_error_and_a_1008_close,
    more_than_ten_frames_a_second_get_an_error_and_a_1008_close,
    a_read_beyond_the_last_message_is_refused_on_the_socket_and_over_rest,
    a_blocked_visitor_is_refused_everywhere_and_its_sockets_close,
];

/// A new visitor of the workspace: (visitor id, token).
fn visitor_session(ws: &TestWorkspace) -> (String, String) {
    let session: SessionResponse = ws
        .client
        .send_patiently(
            "POST",
            &format!("/v1/public/widgets/{}/sessions", ws.id),
            &[("Origin", "https://shop.example")],
            Some(&json!({"visitor": {"name": "Ali"}})),
        )
        .expect(201);
    (
        session.visitor_id.as_str().to_string(),
        session.visitor_token,
    )
}

fn start_chat(ws: &TestWorkspace, token: &str, text: &str) -> String {
    let started: StartedChat = ws
        .client
        .post("/v1/visitor/chats", token, &json!({"text": text}))
        .expect(201);
    started.chat.id.as_str().to_string()
}

/// A connection over its bound: 429 with the catalogue's envelope and a `Retry-After`
/// of the second a held socket may take to close.
#[track_caller]
fn assert_refused_for_now(refused: Refusal) {
    assert_eq!(refused.status, 429, "{refused:?}");
    assert_eq!(
        refused.body["error"]["code"],
        ErrorCode::RateLimited.code(),
        "{refused:?}"
    );
    assert_eq!(
        refused.body["error"]["message_en"],
        ErrorCode::RateLimited.message_en(),
        "{refused:?}"
    );
    assert_eq!(refused.retry_after.as_deref(), Some("1"), "{refused:?}");
}

#[track_caller]
fn assert_policy_close(socket: &mut Socket, code: ErrorCode) {
    let since = Instant::now();
    let closed = await_close(socket, since);
    assert_eq!(closed.code, 1008, "{}", closed.reason);
    assert!(!closed.reason.is_empty());
    assert!(closed.after <= Duration::from_secs(1), "{:?}", closed.after);
    assert!(
        closed
            .frames
            .iter()
            .any(|f| f["type"] == "error" && f["code"] == code.code()),
        "an error frame {code} first: {:?}",
        closed.frames
    );
}

fn a_visitor_holds_at_most_ten_sockets_and_a_closed_one_frees_its_place(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (_, token) = visitor_session(&ws);
    // Across two chats of the visitor: the bound is the visitor's, not a room's.
    let first = start_chat(&ws, &token, "Birinchi");
    let second = start_chat(&ws, &token, "Ikkinchi");
    let mut open: Vec<Socket> = (0..10)
        .map(|i| {
            let chat = if i % 2 == 0 { &first } else { &second };
            connect(ctx, chat, Some(&token), None).expect("a socket within the bound")
        })
        .collect();
    assert_refused_for_now(refusal(
        ctx,
        &format!("?chat_id={first}&token={token}"),
        None,
    ));
    assert_eq!(connect(ctx, &second, Some(&token), None).err(), Some(429));
    // Another visitor is not affected.
    let (chat, other) = ws.chat("Boshqa");
    connect(ctx, &chat, Some(&other), None).expect("another visitor's socket");
    // A socket that closes frees its place.
    let mut gone = open.pop().expect("ten");
    gone.close(None).expect("close");
    let _ = await_close(&mut gone, Instant::now());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match connect(ctx, &first, Some(&token), None) {
            Ok(socket) => {
                open.push(socket);
                break;
            }
            Err(429) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Err(status) => panic!("after a close the place is free, got {status}"),
        }
    }
    assert_eq!(connect(ctx, &first, Some(&token), None).err(), Some(429));
}

fn an_agent_credential_holds_at_most_twenty_sockets_across_feed_and_rooms(ctx: &Ctx) {
    let ws = ctx.workspace();
    let key = ws.extra_key();
    let (chat, _) = ws.chat("Salom");
    let mut open: Vec<Socket> = (0..10)
        .map(|_| feed(ctx, "", Some(&key)).expect("a feed socket"))
        .collect();
    open.extend((0..10).map(|_| connect(ctx, &chat, None, Some(&key)).expect("a room socket")));
    assert_refused_for_now(refusal(ctx, "", Some(&key)));
    assert_eq!(connect(ctx, &chat, None, Some(&key)).err(), Some(429));
    // The owner's other key is another credential.
    feed(ctx, "", Some(&ws.api_key)).expect("another key's socket");
    assert_eq!(open.len(), 20);
}

fn an_oversized_frame_gets_an_error_and_a_1008_close(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat, token) = ws.chat("Salom");
    let mut socket = connect(ctx, &chat, Some(&token), None).expect("visitor");
    // 4 KB is still a frame.
    let padded = |n: usize| {
        let frame = json!({"type": "typing", "chat_id": chat, "is_typing": false}).to_string();
        format!("{frame}{}", " ".repeat(n - frame.len()))
    };
    socket.send(Frame::text(padded(4096))).expect("send");
    assert_stays_open(&mut socket, Duration::from_millis(300));
    socket.send(Frame::text(padded(4097))).expect("send");
    assert_policy_close(&mut socket, ErrorCode::PayloadTooLarge);
    // The agent feed is bounded the same way.
    let mut agent = feed(ctx, "", Some(&ws.api_key)).expect("feed");
    agent.send(Frame::text("x".repeat(5000))).expect("send");
    assert_policy_close(&mut agent, ErrorCode::PayloadTooLarge);
}

fn more_than_ten_frames_a_second_get_an_error_and_a_1008_close(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat, token) = ws.chat("Salom");
    let mut socket = connect(ctx, &chat, Some(&token), None).expect("visitor");
    for _ in 0..11 {
        send(
            &mut socket,
            json!({"type": "typing", "chat_id": chat, "is_typing": false}),
        );
    }
    assert_policy_close(&mut socket, ErrorCode::RateLimited);
}

/// What the visitor has read (as agents see it) and what agents have not.
fn read_seq(ws: &TestWorkspace, chat: &str) -> (Value, Value) {
    let detail: Value = ws.get(&format!("/v1/chats/{chat}")).expect(200);
    let listed: Value = ws.get("/v1/chats").expect(200);
    let unread = listed["data"]
        .as_array()
        .and_then(|l| l.iter().find(|c| c["id"] == chat))
        .map(|c| c["unread_count"].clone())
        .unwrap_or_default();
    (detail["visitor_read_seq"].clone(), unread)
}

fn a_read_beyond_the_last_message_is_refused_on_the_socket_and_over_rest(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat, token) = ws.chat("Salom");
    ws.post(
        &format!("/v1/chats/{chat}/messages"),
        &json!({"text": "Assalomu alaykum"}),
    )
    .expect::<Value>(201);
    // The visitor has read nothing of the agent's, the agent nothing of the visitor's.
    let before = read_seq(&ws, &chat);
    assert_eq!(before, (json!(0), json!(1)), "{before:?}");
    let mut visitor = connect(ctx, &chat, Some(&token), None).expect("visitor");
    let mut agent = connect(ctx, &chat, None, Some(&ws.api_key)).expect("agent");
    send(
        &mut visitor,
        json!({"type": "read", "chat_id": chat, "seq": 99}),
    );
    let refusal = next(&mut visitor, Duration::from_secs(5)).expect("an error frame");
    assert_eq!(refusal["type"], "error");
    assert_eq!(refusal["code"], ErrorCode::Validation.code());
    // The agents saw no "Seen" and nothing was stored.
    assert_eq!(next(&mut agent, Duration::from_millis(800)), None);
    assert_eq!(read_seq(&ws, &chat), before);

    // Over REST, for the visitor and for agents.
    ws.client
        .post(
            &format!("/v1/visitor/chats/{chat}/read"),
            &token,
            &json!({"seq": 3}),
        )
        .assert_error(ErrorCode::Validation);
    ws.post(&format!("/v1/chats/{chat}/read"), &json!({"seq": 3}))
        .assert_error(ErrorCode::Validation);
    assert_eq!(read_seq(&ws, &chat), before);
    assert_eq!(next(&mut agent, Duration::from_millis(500)), None);

    // Up to the last message is a read.
    send(
        &mut visitor,
        json!({"type": "read", "chat_id": chat, "seq": 2}),
    );
    let seen = next(&mut agent, Duration::from_secs(5)).expect("the read");
    assert_eq!(seen["type"], "read");
    assert_eq!(seen["seq"], 2);
    let read = ws.post(&format!("/v1/chats/{chat}/read"), &json!({"seq": 2}));
    assert_eq!(read.status, 204, "{}", read.text);
    assert_eq!(read_seq(&ws, &chat), (json!(2), json!(0)));
}

fn a_blocked_visitor_is_refused_everywhere_and_its_sockets_close(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (visitor_id, token) = visitor_session(&ws);
    let chat = start_chat(&ws, &token, "Salom");
    let mut room = connect(ctx, &chat, Some(&token), None).expect("visitor socket");
    let blocked_at = || {
        ctx.server.workspace_query(
            &ws.id,
            &format!("SELECT blocked_at FROM visitors WHERE id = '{visitor_id}'"),
        )[0]["blocked_at"]
            .clone()
    };
    let block = |key: &str, id: &str| {
        ws.client
            .post(&format!("/v1/visitors/{id}/block"), key, &json!({}))
    };

    // Operators may not; another workspace's visitor is not found; neither changes it.
    let operator = crate::chats::operator_key(ctx, &ws);
    block(&operator, &visitor_id).assert_error(ErrorCode::AuthForbidden);
    let other = ctx.workspace();
    block(&other.api_key, &visitor_id).assert_error(ErrorCode::VisitorNotFound);
    block(&ws.api_key, "visitor_nobody").assert_error(ErrorCode::VisitorNotFound);
    assert_eq!(blocked_at(), Value::Null);
    assert_stays_open(&mut room, Duration::from_millis(300));

    let resp = block(&ws.api_key, &visitor_id);
    assert_eq!(resp.status, 204, "{}", resp.text);
    assert_revoked(&mut room, Instant::now(), "the blocked visitor's socket");
    let first_block = blocked_at();
    assert!(first_block.is_string());

    // Every visitor endpoint and the socket refuse the token.
    let messages_before = ws.get(&format!("/v1/chats/{chat}/messages")).json();
    for resp in [
        ws.client.get("/v1/visitor/chats", &token),
        ws.client
            .get(&format!("/v1/visitor/chats/{chat}/messages"), &token),
        ws.client.post(
            &format!("/v1/visitor/chats/{chat}/messages"),
            &token,
            &json!({"text": "Yana men"}),
        ),
        ws.client
            .post("/v1/visitor/chats", &token, &json!({"text": "Yangi"})),
        ws.client.post(
            &format!("/v1/visitor/chats/{chat}/read"),
            &token,
            &json!({}),
        ),
    ] {
        assert_eq!(resp.status, 401, "{}", resp.text);
        resp.assert_error(ErrorCode::AuthVisitorBlocked);
    }
    assert_eq!(
        ws.get(&format!("/v1/chats/{chat}/messages")).json(),
        messages_before
    );
    assert_eq!(ws.get("/v1/chats").json()["pagination"]["total"], 1);
    assert_eq!(connect(ctx, &chat, Some(&token), None).err(), Some(401));

    // Twice is 204 and changes nothing.
    assert_eq!(block(&ws.api_key, &visitor_id).status, 204);
    assert_eq!(blocked_at(), first_block);

    // A new session is a new visitor with none of the old one's chats.
    let (fresh_id, fresh) = visitor_session(&ws);
    assert_ne!(fresh_id, visitor_id);
    let mine: Value = ws.client.get("/v1/visitor/chats", &fresh).expect(200);
    assert_eq!(mine["data"], json!([]));
    ws.client
        .post(
            &format!("/v1/visitor/chats/{chat}/messages"),
            &fresh,
            &json!({"text": "Men boshqa"}),
        )
        .assert_error(ErrorCode::ChatNotFound);
}
