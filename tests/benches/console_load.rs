//! What the agent console costs, in headless Chromium on loopback against the worker
//! under `wrangler dev`, with an inbox of 1,000 open chats (1,500 seeded: a third
//! closed):
//!
//! 1. Transfer size of everything `/console/` loads before the sign-in form is used
//!    (page, JS glue, wasm, CSS), raw and gzip -9, as the page's own resource timing
//!    lists it; the on-demand part (`/console/lazy/`) comes after the inbox is painted.
//! 2. `RUNS` sign-ins through the API alone (the round trip of `POST /v1/auth/login`),
//!    and `RUNS` reads of the inbox's first page (`GET /v1/chats?limit=100`).
//! 3. `RUNS` sign-ins in the page, each with no cookie and the cache off: from the
//!    page's start to the sign-in form ready, and from pressing "Sign in" to the first
//!    page of the inbox (100 rows) painted, that last one in its phases (the sign-in's
//!    answer, the list asked, its answer, the rows painted).
//!
//! Each run signs in as a different admin, so no agent's rate limit (100 requests a
//! minute) shapes the figures. Times are taken inside the page (`performance.now()`,
//! a MutationObserver for the rows, the first task after the next animation frame for
//! "painted"), never from WebDriver round trips.
//!
//! `cargo bench -p chatflow-e2e --bench console_load` (after `bash scripts/build.sh`;
//! needs /usr/bin/chromium and chromedriver, as the browser tests do).

// The harness, client and browser are shared with the end-to-end suites.
#![allow(dead_code)]

#[path = "../e2e/browser.rs"]
mod browser;
#[path = "../e2e/client.rs"]
mod client;
#[path = "../e2e/harness.rs"]
mod harness;
#[path = "support/measure.rs"]
mod measure;
#[path = "../e2e/seed.rs"]
mod seed;

use std::time::Duration;

use browser::Browser;
use client::{Client, Ctx};
use measure::{env_or, get_bytes, gzip_len, median_p90};
use serde_json::{json, Value};

const PASSWORD: &str = "bench-password-1";
const WAIT: Duration = Duration::from_secs(30);

/// Installed before the console's own scripts: notes when the sign-in form exists.
const PROBE: &str = r#"
window.__cc = {};
new MutationObserver((_, obs) => {
  if (!document.querySelector('[data-testid="signin-submit"]')) return;
  obs.disconnect();
  __cc.form = performance.now();
}).observe(document, { childList: true, subtree: true });
"#;

/// Fills the form, then presses "Sign in" and notes when 100 rows have been painted.
const SIGN_IN: &str = r#"
const set = (id, v) => {
  const e = document.querySelector(`[data-testid="${id}"]`);
  e.value = v;
  e.dispatchEvent(new Event('input', { bubbles: true }));
};
set('signin-email', arguments[0]);
set('signin-password', arguments[1]);
new MutationObserver((_, obs) => {
  if (document.querySelectorAll('[data-testid="chat-row"]').length < 100) return;
  obs.disconnect();
  __cc.rows = performance.now();
  requestAnimationFrame(() => setTimeout(() => { __cc.painted = performance.now(); }, 0));
}).observe(document, { childList: true, subtree: true });
__cc.submit = performance.now();
document.querySelector('[data-testid="signin-submit"]').click();
"#;

/// When the sign-in's and the inbox's first request ended and began (resource timing,
/// the same clock as the probes').
const PHASES: &str = r#"
const r = performance.getEntriesByType('resource');
const login = r.find(e => e.name.includes('/v1/auth/login'));
const list = r.find(e => e.name.includes('/v1/chats?limit=100&page=1'));
return { login_end: login && login.responseEnd, list_start: list && list.startTime,
         list_end: list && list.responseEnd };
"#;

fn report(name: &str, values: &mut [f64]) {
    let (median, p90) = median_p90(values);
    println!(
        "{name:<46} median {median:7.1} ms   p90 {p90:7.1} ms   (min {:.1}, max {:.1})",
        values[0],
        values[values.len() - 1]
    );
}

