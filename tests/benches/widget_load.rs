//! What the widget costs a host page, in headless Chromium on loopback against the
//! worker under `wrangler dev`:
//!
//! 1. Transfer size of everything the widget loads (the loader with the launcher's
//!    CSS inlined, the wasm-bindgen glue, the wasm with the panel's CSS inside), raw and
//!    gzip -9, as the page's own resource timing lists it. Goals: ≤ 100,000 B gzip in
//!    total, loader ≤ 3,000 B gzip. (gzip of the bytes alone, as a server sends them.)
//! 2. `RUNS` page loads, each a first visit (browser cache off): the time from the host
//!    page's `load` event to the launcher painted. The loader paints as soon as the
//!    config answers, which can be before `load` (the config fetch does not hold the
//!    page's load event): then the figure is negative, and the time from navigation
//!    start is printed beside it. Goal: median ≤ 200 ms.
//! 3. In the same runs, once the app is in (`chatflow:ready`, which the loader fires
//!    after fetching the wasm when the browser is idle): from a click on the launcher
//!    to the panel ready for typing (the composer focused and enabled), and to the
//!    next frame after that. Goal: median ≤ 100 ms.
//!
//! Times are taken inside the page (`performance.now()` from a script installed before
//! the page's own, a MutationObserver for the launcher, a `focusin` listener for the
//! composer), never from WebDriver round trips. "Painted" is the first task after the
//! next animation frame, which runs once that frame was produced.
//!
//! `cargo bench -p chatflow-e2e --bench widget_load` (after `bash scripts/build.sh`;
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

use std::time::Duration;

use browser::Browser;
use client::{Client, Ctx};
use measure::{env_or, get_bytes, gzip_len, median_p90};
use serde_json::{json, Value};

/// Installed before any of the page's scripts: notes `load`, the launcher's first
/// frame, and (once armed by the bench) the composer taking focus after a click.
const PROBE: &str = r#"
window.__cf = {};
const after_frame = (f) => requestAnimationFrame(() => setTimeout(f, 0));
addEventListener('load', () => { __cf.load = performance.now(); });
new MutationObserver((_, obs) => {
  const host = document.getElementById('chatflow-widget');
  const b = host && host.shadowRoot && host.shadowRoot.querySelector('[data-testid="cf-launcher"]');
  if (!b) return;
  obs.disconnect();
  __cf.inserted = performance.now();
  after_frame(() => { __cf.painted = performance.now(); });
}).observe(document, { childList: true, subtree: true });
"#;

/// Clicks the launcher and records when the composer is focused and enabled.
const CLICK: &str = r#"
const root = document.getElementById('chatflow-widget').shadowRoot;
root.addEventListener('focusin', (ev) => {
  const t = ev.target;
  if (__cf.ready || !t || t.getAttribute('data-testid') !== 'cf-input' || t.disabled) return;
  __cf.ready = performance.now();
  requestAnimationFrame(() => setTimeout(() => { __cf.ready_frame = performance.now(); }, 0));
});
__cf.click = performance.now();
root.querySelector('[data-testid="cf-launcher"]').click();
"#;

fn report(name: &str, values: &mut [f64], goal: Option<f64>) {
    let (median, p90) = median_p90(values);
    let goal = goal.map_or(String::new(), |g| {
        format!(
            "   goal ≤ {g:.0} ms: {}",
            if median <= g { "met" } else { "MISSED" }
        )
    });
    println!(
        "{name:<44} median {median:7.1} ms   p90 {p90:7.1} ms   (min {:.1}, max {:.1}){goal}",
        values[0],
        values[values.len() - 1]
    );
}

fn main() {
    let runs = env_or("RUNS", 20);
    let server = harness::TestServer::start();
    let client = Client::new(&server.base_url);
    let ctx = Ctx { server, client };
    let ws = ctx.workspace_named("Widget load");
    let page = format!("{}/demo/{}", ctx.server.base_url, ws.id);

    let browser = Browser::start(1280, 800);
    browser.cdp("Network.enable", json!({}));
    browser.cdp("Network.setCacheDisabled", json!({"cacheDisabled": true}));
    browser.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": PROBE}),
    );

    let mut load_to_paint = Vec::new();
    let mut start_to_paint = Vec::new();
    let mut click_to_ready = Vec::new();
    let mut click_to_frame = Vec::new();
    let mut resources = Value::Null;
    for run in 0..runs {
        // Each run a new visitor: no session, no fired triggers.
        browser.goto("about:blank");
        browser.goto(&format!("{page}?run={run}"));
        let t = browser.wait_for(
            "return window.__cf && __cf.load !== undefined && __cf.painted !== undefined \
               && window.ChatFlow ? __cf : null;",
            Duration::from_secs(30),
        );
        let num = |v: &Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
        load_to_paint.push(num(&t, "painted") - num(&t, "load"));
        start_to_paint.push(num(&t, "painted"));
        // Let the page settle (the wasm was just compiled and mounted).
        std::thread::sleep(Duration::from_millis(300));
        browser.eval(CLICK, json!([]));
        let t = browser.wait_for(
            "return __cf.ready_frame !== undefined ? __cf : null;",
            Duration::from_secs(10),
        );
        click_to_ready.push(num(&t, "ready") - num(&t, "click"));
        click_to_frame.push(num(&t, "ready_frame") - num(&t, "click"));
        if run == 0 {
            resources = browser.eval(
                "return performance.getEntriesByType('resource') \
                   .filter(e => e.name.includes('/widget/') || e.name.includes('/v1/public/')) \
                   .map(e => e.name);",
                json!([]),
            );
        }
    }

    println!("\nWhat the widget loads (first visit), raw and gzip -9:");
    let mut total_raw = 0;
    let mut total_gzip = 0;
    for url in resources.as_array().cloned().unwrap_or_default() {
        let url = url.as_str().unwrap_or_default();
        let bytes = get_bytes(url);
        let gzip = gzip_len(&bytes);
        let name = url.rsplit('/').next().unwrap_or(url);
        let name = name.split('?').next().unwrap_or(name);
        let is_config = url.contains("/v1/public/");
        let note = if is_config {
            "   (data, not counted)".to_string()
        } else if name == "widget.js" {
            format!(
                "   goal ≤ 3000 B gzip: {}",
                if gzip <= 3_000 { "met" } else { "MISSED" }
            )
        } else {
            String::new()
        };
        println!(
            "  {:<40} {:>8} B raw {:>7} B gzip{note}",
            if is_config {
                "config (GET /v1/public/widgets/…)"
            } else {
                name
            },
            bytes.len(),
            gzip,
        );
        if !is_config {
            total_raw += bytes.len();
            total_gzip += gzip;
        }
    }
    println!(
        "  {:<40} {total_raw:>8} B raw {total_gzip:>7} B gzip   goal ≤ 100000 B gzip: {}",
        "widget total",
        if total_gzip <= 100_000 {
            "met"
        } else {
            "MISSED"
        }
    );

    println!("\n{runs} first visits of the demo page:");
    report(
        "load event -> launcher painted",
        &mut load_to_paint,
        Some(200.0),
    );
    report(
        "navigation start -> launcher painted",
        &mut start_to_paint,
        None,
    );
    report(
        "click -> composer focused and enabled",
        &mut click_to_ready,
        Some(100.0),
    );
    report("click -> next frame after that", &mut click_to_frame, None);
}
