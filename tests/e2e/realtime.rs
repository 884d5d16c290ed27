//! Real sockets on a chat's room: messages sent through the REST API reach every socket
//! of the chat at once; typing and read receipts go to the other side; a reconnecting
//! client catches up from the last `seq` it saw.

use std::net::TcpStream;
use std::time::Duration;

use serde_json::{json, Value};
use shared_types::chats::{ConversationMessage, Message};
use shared_types::error::ErrorCode;
use tungstenite::client::IntoClientRequest;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message as Frame, WebSocket};

use crate::client::{Ctx, TestWorkspace};
use crate::harness::{eventually, poll};

pub type Socket = WebSocket<MaybeTlsStream<TcpStream>>;

pub fn connect(
    ctx: &Ctx,
    chat_id: &str,
    visitor_token: Option<&str>,
    api_key: Option<&str>,
) -> Result<Socket, u16> {
    match visitor_token {
        Some(t) => feed(ctx, &format!("?chat_id={chat_id}&token={t}"), api_key),
        None => feed(ctx, &format!("?chat_id={chat_id}"), api_key),
    }
}

/// The next JSON frame, or None after `wait` (each read waits up to the socket's read
/// timeout; `Duration::ZERO` reads once).
pub fn next(socket: &mut Socket, wait: Duration) -> Option<Value> {
    poll(wait, Duration::ZERO, || match socket.read() {
        Ok(Frame::Text(text)) => Some(serde_json::from_str(&text).expect("json frame")),
        Ok(_) => None,
        Err(tungstenite::Error::Io(e))
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            None
        }
        Err(e) => panic!("socket read: {e}"),
    })
    .ok()
}

fn expect_frame(socket: &mut Socket) -> Value {
    next(socket, Duration::from_secs(5)).expect("a frame within 5 s")
}

pub fn send(socket: &mut Socket, frame: Value) {
    socket
        .send(Frame::text(frame.to_string()))
        .expect("send frame");
}

pub fn agent_socket(ctx: &Ctx, ws: &TestWorkspace, chat_id: &str) -> Socket {
    connect(ctx, chat_id, None, Some(&ws.api_key)).expect("agent socket")
}

#[crate::e2e_test]
fn an_agents_rest_reply_reaches_the_visitor_socket(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("Salom");
    let mut visitor = connect(ctx, &chat_id, Some(&token), None).expect("visitor socket");
    let sent: Message = ws
        .post(
            &format!("/v1/chats/{chat_id}/messages"),
            &json!({"text": TRICKY}),
        )
        .expect(201);
    let frame = expect_frame(&mut visitor);
    assert_eq!(frame["type"], "message.created");
    assert_eq!(frame["chat_id"], chat_id.as_str());
    let message: ConversationMessage =
        serde_json::from_value(frame["message"].clone()).expect("message");
    assert_eq!(message.id, sent.id);
    assert_eq!(message.seq, 2);
    assert_eq!(message.text, TRICKY);
    assert_eq!(message.sender.kind.as_str(), "agent");
}

/// Text is stored and relayed exactly as sent: quotes, markup, line breaks, emoji.
const TRICKY: &str = "Va alaykum \"assalom\"!\n<script>alert('x')</script> \\ 👋";

#[crate::e2e_test]
fn a_visitors_message_reaches_the_agent_socket(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("Salom");
    let mut agent = agent_socket(ctx, &ws, &chat_id);
    ws.client
        .post(
            &format!("/v1/visitor/chats/{chat_id}/messages"),
            &token,
            &json!({"text": "Narxi qancha?"}),
        )
        .expect::<ConversationMessage>(201);
    let frame = expect_frame(&mut agent);
    assert_eq!(frame["type"], "message.created");
    assert_eq!(frame["message"]["text"], "Narxi qancha?");
    assert_eq!(frame["message"]["sender"]["type"], "visitor");
}

