//! What automatic assignment adds to starting a chat: `POST /v1/visitor/chats` timed in
//! two workspaces side by side, each with three agents online on their feed sockets,
//! one assigning by hand (`manual`) and one `round_robin`, requests alternating between
//! them so the machine's drift falls on both alike. Prints the medians, p90s and the
//! difference, and checks every chat of the second was given to an agent.
//!
//! `cargo bench -p chatflow-e2e --bench assignment` (after `bash scripts/build.sh`).
//! `CHATS=200` changes the length of the run (per workspace; 20 visitors each).

// The harness and client are shared with the end-to-end suites; the bench uses part.
#![allow(dead_code)]

#[path = "../e2e/client.rs"]
mod client;
#[path = "../e2e/harness.rs"]
mod harness;

use std::time::{Duration, Instant};

use client::{bearer, Client, Ctx, TestWorkspace};
use serde_json::{json, Value};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

type Socket = tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>;

/// Three operators with their feeds open: online.
fn three_online(ctx: &Ctx, ws: &TestWorkspace) -> Vec<Socket> {
    (0..3)
        .map(|i| {
            let agent: Value = ws
                .post(
                    "/v1/agents",
                    &json!({"name": format!("Agent {i}"), "email": format!("a{i}.{}@bench.example", ws.id.to_lowercase())}),
                )
                .expect(201);
            let key: Value = ws
                .post("/v1/api-keys", &json!({"name": "bench", "agent_id": agent["id"]}))
                .expect(201);
            let key = key["key"].as_str().unwrap_or_default().to_string();
            let ws_base = ctx.server.base_url.replacen("http://", "ws://", 1);
            let mut request = tungstenite::client::IntoClientRequest::into_client_request(
                format!("{ws_base}/v1/realtime"),
            )
            .expect("request");
            request.headers_mut().insert(
                "Authorization",
                bearer(&key).parse().expect("header"),
            );
            tungstenite::connect(request).expect("agent feed").0
        })
        .collect()
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let chats = env_or("CHATS", 200);
    let server = harness::TestServer::start_measured();
    let client = Client::new(&server.base_url);
    let ctx = Ctx { server, client };
    let manual = ctx.workspace_named("Manual");
    let auto = ctx.workspace_named("Round robin");
    let _feeds: Vec<Socket> = [&manual, &auto]
        .iter()
        .flat_map(|ws| three_online(&ctx, ws))
        .collect();
    auto.patch(
        "/v1/settings",
        &json!({"assignment": {"mode": "round_robin"}}),
    )
    .expect::<Value>(200);
    std::thread::sleep(Duration::from_secs(1));
    // Twenty visitors each: one address may start 30 sessions a minute per workspace,
    // a visitor 20 chats an hour and 10 requests a second.
    let visitors = |ws: &TestWorkspace| -> Vec<String> {
        (0..20).map(|i| ws.visitor(&format!("V{i}"))).collect()
    };
    let (manual_visitors, auto_visitors) = (visitors(&manual), visitors(&auto));
    let start = |ws: &TestWorkspace, token: &str, i: usize| -> Duration {
        let began = Instant::now();
        let resp = ws.client.send(
            "POST",
            "/v1/visitor/chats",
            &[("Authorization", &bearer(token))],
            Some(&json!({"text": format!("Savol {i}")})),
        );
        let took = began.elapsed();
        assert_eq!(resp.status, 201, "{}", resp.text);
        took
    };
    // A few of each first, not counted: the objects wake.
    for i in 0..5 {
        start(&manual, &manual_visitors[i], i);
        start(&auto, &auto_visitors[i], i);
    }
    let mut times = (Vec::new(), Vec::new());
    for i in 5..chats + 5 {
        let v = i % 20;
        times.0.push(start(&manual, &manual_visitors[v], i));
        times.1.push(start(&auto, &auto_visitors[v], i));
    }
    times.0.sort();
    times.1.sort();
    let unassigned =
        auto.get("/v1/chats?status=active&limit=1").json()["pagination"]["total"].clone();
    assert_eq!(
        unassigned,
        json!(0),
        "every chat of the round-robin workspace was given out"
    );
    let (m50, a50) = (ms(percentile(&times.0, 0.5)), ms(percentile(&times.1, 0.5)));
    let (m90, a90) = (ms(percentile(&times.0, 0.9)), ms(percentile(&times.1, 0.9)));
    println!("POST /v1/visitor/chats, {chats} each, alternating, 3 agents online in both:");
    println!("  manual:      median {m50:.2} ms, p90 {m90:.2} ms");
    println!("  round robin: median {a50:.2} ms, p90 {a90:.2} ms");
    println!(
        "  assignment adds: median {:.2} ms (goal <= 2 ms)",
        a50 - m50
    );
}
