//! The console as a product, in headless Chromium against `wrangler dev`: the Widget
//! tab edits every field of `PATCH /v1/widget/config` and the widget shows them on its
//! next load, the embed snippet is there to copy, the inbox rows carry the last line,
//! the keyboard drives the inbox, and axe finds no serious or critical violation on any
//! tab.

use serde_json::{json, Value};

use crate::browser::Browser;
use crate::client::Ctx;
use crate::console::{
    click, el, fill, sign_in, test_workspace, unique_email, workspace_with_password, PASSWORD, WAIT,
};
use crate::console_polish::choose;

/// The preview frame's widget root, as script.
const PREVIEW_ROOT: &str = "const f = document.querySelector('[data-testid=\"widget-preview\"]'); \
     const d = f && f.contentDocument; \
     const h = d && d.getElementById('chatflow-widget'); \
     const r = h && h.shadowRoot;";

fn set_checked(browser: &Browser, testid: &str, on: bool) {
    browser.wait_for(&format!("return {} !== null;", el(testid)), WAIT);
    browser.eval(
        &format!("const e = {}; e.checked = arguments[0];", el(testid)),
        json!([on]),
    );
}

fn signed_in(ctx: &Ctx, tag: &str) -> (Browser, crate::client::TestWorkspace) {
    let email = unique_email(tag);
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    let browser = Browser::start(1280, 900);
    sign_in(&browser, ctx, &email, PASSWORD);
    browser.wait_for(&format!("return {} !== null;", el("tab-inbox")), WAIT);
    (browser, ws)
}

