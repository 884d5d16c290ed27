//! The widget as a facade: before a visitor engages, the page fetches the loader and
//! the public config and nothing else; hovering, a trigger, or a conversation under
//! way brings the app. And what the app shows once in: the pre-chat form, SVG icons,
//! agents' names and times, clickable links, themes, a phone's composer.

use std::time::Duration;

use serde_json::{json, Value};
use shared_types::widget::WidgetConfig;

use crate::browser::Browser;
use crate::client::Ctx;
use crate::widget_page::{open_panel, type_and_send, wait_for_messages};

crate::tests![
    before_engagement_the_page_fetches_only_the_loader_and_the_config,
    a_trigger_firing_brings_the_app_and_shows_its_message,
    a_returning_visitor_in_a_conversation_gets_the_app_at_once,
    the_prechat_form_asks_before_the_first_message_and_names_the_visitor,
    icons_are_svg_replies_show_the_agent_and_time_and_links_are_safe,
    the_theme_is_light_dark_or_the_visitors_system_setting,
    the_composer_placeholder_fits_a_360px_phone_in_every_language,
];

/// Installed before the page's own scripts: notes `chatflow:ready` and when the
/// browser has been idle a second after `load` (when the old loader fetched the app).
const PROBE: &str = r#"
window.__cf = { ready: false, idle: false };
addEventListener('chatflow:ready', () => { __cf.ready = true; });
addEventListener('load', () => requestIdleCallback(() => setTimeout(() => { __cf.idle = true; }, 1000)));
"#;

const LAUNCHER: &str = "const r = document.getElementById('chatflow-widget')?.shadowRoot; \
     return (r && r.querySelector('[data-testid=\"cf-launcher\"]')) || null;";

fn probed(browser: &Browser) {
    browser.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": PROBE }),
    );
}

/// The widget's requests (the API's origin) among everything the browser requested.
fn widget_requests(browser: &Browser, ctx: &Ctx) -> Vec<String> {
    browser
        .requests()
        .into_iter()
        .filter(|u| u.starts_with(&ctx.server.base_url) && !u.contains("/demo/"))
        .map(|u| u[ctx.server.base_url.len()..].to_string())
        .collect()
}

fn app_requested(requests: &[String]) -> bool {
    requests
        .iter()
        .any(|u| u.contains(".wasm") || u.contains("chatflow_widget.js"))
}

fn before_engagement_the_page_fetches_only_the_loader_and_the_config(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start_recording(1280, 800);
    probed(&browser);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    browser.wait_for(LAUNCHER, Duration::from_secs(15));
    browser.wait_for("return __cf.idle;", Duration::from_secs(15));
    let before = widget_requests(&browser, ctx);
    assert_eq!(
        before,
        vec![
            "/widget/widget.js".to_string(),
            format!("/v1/public/widgets/{}", ws.id),
            format!("/v1/public/widgets/{}/presence", ws.id)
        ],
        "only the loader, the config and the page view (visitors online) before engagement"
    );
    // The page's API is there already; the app is not.
    assert_eq!(
        browser.eval(
            "return typeof ChatFlow.open === 'function' && !__cf.ready;",
            json!([])
        ),
        true
    );

    // Hovering the launcher brings the app, without opening the panel.
    browser.eval(
        &format!("(() => {{ {LAUNCHER} }})().dispatchEvent(new PointerEvent('pointerenter'));"),
        json!([]),
    );
    browser.wait_for("return __cf.ready;", Duration::from_secs(20));
    let after = widget_requests(&browser, ctx);
    assert!(
        after
            .iter()
            .any(|u| u.contains("chatflow_widget_bg.wasm?v=")),
        "{after:?}"
    );
    assert_eq!(
        browser.eval(
            "return document.getElementById('chatflow-widget').shadowRoot \
               .querySelector('[data-testid=\"cf-panel\"]');",
            json!([])
        ),
        Value::Null
    );
    open_panel(&browser);
    type_and_send(&browser, "Salom");
    wait_for_messages(&browser, &["Salom"]);
}

fn a_trigger_firing_brings_the_app_and_shows_its_message(ctx: &Ctx) {
    let ws = ctx.workspace();
    ws.post(
        "/v1/automation/triggers",
        &json!({"name": "Ketyapsizmi", "condition": "exit_intent", "delay_seconds": 0,
                "message": "Savolingiz qoldimi?", "url_pattern": "/demo/*"}),
    )
    .expect::<Value>(201);
    let browser = Browser::start_recording(1280, 800);
    probed(&browser);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    browser.wait_for(LAUNCHER, Duration::from_secs(15));
    browser.wait_for("return __cf.idle;", Duration::from_secs(15));
    let before = widget_requests(&browser, ctx);
    assert!(!app_requested(&before), "{before:?}");
    // The loader watches the trigger: the pointer leaving through the top fires it.
    browser.eval(
        "document.dispatchEvent(new MouseEvent('mouseout', {clientX: 600, clientY: -2, \
           relatedTarget: null, bubbles: true}));",
        json!([]),
    );
    let nudge = "const n = document.getElementById('chatflow-widget').shadowRoot \
                 .querySelector('[data-testid=\"cf-nudge\"]'); return n ? n.textContent : null;";
    assert_eq!(
        browser.wait_for(nudge, Duration::from_secs(20)),
        "Savolingiz qoldimi?"
    );
    assert!(app_requested(&widget_requests(&browser, ctx)));
}

