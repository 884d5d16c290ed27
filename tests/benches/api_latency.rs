//! REST API latency at scale: 100,000 chats and 1,000,000 messages in one workspace's
//! object (`seed::chats`), then the median and p99 of
//! `GET /v1/chats?status=active&limit=100` and `GET /v1/chats/{id}` against
//! `GET /v1/health` on the same server, each request in turn with a health check, so that
//! the machine's drift weighs on both sides of a ratio alike. Also prints the plans of
//! the object's chat, message and analytics queries.
//!
//! `cargo bench -p chatflow-e2e --bench api_latency` (after `bash scripts/build.sh`).
//! `CHATS=10000 MESSAGES_PER_CHAT=10 SAMPLES=300` change the size of the run, and
//! `ONLY=search` keeps only the requests whose name holds it (for a profile of one).

// The harness and client are shared with the end-to-end suites; the bench uses part.
#![allow(dead_code)]

#[path = "../e2e/client.rs"]
mod client;
#[path = "../e2e/harness.rs"]
mod harness;
#[path = "../e2e/seed.rs"]
mod seed;

use std::time::{Duration, Instant};

use client::Client;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Stats {
    median: Duration,
    p99: Duration,
}

/// The request's times and, taken in turn with them, health's: the machine's drift over
/// a run (other processes, a busier minute) then weighs on both sides of the ratio alike.
/// `tokens` are used in turn: one API key may make 100 requests a minute.
fn measure(client: &Client, path: &str, tokens: &[String], samples: u64) -> (Stats, Stats) {
    let token = |i: usize| &tokens[i % tokens.len()];
    let timed = |path: &str, i: usize| {
        let start = Instant::now();
        let resp = client.get(path, token(i));
        let elapsed = start.elapsed();
        assert_eq!(resp.status, 200, "{path}: {}", resp.text);
        elapsed
    };
    for i in 0..20 {
        timed(path, i);
        timed("/v1/health", i);
    }
    let (mut times, mut health): (Vec<Duration>, Vec<Duration>) = (0..samples as usize)
        .map(|i| (timed(path, i), timed("/v1/health", i)))
        .unzip();
    (stats(&mut times), stats(&mut health))
}

fn stats(times: &mut [Duration]) -> Stats {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    Stats {
        median: at(0.5),
        p99: at(0.99),
    }
}