#[crate::e2e_test]
fn typing_and_read_receipts_reach_the_other_side(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("Salom");
    let mut visitor = connect(ctx, &chat_id, Some(&token), None).expect("visitor");
    let mut agent = agent_socket(ctx, &ws, &chat_id);
    send(
        &mut visitor,
        json!({"type": "typing", "chat_id": chat_id, "is_typing": true}),
    );
    let typing = expect_frame(&mut agent);
    assert_eq!(
        typing,
        json!({"type": "typing", "chat_id": chat_id, "sender": "visitor", "is_typing": true})
    );
    // The sender does not hear its own typing; repeats within 2 s are not relayed, a
    // stop is at once.
    assert_eq!(next(&mut visitor, Duration::from_millis(500)), None);
    // Eight repeats and the stop keep the socket within its 10 frames a second.
    for _ in 0..8 {
        send(
            &mut visitor,
            json!({"type": "typing", "chat_id": chat_id, "is_typing": true}),
        );
    }
    send(
        &mut visitor,
        json!({"type": "typing", "chat_id": chat_id, "is_typing": false}),
    );
    let stopped = expect_frame(&mut agent);
    assert_eq!(
        stopped["is_typing"], false,
        "the repeats were dropped: {stopped}"
    );
    send(
        &mut agent,
        json!({"type": "typing", "chat_id": chat_id, "is_typing": true}),
    );
    assert_eq!(expect_frame(&mut visitor)["sender"], "agent");
    send(
        &mut agent,
        json!({"type": "read", "chat_id": chat_id, "seq": 1}),
    );
    let read = expect_frame(&mut visitor);
    assert_eq!(
        read,
        json!({"type": "read", "chat_id": chat_id, "reader": "agent", "seq": 1})
    );
    // The agent side's unread count is reset by its receipt.
    let list: Value = ws.get("/v1/chats").json();
    assert_eq!(list["data"][0]["unread_count"], 0);
}

