//! What an agent's rate budget costs a request. The budget is the workspace object's
//! (`services::budgets`): `GET /v1/chats` spends it inside its own call into that object,
//! and `GET /v1/agents`, which reads the directory first, spends it in a call of its own
//! beside the handler. Every response says how long the key's lookup took, and a budget
//! spent in a call of its own how long that took (`Server-Timing: auth;dur=…,
//! ratelimit;dur=…`), so one run gives both requests' latency and the separate check's
//! cost, side by side.
//!
//! It also compares the key lookup itself (`auth`) when the key's copy is at hand (every
//! use after the first in a minute) with a key's first use, which reads D1 and writes
//! the copy.
//!
//! `cargo bench -p chatflow-e2e --bench rate_limit_cost` (after `bash scripts/build.sh`).
//! `SAMPLES=1000` changes the length of the run.

// The harness and client are shared with the end-to-end suites; the bench uses part.
#![allow(dead_code)]

#[path = "../e2e/client.rs"]
mod client;
#[path = "../e2e/harness.rs"]
mod harness;

use std::time::{Duration, Instant};

use client::{Client, Ctx};

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let samples: usize = std::env::var("SAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let server = harness::TestServer::start_measured();
    let client = Client::new(&server.base_url);
    let ctx = Ctx {
        server,
        client: client.clone(),
    };
    let ws = ctx.workspace_named("Limiter");
    for _ in 0..20 {
        ws.chat("Salom");
    }
    // One key may make 100 requests a minute (two a round here); use keys in turn so none
    // is refused.
    let keys: Vec<String> = (0..samples / 25 + 2).map(|_| ws.extra_key()).collect();
    let mut chats = Vec::with_capacity(samples);
    let mut agents = Vec::with_capacity(samples);
    let mut check = Vec::with_capacity(samples);
    let mut copied = Vec::with_capacity(samples);
    for i in 0..samples + 50 {
        let key = &keys[i % keys.len()];
        let start = Instant::now();
        let resp = client.get("/v1/chats", key);
        let chats_ms = start.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(resp.status, 200, "{}", resp.text);
        assert_eq!(
            timing(&resp, "ratelimit"),
            None,
            "GET /v1/chats spends inside its object call"
        );
        let auth = timing(&resp, "auth").expect("the key's lookup is timed");
        let start = Instant::now();
        let resp = client.get("/v1/agents", key);
        let agents_ms = start.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(resp.status, 200, "{}", resp.text);
        let limiter = timing(&resp, "ratelimit").expect("GET /v1/agents spends beside");
        if i >= 50 {
            chats.push(chats_ms);
            agents.push(agents_ms);
            check.push(limiter);
            copied.push(auth);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    // A key's first use: D1 answers, and the copy is written before the response.
    let mut first_use = Vec::new();
    for _ in 0..30 {
        let key = ws.extra_key();
        let resp = client.get("/v1/chats", &key);
        assert_eq!(resp.status, 200, "{}", resp.text);
        first_use.push(timing(&resp, "auth").expect("the key's lookup is timed"));
    }
    let mean = check.iter().sum::<f64>() / check.len() as f64;
    println!("{samples} sequential pairs on loopback, one key's budget:");
    println!(
        "  GET /v1/chats, budget inside its object call: median {:.2} ms",
        median(&mut chats)
    );
    println!(
        "  GET /v1/agents, budget in a call beside it:   median {:.2} ms",
        median(&mut agents)
    );
    println!(
        "  that separate check:  median {:.2} ms, mean {:.2} ms (worker clock, 1 ms steps)",
        median(&mut check),
        mean
    );
    println!(
        "  key lookup, copy at hand:       median {:.2} ms (worker clock)",
        median(&mut copied)
    );
    println!(
        "  key lookup, first use (D1+KV): median {:.2} ms over {} keys",
        median(&mut first_use),
        first_use.len()
    );
}

/// A `Server-Timing` entry of the response, in ms.
fn timing(resp: &client::Resp, name: &str) -> Option<f64> {
    resp.header("server-timing").and_then(|v| {
        v.split(", ")
            .find_map(|t| t.strip_prefix(name)?.strip_prefix(";dur="))
            .and_then(|v| v.parse().ok())
    })
}
