//! Webhook delivery under a flaky receiver: EVENTS agent messages (message.sent) to a
//! webhook whose receiver answers 500 to FAIL_PERCENT of attempts at random. Reports
//! how many events were accepted, whether any was accepted twice, how many attempts
//! it took, and the time from the API call to the receiver's acceptance (median, p90,
//! p99, max). The retry base is the test harness's 1 s (production: 60 s).
//!
//! `cargo bench -p chatflow-e2e --bench webhooks` (after `bash scripts/build.sh`).
//! `EVENTS=1000 FAIL_PERCENT=30 CHATS=20 SENDERS=4` change the run.

// The harness and client are shared with the end-to-end suites; the bench uses part.
#![allow(dead_code)]

#[path = "../e2e/client.rs"]
mod client;
#[path = "../e2e/harness.rs"]
mod harness;
#[path = "../e2e/receiver.rs"]
mod receiver;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use client::Client;
use receiver::Receiver;
use serde_json::{json, Value};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// xorshift64*: enough randomness to decide failures, no dependency.
fn next_random(state: &AtomicU64) -> u64 {
    let mut x = state.load(Ordering::Relaxed);
    loop {
        let mut y = x;
        y ^= y >> 12;
        y ^= y << 25;
        y ^= y >> 27;
        match state.compare_exchange_weak(x, y, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return y.wrapping_mul(0x2545_F491_4F6C_DD1D),
            Err(now) => x = now,
        }
    }
}

fn main() {
    let events = env_or("EVENTS", 1000) as usize;
    let fail_percent = env_or("FAIL_PERCENT", 30);
    let chats = env_or("CHATS", 20) as usize;
    let senders = env_or("SENDERS", 4) as usize;

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
        | 1;
    let rng = Arc::new(AtomicU64::new(seed));
    let receiver = {
        let rng = Arc::clone(&rng);
        Receiver::start(move |_, _| {
            let fail = next_random(&rng) % 100 < fail_percent;
            (if fail { 500 } else { 200 }, Duration::ZERO)
        })
    };

    let server = harness::TestServer::start_measured();
    let client = Client::new(&server.base_url);
    let ctx = client::Ctx {
        server,
        client: client.clone(),
    };
    let ws = Arc::new(ctx.workspace_named("Webhook benchmark"));
    let hook: Value = ws
        .post(
            "/v1/webhooks",
            &json!({"url": receiver.url, "events": ["message.sent"], "secret": "bench_secret_123"}),
        )
        .expect(201);
    let chat_ids: Vec<String> = (0..chats)
        .map(|i| ws.chat(&format!("chat {i}")).0)
        .collect();

    // message id → when its API call started.
    let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let api_times: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let started = Instant::now();
    let threads: Vec<_> = (0..senders)
        .map(|s| {
            let ws = Arc::clone(&ws);
            let chat_ids = chat_ids.clone();
            let sent = Arc::clone(&sent);
            let api_times = Arc::clone(&api_times);
            std::thread::spawn(move || {
                for n in (s..events).step_by(senders) {
                    let chat = &chat_ids[n % chat_ids.len()];
                    let at = Instant::now();
                    let message: Value = ws
                        .post(
                            &format!("/v1/chats/{chat}/messages"),
                            &json!({"text": format!("message {n}")}),
                        )
                        .expect(201);
                    let took = at.elapsed();
                    let id = message["id"].as_str().expect("message id").to_string();
                    sent.lock().unwrap().insert(id, at);
                    api_times.lock().unwrap().push(took);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("sender thread");
    }
    let sending = started.elapsed();
    println!(
        "sent {events} messages over {chats} chats from {senders} threads in {:.1} s",
        sending.as_secs_f64()
    );

    // Done when every event is accepted, or nothing has happened for longer than the
    // longest retry wait (16 s at the test base) plus batching.
    let mut last_count = 0;
    let mut last_change = Instant::now();
    loop {
        let all = receiver.deliveries();
        let accepted: std::collections::HashSet<String> = all
            .iter()
            .filter(|d| d.accepted())
            .map(|d| {
                d.json()["data"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        if accepted.len() >= events {
            break;
        }
        if all.len() != last_count {
            last_count = all.len();
            last_change = Instant::now();
        }
        if last_change.elapsed() > Duration::from_secs(60) {
            println!("stopped waiting: nothing arrived for 60 s");
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let all = receiver.deliveries();
    let sent = sent.lock().unwrap();
    let mut accepted_per_event: HashMap<String, Vec<&receiver::Delivery>> = HashMap::new();
    for d in all.iter().filter(|d| d.accepted()) {
        let message_id = d.json()["data"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        accepted_per_event.entry(message_id).or_default().push(d);
    }
    let duplicates = accepted_per_event.values().filter(|v| v.len() > 1).count();
    let mut latencies: Vec<Duration> = accepted_per_event
        .iter()
        .filter_map(|(id, ds)| {
            let first = ds.iter().map(|d| d.answered).min()?;
            Some(first.saturating_duration_since(*sent.get(id)?))
        })
        .collect();
    latencies.sort();
    let at = |v: &[Duration], q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    let failed = all.iter().filter(|d| !d.accepted()).count();
    let log: Vec<Value> = ctx
        .exported_rows(&ws.id, "webhook_deliveries")
        .into_iter()
        .filter(|r| r["webhook_id"] == hook["id"])
        .collect();
    let dead = log.iter().filter(|r| r["dead_lettered"] == 1).count();
    let mut api = api_times.lock().unwrap().clone();
    api.sort();

    println!("\nreceiver failing {fail_percent}% of attempts at random, retry base 1 s:");
    println!(
        "accepted events            {} of {events}",
        accepted_per_event.len()
    );
    println!("accepted more than once    {duplicates}");
    println!(
        "attempts                   {} ({} answered 500, {:.1}%)",
        all.len(),
        failed,
        100.0 * failed as f64 / all.len().max(1) as f64
    );
    println!(
        "delivery log               {} rows, {dead} dead letters",
        log.len()
    );
    if !latencies.is_empty() {
        println!(
            "API call → acceptance      median {:.0} ms, p90 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
            at(&latencies, 0.5).as_secs_f64() * 1000.0,
            at(&latencies, 0.9).as_secs_f64() * 1000.0,
            at(&latencies, 0.99).as_secs_f64() * 1000.0,
            latencies.last().unwrap().as_secs_f64() * 1000.0
        );
        let first_try: Vec<Duration> = accepted_per_event
            .iter()
            .filter(|(_, ds)| ds.iter().all(|d| d.attempt == 1))
            .filter_map(|(id, ds)| Some(ds[0].answered.saturating_duration_since(*sent.get(id)?)))
            .collect::<Vec<_>>();
        let mut first_try = first_try;
        first_try.sort();
        if !first_try.is_empty() {
            println!(
                "  accepted at first attempt  {} events, median {:.0} ms",
                first_try.len(),
                at(&first_try, 0.5).as_secs_f64() * 1000.0
            );
        }
    }
    println!(
        "API call (POST message)    median {:.0} ms, p99 {:.0} ms",
        at(&api, 0.5).as_secs_f64() * 1000.0,
        at(&api, 0.99).as_secs_f64() * 1000.0
    );
}
