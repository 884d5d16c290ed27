//! The console's Analytics tab in headless Chromium against `wrangler dev`: a range of
//! days picked in the agent's time zone, the overview, one chart bar per day with the
//! day's numbers, Russian and Uzbek formatting, and a bad range refused without a
//! request.
//!
//! Chats with known times are written straight into D1 (as `analytics.rs` does: the API
//! only makes chats "now"); one chat is made through the API, for today's bar.

use std::time::Duration;

use serde_json::{json, Value};

use crate::browser::{key, Browser};
use crate::client::{Ctx, TestWorkspace};
use crate::console::{
    click, el, fill, test_workspace, unique_email, workspace_with_password, PASSWORD, WAIT,
};

/// The zone the browser is put in: +5 all year, so day edges are known.
const ZONE: &str = "Asia/Tashkent";

/// Chats bulk-created on 5 March: enough for digit groups (1,203 in all).
const BULK: u32 = 1_200;

/// Chooses an option of a `<select>` as a person would (a `change` event follows).
fn choose(browser: &Browser, testid: &str, value: &str) {
    browser.wait_for(&format!("return {} !== null;", el(testid)), WAIT);
    browser.eval(
        &format!("const s = {}; s.value = arguments[0]; s.dispatchEvent(new Event('change', {{bubbles: true}}));", el(testid)),
        json!([value]),
    );
}

/// Writes the chats of 1–7 March 2026 (UTC times; Tashkent is +5):
///
/// | chat | created (UTC)    | Tashkent day | first reply | closed (Tashkent day) | rating |
/// |------|------------------|--------------|-------------|-----------------------|--------|
/// | a    | 02 Mar 10:00     | 2 Mar        | 60 s        | 10:30 (2 Mar)         | 5      |
/// | b    | 02 Mar 12:00     | 2 Mar        | 180 s       | —                     | —      |
/// | c    | 03 Mar 20:00     | **4 Mar**    | 90 s        | 21:00 (4 Mar)         | 4      |
/// | bulk | 05 Mar 06:00 ×1200 | 5 Mar      | —           | —                     | —      |
/// | out  | 28 Feb 10:00     | 28 Feb       | 30 s        | —                     | —      |
///
/// So 1–7 March holds 1,203 chats, a mean first reply of (60+180+90)/3 = 110 s, a mean
/// resolution of (30+60)/2 = 45 min, CSAT (5+4)/2 = 4.5 and both closed chats solved at
/// first contact. Counted in UTC instead, chat c would fall on 3 March.
fn seed(ctx: &Ctx, ws: &TestWorkspace) {
    // Ids as the product makes them (letters and digits after the prefix), or the inbox
    // the console opens on cannot read its chats (GET /v1/chats answers 500).
    let own = ws.id.trim_start_matches("ws_");
    let visitor = format!("visitor_ca{own}");
    let owner = ws.owner.id.as_str();
    let row = |id: &str,
               status: &str,
               created: &str,
               reply: Option<u32>,
               closed: Option<&str>,
               rating: Option<(u8, &str)>| {
        let q = |s: Option<String>| s.map_or("NULL".to_string(), |s| format!("'{s}'"));
        format!(
            "INSERT INTO chats (id, visitor_id, status, assigned_to, last_activity_at,
                first_visitor_message_at, first_response_at, closed_at, reopened_count, agents_replied,
                rating_score, rated_at, created_at, updated_at)
             VALUES ('chat_{id}{own}', '{visitor}', '{status}', '{owner}', '{created}', '{created}',
                {reply}, {closed}, 0, {replied}, {score}, {rated}, '{created}', '{created}');",
            reply = reply.map_or("NULL".to_string(), |s| format!(
                "strftime('%Y-%m-%dT%H:%M:%SZ', '{created}', '+{s} seconds')"
            )),
            replied = u8::from(reply.is_some()),
            closed = q(closed.map(String::from)),
            score = rating.map_or("NULL".to_string(), |r| r.0.to_string()),
            rated = q(rating.map(|r| r.1.to_string())),
        )
    };
    let mut sql = format!(
        "INSERT INTO visitors (id, created_at, last_seen_at)
         VALUES ('{visitor}', '2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z');"
    );
    sql.push_str(&row(
        "a",
        "closed",
        "2026-03-02T10:00:00Z",
        Some(60),
        Some("2026-03-02T10:30:00Z"),
        Some((5, "2026-03-02T11:00:00Z")),
    ));
    sql.push_str(&row(
        "b",
        "assigned",
        "2026-03-02T12:00:00Z",
        Some(180),
        None,
        None,
    ));
    sql.push_str(&row(
        "c",
        "closed",
        "2026-03-03T20:00:00Z",
        Some(90),
        Some("2026-03-03T21:00:00Z"),
        Some((4, "2026-03-03T22:00:00Z")),
    ));
    sql.push_str(&row(
        "out",
        "assigned",
        "2026-02-28T10:00:00Z",
        Some(30),
        None,
        None,
    ));
    // The bulk in one statement: a recursive count feeds the rows.
    sql.push_str(&format!(
        "INSERT INTO chats (id, visitor_id, status, assigned_to, last_activity_at,
            first_visitor_message_at, reopened_count, agents_replied, created_at, updated_at)
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {BULK})
         SELECT 'chat_bulk' || i || '{own}', '{visitor}', 'assigned', '{owner}',
            '2026-03-05T06:00:00Z', '2026-03-05T06:00:00Z', 0, 0,
            '2026-03-05T06:00:00Z', '2026-03-05T06:00:00Z' FROM n;"
    ));
    ctx.server.workspace_sql(&ws.id, &sql);
    // The API agrees with the table above (in the zone), so the browser's figures can be
    // checked against it.
    let overview = ws
        .get(&format!(
            "/v1/analytics/overview?from=2026-03-01&to=2026-03-07&tz={ZONE}"
        ))
        .json();
    assert_eq!(
        overview["metrics"],
        json!({"total_chats": 1_203, "avg_response_time_seconds": 110,
               "avg_resolution_time_minutes": 45, "csat_score": 4.5,
               "first_contact_resolution_rate": 1.0}),
        "{overview}"
    );
}

