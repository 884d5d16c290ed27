//! Visitors on the site now, at load: `VISITORS` (1,000) visitors of one workspace on
//! one local server, each changing page every 10 s (`EVERY_MS`) for `RUN_SECONDS` (30
//! s), 100 page views a second, each from an address of its own. An agent's feed socket
//! records when each `visitor.page` frame arrives; the figure is the time from sending
//! the beat to the frame (p50, p99, max), what the console's list waits for. Prints
//! every beat that did not answer 204 and every frame that never came.
//!
//! `cargo bench -p chatflow-e2e --bench visitors_online` (after `bash scripts/build.sh`).

// The harness and client are shared with the end-to-end suites; the bench uses part.
#![allow(dead_code)]

#[path = "../e2e/client.rs"]
mod client;
#[path = "../e2e/harness.rs"]
mod harness;
#[path = "support/measure.rs"]
mod measure;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use client::{bearer, Client, Ctx};
use measure::{env_or, ms, percentile};
use serde_json::{json, Value};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let visitors = env_or("VISITORS", 1000);
    let every = Duration::from_millis(env_or("EVERY_MS", 10_000) as u64);
    let seconds = env_or("RUN_SECONDS", 30) as u64;
    let senders = env_or("SENDERS", 8);
    // Visitors stay online a minute after their last beat, as they do by default (the
    // test harness shortens it to 3 s).
    std::env::set_var("CHATFLOW_VISITOR_OFFLINE_SECONDS", "60");
    let server = harness::TestServer::start_measured();
    let client = Client::new(&server.base_url);
    let ctx = Ctx { server, client };
    let ws = ctx.workspace_named("Busy shop");

    // The agent's feed, read on its own thread: page URL → when its frame came.
    let ws_base = ctx.server.base_url.replacen("http://", "ws://", 1);
    let mut request = tungstenite::client::IntoClientRequest::into_client_request(format!(
        "{ws_base}/v1/realtime"
    ))
    .expect("request");
    request.headers_mut().insert(
        "Authorization",
        bearer(&ws.api_key).parse().expect("header"),
    );
    let (mut socket, _) = tungstenite::connect(request).expect("agent feed");
    let arrived: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let heard = arrived.clone();
    std::thread::spawn(move || loop {
        match socket.read() {
            Ok(tungstenite::Message::Text(text)) => {
                let at = Instant::now();
                let Ok(frame) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                if frame["type"] == "visitor.page" || frame["type"] == "visitor.online" {
                    if let Some(url) = frame["visitor"]["page_url"].as_str() {
                        heard.lock().expect("lock").insert(url.to_string(), at);
                    }
                }
            }
            Ok(_) => {}
            Err(_) => return,
        }
    });

    let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let refused: Arc<Mutex<Vec<u16>>> = Arc::default();
    let base = Instant::now() + Duration::from_secs(1);
    let rounds = seconds * 1000 / every.as_millis().max(1) as u64 + 1;
    let threads: Vec<_> = (0..senders)
        .map(|s| {
            let client = Client::new(&ctx.server.base_url);
            let (sent, refused, id) = (sent.clone(), refused.clone(), ws.id.clone());
            std::thread::spawn(move || {
                // This sender's beats, in the order they are due.
                let mut due: Vec<(Instant, usize, u64)> = (0..visitors)
                    .filter(|v| v % senders == s)
                    .flat_map(|v| {
                        let offset = every.mul_f64(v as f64 / visitors as f64);
                        (0..rounds).map(move |k| (base + offset + every * k as u32, v, k))
                    })
                    .collect();
                due.sort();
                for (at, v, k) in due {
                    if let Some(wait) = at.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    let url = format!("https://shop.example/p/{v}/{k}");
                    let address = format!("10.{}.{}.{}", v / 62500, v / 250 % 250, v % 250 + 1);
                    let body = json!({
                        "presence_id": format!("pv_{:020}", v),
                        "kind": "view",
                        "page_url": url,
                        "page_title": format!("Sahifa {k}"),
                    });
                    let began = Instant::now();
                    let resp = client.send(
                        "POST",
                        &format!("/v1/public/widgets/{id}/presence"),
                        &[
                            ("Origin", "https://shop.example"),
                            ("CF-Connecting-IP", &address),
                        ],
                        Some(&body),
                    );
                    if resp.status == 204 {
                        sent.lock().expect("lock").insert(url, began);
                    } else {
                        refused.lock().expect("lock").push(resp.status);
                    }
                }
            })
        })
        .collect();
    // Halfway through, everyone is on the site.
    if let Some(wait) =
        (base + Duration::from_secs(seconds / 2)).checked_duration_since(Instant::now())
    {
        std::thread::sleep(wait);
    }
    let listing = Instant::now();
    let online = ws.get("/v1/visitors/online").json()["data"]
        .as_array()
        .map_or(0, Vec::len);
    let listed_in = listing.elapsed();
    for t in threads {
        let _ = t.join();
    }
    std::thread::sleep(Duration::from_secs(2));

    let sent = sent.lock().expect("lock");
    let arrived = arrived.lock().expect("lock");
    let mut latencies: Vec<Duration> = Vec::new();
    let mut missing = 0;
    for (url, began) in sent.iter() {
        match arrived.get(url) {
            Some(at) => latencies.push(at.saturating_duration_since(*began)),
            None => missing += 1,
        }
    }
    latencies.sort();
    let refused = refused.lock().expect("lock");
    println!(
        "{visitors} visitors, a page every {} s each, for {seconds} s: {} beats answered 204, {} refused {:?}",
        every.as_secs(),
        sent.len(),
        refused.len(),
        refused.iter().take(5).collect::<Vec<_>>()
    );
    println!(
        "beat sent -> visitor.page on the agent's feed: p50 {}, p99 {}, max {} (goal p99 <= 100 ms); {missing} frames never came",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
    );
    println!(
        "GET /v1/visitors/online halfway: {online} listed (at most 500) in {}",
        ms(listed_in)
    );
}