#[crate::e2e_test]
fn in_the_browser_the_widget_tab_saves_every_field_and_the_widget_shows_them(ctx: &Ctx) {
    let (browser, ws) = signed_in(ctx, "widget-tab");
    click(&browser, "tab-widget");

    // The snippet names this service and this workspace, ready to copy.
    let snippet = browser.wait_for(
        &format!(
            "const e = {}; return e && e.textContent;",
            el("embed-snippet")
        ),
        WAIT,
    );
    assert_eq!(
        snippet,
        json!(format!(
            "<script src=\"{}/widget/widget.js\" data-workspace=\"{}\" async></script>",
            ctx.server.base_url, ws.id
        ))
    );
    // Copying needs a clipboard the headless browser may withhold; the button must
    // still be there and named.
    assert_eq!(
        browser.eval(
            &format!("return {}.textContent.trim();", el("embed-copy")),
            json!([])
        ),
        "Copy"
    );

    // Every field has a visible label.
    let labels = browser.eval(
        "return Array.from(document.querySelectorAll('.settings-form label, .settings-form legend')).map(l => l.textContent.trim().split('\\n')[0]);",
        json!([]),
    );
    let labels = labels.to_string();
    for label in [
        "Colour",
        "Shape",
        "Position",
        "Theme",
        "Button text",
        "Welcome message",
        "Offline message",
        "Allowed domains",
        "Logo",
        "Show “Powered by”",
    ] {
        assert!(labels.contains(label), "no label {label:?} in {labels}");
    }

    browser.wait_for(
        &format!(
            "const e = {}; return e && e.value !== '';",
            el("widget-button")
        ),
        WAIT,
    );
    browser.eval(
        &format!("{}.value = '#0f766e';", el("widget-color")),
        json!([]),
    );
    choose(&browser, "widget-shape", "circle");
    choose(&browser, "widget-position", "bottom-left");
    choose(&browser, "widget-theme", "dark");
    fill(&browser, "widget-button", "Savol bormi?");
    fill(&browser, "widget-welcome", "Assalomu alaykum!");
    fill(&browser, "widget-offline", "Ertaga javob beramiz");
    fill(&browser, "widget-logo", "https://cdn.shop.uz/logo.png");
    set_checked(&browser, "widget-powered-by", false);
    set_checked(&browser, "widget-prechat", true);
    set_checked(&browser, "widget-prechat-name", true);
    set_checked(&browser, "widget-prechat-email", false);
    click(&browser, "widget-save");
    browser.wait_for(
        &format!("return {}.textContent === 'Saved';", el("widget-saved")),
        WAIT,
    );

    let saved = ws.get("/v1/widget/config").json();
    assert_eq!(saved["color"], "#0F766E");
    assert_eq!(saved["shape"], "circle");
    assert_eq!(saved["position"], "bottom-left");
    assert_eq!(saved["theme"], "dark");
    assert_eq!(saved["button_text"], "Savol bormi?");
    assert_eq!(saved["welcome_message"], "Assalomu alaykum!");
    assert_eq!(saved["offline_message"], "Ertaga javob beramiz");
    assert_eq!(
        saved["branding"]["logo_url"],
        "https://cdn.shop.uz/logo.png"
    );
    assert_eq!(saved["branding"]["show_powered_by"], false);
    assert_eq!(
        saved["prechat"],
        json!({"enabled": true, "require_name": true, "require_email": false})
    );
    assert_eq!(saved["domains"], json!([]));

    // The preview reloads: its widget is what visitors now get.
    let root = browser.wait_for(
        &format!(
            "{PREVIEW_ROOT} const root = r && r.querySelector('.cf-root'); \
             const t = r && r.querySelector('.cf-launcher-text'); \
             return root && t && t.textContent === 'Savol bormi?' && \
               [root.className, root.style.getPropertyValue('--cf-color')];"
        ),
        WAIT,
    );
    let class = root[0].as_str().unwrap_or_default();
    for part in ["cf-pos-bottom-left", "cf-shape-circle", "cf-theme-dark"] {
        assert!(class.contains(part), "{part} not in {class}");
    }
    assert_eq!(
        root[1].as_str().map(str::to_ascii_lowercase),
        Some("#0f766e".into())
    );

    // The domains editor: two added, one removed, saved as a list.
    fill(&browser, "widget-domain-input", "Shop.uz");
    click(&browser, "widget-domain-add");
    fill(&browser, "widget-domain-input", "*.shop.uz");
    click(&browser, "widget-domain-add");
    fill(&browser, "widget-domain-input", "old.uz");
    click(&browser, "widget-domain-add");
    browser.wait_for(
        "return document.querySelectorAll('[data-testid=\"widget-domain\"]').length === 3;",
        WAIT,
    );
    browser.eval(
        "Array.from(document.querySelectorAll('[data-testid=\"widget-domain\"]')).find(li => li.textContent.includes('old.uz')).querySelector('button').click();",
        json!([]),
    );
    fill(&browser, "widget-logo", "");
    click(&browser, "widget-save");
    browser.wait_for(
        &format!("return {}.textContent === 'Saved';", el("widget-saved")),
        WAIT,
    );
    let saved = ws.get("/v1/widget/config").json();
    assert_eq!(saved["domains"], json!(["shop.uz", "*.shop.uz"]));
    assert_eq!(saved["branding"]["logo_url"], Value::Null);

    // A logo through the files flow: shown in the tab, served, and in the preview.
    let dir = crate::harness::TempDir::new("chatflow-console-logo");
    let png = dir.path().join("logo.png");
    std::fs::write(&png, crate::console_chat::PNG).expect("png file");
    crate::console_chat::pick_file_into(&browser, "widget-logo-file", &png);
    let logo = browser.wait_for(
        &format!(
            "const i = {}; return i && i.complete && i.naturalWidth > 0 && i.getAttribute('src');",
            el("widget-logo-preview")
        ),
        WAIT,
    );
    let saved = ws.get("/v1/widget/config").json();
    assert_eq!(saved["branding"]["logo_url"], logo);
    assert!(logo.as_str().is_some_and(
        |u| u.starts_with(&format!("{}/v1/files/{}/file_", ctx.server.base_url, ws.id))
    ));
    click(&browser, "widget-logo-remove");
    browser.wait_for(
        &format!("return {} === null;", el("widget-logo-preview")),
        WAIT,
    );
    assert_eq!(
        ws.get("/v1/widget/config").json()["branding"]["logo_url"],
        Value::Null
    );
    let saved = ws.get("/v1/widget/config").json();

    // A refused value is explained, and nothing changes.
    fill(&browser, "widget-domain-input", "https://bad.example/");
    click(&browser, "widget-save");
    browser.wait_for(
        &format!(
            "return {}.textContent.includes('domains');",
            el("widget-error")
        ),
        WAIT,
    );
    assert_eq!(ws.get("/v1/widget/config").json(), saved);
}