/// A phone-sized Chromium in Tashkent's zone, in `lang`, signed in on the Analytics tab.
fn open_analytics(ctx: &Ctx, email: &str, lang: &str) -> Browser {
    let browser = Browser::start_phone(360, 740);
    browser.cdp("Emulation.setTimezoneOverride", json!({"timezoneId": ZONE}));
    browser.cdp("Emulation.setLocaleOverride", json!({"locale": lang}));
    let ua = browser.eval("return navigator.userAgent;", json!([]));
    browser.cdp(
        "Network.setUserAgentOverride",
        json!({"userAgent": ua, "acceptLanguage": lang}),
    );
    browser.goto(&format!("{}/console/", ctx.server.base_url));
    fill(&browser, "signin-email", email);
    fill(&browser, "signin-password", PASSWORD);
    click(&browser, "signin-submit");
    click(&browser, "tab-analytics");
    browser.wait_for(&format!("return {} !== null;", el("overview")), WAIT);
    browser
}

/// Picks a custom range and waits until the period line shows `shown`.
fn custom_range(browser: &Browser, from: &str, to: &str, shown: &str) {
    choose(browser, "range-preset", "custom");
    fill(browser, "range-from", from);
    fill(browser, "range-to", to);
    click(browser, "range-apply");
    wait_text(browser, "period", shown);
}

fn wait_text(browser: &Browser, testid: &str, text: &str) {
    let found = browser.wait_for_with(
        &format!(
            "const e = {}; return e && e.textContent === arguments[0];",
            el(testid)
        ),
        json!([text]),
        WAIT,
    );
    assert_eq!(found, true);
}

/// The overview's cards, metric → text.
fn cards(browser: &Browser) -> Value {
    browser.eval(
        "const o = {}; document.querySelectorAll('[data-testid=\"overview\"] dd[data-metric]')
            .forEach(d => o[d.dataset.metric] = d.textContent); return o;",
        json!([]),
    )
}