fn a_returning_visitor_in_a_conversation_gets_the_app_at_once(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start(1280, 800);
    probed(&browser);
    let page = format!("{}/demo/{}", ctx.server.base_url, ws.id);
    browser.goto(&page);
    open_panel(&browser);
    type_and_send(&browser, "Qaytib kelaman");
    wait_for_messages(&browser, &["Qaytib kelaman"]);
    let chat_id = ws.newest_chat_id();
    browser.goto(&format!("{page}?again=1"));
    // No hover, no click: the app comes because a conversation is under way.
    browser.wait_for("return __cf.ready;", Duration::from_secs(20));
    ws.reply(&chat_id, "Javob tayyor");
    browser.eval("ChatFlow.open();", json!([]));
    wait_for_messages(&browser, &["Qaytib kelaman", "Javob tayyor"]);
}

fn the_prechat_form_asks_before_the_first_message_and_names_the_visitor(ctx: &Ctx) {
    let ws = ctx.workspace();
    ws.patch(
        "/v1/widget/config",
        &json!({"prechat": {"enabled": true, "require_name": true, "require_email": true}}),
    )
    .expect::<WidgetConfig>(200);
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    browser.wait_for(
        &format!("const b = (() => {{ {LAUNCHER} }})(); if (b) b.click(); return !!b;"),
        Duration::from_secs(15),
    );
    let root = "const r = document.getElementById('chatflow-widget').shadowRoot;";
    // The form, not the composer, and the caret in its first field.
    browser.wait_for(
        &format!(
            "{root} return r.querySelector('[data-testid=\"cf-prechat\"]') !== null \
               && r.activeElement && r.activeElement.getAttribute('data-testid') === 'cf-prechat-name';"
        ),
        Duration::from_secs(15),
    );
    assert_eq!(
        browser.eval(
            &format!("{root} return r.querySelector('[data-testid=\"cf-input\"]');"),
            json!([])
        ),
        Value::Null
    );
    // Sending it without the required email says so and starts nothing.
    let fill_and_start = format!(
        "{root} r.querySelector('[data-testid=\"cf-prechat-name\"]').value = arguments[0]; \
         r.querySelector('[data-testid=\"cf-prechat-email\"]').value = arguments[1]; \
         r.querySelector('[data-testid=\"cf-prechat-start\"]').click();"
    );
    browser.eval(&fill_and_start, json!(["Malika Rahimova", ""]));
    browser.wait_for(
        &format!("{root} return r.querySelector('[data-testid=\"cf-prechat-missing\"]') !== null;"),
        Duration::from_secs(5),
    );
    assert_eq!(crate::bounds::visitors_of(ctx, &ws), 0);
    assert_eq!(ws.get("/v1/chats").json()["pagination"]["total"], 0);

    browser.eval(
        &fill_and_start,
        json!(["Malika Rahimova", "malika@example.com"]),
    );
    browser.wait_for(
        &format!("{root} return r.querySelector('[data-testid=\"cf-input\"]') !== null;"),
        Duration::from_secs(5),
    );
    type_and_send(&browser, "Salom, savolim bor");
    wait_for_messages(&browser, &["Salom, savolim bor"]);
    let chat_id = ws.newest_chat_id();
    let detail = ws.get(&format!("/v1/chats/{chat_id}")).json();
    assert_eq!(detail["visitor"]["name"], "Malika Rahimova", "{detail}");
    assert_eq!(detail["visitor"]["email"], "malika@example.com", "{detail}");
}