#[crate::e2e_test]
fn in_the_browser_rows_show_the_last_line_and_the_keyboard_walks_the_inbox(ctx: &Ctx) {
    let email = unique_email("keys");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    let (older, _) = ws.chat("Birinchi savol");
    let (newer, _) = ws.chat("Ikkinchi savol\nikkinchi qator");
    ws.post(
        &format!("/v1/chats/{older}/messages"),
        &json!({"text": "Javob: ertaga"}),
    )
    .expect::<Value>(201);
    let browser = Browser::start(1280, 900);
    sign_in(&browser, ctx, &email, PASSWORD);
    let rows = browser.wait_for(
        "const r = Array.from(document.querySelectorAll('[data-testid=\"chat-row\"]')); \
         return r.length === 2 && r.map(e => [e.dataset.chatId, e.querySelector('[data-testid=\"chat-row-preview\"]').textContent.trim()]);",
        WAIT,
    );
    // Each row's second line is its newest message's first line; an agent's says so.
    let mut lines = rows.as_array().cloned().unwrap_or_default();
    lines.sort_by_key(|r| r[0] != json!(older.as_str()));
    assert_eq!(
        Value::Array(lines),
        json!([
            [older.as_str(), "Agent: Javob: ertaga"],
            [newer.as_str(), "Ikkinchi savol"]
        ])
    );
    // j and k walk the list in the order it shows.
    let (first, second) = (rows[0][0].clone(), rows[1][0].clone());

    let open = || {
        browser.eval(
            "const e = document.querySelector('[data-testid=\"chat-row\"][aria-current=\"true\"]'); return e && e.dataset.chatId;",
            json!([]),
        )
    };
    let opened = |id: &Value| {
        browser.wait_for_with(
            "const e = document.querySelector('[data-testid=\"chat-row\"][aria-current=\"true\"]'); return e && e.dataset.chatId === arguments[0];",
            json!([id]),
            WAIT,
        );
    };
    let press = |k: &str| {
        browser.eval(
            "document.activeElement && document.activeElement.blur();",
            json!([]),
        );
        browser.keys(k);
    };
    press("j");
    opened(&first);
    browser.wait_for(&format!("return {} !== null;", el("reply-input")), WAIT);
    press("j");
    opened(&second);
    press("k");
    opened(&first);
    // r puts the caret in the reply box, where letters are letters again.
    press("r");
    browser.wait_for(
        "return document.activeElement && document.activeElement.dataset.testid === 'reply-input';",
        WAIT,
    );
    browser.keys("jk");
    assert_eq!(open(), first);
    assert_eq!(
        browser.eval(&format!("return {}.value;", el("reply-input")), json!([])),
        "jk"
    );
    // ? lists the keys; Escape closes the list.
    press("?");
    browser.wait_for(&format!("return {} !== null;", el("shortcuts")), WAIT);
    browser.keys(crate::browser::key::ESCAPE);
    browser.wait_for(&format!("return {} === null;", el("shortcuts")), WAIT);
    // e closes the open chat.
    let closing = first.as_str().unwrap_or_default().to_string();
    press("e");
    crate::harness::eventually(
        "e to close the chat",
        WAIT,
        std::time::Duration::from_millis(100),
        || {
            let status = ws.get(&format!("/v1/chats/{closing}")).json()["status"].clone();
            if status == "closed" {
                Ok(())
            } else {
                Err(status)
            }
        },
    );
}

/// axe-core from npm, run in the page: every tab, the sign-in page and an open chat.
fn axe_violations(browser: &Browser) -> Vec<Value> {
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../node_modules/axe-core/axe.min.js"
    ))
    .expect("axe-core in node_modules (npm ci)");
    let script = format!(
        "{source}\n;return axe.run(document, {{resultTypes: ['violations']}}).then(r => r.violations\
           .filter(v => v.impact === 'serious' || v.impact === 'critical')\
           .map(v => ({{id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}})));"
    );
    match browser.eval(&script, json!([])) {
        Value::Array(found) => found,
        other => panic!("axe did not run: {other}"),
    }
}

