//! The panel before the app (widget/loader/shell.mjs): a click while the wasm is still
//! compiling gets a panel at once, drawn by the glue, whose composer takes typing; the
//! app then takes over what was typed, and an Enter pressed meanwhile sends it. The
//! wasm's compile is held by the page until the test lets it go, so every step is
//! seen in order, however fast or slow the machine.

use std::time::Duration;

use serde_json::{json, Value};

use crate::browser::{key, Browser};
use crate::client::{Ctx, TestWorkspace};
use crate::widget_page::{click_launcher, wait_for_messages};

crate::tests![
    a_click_before_the_wasm_gets_a_composer_at_once_and_an_enter_there_is_sent,
    a_draft_typed_before_the_app_moves_into_its_composer_unsent,
    closed_before_the_app_came_the_app_mounts_closed,
];

/// Installed before the page's scripts: holds the wasm's compile until `__cf.release()`.
const GATE: &str = r#"
window.__cf = { ready: false };
addEventListener('chatflow:ready', () => { __cf.ready = true; });
const compile = WebAssembly.compileStreaming.bind(WebAssembly);
let go;
const gate = new Promise((resolve) => { go = resolve; });
__cf.release = () => go();
WebAssembly.compileStreaming = (source) => gate.then(() => compile(source));
"#;

/// The widget's state: which panels are there, what is focused and typed.
const STATE: &str = r#"
const r = document.getElementById('chatflow-widget').shadowRoot;
const q = (s) => r.querySelector(s);
const active = r.activeElement;
return {
  shell: !!q('[data-testid="cf-shell"]'),
  app: !!q('[data-testid="cf-panel"]'),
  focused: active && active.getAttribute('data-testid'),
  shell_text: q('[data-testid="cf-shell-input"]') ? q('[data-testid="cf-shell-input"]').value : null,
  app_text: q('[data-testid="cf-input"]') ? q('[data-testid="cf-input"]').value : null,
  expanded: q('[data-testid="cf-launcher"]').getAttribute('aria-expanded'),
  ready: __cf.ready,
};
"#;

fn gated_page(ctx: &Ctx, ws: &TestWorkspace) -> Browser {
    let browser = Browser::start_recording(1280, 800);
    browser.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": GATE }),
    );
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    click_launcher(&browser);
    // The glue is in and has drawn its panel, with the caret in its composer.
    browser.wait_for(
        "const r = document.getElementById('chatflow-widget').shadowRoot; \
         const i = r.activeElement; \
         return i && i.getAttribute('data-testid') === 'cf-shell-input' && !i.disabled;",
        Duration::from_secs(15),
    );
    browser
}

fn state(browser: &Browser) -> Value {
    browser.eval(STATE, json!([]))
}

fn chats(ws: &TestWorkspace) -> Vec<Value> {
    ws.get("/v1/chats").json()["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn a_click_before_the_wasm_gets_a_composer_at_once_and_an_enter_there_is_sent(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = gated_page(ctx, &ws);
    let before = state(&browser);
    assert_eq!(before["app"], false, "{before}");
    assert_eq!(before["ready"], false, "{before}");
    assert_eq!(before["expanded"], "true", "{before}");
    // It is the app's panel in look: the same stylesheet, from the glue.
    assert_eq!(
        browser.eval(
            "const p = document.getElementById('chatflow-widget').shadowRoot \
               .querySelector('[data-testid=\"cf-shell\"]'); \
             return [getComputedStyle(p).width, getComputedStyle(p).display];",
            json!([])
        ),
        json!(["370px", "flex"])
    );

    browser.keys(&format!("Salom{}", key::ENTER));
    let typed = state(&browser);
    assert_eq!(typed["shell_text"], "Salom", "{typed}");
    assert!(
        chats(&ws).is_empty(),
        "nothing is sent before the app is in"
    );

    browser.eval("__cf.release();", json!([]));
    wait_for_messages(&browser, &["Salom"]);
    let after = browser.wait_for(
        &format!(
            "const s = (() => {{ {STATE} }})(); \
             return s.ready && s.focused === 'cf-input' && s.app_text === '' ? s : null;"
        ),
        Duration::from_secs(15),
    );
    assert_eq!(after["shell"], false, "{after}");
    assert_eq!(after["app"], true, "{after}");
    assert_eq!(after["expanded"], "true", "{after}");
    let all = chats(&ws);
    assert_eq!(all.len(), 1, "{all:?}");
    let id = all[0]["id"].as_str().unwrap_or_default();
    let messages = ws.get(&format!("/v1/chats/{id}/messages")).json();
    let texts: Vec<&str> = messages["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["text"].as_str())
        .collect();
    assert_eq!(texts, ["Salom"], "sent once: {messages}");
}

fn a_draft_typed_before_the_app_moves_into_its_composer_unsent(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = gated_page(ctx, &ws);
    browser.keys("Narxi qancha");
    browser.eval("__cf.release();", json!([]));
    let after = browser.wait_for(
        &format!("const s = (() => {{ {STATE} }})(); return s.ready && !s.shell ? s : null;"),
        Duration::from_secs(15),
    );
    assert_eq!(after["app_text"], "Narxi qancha", "{after}");
    assert_eq!(after["focused"], "cf-input", "{after}");
    // The caret stays where it was, so the visitor types on.
    browser.keys("?");
    assert_eq!(state(&browser)["app_text"], "Narxi qancha?");
    assert!(chats(&ws).is_empty(), "a draft is not sent");
}

fn closed_before_the_app_came_the_app_mounts_closed(ctx: &Ctx) {
    let ws = ctx.workspace();
    let browser = gated_page(ctx, &ws);
    browser.keys(key::ESCAPE);
    let closed = state(&browser);
    assert_eq!(closed["shell"], false, "{closed}");
    assert_eq!(closed["expanded"], "false", "{closed}");
    assert_eq!(closed["focused"], "cf-launcher", "{closed}");
    browser.eval("__cf.release();", json!([]));
    let after = browser.wait_for(
        &format!("const s = (() => {{ {STATE} }})(); return s.ready ? s : null;"),
        Duration::from_secs(15),
    );
    assert_eq!(after["app"], false, "{after}");
    assert_eq!(after["expanded"], "false", "{after}");
    // The launcher opens the app's panel from now on.
    browser.eval(
        "document.getElementById('chatflow-widget').shadowRoot \
           .querySelector('[data-testid=\"cf-launcher\"]').click();",
        json!([]),
    );
    let open = browser.wait_for(
        &format!(
            "const s = (() => {{ {STATE} }})(); return s.app && s.focused === 'cf-input' ? s : null;"
        ),
        Duration::from_secs(15),
    );
    assert_eq!(open["shell"], false, "{open}");
    assert!(chats(&ws).is_empty());
}
