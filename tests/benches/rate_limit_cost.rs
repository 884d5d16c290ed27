//! What the rate limiter costs a request: `GET /v1/chats` with its API key's budget
//! checked by the `RateLimiter` Durable Object while D1 looks the key up. Every response
//! says how long each took (`Server-Timing: auth;dur=…, ratelimit;dur=…`); the limiter
//! adds only the part of its check that outlasts the lookup, so one run gives the
//! request's latency with the limiter and without it (less that part), side by side.
//!
//! It also compares the key lookup itself (`auth`) when the key's copy is in KV (every
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
    // One key may make 100 requests a minute; use keys in turn so none is refused.
    let keys: Vec<String> = (0..samples / 50 + 2).map(|_| ws.extra_key()).collect();
    let mut with = Vec::with_capacity(samples);
    let mut check = Vec::with_capacity(samples);
    let mut without = Vec::with_capacity(samples);
    let mut copied = Vec::with_capacity(samples);
    for i in 0..samples + 50 {
        let start = Instant::now();
        let resp = client.get("/v1/chats", &keys[i % keys.len()]);
        let total = start.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(resp.status, 200, "{}", resp.text);
        let (auth, limiter) = (timing(&resp, "auth"), timing(&resp, "ratelimit"));
        if i >= 50 {
            with.push(total);
            check.push(limiter);
            without.push(total - (limiter - auth).max(0.0));
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
        first_use.push(timing(&resp, "auth"));
    }
    let mean = check.iter().sum::<f64>() / check.len() as f64;
    println!("GET /v1/chats, {samples} sequential requests on loopback:");
    println!("  with the limiter:    median {:.2} ms", median(&mut with));
    println!(
        "  without the limiter: median {:.2} ms",
        median(&mut without)
    );
    println!(
        "  the check itself:    median {:.2} ms, mean {:.2} ms, beside the key lookup (worker clock, 1 ms steps)",
        median(&mut check),
        mean
    );
    println!(
        "  key lookup, copy in KV:        median {:.2} ms (worker clock)",
        median(&mut copied)
    );
    println!(
        "  key lookup, first use (D1+KV): median {:.2} ms over {} keys",
        median(&mut first_use),
        first_use.len()
    );
}

/// A `Server-Timing` entry of the response, in ms.
fn timing(resp: &client::Resp, name: &str) -> f64 {
    resp.header("server-timing")
        .and_then(|v| {
            v.split(", ")
                .find_map(|t| t.strip_prefix(name)?.strip_prefix(";dur="))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("Server-Timing {name}: {:?}", resp.headers))
}
