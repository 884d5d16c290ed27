//! Console polish in headless Chromium against `wrangler dev`: the inbox filtered by
//! any agent (with the status filter, and kept so by the live feed), times written the
//! Russian way in the browser's own zone, and the tab strip on a 360 px phone.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::browser::{key, Browser};
use crate::client::{Ctx, TestWorkspace};
use crate::console::{
    click, el, fill, test_workspace, unique_email, workspace_with_password, PASSWORD, WAIT,
};
use crate::harness::eventually;

/// +5 all year: local times are known from UTC ones.
const ZONE: &str = "Asia/Tashkent";

fn sign_in(browser: &Browser, ctx: &Ctx, email: &str) {
    browser.goto(&format!("{}/console/", ctx.server.base_url));
    fill(browser, "signin-email", email);
    fill(browser, "signin-password", PASSWORD);
    click(browser, "signin-submit");
    browser.wait_for(&format!("return {} !== null;", el("tab-inbox")), WAIT);
}

/// Chooses an option of a `<select>` as a person would (a `change` event follows).
pub fn choose(browser: &Browser, testid: &str, value: &str) {
    browser.wait_for_with(
        &format!(
            "const s = {}; return !!s && Array.from(s.options).some(o => o.value === arguments[0]);",
            el(testid)
        ),
        json!([value]),
        WAIT,
    );
    browser.eval(
        &format!("const s = {}; s.value = arguments[0]; s.dispatchEvent(new Event('change', {{bubbles: true}}));", el(testid)),
        json!([value]),
    );
}

