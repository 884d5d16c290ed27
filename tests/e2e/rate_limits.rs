//! Rate limits as the spec sets them: 100 requests a minute and 20 a second per API key,
//! exact across isolates; `X-RateLimit-*` on every authenticated response; 429 RATE-001
//! with a `Retry-After` after which the request succeeds. Visitors and session creation
//! have budgets of their own.

use std::sync::Barrier;
use std::time::{Duration, Instant};

use serde_json::json;
use shared_types::error::ErrorCode;

use crate::client::{bearer, Ctx, Resp, TestWorkspace};

fn header_num(resp: &Resp, name: &str) -> i64 {
    resp.header(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} missing or not a number: {:?}", resp.headers))
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

#[crate::e2e_test]
fn a_key_gets_exactly_100_requests_a_minute_and_retry_after_is_honest(ctx: &Ctx) {
    let ws = ctx.workspace();
    let key = ws.extra_key();
    let get = || ws.client.impatient().get("/v1/chats", &key);
    let started = Instant::now();
    let mut ok = 0;
    let mut refused = None;
    // 150 requests, 60 ms apart: never 20 in a second, so only the minute limit bites.
    for i in 0..150 {
        let resp = get();
        match resp.status {
            200 => {
                assert_eq!(header_num(&resp, "x-ratelimit-limit"), 100);
                assert_eq!(header_num(&resp, "x-ratelimit-remaining"), 99 - ok);
                let reset = header_num(&resp, "x-ratelimit-reset");
                assert!(
                    (unix_now() - 1..=unix_now() + 61).contains(&reset),
                    "reset {reset} is within the minute"
                );
                ok += 1;
            }
            429 => {
                resp.assert_error(ErrorCode::RateLimited);
                assert_eq!(header_num(&resp, "x-ratelimit-remaining"), 0);
                refused.get_or_insert(resp);
            }
            s => panic!("request {i}: status {s}: {}", resp.text),
        }
        std::thread::sleep(Duration::from_millis(60));
    }
    assert!(
        started.elapsed() < Duration::from_secs(55),
        "the run fits in a minute"
    );
    assert_eq!(ok, 100, "exactly 100 of 150 succeed");

    // A refused write changes nothing.
    let create = ws.client.impatient().post(
        "/v1/agents",
        &key,
        &json!({"name": "Vali", "email": "vali@example.com", "role": "operator"}),
    );
    create.assert_error(ErrorCode::RateLimited);
    let retry_after = header_num(&create, "retry-after");
    assert!(
        (1..=60).contains(&retry_after),
        "Retry-After {retry_after} is at most the window"
    );
    let refused = refused.expect("some were refused");
    assert!(header_num(&refused, "retry-after") >= retry_after);

    std::thread::sleep(Duration::from_secs(retry_after as u64));
    let after = get();
    assert_eq!(
        after.status, 200,
        "retrying after Retry-After succeeds: {}",
        after.text
    );
    let agents = ws.get("/v1/agents").json();
    assert_eq!(agents["data"].as_array().map(Vec::len), Some(1), "{agents}");
}

/// Fires `n` requests at once; the statuses.
fn burst(n: usize, send: impl Fn() -> Resp + Sync) -> Vec<Resp> {
    let barrier = Barrier::new(n);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    send()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("request thread"))
            .collect()
    })
}

/// A burst of `n` that the server received within one second, so a per-second limit
/// decides every request of it. The server saw each request between the first send and
/// the last answer; when a loaded machine stretched that past a second, the burst did
/// not test the second's limit, and a new one is fired on a fresh budget (`fresh`
/// makes it) rather than judged. `Err` after three stretched bursts.
fn burst_within_a_second<B: Sync>(
    n: usize,
    fresh: impl Fn() -> B,
    send: impl Fn(&B) -> Resp + Sync,
) -> (B, Vec<Resp>) {
    let mut spans = Vec::new();
    for _ in 0..3 {
        let budget = fresh();
        let started = Instant::now();
        let replies = burst(n, || send(&budget));
        let span = started.elapsed();
        if span < Duration::from_secs(1) {
            return (budget, replies);
        }
        spans.push(span);
    }
    panic!("no burst of {n} reached the server within a second: {spans:?}");
}

