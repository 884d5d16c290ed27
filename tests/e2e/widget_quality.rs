//! The widget as a guest on someone else's page, in headless Chromium: usable by
//! keyboard alone, full-screen on a phone, styled the same whatever the host's CSS and
//! leaving the host's styles alone, the exit-intent, time-on-page and scroll-depth
//! triggers, and one conversation across two tabs without a reload.

use std::time::Duration;

use serde_json::{json, Value};

use crate::browser::{key, Browser};
use crate::client::Ctx;
use crate::widget_page::{open_panel, type_and_send, wait_for_messages, wait_until_ready};

/// What has focus: the widget's element's `data-testid` (or class) when focus is in
/// the widget, else `page:<tag>`.
const FOCUSED: &str = "const a = document.activeElement; \
     if (a && a.id === 'chatflow-widget') { const f = a.shadowRoot.activeElement; \
       return f ? (f.getAttribute('data-testid') || f.className) : 'widget'; } \
     return 'page:' + (a ? a.tagName : 'none');";

fn focused(browser: &Browser) -> String {
    browser
        .eval(FOCUSED, json!([]))
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn panel_open(browser: &Browser) -> bool {
    browser.eval(
        "return document.getElementById('chatflow-widget').shadowRoot \
           .querySelector('[data-testid=\"cf-panel\"]') !== null;",
        json!([]),
    ) == Value::Bool(true)
}

#[crate::e2e_test]
fn keyboard_alone_opens_types_sends_cycles_inside_the_panel_and_escapes(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    wait_until_ready(&browser);
    // Tab through the host page until the launcher (the widget is last in the page).
    let mut presses = 0;
    while focused(&browser) != "cf-launcher" {
        presses += 1;
        assert!(presses <= 30, "Tab never reached the launcher");
        browser.keys(key::TAB);
    }
    browser.keys(key::ENTER);
    browser.wait_for(
        &format!("return (() => {{ {FOCUSED} }})() === 'cf-input';"),
        Duration::from_secs(10),
    );
    browser.keys("Salom, klaviaturadan");
    browser.keys(key::ENTER);
    wait_for_messages(&browser, &["Salom, klaviaturadan"]);
    assert_eq!(ws.get("/v1/chats").json()["pagination"]["total"], 1);

    // Tab cycles inside the panel: it comes back to the composer and never leaves.
    browser.wait_for(
        &format!("return (() => {{ {FOCUSED} }})() === 'cf-input';"),
        Duration::from_secs(10),
    );
    let mut seen = Vec::new();
    for _ in 0..12 {
        browser.keys(key::TAB);
        let now = focused(&browser);
        assert!(
            !now.starts_with("page:") && now != "cf-launcher",
            "Tab left the panel: {seen:?} then {now}"
        );
        seen.push(now.clone());
        if now == "cf-input" {
            break;
        }
    }
    assert_eq!(
        seen.last().map(String::as_str),
        Some("cf-input"),
        "{seen:?}"
    );
    assert!(seen.contains(&"cf-close".to_string()), "{seen:?}");
    assert!(seen.contains(&"cf-send".to_string()), "{seen:?}");
    // Shift+Tab goes round the other way: from the first (close) to the last (send).
    while focused(&browser) != "cf-close" {
        browser.keys(key::TAB);
    }
    browser.keys(&format!("{}{}", key::SHIFT, key::TAB));
    assert_eq!(focused(&browser), "cf-send");

    // Esc closes and hands focus back to the launcher.
    browser.keys(key::ESCAPE);
    browser.wait_for(
        &format!("return (() => {{ {FOCUSED} }})() === 'cf-launcher';"),
        Duration::from_secs(10),
    );
    assert!(!panel_open(&browser));
    let expanded = browser.eval(
        "return document.getElementById('chatflow-widget').shadowRoot \
           .querySelector('[data-testid=\"cf-launcher\"]').getAttribute('aria-expanded');",
        json!([]),
    );
    assert_eq!(expanded, "false");
}

#[crate::e2e_test]
fn on_a_360px_phone_the_open_panel_fills_the_screen(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start(1280, 800);
    browser.phone_viewport(360, 740);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    open_panel(&browser);
    // Measured once the opening animation (a slide of a few pixels) is over.
    let sizes = browser.wait_for(
        "const p = document.getElementById('chatflow-widget').shadowRoot \
           .querySelector('[data-testid=\"cf-panel\"]'); \
         const r = p.getBoundingClientRect(); \
         if (p.getAnimations().length) return null; \
         return {viewport: [window.innerWidth, window.innerHeight, \
             document.documentElement.clientWidth], \
           width: parseFloat(getComputedStyle(p).width), height: r.height, left: r.left, top: r.top};",
        Duration::from_secs(10),
    );
    assert_eq!(sizes["viewport"], json!([360, 740, 360]), "{sizes}");
    assert_eq!(sizes["width"].as_f64(), Some(360.0), "{sizes}");
    assert_eq!(sizes["height"].as_f64(), Some(740.0), "{sizes}");
    assert_eq!(sizes["left"].as_f64(), Some(0.0), "{sizes}");
    assert_eq!(sizes["top"].as_f64(), Some(0.0), "{sizes}");
}

/// Computed styles of the widget's parts (launcher, panel, header, bubble, composer).
const WIDGET_STYLES: &str = "const r = document.getElementById('chatflow-widget').shadowRoot; \
     const props = ['color', 'font-size', 'font-family', 'line-height', 'display', 'width', \
       'height', 'padding-top', 'padding-left', 'margin-top', 'background-color', \
       'border-top-width', 'border-top-style', 'text-transform', 'letter-spacing', 'position']; \
     const out = {}; \
     for (const sel of ['.cf-root', '[data-testid=\"cf-launcher\"]', '.cf-launcher-text', \
          '[data-testid=\"cf-panel\"]', '.cf-header', '.cf-title', '.cf-close', \
          '[data-testid=\"cf-message\"]', '[data-testid=\"cf-input\"]', \
          '[data-testid=\"cf-send\"]', '.cf-powered']) { \
       const e = r.querySelector(sel); \
       if (!e) { out[sel] = null; continue; } \
       const s = getComputedStyle(e); \
       out[sel] = props.map(p => s.getPropertyValue(p)); } \
     const host = document.getElementById('chatflow-widget'); \
     out.host = [getComputedStyle(host).display, host.getBoundingClientRect().height]; \
     return out;";

#[crate::e2e_test]
fn host_css_does_not_change_the_widget(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    open_panel(&browser);
    type_and_send(&browser, "Uslublar");
    wait_for_messages(&browser, &["Uslublar"]);
    let before = browser.eval(WIDGET_STYLES, json!([]));
    assert!(
        before
            .as_object()
            .is_some_and(|o| o.values().all(|v| !v.is_null())),
        "every part is there: {before}"
    );
    // As hostile as a stylesheet gets.
    browser.eval(
        "const s = document.createElement('style'); \
         s.textContent = '* { color: red !important; font-size: 40px !important; \
             font-family: monospace !important; line-height: 3 !important; \
             letter-spacing: 5px !important; text-transform: uppercase !important; \
             padding: 30px !important; margin: 30px !important; \
             background-color: lime !important; border: 9px solid blue !important; } \
           div { display: none !important; } \
           html { font-size: 40px !important; } \
           button, textarea, p, header, span { display: block !important; width: 900px !important; \
             height: 99px !important; position: static !important; }'; \
         document.head.appendChild(s); document.body.offsetHeight;",
        json!([]),
    );
    let after = browser.eval(WIDGET_STYLES, json!([]));
    assert_eq!(after, before);
    // And the page did take the rules (so the comparison means something).
    let page = browser.eval(
        "return getComputedStyle(document.querySelector('h1')).color;",
        json!([]),
    );
    assert_eq!(page, "rgb(255, 0, 0)");
}

/// Computed styles of the host page's own elements.
const HOST_STYLES: &str = "const props = ['color', 'font-size', 'font-family', 'line-height', \
       'display', 'width', 'height', 'padding-top', 'margin-top', 'background-color', \
       'border-top-width', 'border-top-style', 'text-transform', 'letter-spacing', \
       'box-sizing', 'overflow-x', 'overflow-y']; \
     const out = {}; \
     for (const sel of ['html', 'body', 'header', 'nav a', 'h1', 'main', '.plan', \
          '.plan button', 'details', 'summary', 'main textarea', 'footer', 'main p']) { \
       const s = getComputedStyle(document.querySelector(sel)); \
       out[sel] = props.map(p => s.getPropertyValue(p)); } \
     out.sheets = [document.styleSheets.length, document.adoptedStyleSheets.length]; \
     return out;";

#[crate::e2e_test]
fn the_widget_does_not_change_the_host_pages_styles(ctx: &Ctx) {
    // The same page twice: with the widget open, and with the widget refused (a
    // workspace whose domains leave this host out paints nothing).
    let with = ctx.workspace();
    let without = ctx.workspace();
    without
        .patch("/v1/widget/config", &json!({"domains": ["bozor.example"]}))
        .expect::<Value>(200);
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, without.id));
    browser.wait_for(
        "return document.readyState === 'complete';",
        Duration::from_secs(10),
    );
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(
        browser.eval(
            "return document.getElementById('chatflow-widget') === null;",
            json!([])
        ),
        true
    );
    let bare = browser.eval(HOST_STYLES, json!([]));

    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, with.id));
    open_panel(&browser);
    type_and_send(&browser, "Sahifa o'zgarmaydi");
    wait_for_messages(&browser, &["Sahifa o'zgarmaydi"]);
    let hosted = browser.eval(HOST_STYLES, json!([]));
    assert_eq!(hosted, bare);
}