/// The ids of the chats the API lists for `query` (all fit one page here).
fn api_ids(ws: &TestWorkspace, query: &str) -> BTreeSet<String> {
    let list = ws.get(&format!("/v1/chats?limit=100{query}")).json();
    list["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c["id"].as_str().map(String::from))
        .collect()
}

/// Waits until the inbox rows are exactly `wanted`, and fails naming what it shows.
fn wait_rows(browser: &Browser, wanted: &BTreeSet<String>, what: &str) {
    let script = "return Array.from(document.querySelectorAll('[data-testid=\"chat-row\"]'))
        .map(r => r.dataset.chatId).sort().join(' ');";
    let want = wanted.iter().cloned().collect::<Vec<_>>().join(" ");
    eventually(
        &format!("{what}: rows {want:?}"),
        WAIT,
        std::time::Duration::from_millis(150),
        || {
            let got = browser.eval(script, json!([]));
            if got == json!(want) {
                Ok(())
            } else {
                Err(got)
            }
        },
    );
}

#[crate::e2e_test]
fn in_the_browser_the_inbox_shows_one_agents_chats_with_a_status_and_live_as_the_api_does(
    ctx: &Ctx,
) {
    let email = unique_email("polish-filter");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    let olim: Value = ws
        .post(
            "/v1/agents",
            &json!({"name": "Olim", "email": unique_email("polish-olim"), "role": "operator"}),
        )
        .expect(201);
    let olim = olim["id"].as_str().unwrap_or_default().to_string();
    let (a, _) = ws.chat("birinchi");
    let (b, _) = ws.chat("ikkinchi");
    let (c, _) = ws.chat("uchinchi");
    let (d, _) = ws.chat("to'rtinchi");
    for chat in [&a, &b] {
        ws.patch(&format!("/v1/chats/{chat}"), &json!({"assigned_to": olim}))
            .expect::<Value>(200);
    }
    ws.patch(&format!("/v1/chats/{b}"), &json!({"status": "closed"}))
        .expect::<Value>(200);
    ws.patch(
        &format!("/v1/chats/{d}"),
        &json!({"assigned_to": ws.owner.id.as_str()}),
    )
    .expect::<Value>(200);

    let browser = Browser::start(1280, 800);
    sign_in(&browser, ctx, &email);
    wait_rows(&browser, &api_ids(&ws, ""), "everyone's");

    choose(&browser, "filter-agent", &olim);
    let olims = api_ids(&ws, &format!("&agent_id={olim}"));
    assert_eq!(olims, BTreeSet::from([a.clone(), b.clone()]));
    wait_rows(&browser, &olims, "Olim's");

    choose(&browser, "filter-status", "assigned");
    let open = api_ids(&ws, &format!("&agent_id={olim}&status=assigned"));
    assert_eq!(open, BTreeSet::from([a.clone()]));
    wait_rows(&browser, &open, "Olim's assigned");

    // Live: a chat given to Olim joins, one taken from him leaves.
    ws.patch(&format!("/v1/chats/{c}"), &json!({"assigned_to": olim}))
        .expect::<Value>(200);
    ws.patch(
        &format!("/v1/chats/{a}"),
        &json!({"assigned_to": ws.owner.id.as_str()}),
    )
    .expect::<Value>(200);
    let now = api_ids(&ws, &format!("&agent_id={olim}&status=assigned"));
    assert_eq!(now, BTreeSet::from([c.clone()]));
    wait_rows(&browser, &now, "Olim's assigned after the feed");

    // "Mine" is the same filter for the signed-in agent, and the select shows it.
    click(&browser, "filter-mine");
    let mine = api_ids(
        &ws,
        &format!("&agent_id={}&status=assigned", ws.owner.id.as_str()),
    );
    assert_eq!(mine, BTreeSet::from([a.clone(), d.clone()]));
    wait_rows(&browser, &mine, "mine");
    assert_eq!(
        browser.eval(&format!("return {}.value;", el("filter-agent")), json!([])),
        json!(ws.owner.id.as_str())
    );
    choose(&browser, "filter-agent", "");
    wait_rows(
        &browser,
        &api_ids(&ws, "&status=assigned"),
        "anyone's assigned",
    );
}

/// Russian short month names, as the console writes them.
const RU_MONTHS: [&str; 12] = [
    "янв.",
    "февр.",
    "мар.",
    "апр.",
    "мая",
    "июн.",
    "июл.",
    "авг.",
    "сент.",
    "окт.",
    "нояб.",
    "дек.",
];

/// How the console in Russian, in Tashkent, writes an RFC 3339 UTC stamp:
/// "25 нояб. 2026, 15:20". Computed here from the stamp's own digits.
fn russian_tashkent(stamp: &str) -> String {
    assert!(stamp.len() >= 16, "a stamp: {stamp:?}");
    let num = |r: std::ops::Range<usize>| stamp[r].parse::<i64>().unwrap_or(-1);
    let (y, mo, d, h, mi) = (num(0..4), num(5..7), num(8..10), num(11..13), num(14..16));
    assert!(stamp.ends_with('Z'), "a UTC stamp: {stamp}");
    let (mut y, mut mo, mut d, mut h) = (y, mo, d, h + 5);
    if h >= 24 {
        h -= 24;
        d += 1;
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        let days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        if d > days[(mo - 1) as usize] {
            d = 1;
            mo += 1;
            if mo > 12 {
                mo = 1;
                y += 1;
            }
        }
    }
    format!(
        "{d}\u{a0}{}\u{a0}{y}, {h:02}:{mi:02}",
        RU_MONTHS[(mo - 1) as usize]
    )
}

#[crate::e2e_test]
fn in_russian_the_inbox_and_keys_write_times_the_russian_way_in_the_browsers_zone(ctx: &Ctx) {
    let email = unique_email("polish-ru");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    let (chat, _) = ws.chat("Здравствуйте");
    // Only the list says when the newest message was written.
    let list = ws.get("/v1/chats").json();
    assert_eq!(list["data"][0]["id"], json!(chat));
    let last = list["data"][0]["last_message_at"]
        .as_str()
        .unwrap_or_else(|| panic!("{list}"))
        .to_string();

    let browser = Browser::start_phone(360, 740);
    browser.cdp("Emulation.setTimezoneOverride", json!({"timezoneId": ZONE}));
    browser.cdp("Emulation.setLocaleOverride", json!({"locale": "ru-RU"}));
    let ua = browser.eval("return navigator.userAgent;", json!([]));
    browser.cdp(
        "Network.setUserAgentOverride",
        json!({"userAgent": ua, "acceptLanguage": "ru-RU"}),
    );
    sign_in(&browser, ctx, &email);
    let row_time = format!(
        "const e = {}; return e && e.textContent;",
        el("chat-row-time")
    );
    browser.wait_for(&format!("return {} !== null;", el("chat-row-time")), WAIT);
    // The row says the time alone (a chat of today) or the day alone (once midnight
    // passed in Tashkent since); the whole moment is its title.
    let shown = browser.eval(&row_time, json!([]));
    let whole = russian_tashkent(&last);
    let (day, time) = whole.split_once(", ").unwrap_or_default();
    let day_month = day
        .rsplit_once('\u{a0}')
        .map(|(dm, _)| dm)
        .unwrap_or_default();
    assert!(
        shown == json!(time) || shown == json!(day_month),
        "row time {shown} for {whole} (stamp {last})"
    );
    let title = browser.eval(
        &format!("return {}.getAttribute('title');", el("chat-row-time")),
        json!([]),
    );
    assert_eq!(title, json!(whole), "stamp {last}");

    // The open chat's message says when it was written, the same way.
    let messages = ws.get(&format!("/v1/chats/{chat}/messages")).json();
    let written = messages["data"][0]["created_at"]
        .as_str()
        .unwrap_or_else(|| panic!("{messages}"))
        .to_string();
    click(&browser, "chat-row");
    browser.wait_for(&format!("return {} !== null;", el("message-time")), WAIT);
    assert_eq!(
        browser.eval(
            &format!("return {}.textContent.trim();", el("message-time")),
            json!([])
        ),
        json!(russian_tashkent(&written)),
        "stamp {written}"
    );

    click(&browser, "tab-keys");
    browser.wait_for(&format!("return {} !== null;", el("key-created")), WAIT);
    let keys = ws.get("/v1/api-keys").json();
    let created = keys["data"][0]["created_at"]
        .as_str()
        .unwrap_or_else(|| panic!("{keys}"))
        .to_string();
    assert_eq!(
        browser.eval(
            &format!("return {}.textContent;", el("key-created")),
            json!([])
        ),
        json!(russian_tashkent(&created)),
        "stamp {created}"
    );
    // Issue 22: the API's reference is one click away, in a tab of its own.
    assert_eq!(
        browser.eval(
            &format!(
                "const a = {}; return [a.textContent.trim(), a.getAttribute('href'), a.target, a.rel];",
                el("api-reference")
            ),
            json!([])
        ),
        json!(["Справочник API", "/docs/", "_blank", "noopener"])
    );
}

#[crate::e2e_test]
fn on_a_360_px_phone_the_tabs_fit_and_each_is_reached_and_opened_by_keyboard(ctx: &Ctx) {
    let email = unique_email("polish-nav");
    let _ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    let browser = Browser::start_phone(360, 740);
    sign_in(&browser, ctx, &email);
    let tabs: Vec<String> = browser
        .eval(
            "return Array.from(document.querySelectorAll('[data-testid=\"tabs\"] [role=tab]'))
                .map(t => t.dataset.testid);",
            json!([]),
        )
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|t| t.as_str().map(String::from))
        .collect();
    assert_eq!(tabs.len(), 10, "an owner's tabs: {tabs:?}");
    let widths = browser.eval(
        "return [window.innerWidth, document.documentElement.scrollWidth];",
        json!([]),
    );
    assert_eq!(widths, json!([360, 360]), "[viewport, page] width");
    assert_eq!(
        browser.eval(
            &format!("return {}.getAttribute('aria-current');", el("tab-inbox")),
            json!([])
        ),
        json!("page")
    );

    // From the first tab, Tab walks every tab in order; Enter opens the one focused.
    browser.eval(&format!("{}.focus();", el("tab-inbox")), json!([]));
    let focused = "return document.activeElement && document.activeElement.dataset.testid;";
    let mut reached = vec![browser.eval(focused, json!([]))];
    for _ in 1..tabs.len() {
        browser.keys(key::TAB);
        reached.push(browser.eval(focused, json!([])));
    }
    assert_eq!(reached, tabs.iter().map(|t| json!(t)).collect::<Vec<_>>());
    browser.keys(key::ENTER);
    let last = tabs.last().cloned().unwrap_or_default();
    browser.wait_for(
        &format!(
            "return {}.getAttribute('aria-current') === 'page' && {}.getAttribute('aria-current') === null;",
            el(&last),
            el("tab-inbox")
        ),
        WAIT,
    );
    // The tab opened last is scrolled into the strip, and the page still fits.
    let fits = browser.eval(
        &format!(
            "const r = {}.getBoundingClientRect(); return [r.left >= 0 && r.right <= 360 || [r.left, r.right, document.querySelector('[data-testid=tabs]').getBoundingClientRect().right], document.documentElement.scrollWidth];",
            el(&last)
        ),
        json!([]),
    );
    assert_eq!(fits, json!([true, 360]));
}