#[crate::e2e_test]
fn a_reconnecting_client_gets_exactly_what_it_missed(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("1");
    for text in ["2", "3", "4"] {
        ws.post(
            &format!("/v1/chats/{chat_id}/messages"),
            &json!({"text": text}),
        )
        .expect::<Message>(201);
    }
    let mut visitor = connect(ctx, &chat_id, Some(&token), None).expect("visitor");
    send(
        &mut visitor,
        json!({"type": "resume", "chats": {chat_id.as_str(): 2}}),
    );
    let got: Vec<(u64, String)> = (0..2)
        .map(|_| {
            let f = expect_frame(&mut visitor);
            (
                f["message"]["seq"].as_u64().unwrap_or(0),
                f["message"]["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(got, vec![(3, "3".to_string()), (4, "4".to_string())]);
    assert_eq!(
        next(&mut visitor, Duration::from_millis(500)),
        None,
        "nothing more"
    );
    // The REST list with after= gives the same answer.
    let after: shared_types::DataList<ConversationMessage> = ws
        .get(&format!("/v1/chats/{chat_id}/messages?after=2"))
        .expect(200);
    assert_eq!(
        after.data.iter().map(|m| m.seq).collect::<Vec<_>>(),
        vec![3, 4]
    );
}

#[crate::e2e_test]
fn concurrent_messages_arrive_in_one_order_on_every_socket(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("0");
    let mut sockets = [
        connect(ctx, &chat_id, Some(&token), None).expect("visitor"),
        agent_socket(ctx, &ws, &chat_id),
        agent_socket(ctx, &ws, &chat_id),
    ];
    // 200 messages: the visitor's 100 and the agents' 100 (over two API keys, as the
    // rate limit allows one key 100 a minute), all in flight together.
    let per_side = 100;
    let keys = [ws.extra_key(), ws.extra_key()];
    let path = format!("/v1/chats/{chat_id}/messages");
    let ws = &ws;
    std::thread::scope(|s| {
        for (k, key) in keys.iter().enumerate() {
            let path = &path;
            s.spawn(move || {
                for i in 0..per_side / 2 {
                    ws.client
                        .send_patiently(
                            "POST",
                            path,
                            &[("Authorization", &crate::client::bearer(key))],
                            Some(&json!({"text": format!("a{k}-{i}")})),
                        )
                        .expect::<Message>(201);
                }
            });
        }
        s.spawn(|| {
            for i in 0..per_side {
                ws.client
                    .send_patiently(
                        "POST",
                        &format!("/v1/visitor/chats/{chat_id}/messages"),
                        &[("Authorization", &crate::client::bearer(&token))],
                        Some(&json!({"text": format!("v{i}")})),
                    )
                    .expect::<ConversationMessage>(201);
            }
        });
    });
    let orders: Vec<Vec<u64>> = sockets
        .iter_mut()
        .map(|socket| {
            (0..2 * per_side)
                .map(|_| expect_frame(socket)["message"]["seq"].as_u64().unwrap_or(0))
                .collect()
        })
        .collect();
    assert_eq!(orders[0], orders[1]);
    assert_eq!(orders[1], orders[2]);
    // The room is the single writer, so the one order is the order of seq.
    assert_eq!(
        orders[0],
        (2..2 + 2 * per_side as u64).collect::<Vec<_>>(),
        "in seq order, no gaps, no duplicates"
    );
}

#[crate::e2e_test]
fn bad_frames_get_an_error_frame_and_the_socket_stays_open(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("hi");
    let mut visitor = connect(ctx, &chat_id, Some(&token), None).expect("visitor");
    visitor.send(Frame::text("{not json")).expect("send");
    assert_eq!(
        expect_frame(&mut visitor)["code"],
        ErrorCode::MalformedJson.code()
    );
    send(&mut visitor, json!({"type": "dance"}));
    assert_eq!(
        expect_frame(&mut visitor)["code"],
        ErrorCode::Validation.code()
    );
    send(
        &mut visitor,
        json!({"type": "typing", "chat_id": "chat_someoneelse", "is_typing": true}),
    );
    assert_eq!(
        expect_frame(&mut visitor)["code"],
        ErrorCode::ChatNotFound.code()
    );
    visitor.send(Frame::binary(vec![1, 2, 3])).expect("send");
    assert_eq!(expect_frame(&mut visitor)["type"], "error");
    // Still open and working.
    ws.post(
        &format!("/v1/chats/{chat_id}/messages"),
        &json!({"text": "ok"}),
    )
    .expect::<Message>(201);
    assert_eq!(expect_frame(&mut visitor)["type"], "message.created");
}

#[crate::e2e_test]
fn sockets_reach_only_their_own_chats(ctx: &Ctx) {
    let ws = ctx.workspace();
    let other = ctx.workspace();
    let (chat_id, _) = ws.chat("private");
    let stranger = ws.visitor("Vali");
    assert_eq!(
        connect(ctx, &chat_id, Some(&stranger), None).err(),
        Some(404)
    );
    assert_eq!(
        connect(ctx, &chat_id, None, Some(&other.api_key)).err(),
        Some(404)
    );
    assert_eq!(
        connect(ctx, &chat_id, Some("forged"), None).err(),
        Some(401)
    );
    assert_eq!(connect(ctx, &chat_id, None, None).err(), Some(401));
    // A socket on another workspace's chat never hears this one.
    let (their_chat, their_token) = other.chat("theirs");
    let mut theirs = connect(ctx, &their_chat, Some(&their_token), None).expect("their socket");
    ws.post(
        &format!("/v1/chats/{chat_id}/messages"),
        &json!({"text": "secret"}),
    )
    .expect::<Message>(201);
    assert_eq!(next(&mut theirs, Duration::from_millis(800)), None);
}

/// A socket on `/v1/realtime{query}`, or the status the upgrade was refused with.
/// A socket on `/v1/realtime{query}`, with an API key when given; the refusal's status.
/// A websocket upgrade the server answered with an error instead.
#[derive(Debug)]
pub struct Refusal {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: Value,
}

/// Asks to open `/v1/realtime{query}` and reads the whole answer, which must be a
/// refusal. Written by hand because a websocket client hands back only the part of a
/// refusal's body that came with its headers.
pub fn refusal(ctx: &Ctx, query: &str, api_key: Option<&str>) -> Refusal {
    use std::io::{Read, Write};
    let authority = ctx.server.base_url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(authority).expect("connect");
    let auth = api_key.map_or(String::new(), |k| format!("Authorization: Bearer {k}\r\n"));
    let _quiet = crate::client::QUIET
        .read()
        .unwrap_or_else(|e| e.into_inner());
    write!(
        stream,
        "GET /v1/realtime{query} HTTP/1.1\r\nHost: {authority}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\n{auth}\r\n"
    )
    .expect("send");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    let (head, body_at) = loop {
        let n = stream.read(&mut chunk).expect("read the answer");
        assert!(n > 0, "the server closed before answering");
        answer.extend_from_slice(&chunk[..n]);
        if let Some(at) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            break (String::from_utf8_lossy(&answer[..at]).to_string(), at + 4);
        }
    };
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    assert_ne!(status, 101, "the socket was opened, not refused");
    let header = |name: &str| {
        head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let mut more = |answer: &mut Vec<u8>| {
        let n = stream.read(&mut chunk).expect("read the body");
        assert!(n > 0, "the server closed mid-body");
        answer.extend_from_slice(&chunk[..n]);
    };
    let body = match header("content-length").and_then(|l| l.parse::<usize>().ok()) {
        Some(length) => {
            while answer.len() < body_at + length {
                more(&mut answer);
            }
            answer[body_at..body_at + length].to_vec()
        }
        // Chunked: each chunk is its length in hex, CRLF, the bytes, CRLF; 0 ends it.
        None => {
            let (mut body, mut at) = (Vec::new(), body_at);
            loop {
                let line_end = loop {
                    match answer[at..].windows(2).position(|w| w == b"\r\n") {
                        Some(end) => break at + end,
                        None => more(&mut answer),
                    }
                };
                let size = usize::from_str_radix(
                    String::from_utf8_lossy(&answer[at..line_end]).trim(),
                    16,
                )
                .expect("a chunk size");
                if size == 0 {
                    break body;
                }
                while answer.len() < line_end + 2 + size + 2 {
                    more(&mut answer);
                }
                body.extend_from_slice(&answer[line_end + 2..line_end + 2 + size]);
                at = line_end + 2 + size + 2;
            }
        }
    };
    Refusal {
        status,
        retry_after: header("retry-after"),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    }
}

pub fn feed(ctx: &Ctx, query: &str, api_key: Option<&str>) -> Result<Socket, u16> {
    let ws_base = ctx.server.base_url.replacen("http://", "ws://", 1);
    let mut request = format!("{ws_base}/v1/realtime{query}")
        .into_client_request()
        .expect("request");
    if let Some(key) = api_key {
        request.headers_mut().insert(
            "Authorization",
            format!("Bearer {key}").parse().expect("header"),
        );
    }
    let _quiet = crate::client::QUIET
        .read()
        .unwrap_or_else(|e| e.into_inner());
    match tungstenite::connect(request) {
        Ok((socket, _)) => {
            if let MaybeTlsStream::Plain(stream) = socket.get_ref() {
                let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
            }
            Ok(socket)
        }
        Err(tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
        Err(e) => panic!("websocket connect: {e}"),
    }
}

fn ticket(ws: &TestWorkspace) -> String {
    let t: shared_types::realtime::RealtimeTicket =
        ws.post("/v1/realtime/tickets", &json!({})).expect(201);
    t.ticket
}

/// Frames until one of `kind` arrives.
#[track_caller]
pub fn next_of(socket: &mut Socket, kind: &str) -> Value {
    next_of_where(socket, |frame| frame["type"] == kind)
}

/// Frames until one that `wanted` accepts arrives (15 s at most).
#[track_caller]
pub fn next_of_where(socket: &mut Socket, wanted: impl Fn(&Value) -> bool) -> Value {
    let mut seen = Vec::new();
    eventually(
        "a wanted frame",
        Duration::from_secs(15),
        Duration::ZERO,
        || match next(socket, Duration::from_millis(500)) {
            Some(frame) if wanted(&frame) => Ok(frame),
            Some(frame) => {
                seen.push(frame);
                Err(seen.clone())
            }
            None => Err(seen.clone()),
        },
    )
}

#[crate::e2e_test]
fn the_agent_feed_hears_every_chat_of_its_workspace_only(ctx: &Ctx) {
    let ws = ctx.workspace();
    let other = ctx.workspace();
    let mut mine = feed(ctx, &format!("?ticket={}", ticket(&ws)), None).expect("feed");
    assert_eq!(next_of(&mut mine, "presence")["status"], "online");
    let (chat_id, token) = ws.chat("Yangi suhbat");
    let mut theirs = feed(ctx, &format!("?ticket={}", ticket(&other)), None).expect("their feed");
    let created = next_of(&mut mine, "chat.updated");
    assert_eq!(created["chat"]["id"], chat_id.as_str());
    assert_eq!(created["chat"]["status"], "active");
    ws.client
        .post(
            &format!("/v1/visitor/chats/{chat_id}/messages"),
            &token,
            &json!({"text": "Javob kerak"}),
        )
        .expect::<ConversationMessage>(201);
    let message = next_of(&mut mine, "message.created");
    assert_eq!(message["message"]["text"], "Javob kerak");
    let unread = next_of(&mut mine, "chat.updated");
    assert_eq!(unread["chat"]["unread_count"], 2);
    ws.patch(
        &format!("/v1/chats/{chat_id}"),
        &json!({"status": "closed"}),
    )
    .expect::<shared_types::chats::ChatDetail>(200);
    let mut closed = next_of(&mut mine, "chat.updated");
    while closed["chat"]["status"] != "closed" {
        closed = next_of(&mut mine, "chat.updated");
    }
    // Nothing of workspace A reaches B's feed (only B's own presence).
    while let Some(frame) = next(&mut theirs, Duration::from_millis(500)) {
        assert_eq!(frame["type"], "presence", "{frame}");
        assert_eq!(frame["agent_id"], other.owner.id.as_str());
    }
}

#[crate::e2e_test]
fn tickets_are_single_use_and_unforgeable(ctx: &Ctx) {
    let ws = ctx.workspace();
    let t = ticket(&ws);
    assert!(feed(ctx, &format!("?ticket={t}"), None).is_ok());
    assert_eq!(
        feed(ctx, &format!("?ticket={t}"), None).err(),
        Some(401),
        "a used ticket"
    );
    let forged = t.replace("rt2.", "rt2.x");
    assert_eq!(
        feed(ctx, &format!("?ticket={forged}"), None).err(),
        Some(401)
    );
    let resp = ws
        .client
        .send("POST", "/v1/realtime/tickets", &[], Some(&json!({})));
    resp.assert_error(ErrorCode::AuthMissing);
    // Visitors have no workspace feed.
    let token = ws.visitor("Ali");
    assert_eq!(feed(ctx, &format!("?token={token}"), None).err(), Some(404));
}

#[crate::e2e_test]
fn an_agent_with_an_open_feed_is_online_and_goes_offline_after_it_closes(ctx: &Ctx) {
    let ws = ctx.workspace();
    let status = |ws: &TestWorkspace| ws.get("/v1/agents").json()["data"][0]["status"].clone();
    let online_in_widget = |ws: &TestWorkspace| {
        ws.client
            .send("GET", &format!("/v1/public/widgets/{}", ws.id), &[], None)
            .json()["agents_online"]
            .clone()
    };
    assert_eq!(status(&ws), "offline");
    assert_eq!(online_in_widget(&ws), false);
    let mut socket = feed(ctx, &format!("?ticket={}", ticket(&ws)), None).expect("feed");
    let presence = next_of(&mut socket, "presence");
    assert_eq!(presence["status"], "online");
    assert_eq!(status(&ws), "online");
    assert_eq!(online_in_widget(&ws), true);
    socket.close(None).expect("close");
    let _ = socket.flush();
    drop(socket);
    eventually(
        "offline within 30 s of the socket closing",
        Duration::from_secs(30),
        Duration::from_millis(500),
        || {
            let now = status(&ws);
            if now == "offline" {
                Ok(())
            } else {
                Err(now)
            }
        },
    );
    assert_eq!(online_in_widget(&ws), false);
}

/// The texts of the chat's conversation, as the API lists it.
fn conversation(ws: &TestWorkspace, chat_id: &str) -> Vec<String> {
    let page: Value = ws
        .get(&format!("/v1/chats/{chat_id}/messages?limit=100"))
        .expect(200);
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|m| m["text"].as_str().expect("text").to_string())
        .collect()
}

#[crate::e2e_test]
fn a_visitor_sends_over_the_socket_as_through_the_api(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("Salom");
    let mut visitor = connect(ctx, &chat_id, Some(&token), None).expect("visitor socket");
    let mut agent = agent_socket(ctx, &ws, &chat_id);
    let mut inbox = feed(ctx, &format!("?ticket={}", ticket(&ws)), None).expect("feed");
    send(
        &mut visitor,
        json!({"type": "send", "chat_id": chat_id, "ref": "draft-1", "text": format!("  {TRICKY}  ")}),
    );
    let created = next_of(&mut visitor, "message.created");
    assert_eq!(created["message"]["seq"], 2);
    assert_eq!(created["message"]["text"], TRICKY);
    assert_eq!(created["message"]["sender"]["type"], "visitor");
    let sent = next_of(&mut visitor, "sent");
    assert_eq!(sent["ref"], "draft-1");
    assert_eq!(sent["message"]["id"], created["message"]["id"]);
    assert_eq!(
        next_of(&mut agent, "message.created")["message"],
        created["message"]
    );
    assert_eq!(
        next_of(&mut inbox, "message.created")["message"]["text"],
        TRICKY
    );
    assert_eq!(conversation(&ws, &chat_id), ["Salom", TRICKY]);
}

#[crate::e2e_test]
fn a_socket_send_that_is_refused_stores_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("Salom");
    let mut visitor = connect(ctx, &chat_id, Some(&token), None).expect("visitor socket");
    let mut agent = agent_socket(ctx, &ws, &chat_id);
    // An agent's message needs its author's name: agents send through the API.
    send(
        &mut agent,
        json!({"type": "send", "chat_id": chat_id, "ref": "a1", "text": "Javob"}),
    );
    let refused = next_of(&mut agent, "error");
    assert_eq!(refused["code"], ErrorCode::AuthForbidden.code());
    assert_eq!(refused["ref"], "a1");
    for bad in [
        json!({"type": "send", "chat_id": chat_id, "ref": "", "text": "x"}),
        json!({"type": "send", "chat_id": chat_id, "ref": "r".repeat(65), "text": "x"}),
        json!({"type": "send", "chat_id": chat_id, "ref": "r2", "text": "   "}),
        json!({"type": "send", "chat_id": chat_id, "text": "no ref"}),
    ] {
        send(&mut visitor, bad.clone());
        let frame = next_of(&mut visitor, "error");
        assert_eq!(frame["code"], ErrorCode::Validation.code(), "{bad}");
    }
    send(
        &mut visitor,
        json!({"type": "send", "chat_id": "chat_someoneelse", "ref": "r3", "text": "x"}),
    );
    assert_eq!(
        next_of(&mut visitor, "error")["code"],
        ErrorCode::ChatNotFound.code()
    );
    assert_eq!(conversation(&ws, &chat_id), ["Salom"]);
    // The socket still sends.
    send(
        &mut visitor,
        json!({"type": "send", "chat_id": chat_id, "ref": "ok", "text": "Rahmat"}),
    );
    assert_eq!(next_of(&mut visitor, "sent")["ref"], "ok");
    assert_eq!(conversation(&ws, &chat_id), ["Salom", "Rahmat"]);
}
