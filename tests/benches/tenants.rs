//! Many tenants at once, against the worker under `wrangler dev` on this machine:
//! `WORKSPACES` workspaces (8) with `VISITORS` visitors each (20), every visitor sending
//! a message every `EVERY_MS` (500 ms) for `RUN_SECONDS` (20 s): 320 messages a second
//! offered. Prints what was accepted per second, every status that is not 201, the
//! send latency (p50, p99, max) measured from when each message was due, so a slow
//! answer that delays the next send counts against the service, and the CPU seconds the
//! workerd processes spent per 1,000 accepted messages.
//!
//! The same load runs for `WARM_UP_SECONDS` (5) first, then pauses `SETTLE_SECONDS`
//! (2) so what queued drains, and only then is measured; what was due in the warm-up is
//! printed on a line of its own. A fresh isolate runs its wasm on the baseline compiler
//! until the hot functions are optimized, and on 2 cores that start builds a queue
//! that at 85% of the worker's thread takes ten seconds to drain (measured 2026-12-07
//! without a warm-up: every message over 150 ms of a socket run was due in its first
//! 3 s, and of a REST run in its first 16 s). A production isolate is warm.
//!
//! `cargo bench -p chatflow-e2e --bench tenants` (after `bash scripts/build.sh`);
//! `RUN_SECONDS`, `WARM_UP_SECONDS`, `WORKSPACES`, `VISITORS` and `EVERY_MS` change the
//! load.
//! `TRANSPORT=socket` sends each message as a `send` frame on the visitor's socket of
//! its chat instead of `POST /v1/visitor/chats/{id}/messages` (`rest`, the default):
//! "accepted" is then a `sent` answer, and a refusal's code is counted by its status.
//! The sockets open before the run starts (their opening is printed on its own), so
//! the latencies and the CPU are the messages'.
//!
//! A visitor's budget is 120 messages a minute (`domain::rate_limit::VISITOR`), so a
//! visitor sending every 500 ms stays within it for a run under a minute.

// The harness and client are shared with the end-to-end suites; the bench uses part.
#![allow(dead_code)]

#[path = "../e2e/client.rs"]
mod client;
#[path = "../e2e/harness.rs"]
mod harness;
#[path = "support/measure.rs"]
mod measure;

use std::collections::BTreeMap;
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use client::{bearer, Client, Ctx};
use measure::{env_or, ms, percentile};
use serde_json::json;

/// CPU seconds (user + system) each workerd process of `group` has used so far, by pid.
/// `wrangler dev` runs two: the dev proxy in front, and the one that runs the worker and
/// its objects on a single thread, which is what saturates first.
fn workerd_cpu_seconds(group: Option<u32>) -> Option<BTreeMap<u32, f64>> {
    let group = group?;
    // Linux reports times in clock ticks of 1/100 s on every platform this runs on.
    const TICKS_PER_SECOND: f64 = 100.0;
    let mut by_pid = BTreeMap::new();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some((head, rest)) = stat.rsplit_once(") ") else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // After the comm: state(0) ppid(1) pgrp(2) … utime(11) stime(12).
        if fields.get(2).and_then(|p| p.parse().ok()) != Some(group) || !head.contains("(workerd") {
            continue;
        }
        let time = |i: usize| {
            fields
                .get(i)
                .and_then(|t| t.parse::<u64>().ok())
                .unwrap_or(0)
        };
        by_pid.insert(pid, (time(11) + time(12)) as f64 / TICKS_PER_SECOND);
    }
    Some(by_pid)
}

/// One visitor's chat: its id and the visitor's token.
struct Sender {
    chat_id: String,
    token: String,
}

#[derive(Default)]
struct Outcome {
    /// From when each accepted message was due until its 201, after the warm-up.
    latencies: Vec<Duration>,
    /// The same, of the messages due in the warm-up.
    warm_up: Vec<Duration>,
    /// Status → count; 0 is a connection the server dropped.
    statuses: BTreeMap<u16, u64>,
    /// D1 handles the accepted messages took, from their `Server-Timing`.
    d1_handles: u64,
    /// How long each visitor's socket took to open, before the run.
    opened: Vec<Duration>,
    /// The error codes and messages of the 5xx answers, each once, so that a run that
    /// failed some says why.
    failures: std::collections::BTreeSet<String>,
}