#[crate::e2e_test]
fn exit_intent_shows_its_message_when_the_pointer_leaves_the_top(ctx: &Ctx) {
    let ws = ctx.workspace();
    ws.post(
        "/v1/automation/triggers",
        &json!({"name": "Ketyapsizmi", "condition": "exit_intent", "delay_seconds": 0,
                "message": "Ketishdan oldin: 10% chegirma!", "url_pattern": "/demo/*"}),
    )
    .expect::<Value>(201);
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    wait_until_ready(&browser);
    let nudge = "const n = document.getElementById('chatflow-widget').shadowRoot \
                 .querySelector('[data-testid=\"cf-nudge\"]'); return n ? n.textContent : null;";
    // Leaving through the side of the page is not an exit intent.
    browser.eval(
        "document.dispatchEvent(new MouseEvent('mouseout', {clientX: 0, clientY: 300, \
           relatedTarget: null, bubbles: true}));",
        json!([]),
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(browser.eval(nudge, json!([])), Value::Null);
    // Towards the tabs and the address bar is.
    browser.eval(
        "document.dispatchEvent(new MouseEvent('mouseout', {clientX: 600, clientY: -2, \
           relatedTarget: null, bubbles: true}));",
        json!([]),
    );
    let shown = browser.wait_for(nudge, Duration::from_secs(10));
    assert_eq!(shown, "Ketishdan oldin: 10% chegirma!");
}

/// The text of the trigger message beside the launcher, or null.
const NUDGE: &str = "const r = document.getElementById('chatflow-widget').shadowRoot; \
     const n = r.querySelector('[data-testid=\"cf-nudge\"]'); return n ? n.textContent : null;";

#[crate::e2e_test]
fn time_on_page_shows_its_message_once_the_time_has_passed_and_not_before(ctx: &Ctx) {
    let ws = ctx.workspace();
    ws.post(
        "/v1/automation/triggers",
        &json!({"name": "Hali shu yerdamisiz", "condition": "time_on_page", "delay_seconds": 4,
                "message": "Yordam kerakmi?", "url_pattern": "/demo/*"}),
    )
    .expect::<Value>(201);
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    wait_until_ready(&browser);
    std::thread::sleep(Duration::from_millis(1_000));
    assert_eq!(browser.eval(NUDGE, json!([])), Value::Null);
    let shown = browser.wait_for(NUDGE, Duration::from_secs(15));
    assert_eq!(shown, "Yordam kerakmi?");
    // Four seconds on the page, counted from its start (before the loader ran).
    let page_ms = browser.eval("return performance.now();", json!([]));
    assert!(
        page_ms.as_f64().unwrap_or(0.0) >= 4_000.0,
        "shown at {page_ms} ms"
    );
}

#[crate::e2e_test]
fn scroll_depth_shows_its_message_past_half_the_page(ctx: &Ctx) {
    let ws = ctx.workspace();
    ws.post(
        "/v1/automation/triggers",
        &json!({"name": "O'qiyapsizmi", "condition": "scroll_depth", "delay_seconds": 0,
                "message": "Savollar bormi?", "url_pattern": "/demo/*"}),
    )
    .expect::<Value>(201);
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    wait_until_ready(&browser);
    // A long page: a quarter of the way down is not yet half of it.
    browser.eval(
        "const d = document.createElement('div'); d.style.height = '8000px'; \
         document.body.appendChild(d); scrollTo(0, 1000);",
        json!([]),
    );
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(browser.eval(NUDGE, json!([])), Value::Null);
    browser.eval("scrollTo(0, 6000);", json!([]));
    let shown = browser.wait_for(NUDGE, Duration::from_secs(10));
    assert_eq!(shown, "Savollar bormi?");
}

#[crate::e2e_test]
fn a_second_tab_shows_the_same_conversation_live(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start(1280, 800);
    let page = format!("{}/demo/{}", ctx.server.base_url, ws.id);
    browser.goto(&page);
    open_panel(&browser);
    let first = browser.tab();
    // The second tab is open before any chat exists.
    let second = browser.new_tab();
    browser.switch_to(&second);
    browser.goto(&format!("{page}?tab=2"));
    open_panel(&browser);

    browser.switch_to(&first);
    type_and_send(&browser, "Birinchi tabdan");
    wait_for_messages(&browser, &["Birinchi tabdan"]);

    browser.switch_to(&second);
    wait_for_messages(&browser, &["Birinchi tabdan"]);
    type_and_send(&browser, "Ikkinchi tabdan");
    wait_for_messages(&browser, &["Birinchi tabdan", "Ikkinchi tabdan"]);

    browser.switch_to(&first);
    wait_for_messages(&browser, &["Birinchi tabdan", "Ikkinchi tabdan"]);
    // One visitor, one chat, both messages in it; an agent's reply reaches both tabs.
    let chats = ws.get("/v1/chats").json();
    assert_eq!(chats["pagination"]["total"], 1, "{chats}");
    let chat_id = chats["data"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    ws.post(
        &format!("/v1/chats/{chat_id}/messages"),
        &json!({"text": "Ikkalasida ham ko'rinadi"}),
    )
    .expect::<Value>(201);
    let all = [
        "Birinchi tabdan",
        "Ikkinchi tabdan",
        "Ikkalasida ham ko'rinadi",
    ];
    wait_for_messages(&browser, &all);
    browser.switch_to(&second);
    wait_for_messages(&browser, &all);
}

/// Installed before the demo page's own scripts: `?lang=` sets `<html lang>` and
/// `?data_lang=` the script tag's `data-lang`, as a site would have written them, before
/// the loader (an async script, so it runs after both are in place) reads them.
const LANGUAGE_OF_THE_PAGE: &str = r#"
const params = new URLSearchParams(location.search);
new MutationObserver((_, obs) => {
  const script = document.querySelector('script[data-workspace]');
  if (!script) return;
  obs.disconnect();
  if (params.get('lang')) document.documentElement.lang = params.get('lang');
  if (params.get('data_lang')) script.setAttribute('data-lang', params.get('data_lang'));
}).observe(document, { childList: true, subtree: true });
"#;

#[crate::e2e_test]
fn the_panel_speaks_the_pages_language_unless_data_lang_says_otherwise(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start(1280, 800);
    browser.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": LANGUAGE_OF_THE_PAGE }),
    );
    let page = format!("{}/demo/{}", ctx.server.base_url, ws.id);
    let words = "const r = document.getElementById('chatflow-widget').shadowRoot; \
         return [r.querySelector('[data-testid=\"cf-input\"]').placeholder, \
           r.querySelector('[data-testid=\"cf-send\"]').textContent, \
           r.querySelector('[data-testid=\"cf-panel\"]').getAttribute('aria-label')];";
    for (query, expected) in [
        // The demo page is <html lang="uz">.
        ("", ["Xabaringizni yozing…", "Yuborish", "Chat oynasi"]),
        ("?lang=ru-RU", ["Сообщение…", "Отправить", "Окно чата"]),
        ("?lang=en-GB", ["Your message…", "Send", "Chat window"]),
        (
            "?lang=ru&data_lang=en",
            ["Your message…", "Send", "Chat window"],
        ),
        (
            "?lang=en&data_lang=uz",
            ["Xabaringizni yozing…", "Yuborish", "Chat oynasi"],
        ),
    ] {
        browser.goto(&format!("{page}{query}"));
        open_panel(&browser);
        assert_eq!(browser.eval(words, json!([])), json!(expected), "{query}");
    }
}