#[crate::e2e_test]
fn axe_finds_no_serious_violation_on_any_tab_and_each_has_a_main_and_an_h1(ctx: &Ctx) {
    let email = unique_email("axe");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    let (chat, _) = ws.chat("Salom, yordam kerak");
    ws.post(
        &format!("/v1/chats/{chat}/messages"),
        &json!({"text": "Albatta!"}),
    )
    .expect::<Value>(201);
    ws.post(
        &format!("/v1/chats/{chat}/notes"),
        &json!({"text": "ichki izoh"}),
    )
    .expect::<Value>(201);
    let browser = Browser::start(1280, 900);
    browser.goto(&format!("{}/console/", ctx.server.base_url));
    browser.wait_for(&format!("return {} !== null;", el("signin-email")), WAIT);
    let mut failures = Vec::new();
    let mut check = |page: &str, browser: &Browser| {
        let landmarks = browser.eval(
            "return [document.querySelectorAll('main').length, document.querySelectorAll('h1').length];",
            json!([]),
        );
        if landmarks != json!([1, 1]) {
            failures.push(format!("{page}: main and h1 counts {landmarks}"));
        }
        let found = axe_violations(browser);
        if !found.is_empty() {
            failures.push(format!("{page}: {}", Value::Array(found)));
        }
    };
    // axe runs and sees: a picture without a text alternative is a critical finding.
    browser.eval(
        "const i = document.createElement('img'); i.id = 'axe-probe'; i.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw='; document.querySelector('main').appendChild(i);",
        json!([]),
    );
    let probe = axe_violations(&browser);
    assert!(
        probe.iter().any(|v| v["id"] == "image-alt"),
        "axe missed an image without alt: {probe:?}"
    );
    browser.eval("document.getElementById('axe-probe').remove();", json!([]));
    check("sign-in", &browser);
    fill(&browser, "signin-email", &email);
    fill(&browser, "signin-password", PASSWORD);
    click(&browser, "signin-submit");
    browser.wait_for(&format!("return {} !== null;", el("chat-row")), WAIT);
    click(&browser, "chat-row");
    browser.wait_for(
        "return document.querySelectorAll('[data-testid=\"chat-message\"]').length === 2 && document.querySelector('[data-testid=\"chat-note\"]') !== null;",
        WAIT,
    );
    check("inbox with a chat open", &browser);
    for tab in [
        "tab-keys",
        "tab-agents",
        "tab-widget",
        "tab-webhooks",
        "tab-triggers",
        "tab-canned",
        "tab-analytics",
        "tab-settings",
        "tab-visitors",
    ] {
        click(&browser, tab);
        // The tab is shown and has nothing left loading (an on-demand tab is busy until
        // its wasm has drawn it).
        browser.wait_for(
            &format!(
                "const t = {}, h = {}; return t && h && h.textContent.trim() === t.textContent.trim() \
                   && document.querySelectorAll('main .loading, main [aria-busy=\"true\"]').length === 0 \
                   && !document.querySelector('[data-testid=\"lazy-error\"]')?.textContent;",
                el(tab),
                el("page-title")
            ),
            WAIT,
        );
        check(tab, &browser);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[crate::e2e_test]
fn in_the_browser_the_settings_tab_edits_the_business_hours_and_assignment(ctx: &Ctx) {
    let (browser, ws) = signed_in(ctx, "settings-tab");
    click(&browser, "tab-settings");
    browser.wait_for(
        &format!(
            "const e = {}; return e && e.value === 'Asia/Tashkent';",
            el("hours-timezone")
        ),
        WAIT,
    );
    // Monday to Friday 09:00–18:00 by default; Saturday gets hours, Friday loses its.
    let opens = "return Array.from(document.querySelectorAll('[data-testid=\"hours-open\"]')).map(e => e.value);";
    assert_eq!(
        browser.eval(opens, json!([])),
        json!(["09:00", "09:00", "09:00", "09:00", "09:00"])
    );
    browser.eval(
        "document.querySelector('[data-testid=\"hours-sat\"] [data-testid=\"hours-add\"]').click();",
        json!([]),
    );
    browser.wait_for(
        "return document.querySelectorAll('[data-testid=\"hours-sat\"] [data-testid=\"hours-open\"]').length === 1;",
        WAIT,
    );
    browser.eval(
        "const c = document.querySelector('[data-testid=\"hours-sat\"] [data-testid=\"hours-close\"]'); \
         c.value = '14:00'; c.dispatchEvent(new Event('change', {bubbles: true})); \
         document.querySelector('[data-testid=\"hours-fri\"] .opening button').click();",
        json!([]),
    );
    set_checked(&browser, "hours-enabled", true);
    browser.eval(
        &format!(
            "{}.dispatchEvent(new Event('change', {{bubbles: true}}));",
            el("hours-enabled")
        ),
        json!([]),
    );
    fill(&browser, "hours-holidays", "2026-03-21, 2026-01-01");
    choose(&browser, "assignment-mode", "round_robin");
    browser.eval(
        &format!(
            "{}.dispatchEvent(new Event('change', {{bubbles: true}}));",
            el("assignment-mode")
        ),
        json!([]),
    );
    fill(&browser, "assignment-cap", "4");
    click(&browser, "settings-save");
    browser.wait_for(
        &format!("return {}.textContent === 'Saved';", el("settings-saved")),
        WAIT,
    );
    let saved = ws.get("/v1/settings").json();
    let hours = &saved["business_hours"];
    assert_eq!(hours["enabled"], true);
    assert_eq!(
        hours["weekly"]["sat"],
        json!([{"open": "09:00", "close": "14:00"}])
    );
    assert_eq!(hours["weekly"]["fri"], json!([]));
    assert_eq!(
        hours["weekly"]["mon"],
        json!([{"open": "09:00", "close": "18:00"}])
    );
    assert_eq!(hours["holidays"], json!(["2026-01-01", "2026-03-21"]));
    assert_eq!(
        saved["assignment"],
        json!({"mode": "round_robin", "max_active_per_agent": 4})
    );

    // A refused zone is explained, and nothing changes.
    fill(&browser, "hours-timezone", "Mars/Olympus_Mons");
    click(&browser, "settings-save");
    browser.wait_for(
        &format!(
            "return {}.textContent.includes('timezone');",
            el("settings-error")
        ),
        WAIT,
    );
    assert_eq!(ws.get("/v1/settings").json(), saved);
}

#[crate::e2e_test]
fn in_the_browser_the_visitors_tab_lists_who_is_on_the_site_live(ctx: &Ctx) {
    let (browser, ws) = signed_in(ctx, "visitors-tab");
    click(&browser, "tab-visitors");
    browser.wait_for(&format!("return {} !== null;", el("visitors-empty")), WAIT);
    let beat = |page: &str| {
        let resp = ctx.client.send(
            "POST",
            &format!("/v1/public/widgets/{}/presence", ws.id),
            &[("Origin", "https://shop.example")],
            Some(&json!({"presence_id": "pv_visitorstab000000001", "kind": "view", "page_url": page, "page_title": "Narxlar"})),
        );
        assert_eq!(resp.status, 204, "{}", resp.text);
    };
    beat("https://shop.example/narxlar");
    browser.wait_for(
        "const r = document.querySelector('[data-testid=\"visitor-row\"] [data-testid=\"visitor-page-url\"]'); \
         return r && r.textContent === 'https://shop.example/narxlar';",
        WAIT,
    );
    beat("https://shop.example/savat");
    let row = browser.wait_for(
        "const r = document.querySelectorAll('[data-testid=\"visitor-row\"]'); \
         return r.length === 1 && r[0].querySelector('[data-testid=\"visitor-page-url\"]').textContent === 'https://shop.example/savat' \
           && r[0].querySelector('[data-testid=\"visitor-pages\"]').textContent;",
        WAIT,
    );
    assert_eq!(row, json!("2"));
    // Invite them; a page they move to meanwhile keeps what is being written.
    click(&browser, "visitor-invite");
    fill(&browser, "invite-text", "Savatda yordam kerakmi?");
    beat("https://shop.example/tolov");
    browser.wait_for(
        "const r = document.querySelector('[data-testid=\"visitor-page-url\"]'); \
         return r && r.textContent === 'https://shop.example/tolov';",
        WAIT,
    );
    assert_eq!(
        browser.eval(&format!("return {}.value;", el("invite-text")), json!([])),
        "Savatda yordam kerakmi?"
    );
    click(&browser, "invite-send");
    browser.wait_for(
        &format!("return {}.textContent.includes('30');", el("invite-note")),
        WAIT,
    );
    let shown = ctx.client.send(
        "POST",
        &format!("/v1/public/widgets/{}/presence", ws.id),
        &[("Origin", "https://shop.example")],
        Some(&json!({"presence_id": "pv_visitorstab000000001", "kind": "ping", "page_url": "https://shop.example/tolov"})),
    );
    assert_eq!(shown.status, 200, "{}", shown.text);
    assert_eq!(
        shown.json()["invitation"]["text"],
        "Savatda yordam kerakmi?"
    );
    // Silent past the offline time (3 s under the harness): gone from the list.
    browser.wait_for(&format!("return {} !== null;", el("visitors-empty")), WAIT);
}