/// The `d1;desc="N handles"` entry of a `Server-Timing` header.
fn d1_handles(server_timing: Option<&str>) -> Option<u64> {
    server_timing?
        .split(',')
        .map(str::trim)
        .find_map(|entry| entry.strip_prefix("d1;desc=\""))?
        .split(' ')
        .next()?
        .parse()
        .ok()
}

fn main() {
    let workspaces = env_or("WORKSPACES", 8);
    let visitors = env_or("VISITORS", 20);
    let every = Duration::from_millis(env_or("EVERY_MS", 500) as u64);
    let seconds = env_or("RUN_SECONDS", 20) as u64;
    let warm_up = Duration::from_secs(env_or("WARM_UP_SECONDS", 5) as u64);
    let settle = Duration::from_secs(env_or("SETTLE_SECONDS", 2) as u64);
    let over_socket = match std::env::var("TRANSPORT").as_deref() {
        Ok("socket") => true,
        Ok("rest") | Err(_) => false,
        Ok(other) => panic!("TRANSPORT is rest or socket, not {other}"),
    };
    let server = harness::TestServer::start_measured();
    let client = Client::new(&server.base_url);
    let ctx = Ctx { server, client };

    // Each visitor starts its chat from an address of its own: one address may open
    // only a few sessions a second on a workspace's widget.
    let mut senders = Vec::new();
    for w in 0..workspaces {
        let ws = ctx.workspace_named(&format!("Tenant {w}"));
        for v in 0..visitors {
            let address = format!("10.{w}.{}.{}", v / 250, v % 250 + 1);
            let session = ws.client.send_patiently(
                "POST",
                &format!("/v1/public/widgets/{}/sessions", ws.id),
                &[
                    ("Origin", "https://shop.example"),
                    ("CF-Connecting-IP", &address),
                ],
                Some(&json!({"visitor": {"name": format!("Mehmon {v}")}})),
            );
            assert_eq!(session.status, 201, "{}", session.text);
            let token = session.json()["visitor_token"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let started = ws.client.send_patiently(
                "POST",
                "/v1/visitor/chats",
                &[("Authorization", &bearer(&token))],
                Some(&json!({"text": "Salom"})),
            );
            assert_eq!(started.status, 201, "{}", started.text);
            let chat_id = started.json()["id"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            senders.push(Sender { chat_id, token });
        }
    }
    let offered = senders.len() as f64 * 1000.0 / every.as_millis() as f64;
    println!(
        "{workspaces} workspaces x {visitors} visitors, each sending every {} ms for {seconds} s over {}: {offered:.0} messages/s offered",
        every.as_millis(),
        if over_socket { "the visitor's socket" } else { "the REST API" }
    );

    let outcome = Arc::new(Mutex::new(Outcome::default()));
    let start_line = Arc::new(Barrier::new(senders.len() + 1));
    let mut threads = Vec::new();
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .build();
    let run_for = warm_up + Duration::from_secs(seconds);
    for (i, sender) in senders.into_iter().enumerate() {
        let agent = agent.clone();
        let base_url = ctx.server.base_url.clone();
        let outcome = Arc::clone(&outcome);
        let start_line = Arc::clone(&start_line);
        // Visitors are spread over the interval, as real ones are.
        let offset = every.mul_f64(i as f64 / (workspaces * visitors) as f64);
        threads.push(std::thread::spawn(move || {
            let mut mine = Outcome::default();
            // A visitor's socket is open before its first message, as a widget's is
            // by the time its visitor types: the opening is timed on its own, not
            // charged to the messages.
            let socket = over_socket.then(|| {
                let opening = Instant::now();
                let socket = open_socket(&base_url, &sender);
                mine.opened.push(opening.elapsed());
                socket
            });
            start_line.wait();
            let began = Instant::now() + offset;
            let pace = Pace {
                began,
                every,
                run_for,
                warm_up,
                settle,
            };
            if let Some(socket) = socket {
                match socket {
                    Some(socket) => send_over_socket(socket, &sender, &pace, &mut mine),
                    None => *mine.statuses.entry(0).or_default() += 1,
                }
            } else {
                send_over_rest(&agent, &base_url, &sender, &pace, &mut mine);
            }
            let mut all = outcome.lock().unwrap_or_else(|e| e.into_inner());
            all.latencies.extend(mine.latencies);
            all.warm_up.extend(mine.warm_up);
            all.opened.extend(mine.opened);
            all.d1_handles += mine.d1_handles;
            for (status, n) in mine.statuses {
                *all.statuses.entry(status).or_default() += n;
            }
            all.failures.extend(mine.failures);
        }));
    }
    start_line.wait();
    std::thread::sleep(warm_up + settle);
    let cpu_before = workerd_cpu_seconds(ctx.server.process_group());
    let began = Instant::now();
    for t in threads {
        t.join().expect("sender");
    }
    let elapsed = began.elapsed();
    let cpu_after = workerd_cpu_seconds(ctx.server.process_group());

    let mut outcome = outcome.lock().unwrap_or_else(|e| e.into_inner());
    outcome.latencies.sort();
    outcome.warm_up.sort();
    let accepted = outcome.latencies.len();
    let server_errors: u64 = outcome.statuses.range(500..).map(|(_, n)| n).sum();
    let dropped = outcome.statuses.get(&0).copied().unwrap_or(0);
    println!(
        "  warm-up ({} s, not counted below): {} accepted, latency from due p50 {}  p99 {}  max {}",
        warm_up.as_secs(),
        outcome.warm_up.len(),
        ms(percentile(&outcome.warm_up, 0.5)),
        ms(percentile(&outcome.warm_up, 0.99)),
        ms(outcome.warm_up.last().copied().unwrap_or_default())
    );
    println!(
        "  accepted: {accepted} in {:.1} s = {:.0} messages/s; 5xx: {server_errors}; dropped: {dropped}; statuses (warm-up included): {:?}",
        elapsed.as_secs_f64(),
        accepted as f64 / elapsed.as_secs_f64(),
        outcome.statuses
    );
    for failure in &outcome.failures {
        println!("  a 5xx answered: {failure}");
    }
    if over_socket {
        outcome.opened.sort();
        println!(
            "  sockets opened before the run: {}, p50 {}  max {}",
            outcome.opened.len(),
            ms(percentile(&outcome.opened, 0.5)),
            ms(outcome.opened.last().copied().unwrap_or_default())
        );
        // A frame has no headers to report them in.
        println!("  D1 handles per accepted message: n/a over the socket");
    } else {
        let all = accepted + outcome.warm_up.len();
        println!(
            "  D1 handles per accepted message (warm-up included): {:.2} ({} in {all})",
            outcome.d1_handles as f64 / all.max(1) as f64,
            outcome.d1_handles
        );
    }
    println!(
        "  latency from due: p50 {}  p99 {}  max {}",
        ms(percentile(&outcome.latencies, 0.5)),
        ms(percentile(&outcome.latencies, 0.99)),
        ms(outcome.latencies.last().copied().unwrap_or_default())
    );
    match (cpu_before, cpu_after) {
        (Some(before), Some(after)) if accepted > 0 => {
            let used: Vec<f64> = after
                .iter()
                .map(|(pid, t)| t - before.get(pid).copied().unwrap_or(0.0))
                .collect();
            let total: f64 = used.iter().sum();
            let busiest = used.iter().copied().fold(0.0, f64::max);
            let per_1000 = |s: f64| s * 1000.0 / accepted as f64;
            println!(
                "  workerd CPU: {total:.1} s, {:.2} s per 1,000 accepted messages; the busiest process (the worker's) {busiest:.1} s = {:.0}% of a core, {:.2} s per 1,000",
                per_1000(total),
                busiest * 100.0 / elapsed.as_secs_f64(),
                per_1000(busiest)
            );
        }
        _ => println!("  workerd CPU: n/a (an outside server)"),
    }
}

/// When one sender's messages are due: every `every` from `began`, for `run_for`, the
/// first `warm_up` of it not counted and followed by a pause of `settle`.
struct Pace {
    began: Instant,
    every: Duration,
    run_for: Duration,
    warm_up: Duration,
    settle: Duration,
}

impl Pace {
    /// Sleeps until the `k`th message is due; `None` once the run is over.
    fn wait_for(&self, k: u32) -> Option<Instant> {
        let into = self.every * k;
        if into >= self.run_for {
            return None;
        }
        let due = if into < self.warm_up {
            self.began + into
        } else {
            self.began + into + self.settle
        };
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        Some(due)
    }

    /// Records the latency of an accepted message due at `due`.
    fn accepted(&self, due: Instant, mine: &mut Outcome) {
        let latency = due.elapsed();
        if due.duration_since(self.began) < self.warm_up + self.settle {
            mine.warm_up.push(latency);
        } else {
            mine.latencies.push(latency);
        }
    }
}

fn send_over_rest(
    agent: &ureq::Agent,
    base_url: &str,
    sender: &Sender,
    pace: &Pace,
    mine: &mut Outcome,
) {
    let url = format!("{base_url}/v1/visitor/chats/{}/messages", sender.chat_id);
    let auth = bearer(&sender.token);
    let mut k = 0u32;
    while let Some(due) = pace.wait_for(k) {
        let sent = agent
            .post(&url)
            .set("Authorization", &auth)
            .set("Content-Type", "application/json")
            .send_string(&json!({"text": format!("xabar {k}")}).to_string());
        // A dropped connection is an answer too: status 0.
        let status = match &sent {
            Ok(r) => r.status(),
            Err(ureq::Error::Status(code, _)) => *code,
            Err(ureq::Error::Transport(_)) => 0,
        };
        *mine.statuses.entry(status).or_default() += 1;
        if let Err(ureq::Error::Status(500.., answer)) = sent {
            // The envelope's code and message (never a secret), without the request id.
            let body: serde_json::Value = answer.into_json().unwrap_or_default();
            let error = &body["error"];
            mine.failures.insert(format!(
                "{status} {} {}",
                error["code"], error["message_en"]
            ));
            k += 1;
            continue;
        }
        if status == 201 {
            pace.accepted(due, mine);
            // A count the worker did not report is counted as a call, so a
            // missing header cannot pass for none.
            let timing = sent.as_ref().ok().and_then(|r| r.header("server-timing"));
            mine.d1_handles += d1_handles(timing).unwrap_or(1);
        }
        k += 1;
    }
}

type Socket = tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>;

/// The visitor's socket of its chat; `None` when it does not open.
fn open_socket(base_url: &str, sender: &Sender) -> Option<Socket> {
    let url = format!(
        "{}/v1/realtime?chat_id={}&token={}",
        base_url.replacen("http://", "ws://", 1),
        sender.chat_id,
        sender.token
    );
    tungstenite::connect(url).ok().map(|(socket, _)| socket)
}

/// Each message a `send` frame, answered by `sent` (counted as 201) or by an `error`
/// with its `ref` (counted under the code's status); a socket that breaks counts its
/// unanswered message as dropped (0) and the sender stops.
fn send_over_socket(mut socket: Socket, sender: &Sender, pace: &Pace, mine: &mut Outcome) {
    use tungstenite::Message as Frame;
    let mut k = 0u32;
    'messages: while let Some(due) = pace.wait_for(k) {
        let reference = format!("m{k}");
        let frame = json!({"type": "send", "chat_id": sender.chat_id, "ref": reference, "text": format!("xabar {k}")});
        if socket.send(Frame::text(frame.to_string())).is_err() {
            *mine.statuses.entry(0).or_default() += 1;
            return;
        }
        loop {
            let text = match socket.read() {
                Ok(Frame::Text(text)) => text,
                Ok(_) => continue,
                Err(_) => {
                    *mine.statuses.entry(0).or_default() += 1;
                    return;
                }
            };
            let answer: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            if answer["ref"] != reference.as_str() {
                continue;
            }
            let status = match answer["type"].as_str() {
                Some("sent") => 201,
                _ => answer["code"]
                    .as_str()
                    .and_then(shared_types::error::ErrorCode::from_code)
                    .map_or(500, |code| code.status()),
            };
            *mine.statuses.entry(status).or_default() += 1;
            if status == 201 {
                pace.accepted(due, mine);
            }
            k += 1;
            continue 'messages;
        }
    }
    let _ = socket.close(None);
}
