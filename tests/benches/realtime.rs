//! Real-time numbers on loopback, against the worker under `wrangler dev`:
//!
//! 1. Send-to-receive latency: an agent's `POST /v1/chats/{id}/messages` until the
//!    visitor's socket has the `message.created` frame, over `MESSAGES` messages (p50,
//!    p99), with the REST call's own time beside it.
//! 2. Capacity: `SOCKETS` visitor sockets open at once over `CHATS` chats; one message
//!    to every chat must reach every socket; prints the time that took and the memory
//!    (RSS) of the workerd processes before and after.
//!
//! `cargo bench -p chatflow-e2e --bench realtime` (after `bash scripts/build.sh`).

// The harness and client are shared with the end-to-end suites; the bench uses part.
#![allow(dead_code)]

#[path = "../e2e/client.rs"]
mod client;
#[path = "../e2e/harness.rs"]
mod harness;

use std::net::TcpStream;
use std::time::{Duration, Instant};

use client::{Client, Ctx};
use serde_json::{json, Value};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message as Frame, WebSocket};

type Socket = WebSocket<MaybeTlsStream<TcpStream>>;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn visitor_socket(ctx: &Ctx, chat_id: &str, token: &str) -> Socket {
    let ws_base = ctx.server.base_url.replacen("http://", "ws://", 1);
    let (socket, _) = tungstenite::connect(format!(
        "{ws_base}/v1/realtime?chat_id={chat_id}&token={token}"
    ))
    .expect("visitor socket");
    if let MaybeTlsStream::Plain(stream) = socket.get_ref() {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
    }
    socket
}

/// The next `message.created` frame's message id.
fn next_message(socket: &mut Socket) -> String {
    loop {
        match socket.read().expect("a frame within 10 s") {
            Frame::Text(text) => {
                let frame: Value = serde_json::from_str(&text).expect("json");
                if frame["type"] == "message.created" {
                    return frame["message"]["id"].as_str().unwrap_or_default().into();
                }
            }
            _ => continue,
        }
    }
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Resident memory of the workerd processes in `group`, in MiB.
fn workerd_rss_mib(group: Option<u32>) -> Option<f64> {
    let group = group?;
    let mut kib = 0u64;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let path = entry.path();
        let Ok(stat) = std::fs::read_to_string(path.join("stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp …; comm may contain spaces, so split after ')'.
        let Some((head, rest)) = stat.rsplit_once(") ") else {
            continue;
        };
        let pgrp = rest.split_whitespace().nth(2).and_then(|p| p.parse().ok());
        if pgrp != Some(group) || !head.contains("(workerd") {
            continue;
        }
        let status = std::fs::read_to_string(path.join("status")).unwrap_or_default();
        kib += status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .unwrap_or(0);
    }
    Some(kib as f64 / 1024.0)
}

fn latency(ctx: &Ctx, messages: usize) {
    let ws = ctx.workspace_named("Latency");
    let (chat_id, token) = ws.chat("Salom");
    let mut socket = visitor_socket(ctx, &chat_id, &token);
    // Frames are timed on arrival by their own thread, so the wait for the REST
    // response does not count against the socket.
    let (arrivals, arrived) = std::sync::mpsc::channel::<(String, Instant)>();
    let total = messages + 20;
    let reader = std::thread::spawn(move || {
        for _ in 0..total {
            let id = next_message(&mut socket);
            let _ = arrivals.send((id, Instant::now()));
        }
    });
    let path = format!("/v1/chats/{chat_id}/messages");
    // One API key may send 100 a minute (20 a second): keys take turns.
    let keys: Vec<String> = (0..total / 50 + 2).map(|_| ws.extra_key()).collect();
    let mut receive = Vec::with_capacity(messages);
    let mut rest = Vec::with_capacity(messages);
    for i in 0..total {
        let start = Instant::now();
        let resp = ws.client.post(
            &path,
            &keys[i % keys.len()],
            &json!({"text": format!("javob {i}")}),
        );
        let answered = start.elapsed();
        assert_eq!(resp.status, 201, "{}", resp.text);
        let id = resp.json()["id"].as_str().unwrap_or_default().to_string();
        let (got, at) = arrived
            .recv_timeout(Duration::from_secs(10))
            .expect("the frame arrives");
        assert_eq!(got, id, "frames arrive in order");
        // The first few warm the isolate and the room.
        if i >= 20 {
            receive.push(at.duration_since(start));
            rest.push(answered);
        }
    }
    reader.join().expect("reader");
    receive.sort();
    rest.sort();
    println!("send-to-receive over {messages} messages (agent REST send -> visitor socket):");
    println!(
        "  frame received: p50 {}  p99 {}  max {}",
        ms(percentile(&receive, 0.5)),
        ms(percentile(&receive, 0.99)),
        ms(*receive.last().unwrap_or(&Duration::ZERO))
    );
    println!(
        "  REST response:  p50 {}  p99 {}",
        ms(percentile(&rest, 0.5)),
        ms(percentile(&rest, 0.99))
    );
}

fn capacity(ctx: &Ctx, sockets: usize, chats: usize) {
    let before = workerd_rss_mib(ctx.server.process_group());
    // A workspace per 10 chats: one address may start 30 visitor sessions a minute on
    // one workspace's widget.
    let workspaces: Vec<_> = (0..chats.div_ceil(10))
        .map(|_| ctx.workspace_named("Capacity"))
        .collect();
    let rooms: Vec<(String, String)> = (0..chats)
        .map(|i| workspaces[i / 10].chat("Salom"))
        .collect();
    let started = Instant::now();
    let mut open: Vec<(usize, Socket)> = (0..sockets)
        .map(|i| {
            let (chat_id, token) = &rooms[i % chats];
            (i % chats, visitor_socket(ctx, chat_id, token))
        })
        .collect();
    let connected = started.elapsed();
    let held = workerd_rss_mib(ctx.server.process_group());
    let started = Instant::now();
    let sent: Vec<String> = rooms
        .iter()
        .enumerate()
        .map(|(i, (chat_id, _))| {
            let resp = workspaces[i / 10].post(
                &format!("/v1/chats/{chat_id}/messages"),
                &json!({"text": "hammaga salom"}),
            );
            assert_eq!(resp.status, 201, "{}", resp.text);
            resp.json()["id"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    for (room, socket) in &mut open {
        assert_eq!(next_message(socket), sent[*room], "every socket receives");
    }
    let delivered = started.elapsed();
    let after = workerd_rss_mib(ctx.server.process_group());
    println!("{sockets} visitor sockets over {chats} chats, all open at once:");
    println!("  connected in {:.1} s", connected.as_secs_f64());
    println!(
        "  one message to each chat reached all {sockets} sockets in {:.1} s",
        delivered.as_secs_f64()
    );
    let mib = |m: Option<f64>| m.map_or("n/a".into(), |m| format!("{m:.0} MiB"));
    println!(
        "  workerd RSS: {} before, {} with the sockets open, {} after delivery",
        mib(before),
        mib(held),
        mib(after)
    );
    for (_, mut socket) in open {
        let _ = socket.close(None);
    }
}

fn main() {
    let messages = env_or("MESSAGES", 1000);
    let sockets = env_or("SOCKETS", 1000);
    let chats = env_or("CHATS", 100);
    let server = harness::TestServer::start_measured();
    let client = Client::new(&server.base_url);
    let ctx = Ctx { server, client };
    latency(&ctx, messages);
    capacity(&ctx, sockets, chats);
}