fn main() {
    let runs = env_or("RUNS", 20);
    let server = harness::TestServer::start_measured();
    let client = Client::new(&server.base_url);
    let ctx = Ctx { server, client };

    let created: Value = ctx
        .client
        .post(
            "/v1/admin/workspaces",
            ctx.admin_token(),
            &json!({"name": "Console load",
                    "owner": {"name": "Sara", "email": "owner@console-load.example", "password": PASSWORD}}),
        )
        .expect(201);
    let ws_id = created["workspace"]["id"]
        .as_str()
        .expect("workspace id")
        .to_string();
    let key = created["api_key"].as_str().expect("api key").to_string();

    // One admin per run, each with a password set through the invitation.
    let emails: Vec<String> = (0..runs)
        .map(|i| {
            let email = format!("admin{i}@console-load.example");
            let agent: Value = ctx
                .client
                .post(
                    "/v1/agents",
                    &key,
                    &json!({"name": format!("Admin {i}"), "email": email, "role": "admin"}),
                )
                .expect(201);
            let token = agent["invitation"]["token"].as_str().expect("invitation");
            ctx.client
                .send(
                    "POST",
                    "/v1/auth/accept-invite",
                    &[],
                    Some(&json!({"token": token, "password": PASSWORD})),
                )
                .expect::<Value>(200);
            email
        })
        .collect();

    // The sign-in request alone: PBKDF2 with 100,000 rounds is most of it.
    let mut login = Vec::new();
    for email in &emails {
        let started = std::time::Instant::now();
        ctx.client
            .send(
                "POST",
                "/v1/auth/login",
                &[],
                Some(&json!({"email": email, "password": PASSWORD})),
            )
            .expect::<Value>(200);
        login.push(started.elapsed().as_secs_f64() * 1000.0);
    }

    seed::chats(&ctx.server, &ws_id, 1_500, 2);
    let open = ["active", "assigned"]
        .iter()
        .map(|s| {
            ctx.client
                .get(&format!("/v1/chats?status={s}"), &key)
                .json()["pagination"]["total"]
                .as_u64()
                .unwrap_or_default()
        })
        .sum::<u64>();
    println!("inbox: {open} open chats of 1,500 seeded");

    // The inbox's first request alone, so the page's figure can be read against it.
    let mut first_page = Vec::new();
    for _ in 0..runs {
        let started = std::time::Instant::now();
        ctx.client
            .get("/v1/chats?limit=100&page=1", &key)
            .expect::<Value>(200);
        first_page.push(started.elapsed().as_secs_f64() * 1000.0);
    }

    let browser = Browser::start(1280, 800);
    browser.cdp("Network.enable", json!({}));
    browser.cdp("Network.setCacheDisabled", json!({"cacheDisabled": true}));
    browser.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": PROBE}),
    );
    let console = format!("{}/console/", ctx.server.base_url);

    let mut boot = Vec::new();
    let mut sign_in_to_inbox = Vec::new();
    let mut phases: [Vec<f64>; 4] = Default::default();
    let mut resources = Value::Null;
    for (run, email) in emails.iter().enumerate() {
        browser.cdp("Network.clearBrowserCookies", json!({}));
        browser.goto("about:blank");
        browser.goto(&format!("{console}?run={run}"));
        let t = browser.wait_for(
            "return window.__cc && __cc.form !== undefined ? __cc : null;",
            WAIT,
        );
        let num = |v: &Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
        boot.push(num(&t, "form"));
        if run == 0 {
            resources = browser.eval(
                "return performance.getEntriesByType('resource') \
                   .filter(e => e.name.includes('/console/')).map(e => e.name);",
                json!([]),
            );
        }
        browser.eval(SIGN_IN, json!([email, PASSWORD]));
        let t = browser.wait_for("return __cc.painted !== undefined ? __cc : null;", WAIT);
        sign_in_to_inbox.push(num(&t, "painted") - num(&t, "submit"));
        let r = browser.eval(PHASES, json!([]));
        let (login_end, list_start, list_end) = (
            num(&r, "login_end"),
            num(&r, "list_start"),
            num(&r, "list_end"),
        );
        phases[0].push(login_end - num(&t, "submit"));
        phases[1].push(list_start - login_end);
        phases[2].push(list_end - list_start);
        phases[3].push(num(&t, "painted") - list_end);
    }

    println!("\nWhat /console/ loads (first visit), raw and gzip -9:");
    let mut total_raw = 0;
    let mut total_gzip = 0;
    let mut urls: Vec<String> = vec![console.clone()];
    urls.extend(
        resources
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|u| u.as_str().map(String::from)),
    );
    for url in urls {
        let bytes = get_bytes(&url);
        let gzip = gzip_len(&bytes);
        let name = url.trim_end_matches('/').rsplit('/').next().unwrap_or(&url);
        let name = name.split('?').next().unwrap_or(name);
        println!("  {name:<44} {:>8} B raw {gzip:>7} B gzip", bytes.len());
        total_raw += bytes.len();
        total_gzip += gzip;
    }
    println!(
        "  {:<44} {total_raw:>8} B raw {total_gzip:>7} B gzip",
        "console total"
    );

    println!("\n{runs} sign-ins, no cookie, cache off, 1,000 open chats:");
    report("POST /v1/auth/login (loopback round trip)", &mut login);
    report(
        "GET /v1/chats?limit=100 (the inbox's first)",
        &mut first_page,
    );
    report("page start -> sign-in form ready", &mut boot);
    report(
        "\"Sign in\" -> first 100 inbox rows painted",
        &mut sign_in_to_inbox,
    );
    let [login, between, list, paint] = &mut phases;
    report("  of which: \"Sign in\" -> login answered", login);
    report("  login answered -> the list asked", between);
    report("  the list asked -> answered", list);
    report("  the list answered -> rows painted", paint);
}