fn icons_are_svg_replies_show_the_agent_and_time_and_links_are_safe(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    open_panel(&browser);
    type_and_send(&browser, "Narxlar qayerda?");
    wait_for_messages(&browser, &["Narxlar qayerda?"]);
    let chat_id = ws.newest_chat_id();
    ws.reply(&chat_id, "Mana: https://example.com/narx. Yana savol?");
    wait_for_messages(
        &browser,
        &[
            "Narxlar qayerda?",
            "Mana: https://example.com/narx. Yana savol?",
        ],
    );
    // Icons are drawn, not glyphs a font may lack: SVG with a size, no text.
    let icons = browser.eval(
        "const r = document.getElementById('chatflow-widget').shadowRoot; \
         return ['cf-attach', 'cf-close'].map((id) => { \
           const b = r.querySelector(`[data-testid=\"${id}\"]`) || r.querySelector('.' + id); \
           const svg = b.querySelector('svg'); \
           return [id, !!svg && svg.namespaceURI === 'http://www.w3.org/2000/svg', \
             svg ? Math.round(svg.getBoundingClientRect().width) : 0, b.textContent.trim()]; });",
        json!([]),
    );
    assert_eq!(
        icons,
        json!([["cf-attach", true, 20, ""], ["cf-close", true, 20, ""]]),
        "{icons}"
    );
    let owner = ws.owner.name.clone();
    let reply = browser.eval(
        "const r = document.getElementById('chatflow-widget').shadowRoot; \
         const a = r.querySelector('[data-testid=\"cf-link\"]'); \
         const author = r.querySelector('[data-testid=\"cf-author\"]'); \
         const bubbles = r.querySelectorAll('[data-testid=\"cf-message\"]'); \
         return {href: a.href, rel: a.rel, target: a.target, text: a.textContent, \
           author: author && author.textContent, avatar: author && author.querySelector('.cf-avatar').textContent, \
           time: bubbles[1].title, tab: bubbles[1].tabIndex};",
        json!([]),
    );
    assert_eq!(reply["href"], "https://example.com/narx", "{reply}");
    assert_eq!(reply["rel"], "noopener noreferrer nofollow");
    assert_eq!(reply["target"], "_blank");
    assert_eq!(reply["text"], "https://example.com/narx");
    let initials: String = owner
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    assert_eq!(reply["avatar"], initials.as_str(), "{reply}");
    assert_eq!(reply["author"], format!("{initials}{owner}"), "{reply}");
    let time = reply["time"].as_str().unwrap_or_default();
    assert!(
        time.len() == 5 && time.as_bytes()[2] == b':',
        "a time such as 14:05: {reply}"
    );
    assert_eq!(reply["tab"], 0, "reachable by keyboard to show its time");
}

fn the_theme_is_light_dark_or_the_visitors_system_setting(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start(1280, 800);
    let page = format!("{}/demo/{}", ctx.server.base_url, ws.id);
    let background = "const p = document.getElementById('chatflow-widget').shadowRoot \
         .querySelector('[data-testid=\"cf-panel\"]'); return getComputedStyle(p).backgroundColor;";
    let dark_system = |dark: bool| {
        browser.cdp(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme",
                                  "value": if dark { "dark" } else { "light" }}]}),
        );
    };
    for (theme, system_dark, expected) in [
        ("light", true, "rgb(255, 255, 255)"),
        ("dark", false, "rgb(17, 24, 39)"),
        ("auto", false, "rgb(255, 255, 255)"),
        ("auto", true, "rgb(17, 24, 39)"),
    ] {
        ws.patch("/v1/widget/config", &json!({ "theme": theme }))
            .expect::<WidgetConfig>(200);
        dark_system(system_dark);
        browser.goto(&format!("{page}?theme={theme}&dark={system_dark}"));
        open_panel(&browser);
        assert_eq!(
            browser.eval(background, json!([])),
            expected,
            "{theme}, system dark: {system_dark}"
        );
    }
}

fn the_composer_placeholder_fits_a_360px_phone_in_every_language(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = Browser::start(1280, 800);
    browser.phone_viewport(360, 740);
    browser.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": "new MutationObserver((_, obs) => { \
            const s = document.querySelector('script[data-workspace]'); if (!s) return; \
            obs.disconnect(); s.setAttribute('data-lang', new URLSearchParams(location.search).get('lang')); \
          }).observe(document, { childList: true, subtree: true });" }),
    );
    let page = format!("{}/demo/{}", ctx.server.base_url, ws.id);
    // The chat has begun, so the paperclip takes its room too.
    browser.goto(&format!("{page}?lang=uz"));
    open_panel(&browser);
    type_and_send(&browser, "Salom");
    wait_for_messages(&browser, &["Salom"]);
    let room = "const i = document.getElementById('chatflow-widget').shadowRoot \
         .querySelector('[data-testid=\"cf-input\"]'); \
         const s = getComputedStyle(i); const c = document.createElement('canvas').getContext('2d'); \
         c.font = s.font; \
         const room = i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); \
         return [i.placeholder, Math.ceil(c.measureText(i.placeholder).width), Math.floor(room)];";
    for lang in ["uz", "ru", "en"] {
        browser.goto(&format!("{page}?lang={lang}"));
        open_panel(&browser);
        browser.wait_for(
            "return document.getElementById('chatflow-widget').shadowRoot \
               .querySelector('[data-testid=\"cf-attach\"]') !== null;",
            Duration::from_secs(15),
        );
        let fit = browser.eval(room, json!([]));
        let (text, need, have) = (&fit[0], fit[1].as_i64(), fit[2].as_i64());
        assert!(
            need <= have,
            "{lang}: {text} needs {need:?} px, has {have:?}"
        );
    }
}