#[crate::e2e_test]
fn forty_concurrent_requests_get_exactly_the_burst_of_20(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (key, replies) = burst_within_a_second(
        40,
        || ws.extra_key(),
        |key| ws.client.impatient().get("/v1/chats", key),
    );
    let ok = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(ok, 20, "exactly the burst succeeds");
    for r in replies.iter().filter(|r| r.status != 200) {
        r.assert_error(ErrorCode::RateLimited);
        assert_eq!(header_num(r, "retry-after"), 1);
    }
    std::thread::sleep(Duration::from_secs(1));
    let again = ws.client.impatient().get("/v1/chats", &key);
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(header_num(&again, "x-ratelimit-remaining"), 79);
}

/// A key's read of the workspace (`/v1/chats`) spends inside its call into the
/// workspace's object, a read of the directory (`/v1/agents`) beside it, a write before
/// its handler: one budget, one request each. Once it is spent, each of the three is
/// RATE-001, and the refused write made nothing.
#[crate::e2e_test]
fn reads_and_writes_spend_one_budget_however_they_reach_it(ctx: &Ctx) {
    let ws = ctx.workspace();
    let key = ws.extra_key();
    let client = ws.client.impatient();
    let remaining = |resp: &Resp| {
        assert!(resp.status < 300, "{}: {}", resp.status, resp.text);
        header_num(resp, "x-ratelimit-remaining")
    };
    let canned = |shortcut: &str| {
        client.post(
            "/v1/canned-responses",
            &key,
            &json!({"shortcut": shortcut, "title": "Salom", "text": "Salom!"}),
        )
    };
    assert_eq!(remaining(&client.get("/v1/chats", &key)), 99);
    assert_eq!(remaining(&client.get("/v1/agents", &key)), 98);
    assert_eq!(remaining(&canned("salom")), 97);
    assert_eq!(remaining(&client.get("/v1/chats", &key)), 96);
    // The rest of the minute, 60 ms apart (never 20 in a second), both reads in turn.
    for left in (0..96).rev() {
        let path = if left % 2 == 0 {
            "/v1/chats"
        } else {
            "/v1/agents"
        };
        assert_eq!(remaining(&client.get(path, &key)), left, "{path}");
        std::thread::sleep(Duration::from_millis(60));
    }
    for refused in [
        client.get("/v1/chats", &key),
        client.get("/v1/agents", &key),
        canned("xayr"),
    ] {
        refused.assert_error(ErrorCode::RateLimited);
        assert_eq!(header_num(&refused, "x-ratelimit-remaining"), 0);
        assert!(
            header_num(&refused, "retry-after") >= 1,
            "{:?}",
            refused.headers
        );
    }
    let shortcuts: Vec<serde_json::Value> = ws.get("/v1/canned-responses").json()["data"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|c| c["shortcut"].clone())
        .collect();
    assert_eq!(
        shortcuts,
        [json!("salom")],
        "the refused write made nothing"
    );
}

#[crate::e2e_test]
fn two_keys_do_not_share_a_budget(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (a, b) = (ws.extra_key(), ws.extra_key());
    for _ in 0..5 {
        assert_eq!(ws.client.impatient().get("/v1/chats", &a).status, 200);
    }
    let first_of_b = ws.client.impatient().get("/v1/chats", &b);
    assert_eq!(header_num(&first_of_b, "x-ratelimit-remaining"), 99);
    let sixth_of_a = ws.client.impatient().get("/v1/chats", &a);
    assert_eq!(header_num(&sixth_of_a, "x-ratelimit-remaining"), 94);
}

