//! The example host page served by the worker, with the widget mounted in its shadow
//! root, in headless Chromium.

use std::time::Duration;

use serde_json::{json, Value};
use shared_types::widget::WidgetConfig;

use crate::browser::Browser;
use crate::client::Ctx;

/// The trigger message beside the launcher, or null.
const NUDGE: &str = "const r = document.getElementById('chatflow-widget')?.shadowRoot; \
     const n = r && r.querySelector('[data-testid=\"cf-nudge\"]'); \
     return n ? n.textContent : null;";

/// Waits until the app is in (the loader fires `chatflow:ready`; `ChatFlow` is set).
pub(crate) fn wait_until_ready(browser: &Browser) {
    browser.wait_for("return !!window.ChatFlow;", Duration::from_secs(20));
}

/// The texts of the widget's message bubbles, in order.
pub(crate) const MESSAGES: &str = "const host = document.getElementById('chatflow-widget'); \
     const r = host && host.shadowRoot; \
     if (!r) return null; \
     return Array.from(r.querySelectorAll('[data-testid=\"cf-message\"]')).map(e => e.textContent);";

/// Opens the panel (clicking the launcher) and waits until the composer is there.
pub(crate) fn open_panel(browser: &Browser) {
    click_launcher(browser);
    browser.wait_for(
        "const r = document.getElementById('chatflow-widget').shadowRoot; \
         return r.querySelector('[data-testid=\"cf-input\"]') !== null;",
        Duration::from_secs(15),
    );
}

/// Clicks the launcher as soon as the loader has painted it.
pub(crate) fn click_launcher(browser: &Browser) {
    browser.wait_for(
        "const r = document.getElementById('chatflow-widget')?.shadowRoot; \
         const b = r && r.querySelector('[data-testid=\"cf-launcher\"]'); \
         if (!b) return false; b.click(); return true;",
        Duration::from_secs(15),
    );
}

pub(crate) fn type_and_send(browser: &Browser, text: &str) {
    browser.eval(
        "const r = document.getElementById('chatflow-widget').shadowRoot; \
         const input = r.querySelector('[data-testid=\"cf-input\"]'); \
         input.value = arguments[0]; \
         input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));",
        json!([text]),
    );
}

pub(crate) fn wait_for_messages(browser: &Browser, expected: &[&str]) -> Value {
    let want = serde_json::to_string(expected).unwrap_or_default();
    let script = format!(
        "const got = (() => {{ {MESSAGES} }})(); \
         return got && JSON.stringify(got) === {want:?} ? got : null;"
    );
    browser.wait_for(&script, Duration::from_secs(15))
}

const LAUNCHER_COLOUR: &str = "const host = document.getElementById('chatflow-widget'); \
     const b = host && host.shadowRoot && host.shadowRoot.querySelector('[data-testid=\"cf-launcher\"]'); \
     return b ? getComputedStyle(b).backgroundColor : null;";

#[crate::e2e_test]
fn example_page_shows_launcher_in_shadow_root_with_configured_colour(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start(1280, 800);
    let page = format!("{}/demo/{}", ctx.server.base_url, ws.id);
    browser.goto(&page);
    // The default colour #4F46E5.
    let colour = browser.wait_for(LAUNCHER_COLOUR, Duration::from_secs(15));
    assert_eq!(colour, "rgb(79, 70, 229)");
    // The launcher lives only in the shadow root: the page's own DOM has no trace of it.
    let leaked = browser.eval(
        "return document.querySelector('[data-testid=\"cf-launcher\"]') !== null;",
        json!([]),
    );
    assert_eq!(leaked, false);

    ws.patch("/v1/widget/config", &json!({"color": "#0EA5E9"}))
        .expect::<WidgetConfig>(200);
    browser.goto(&format!("{page}?reload=1"));
    let new_colour = LAUNCHER_COLOUR.replace(
        "return b ?",
        "return b && getComputedStyle(b).backgroundColor === 'rgb(14, 165, 233)' ?",
    );
    let colour = browser.wait_for(&new_colour, Duration::from_secs(15));
    assert_eq!(colour, "rgb(14, 165, 233)");
}