/// Each day's `<g>` of a chart: its date, data attributes and title.
fn bars(browser: &Browser, chart: &str) -> Vec<Value> {
    browser
        .eval(
            "return Array.from(document.querySelectorAll(`[data-testid=\"${arguments[0]}\"] svg g[data-date]`))
                .map(g => ({date: g.dataset.date, created: g.dataset.created, resolved: g.dataset.resolved,
                            value: g.dataset.value, title: g.querySelector('title').textContent,
                            ns: g.querySelector('title').namespaceURI,
                            bars: g.querySelectorAll('rect:not(.hit)').length}));",
            json!([chart]),
        )
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Waits until the chats chart's `data-created`, day by day, read `wanted`.
fn wait_created(browser: &Browser, wanted: &str) {
    browser.wait_for_with(
        "return Array.from(document.querySelectorAll('[data-testid=\"chart-chats\"] svg g[data-date]'))
            .map(g => g.dataset.created).join(' ') === arguments[0];",
        json!([wanted]),
        WAIT,
    );
}

/// Nothing overflows the 360 px screen (the widest elements are named if something does).
fn fits_a_phone(browser: &Browser, what: &str) {
    let widths = browser.eval(
        "return [window.innerWidth, document.documentElement.scrollWidth];",
        json!([]),
    );
    let widest = browser.eval(
        "return Array.from(document.querySelectorAll('body *'))
            .filter(e => e.getBoundingClientRect().right > 362).slice(-8)
            .map(e => e.tagName + '.' + e.className).join(', ');",
        json!([]),
    );
    assert_eq!(
        widths,
        json!([360, 360]),
        "[viewport, page] width with {what}: {widest}"
    );
}

/// `YYYY-MM-DD` in Tashkent of the RFC 3339 `stamp`, or of now without one, by the
/// browser's own zone database (`en-CA` writes dates that way).
fn tashkent_day(browser: &Browser, stamp: Option<&str>) -> String {
    browser
        .eval(
            "const at = arguments[1] ? new Date(arguments[1]) : new Date();
             return new Intl.DateTimeFormat('en-CA', {timeZone: arguments[0]}).format(at);",
            json!([ZONE, stamp]),
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[crate::e2e_test]
fn in_the_browser_analytics_charts_each_day_of_a_range_in_the_agents_time_zone(ctx: &Ctx) {
    let email = unique_email("analytics-en");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    seed(ctx, &ws);
    // One chat made now, through the API, for today's bar.
    let (now_chat, _) = ws.chat("Salom, bugungi savol");
    let made_at = ws.get(&format!("/v1/chats/{now_chat}")).json()["created_at"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let operator: Value = ws
        .post(
            "/v1/agents",
            &json!({"name": "Olim", "email": unique_email("analytics-op"), "role": "operator"}),
        )
        .expect(201);
    let operator = operator["id"].as_str().unwrap_or_default().to_string();
    let browser = open_analytics(ctx, &email, "en-US");
    // The page really is in Tashkent's zone (the console sends what it reads here).
    assert_eq!(
        browser.eval(
            "return Intl.DateTimeFormat().resolvedOptions().timeZone;",
            json!([])
        ),
        ZONE
    );

    custom_range(
        &browser,
        "2026-03-01",
        "2026-03-07",
        "1\u{a0}Mar\u{a0}2026 – 7\u{a0}Mar\u{a0}2026",
    );
    assert_eq!(
        cards(&browser),
        json!({"total_chats": "1,203", "response_time": "1\u{a0}min 50\u{a0}s",
               "resolution_time": "45\u{a0}min", "csat": "4.5", "fcr": "100%"})
    );
    // One slot per day, empty days included, each with its day's numbers; chat c is on
    // 4 March, the agent's day, not on 3 March (UTC's).
    let chats = bars(&browser, "chart-chats");
    let days: Vec<&str> = chats
        .iter()
        .map(|b| b["date"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        days,
        [
            "2026-03-01",
            "2026-03-02",
            "2026-03-03",
            "2026-03-04",
            "2026-03-05",
            "2026-03-06",
            "2026-03-07"
        ]
    );
    let created: Vec<&str> = chats
        .iter()
        .map(|b| b["created"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(created, ["0", "2", "0", "1", "1200", "0", "0"]);
    let resolved: Vec<&str> = chats
        .iter()
        .map(|b| b["resolved"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(resolved, ["0", "1", "0", "1", "0", "0", "0"]);
    assert_eq!(
        chats[4]["title"],
        "5\u{a0}Mar\u{a0}2026: Created 1,200, Resolved 0"
    );
    assert_eq!(chats[4]["ns"], "http://www.w3.org/2000/svg");
    // Empty days have a slot (and a title) but no bar.
    assert_eq!(chats[0]["bars"], 0);
    assert_eq!(chats[3]["bars"], 2);
    let response = bars(&browser, "chart-response");
    let values: Vec<&str> = response
        .iter()
        .map(|b| b["value"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(values, ["", "120", "", "90", "", "", ""]);
    assert_eq!(response[1]["title"], "2\u{a0}Mar\u{a0}2026: 2\u{a0}min");
    assert_eq!(
        response[3]["title"],
        "4\u{a0}Mar\u{a0}2026: 1\u{a0}min 30\u{a0}s"
    );
    assert_eq!(response[0]["title"], "1\u{a0}Mar\u{a0}2026: no replies");
    // Screen readers get a summary and the numbers.
    let summary = browser.eval(
        "return document.querySelector('[data-testid=\"chart-chats\"] svg').getAttribute('aria-label');",
        json!([]),
    );
    assert_eq!(
        summary,
        "Chats per day, 1\u{a0}Mar\u{a0}2026 – 7\u{a0}Mar\u{a0}2026: Created 1,203, Resolved 2; \
         busiest day 5\u{a0}Mar\u{a0}2026 (1,200)"
    );
    let table_rows = browser.eval(
        "return document.querySelectorAll('[data-testid=\"chart-table\"] tbody tr').length;",
        json!([]),
    );
    assert_eq!(table_rows, 7);
    // The agents table is for the same range.
    let row = browser.eval(
        "const r = document.querySelector('[data-testid=\"agent-stats\"] [data-metric=\"total_chats\"]'); return r && r.textContent;",
        json!([]),
    );
    assert_eq!(row, "1,203");
    // The charts can follow one agent: the operator has no chats in the range, the owner
    // all of them; the overview stays the team's.
    choose(&browser, "agent-filter", &operator);
    wait_created(&browser, "0 0 0 0 0 0 0");
    let values: Vec<String> = bars(&browser, "chart-response")
        .iter()
        .map(|b| b["value"].as_str().unwrap_or("?").to_string())
        .collect();
    assert_eq!(values, ["", "", "", "", "", "", ""]);
    assert_eq!(cards(&browser)["total_chats"], "1,203");
    choose(&browser, "agent-filter", ws.owner.id.as_str());
    wait_created(&browser, "0 2 0 1 1200 0 0");
    choose(&browser, "agent-filter", "");
    wait_created(&browser, "0 2 0 1 1200 0 0");
    fits_a_phone(&browser, "7 days");

    // The 7-day preset ends today in Tashkent, with the chat made now on its own day
    // there: from 19:00 UTC on that is UTC's tomorrow. The day is the one the chat was
    // made on, and today is read on both sides of the pick, so a midnight passing while
    // the test runs moves the expectation with it instead of failing it.
    let made = tashkent_day(&browser, Some(&made_at));
    let before = tashkent_day(&browser, None);
    choose(&browser, "range-preset", "7");
    let after = tashkent_day(&browser, None);
    let week = browser.wait_for_with(
        "const g = Array.from(document.querySelectorAll('[data-testid=\"chart-chats\"] svg g[data-date]'));
         return g.length === 7 && arguments[0].includes(g[6].dataset.date)
             && g.map(b => [b.dataset.date, b.dataset.created]);",
        json!([[before, after]]),
        WAIT,
    );
    let week: Vec<(String, String)> = serde_json::from_value(week).unwrap_or_default();
    assert!(
        week.iter().any(|(date, _)| *date == made),
        "the chat's day {made} is in the week: {week:?}"
    );
    for (date, created) in &week {
        let wanted = if *date == made { "1" } else { "0" };
        assert_eq!(
            created, wanted,
            "{date}'s bar ({made_at} was made on {made})"
        );
    }
    // Today alone, and 90 days: one slot per day.
    choose(&browser, "range-preset", "1");
    let today = browser.wait_for(
        "const g = document.querySelectorAll('[data-testid=\"chart-chats\"] svg g[data-date]');
         return g.length === 1 && g[0].dataset.date;",
        WAIT,
    );
    let wanted = if today == made.as_str() { "1" } else { "0" };
    assert_eq!(cards(&browser)["total_chats"], wanted, "today is {today}");
    choose(&browser, "range-preset", "90");
    browser.wait_for(
        "const g = document.querySelectorAll('[data-testid=\"chart-chats\"] svg g[data-date]'); return g.length === 90;",
        WAIT,
    );
    fits_a_phone(&browser, "90 days");
}

#[crate::e2e_test]
fn in_russian_and_uzbek_analytics_writes_numbers_dates_and_durations_their_way(ctx: &Ctx) {
    let email = unique_email("analytics-ru");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    seed(ctx, &ws);
    struct Expected {
        lang: &'static str,
        period: &'static str,
        cards: Value,
        busiest_title: &'static str,
        response_title: &'static str,
        apply: &'static str,
    }
    let nb = |s: &str| s.replace('_', "\u{a0}");
    for want in [
        Expected {
            lang: "ru-RU",
            period: "1_мар._2026 – 7_мар._2026",
            cards: json!({"total_chats": nb("1_203"), "response_time": nb("1_мин 50_с"),
                          "resolution_time": nb("45_мин"), "csat": "4,5", "fcr": nb("100_%")}),
            busiest_title: "5_мар._2026: Создано 1_200, Решено 0",
            response_title: "4_мар._2026: 1_мин 30_с",
            apply: "Показать",
        },
        Expected {
            lang: "uz-UZ",
            period: "1-mar, 2026 – 7-mar, 2026",
            cards: json!({"total_chats": nb("1_203"), "response_time": nb("1_daq 50_s"),
                          "resolution_time": nb("45_daq"), "csat": "4,5", "fcr": "100%"}),
            busiest_title: "5-mar, 2026: Yaratilgan 1_200, Hal qilingan 0",
            response_title: "4-mar, 2026: 1_daq 30_s",
            apply: "Ko'rsatish",
        },
    ] {
        let browser = open_analytics(ctx, &email, want.lang);
        assert_eq!(
            browser.eval("return navigator.language;", json!([])),
            want.lang
        );
        custom_range(&browser, "2026-03-01", "2026-03-07", &nb(want.period));
        assert_eq!(cards(&browser), want.cards, "{}", want.lang);
        let chats = bars(&browser, "chart-chats");
        assert_eq!(chats.len(), 7);
        assert_eq!(chats[4]["title"], nb(want.busiest_title));
        let response = bars(&browser, "chart-response");
        assert_eq!(response[3]["title"], nb(want.response_title));
        assert_eq!(
            browser.eval(
                &format!("return {}.textContent;", el("range-apply")),
                json!([])
            ),
            want.apply
        );
    }
}

/// How many analytics requests the page has made so far.
fn analytics_requests(browser: &Browser) -> u64 {
    browser
        .eval(
            "return performance.getEntriesByType('resource').filter(e => e.name.includes('/v1/analytics/')).length;",
            json!([]),
        )
        .as_u64()
        .unwrap_or(u64::MAX)
}

#[crate::e2e_test]
fn a_reversed_or_too_long_range_is_refused_without_a_request_and_the_figures_stay(ctx: &Ctx) {
    let email = unique_email("analytics-bad");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    seed(ctx, &ws);
    let browser = open_analytics(ctx, &email, "en-US");
    let shown = "1\u{a0}Mar\u{a0}2026 – 7\u{a0}Mar\u{a0}2026";
    custom_range(&browser, "2026-03-01", "2026-03-07", shown);
    let before = cards(&browser);
    assert_eq!(before["total_chats"], "1,203");
    let requests = analytics_requests(&browser);
    assert!(requests >= 3, "{requests}");

    for (from, to, message) in [
        (
            "2026-03-09",
            "2026-03-01",
            "The start date must not be after the end date",
        ),
        (
            "2025-02-28",
            "2026-03-01",
            "A period may cover at most 366 days",
        ),
        ("", "2026-03-01", "Pick both dates"),
    ] {
        fill(&browser, "range-from", from);
        fill(&browser, "range-to", to);
        click(&browser, "range-apply");
        wait_text(&browser, "range-error", message);
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(
            analytics_requests(&browser),
            requests,
            "{from}..{to} made a request"
        );
        assert_eq!(cards(&browser), before);
        assert_eq!(
            browser.eval(&format!("return {}.textContent;", el("period")), json!([])),
            shown
        );
    }
    // The longest range the API takes is accepted, and clears the error; Enter in a
    // date field applies it, as the button does.
    fill(&browser, "range-from", "2025-03-08");
    fill(&browser, "range-to", "2026-03-08");
    browser.eval(&format!("{}.focus();", el("range-to")), json!([]));
    browser.keys(key::ENTER);
    wait_text(
        &browser,
        "period",
        "8\u{a0}Mar\u{a0}2025 – 8\u{a0}Mar\u{a0}2026",
    );
    wait_text(&browser, "range-error", "");
    assert_eq!(cards(&browser)["total_chats"], "1,204");
    assert_eq!(
        browser.eval(
            "return document.querySelectorAll('[data-testid=\"chart-chats\"] svg g[data-date]').length;",
            json!([])
        ),
        366
    );
}