fn visitor_post(ws: &TestWorkspace, token: &str, chat_id: &str, text: &str) -> Resp {
    ws.client.impatient().send(
        "POST",
        &format!("/v1/visitor/chats/{chat_id}/messages"),
        &[
            ("Authorization", &bearer(token)),
            ("Origin", "https://shop.example"),
        ],
        Some(&json!({ "text": text })),
    )
}

#[crate::e2e_test]
fn a_flooding_visitor_is_slowed_down_but_the_workspace_is_not(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (other_chat, other_token) = ws.chat("Assalomu alaykum");
    let ((chat_id, _), replies) = burst_within_a_second(
        25,
        || ws.chat("Salom"),
        |(chat_id, token)| visitor_post(&ws, token, chat_id, "spam"),
    );
    let stored = replies.iter().filter(|r| r.status == 201).count();
    assert!(stored <= 10, "at most 10 a second, got {stored}");
    let refused = replies
        .iter()
        .find(|r| r.status == 429)
        .expect("the flood is refused");
    refused.assert_error(ErrorCode::RateLimited);
    assert!(header_num(refused, "retry-after") >= 1);
    assert_eq!(
        refused.header("access-control-allow-origin"),
        Some("https://shop.example"),
        "the widget can read the refusal"
    );
    // Only the accepted messages exist; other visitors and the agents are unaffected.
    let messages = ws.get(&format!("/v1/chats/{chat_id}/messages")).json();
    assert_eq!(
        messages["data"].as_array().map(Vec::len),
        Some(1 + stored),
        "{messages}"
    );
    assert_eq!(
        visitor_post(&ws, &other_token, &other_chat, "hi").status,
        201
    );
    assert_eq!(ws.get("/v1/chats").status, 200);
}

/// The object spends a visitor's budget in the step that stores their message; a
/// message refused before it gets there spends all the same, and each answer says so.
#[crate::e2e_test]
fn every_visitor_message_spends_one_whether_stored_or_refused(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("Salom");
    let other = ctx.workspace();
    let (foreign_chat, _) = other.chat("Boshqa do'kon");
    let remaining = |resp: &Resp| {
        assert_eq!(
            header_num(resp, "x-ratelimit-limit"),
            120,
            "{:?}",
            resp.headers
        );
        header_num(resp, "x-ratelimit-reset");
        header_num(resp, "x-ratelimit-remaining")
    };
    let stored = visitor_post(&ws, &token, &chat_id, "Narxi qancha?");
    assert_eq!(stored.status, 201, "{}", stored.text);
    let first = remaining(&stored);

    let path = format!("/v1/visitor/chats/{chat_id}/messages");
    let invalid = ws.client.impatient().send(
        "POST",
        &path,
        &[
            ("Authorization", &bearer(&token)),
            ("Origin", "https://shop.example"),
        ],
        Some(&json!({ "text": 42 })),
    );
    invalid.assert_error(ErrorCode::Validation);
    assert_eq!(remaining(&invalid), first - 1, "a malformed body spends");

    let elsewhere = visitor_post(&ws, &token, &foreign_chat, "Salom");
    elsewhere.assert_error(ErrorCode::ChatNotFound);
    assert_eq!(
        remaining(&elsewhere),
        first - 2,
        "another workspace's chat spends"
    );

    let again = visitor_post(&ws, &token, &chat_id, "Yetkazib berasizmi?");
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(remaining(&again), first - 3);
    // Only the two accepted messages were added to the chat's first one.
    assert_eq!(own_messages(&ws.client, &ws, &chat_id), 3);
    assert_eq!(own_messages(&other.client, &other, &foreign_chat), 1);
}