fn main() {
    // `cargo bench` passes --bench; nothing else is understood.
    let chats = env_or("CHATS", 100_000);
    let per_chat = env_or("MESSAGES_PER_CHAT", 10);
    let samples = env_or("SAMPLES", 300);

    let server = harness::TestServer::start_measured();
    let client = Client::new(&server.base_url);
    let ctx = client::Ctx {
        server,
        client: client.clone(),
    };
    let ws = ctx.workspace_named("Benchmark");

    let started = Instant::now();
    seed::chats(&ctx.server, &ws.id, chats, per_chat);
    println!(
        "seeded {chats} chats and {} messages in {:.1} s",
        chats * per_chat,
        started.elapsed().as_secs_f64()
    );

    // Enough keys that no key meets its rate limit during the run.
    let keys: Vec<String> = (0..(samples as usize * 10 / 60).max(2))
        .map(|_| ws.extra_key())
        .collect();
    let chat_id = format!("chat_seed{}{}", chats / 2, ws.id.trim_start_matches("ws_"));
    let cases = [
        ("GET /v1/health", "/v1/health".to_string()),
        (
            "GET /v1/chats?status=active&limit=100",
            "/v1/chats?status=active&limit=100".to_string(),
        ),
        ("GET /v1/chats?limit=100", "/v1/chats?limit=100".to_string()),
        ("GET /v1/chats/{id}", format!("/v1/chats/{chat_id}")),
        (
            "GET /v1/chats/{id}/messages",
            format!("/v1/chats/{chat_id}/messages"),
        ),
        ("GET /v1/agents", "/v1/agents".to_string()),
        // Search (seed.rs, WORDS): one chat's own word; a word in ~1 message of 21,
        // Latin and Cyrillic; a prefix as typed so far; two words together.
        (
            "GET /v1/search (one chat's word)",
            format!("/v1/search?q=ref{}", chats / 2),
        ),
        (
            "GET /v1/search (a word, 1 msg in 21)",
            "/v1/search?q=kafolat".to_string(),
        ),
        (
            "GET /v1/search (Cyrillic word)",
            "/v1/search?q=%D0%B4%D0%BE%D1%81%D1%82%D0%B0%D0%B2%D0%BA%D0%B0".to_string(),
        ),
        ("GET /v1/search (prefix)", "/v1/search?q=chegir".to_string()),
        (
            "GET /v1/search (two words)",
            "/v1/search?q=buyurtma+narx&status=active".to_string(),
        ),
        (
            "GET /v1/analytics/overview (30 days)",
            "/v1/analytics/overview".to_string(),
        ),
        (
            "GET /v1/analytics/overview (365 days)",
            format!(
                "/v1/analytics/overview?from={}",
                client::utc_date_days_ago(364)
            ),
        ),
        (
            "GET /v1/analytics/overview (365 d, Tashkent)",
            format!(
                "/v1/analytics/overview?from={}&tz=Asia/Tashkent",
                client::utc_date_days_ago(364)
            ),
        ),
        (
            "GET /v1/analytics/daily (365 days)",
            format!(
                "/v1/analytics/daily?from={}",
                client::utc_date_days_ago(364)
            ),
        ),
        (
            "GET /v1/analytics/daily (365 d, Tashkent)",
            format!(
                "/v1/analytics/daily?from={}&tz=Asia/Tashkent",
                client::utc_date_days_ago(364)
            ),
        ),
        (
            "GET /v1/analytics/agents (30 days)",
            "/v1/analytics/agents".to_string(),
        ),
        (
            "GET /v1/analytics/agents (365 days)",
            format!(
                "/v1/analytics/agents?from={}",
                client::utc_date_days_ago(364)
            ),
        ),
    ];
    let only = std::env::var("ONLY").unwrap_or_default();
    let results: Vec<(&str, (Stats, Stats))> = cases
        .iter()
        .filter(|(name, _)| name.contains(&only))
        .map(|(name, path)| (*name, measure(&client, path, &keys, samples)))
        .collect();
    println!(
        "\n{samples} sequential requests each, loopback, after 20 warm-up requests, \
         each in turn with a GET /v1/health:"
    );
    println!(
        "{:<42} {:>10} {:>10} {:>12} {:>14}",
        "request", "median ms", "p99 ms", "health ms", "median/health"
    );
    for (name, (s, health)) in &results {
        println!(
            "{:<42} {:>10.2} {:>10.2} {:>12.2} {:>14.2}",
            name,
            s.median.as_secs_f64() * 1000.0,
            s.p99.as_secs_f64() * 1000.0,
            health.median.as_secs_f64() * 1000.0,
            s.median.as_secs_f64() / health.median.as_secs_f64()
        );
    }

    // The queries as the workspace's object runs them (services/chats/object.rs,
    // services/messages.rs, services/analytics.rs), each with the index it is meant to
    // use (workspace-migrations/0004_conversations.sql).
    const SUMMARY: &str = "SELECT c.id, v.name AS visitor_name, v.email AS visitor_email, c.status, \
        c.assigned_to, c.unread_count, COALESCE(c.last_message_at, c.created_at) AS last_message_at, \
        c.created_at, v.verified = 1 AS visitor_verified FROM chats c JOIN visitors v ON v.id = c.visitor_id";
    const NEWEST_FIRST: &str = "ORDER BY c.last_activity_at DESC, c.id LIMIT 100 OFFSET 0";
    let own = ws.id.trim_start_matches("ws_");
    let visitor_id = format!("visitor_seed{}{own}", chats / 2);
    let plans = [
        (
            "total of a status (chat_counts' key)",
            "SELECT COALESCE(SUM(n), 0) AS total FROM chat_counts WHERE status = 'active'"
                .to_string(),
        ),
        (
            "page of all (chats_by_activity)",
            format!("{SUMMARY} {NEWEST_FIRST}"),
        ),
        (
            "page of a status (chats_by_status)",
            format!("{SUMMARY} WHERE c.status = 'active' {NEWEST_FIRST}"),
        ),
        (
            "page of an agent (chats_by_agent)",
            format!("{SUMMARY} WHERE c.assigned_to = 'agent_seed1{own}' {NEWEST_FIRST}"),
        ),
        (
            "total of a visitor (chats_by_visitor)",
            format!("SELECT COUNT(*) AS total FROM chats c WHERE c.visitor_id = '{visitor_id}'"),
        ),
        (
            "page of a visitor (chats_by_visitor)",
            format!("{SUMMARY} WHERE c.visitor_id = '{visitor_id}' {NEWEST_FIRST}"),
        ),
        (
            "one chat (chats' key)",
            format!("{SUMMARY} WHERE c.id = '{chat_id}'"),
        ),
        (
            "messages after a seq (messages' key)",
            format!(
                "SELECT id, chat_id, seq, sender_type, sender_id, sender_name, text, attachments, \
                 created_at FROM messages WHERE chat_id = '{chat_id}' AND seq > 0 ORDER BY seq LIMIT 20"
            ),
        ),
        (
            "a year of months per agent (stats_monthly's key)",
            "SELECT agent, SUM(created) FROM stats_monthly \
             WHERE bucket >= '2025-12' AND bucket < '2026-12' GROUP BY agent"
                .to_string(),
        ),
    ];
    println!("\nquery plans of the workspace's object:");
    for (name, sql) in plans {
        let plan = ctx
            .server
            .workspace_query(&ws.id, &format!("EXPLAIN QUERY PLAN {sql}"));
        let steps: Vec<String> = plan
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|row| row["detail"].as_str().map(String::from))
            .collect();
        println!("- {name}\n    {}", steps.join("\n    "));
    }
}