#[crate::e2e_test]
fn a_visitor_chats_with_an_agent_live_and_a_reload_keeps_the_conversation(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start(1280, 800);
    let page = format!("{}/demo/{}", ctx.server.base_url, ws.id);
    browser.goto(&page);
    open_panel(&browser);

    // The first message starts the chat; the agents see it through the API.
    type_and_send(&browser, "Salom, <b>yordam</b> kerak");
    wait_for_messages(&browser, &["Salom, <b>yordam</b> kerak"]);
    let chats = ws.get("/v1/chats").json();
    assert_eq!(chats["pagination"]["total"], 1, "{chats}");
    let chat_id = chats["data"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();

    // The agent's reply appears without a reload, as text.
    ws.post(
        &format!("/v1/chats/{chat_id}/messages"),
        &json!({"text": "Assalomu alaykum! Qanday yordam bera olaman?"}),
    )
    .expect::<shared_types::chats::Message>(201);
    wait_for_messages(
        &browser,
        &[
            "Salom, <b>yordam</b> kerak",
            "Assalomu alaykum! Qanday yordam bera olaman?",
        ],
    );
    let bold = browser.eval(
        "return document.getElementById('chatflow-widget').shadowRoot.querySelector('b') !== null;",
        json!([]),
    );
    assert_eq!(
        bold, false,
        "visitor text is shown as text, never as markup"
    );

    // A second visitor message goes to the same chat.
    type_and_send(&browser, "Narxlar qancha?");
    wait_for_messages(
        &browser,
        &[
            "Salom, <b>yordam</b> kerak",
            "Assalomu alaykum! Qanday yordam bera olaman?",
            "Narxlar qancha?",
        ],
    );
    let chats = ws.get("/v1/chats").json();
    assert_eq!(chats["pagination"]["total"], 1, "still one chat: {chats}");

    // After a reload the conversation is still there, and live.
    browser.goto(&format!("{page}?again=1"));
    open_panel(&browser);
    wait_for_messages(
        &browser,
        &[
            "Salom, <b>yordam</b> kerak",
            "Assalomu alaykum! Qanday yordam bera olaman?",
            "Narxlar qancha?",
        ],
    );
    ws.post(
        &format!("/v1/chats/{chat_id}/messages"),
        &json!({"text": "Tarif sahifasini yubordim."}),
    )
    .expect::<shared_types::chats::Message>(201);
    wait_for_messages(
        &browser,
        &[
            "Salom, <b>yordam</b> kerak",
            "Assalomu alaykum! Qanday yordam bera olaman?",
            "Narxlar qancha?",
            "Tarif sahifasini yubordim.",
        ],
    );
}

#[crate::e2e_test]
fn a_trigger_shows_its_message_once_and_only_where_its_pattern_matches(ctx: &Ctx) {
    let ws = ctx.workspace();
    for (name, pattern, message) in [
        ("Demo", "/demo/*", "Savolingiz bormi? Yozing!"),
        ("Pricing", "/pricing", "Narxlar bo'yicha yordam kerakmi?"),
    ] {
        ws.post(
            "/v1/automation/triggers",
            &json!({"name": name, "condition": "page_load", "delay_seconds": 1,
                    "message": message, "url_pattern": pattern}),
        )
        .expect::<Value>(201);
    }
    let browser = Browser::start(1280, 800);
    let page = format!("{}/demo/{}", ctx.server.base_url, ws.id);
    browser.goto(&page);
    let shown = browser.wait_for(NUDGE, Duration::from_secs(20));
    assert_eq!(shown, "Savolingiz bormi? Yozing!");
    // Clicking the message opens the chat and puts the message away.
    browser.eval(
        "document.getElementById('chatflow-widget').shadowRoot \
            .querySelector('[data-testid=\"cf-nudge\"]').click();",
        json!([]),
    );
    browser.wait_for(
        "return document.getElementById('chatflow-widget').shadowRoot \
            .querySelector('[data-testid=\"cf-panel\"]') !== null;",
        Duration::from_secs(5),
    );
    assert_eq!(browser.eval(NUDGE, json!([])), Value::Null);
    // Once per visitor session: not again after a reload; the /pricing one never here.
    browser.goto(&format!("{page}?next=1"));
    wait_until_ready(&browser);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(browser.eval(NUDGE, json!([])), Value::Null);
}

#[crate::e2e_test]
fn the_launcher_counts_unread_replies_and_the_js_api_drives_the_panel(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    wait_until_ready(&browser);
    browser.eval(
        "window.__events = []; \
         ChatFlow.on('opened', () => window.__events.push('opened')); \
         ChatFlow.on('message', (m) => window.__events.push('message:' + m.text)); \
         ChatFlow.identify({name: 'Ali Valiyev', email: 'ali@example.com'}); \
         ChatFlow.open();",
        json!([]),
    );
    open_panel_already_open(&browser);
    type_and_send(&browser, "Salom");
    wait_for_messages(&browser, &["Salom"]);
    let chats = ws.get("/v1/chats").json();
    let chat_id = chats["data"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let detail = ws.get(&format!("/v1/chats/{chat_id}")).json();
    assert_eq!(
        detail["visitor"]["name"], "Ali Valiyev",
        "identify reached the agents: {detail}"
    );

    browser.eval("ChatFlow.close();", json!([]));
    for text in ["Birinchi javob", "Ikkinchi javob"] {
        ws.post(
            &format!("/v1/chats/{chat_id}/messages"),
            &json!({ "text": text }),
        )
        .expect::<shared_types::chats::Message>(201);
    }
    let badge = "return document.getElementById('chatflow-widget').shadowRoot \
        .querySelector('[data-testid=\"cf-launcher\"]').getAttribute('data-unread');";
    let count = browser.wait_for(
        &format!("const b = (() => {{ {badge} }})(); return b === '2' ? b : null;"),
        Duration::from_secs(10),
    );
    assert_eq!(count, "2");
    browser.eval("ChatFlow.toggle();", json!([]));
    wait_for_messages(&browser, &["Salom", "Birinchi javob", "Ikkinchi javob"]);
    assert_eq!(
        browser.eval(badge, json!([])),
        Value::Null,
        "opening clears the badge"
    );
    let events = browser.eval("return window.__events;", json!([]));
    assert_eq!(
        events,
        json!([
            "opened",
            "message:Salom",
            "message:Birinchi javob",
            "message:Ikkinchi javob",
            "opened"
        ]),
    );
}

fn open_panel_already_open(browser: &Browser) {
    browser.wait_for(
        "const r = document.getElementById('chatflow-widget').shadowRoot; \
         return r.querySelector('[data-testid=\"cf-input\"]') !== null;",
        Duration::from_secs(15),
    );
}

#[crate::e2e_test]
fn an_offline_visitor_leaves_an_email_and_rates_the_closed_chat(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    open_panel(&browser);
    // Nobody is online: the panel offers an email field before the first message.
    browser.eval(
        "const r = document.getElementById('chatflow-widget').shadowRoot; \
         const e = r.querySelector('[data-testid=\"cf-email\"]'); \
         e.value = 'ali@example.com'; e.dispatchEvent(new Event('input', {bubbles: true}));",
        json!([]),
    );
    type_and_send(&browser, "Kechqurun javob bering");
    wait_for_messages(&browser, &["Kechqurun javob bering"]);
    let chats = ws.get("/v1/chats").json();
    let chat_id = chats["data"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        chats["data"][0]["visitor_email"], "ali@example.com",
        "{chats}"
    );
    let gone = browser.eval(
        "return document.getElementById('chatflow-widget').shadowRoot \
            .querySelector('[data-testid=\"cf-email\"]') === null;",
        json!([]),
    );
    assert_eq!(gone, true, "the email field goes once the chat exists");

    // The agent closes the chat: the visitor is asked for a rating, and gives 4.
    ws.patch(
        &format!("/v1/chats/{chat_id}"),
        &json!({"status": "closed"}),
    )
    .expect::<Value>(200);
    browser.wait_for(
        "const b = document.getElementById('chatflow-widget').shadowRoot \
            .querySelector('[data-testid=\"cf-rate-4\"]'); \
         if (!b) return false; b.click(); return true;",
        Duration::from_secs(10),
    );
    browser.wait_for(
        "return document.getElementById('chatflow-widget').shadowRoot \
            .querySelector('[data-testid=\"cf-rated\"]') !== null;",
        Duration::from_secs(10),
    );
    let overview = ws.get("/v1/analytics/overview").json();
    assert_eq!(overview["metrics"]["csat_score"], 4.0, "{overview}");

    // The envelope beside the stars mails the conversation to the visitor.
    browser.wait_for(
        "const b = document.getElementById('chatflow-widget').shadowRoot \
            .querySelector('[data-testid=\"cf-transcript\"]'); \
         if (!b) return false; b.click(); return true;",
        Duration::from_secs(10),
    );
    browser.wait_for(
        "return document.getElementById('chatflow-widget').shadowRoot \
            .querySelector('[data-testid=\"cf-transcript-note\"]') !== null;",
        Duration::from_secs(10),
    );
    crate::harness::eventually(
        "the transcript mailed",
        Duration::from_secs(30),
        Duration::from_millis(200),
        || {
            let log = ws.get(&format!("/v1/chats/{chat_id}/emails")).json();
            let sent = log["data"].as_array().into_iter().flatten().any(|a| {
                a["kind"] == "transcript" && a["status"] == "sent" && a["to"] == "ali@example.com"
            });
            if sent {
                Ok(())
            } else {
                Err(log)
            }
        },
    );
}