#[crate::e2e_test]
fn one_address_cannot_mint_sessions_without_end(ctx: &Ctx) {
    let ws = ctx.workspace();
    let path = format!("/v1/public/widgets/{}/sessions", ws.id);
    // Each burst comes from an address of its own, so a stretched one spends nothing
    // of the next one's budget.
    let attempt = std::sync::atomic::AtomicU8::new(0);
    let (_, replies) = burst_within_a_second(
        12,
        || {
            let n = attempt.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            format!("192.0.2.{}", n + 1)
        },
        |address| {
            ws.client.impatient().send(
                "POST",
                &path,
                &[
                    ("Origin", "https://shop.example"),
                    ("CF-Connecting-IP", address),
                ],
                Some(&json!({"visitor": {"name": "Bot"}})),
            )
        },
    );
    let made = replies.iter().filter(|r| r.status == 201).count();
    assert!(
        (1..=5).contains(&made),
        "at most 5 sessions a second, got {made}"
    );
    replies
        .iter()
        .find(|r| r.status == 429)
        .expect("the rest are refused")
        .assert_error(ErrorCode::RateLimited);
    // Another workspace's widget on the same address has its own budget.
    let other = ctx.workspace();
    assert!(!other.visitor("Ali").is_empty());
}

/// Every Durable Object is gone when the server stops; the budget is in the limiter's
/// storage, so a new server (new isolates, new objects) on the same state goes on
/// counting where the old one stopped.
#[crate::e2e_test]
fn the_budget_survives_a_restart_of_every_object(_ctx: &Ctx) {
    let server = crate::harness::TestServer::start();
    let client = crate::client::Client::new(&server.base_url).impatient();
    let mut own = Ctx { server, client };
    let ws = own.workspace();
    for _ in 0..5 {
        assert_eq!(own.client.get("/v1/chats", &ws.api_key).status, 200);
    }
    own.server.restart();
    let client = crate::client::Client::new(&own.server.base_url).impatient();
    let after = client.get("/v1/chats", &ws.api_key);
    assert_eq!(after.status, 200, "{}", after.text);
    assert_eq!(
        header_num(&after, "x-ratelimit-remaining"),
        94,
        "the sixth request of the minute, counted across the restart"
    );
}

/// A visitor's socket messages and REST requests spend one budget, which their
/// workspace's object keeps: a new server on the same state goes on counting both.
#[crate::e2e_test]
fn a_visitors_socket_and_requests_spend_one_budget_that_survives_a_restart(_ctx: &Ctx) {
    use crate::realtime::{connect, next_of, send};
    let server = crate::harness::TestServer::start();
    let client = crate::client::Client::new(&server.base_url).impatient();
    let mut own = Ctx { server, client };
    let ws = own.workspace();
    let (chat_id, token) = ws.chat("Salom");
    let path = format!("/v1/visitor/chats/{chat_id}/messages");
    let read = |client: &crate::client::Client| {
        let resp = client.send(
            "GET",
            &path,
            &[
                ("Authorization", &bearer(&token)),
                ("Origin", "https://shop.example"),
            ],
            None,
        );
        assert_eq!(resp.status, 200, "{}", resp.text);
        assert_eq!(header_num(&resp, "x-ratelimit-limit"), 120);
        header_num(&resp, "x-ratelimit-remaining")
    };
    let before = read(&own.client);
    let mut socket = connect(&own, &chat_id, Some(&token), None).expect("visitor socket");
    for i in 0..3 {
        let frame =
            json!({"type": "send", "chat_id": chat_id, "ref": format!("m{i}"), "text": "Narxi?"});
        send(&mut socket, frame);
        assert_eq!(next_of(&mut socket, "sent")["ref"], format!("m{i}"));
    }
    assert_eq!(
        read(&own.client),
        before - 4,
        "three messages and this read"
    );
    drop(socket);
    own.server.restart();
    let client = crate::client::Client::new(&own.server.base_url).impatient();
    assert_eq!(read(&client), before - 5, "counted across the restart");
    let messages = own_messages(&client, &ws, &chat_id);
    assert_eq!(messages, 4, "the first message and the three sent");
}

fn own_messages(client: &crate::client::Client, ws: &TestWorkspace, chat_id: &str) -> usize {
    let resp = client.get(&format!("/v1/chats/{chat_id}/messages"), &ws.api_key);
    assert_eq!(resp.status, 200, "{}", resp.text);
    resp.json()["data"].as_array().map_or(0, Vec::len)
}
