//! Workspace settings for routing and business hours (`GET/PATCH /v1/settings`), and
//! the public widget config's `open` and `opens_at`, with the widget in Chromium
//! showing the offline form outside the hours although an agent is online.

use std::time::Duration;

use chrono::{Days, Utc};
use serde_json::{json, Value};
use shared_types::error::ErrorCode;

use crate::browser::Browser;
use crate::client::{Ctx, TestWorkspace};
use crate::harness::eventually;
use crate::widget_page::open_panel;

fn settings(ws: &TestWorkspace) -> Value {
    ws.get("/v1/settings").expect(200)
}

fn public(ctx: &Ctx, ws: &TestWorkspace) -> Value {
    ctx.client
        .get(&format!("/v1/public/widgets/{}", ws.id), "")
        .expect(200)
}

/// Every day open all day.
fn always() -> Value {
    let day = json!([{"open": "00:00", "close": "24:00"}]);
    json!({"mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": day, "sun": day})
}

#[crate::e2e_test]
fn settings_start_manual_with_hours_off_and_change_section_by_section(ctx: &Ctx) {
    let ws = ctx.workspace();
    let first = settings(&ws);
    assert_eq!(
        first["assignment"],
        json!({"mode": "manual", "max_active_per_agent": null})
    );
    assert_eq!(first["business_hours"]["enabled"], false);
    assert_eq!(first["business_hours"]["timezone"], "Asia/Tashkent");
    assert_eq!(
        first["business_hours"]["weekly"]["mon"],
        json!([{"open": "09:00", "close": "18:00"}])
    );
    assert_eq!(first["business_hours"]["weekly"]["sun"], json!([]));
    assert_eq!(first["typing_preview"], false);

    let changed: Value = ws
        .patch(
            "/v1/settings",
            &json!({
                "assignment": {"mode": "least_busy", "max_active_per_agent": 5},
                "business_hours": {
                    "enabled": true,
                    "timezone": "Europe/Moscow",
                    "weekly": {"sat": [{"open": "10:00", "close": "14:00"}]},
                    "holidays": ["2026-03-21", "2026-01-01", "2026-03-21"]
                },
                "typing_preview": true
            }),
        )
        .expect(200);
    assert_eq!(changed, settings(&ws));
    assert_eq!(
        changed["assignment"],
        json!({"mode": "least_busy", "max_active_per_agent": 5})
    );
    let hours = &changed["business_hours"];
    assert_eq!(hours["timezone"], "Europe/Moscow");
    assert_eq!(
        hours["weekly"]["sat"],
        json!([{"open": "10:00", "close": "14:00"}])
    );
    // The days not sent keep theirs; holidays come sorted, once each.
    assert_eq!(
        hours["weekly"]["mon"],
        json!([{"open": "09:00", "close": "18:00"}])
    );
    assert_eq!(hours["holidays"], json!(["2026-01-01", "2026-03-21"]));
    assert_eq!(changed["typing_preview"], true);
    assert_eq!(changed["email"], first["email"]);

    // One field alone; null lifts the cap.
    let later: Value = ws
        .patch(
            "/v1/settings",
            &json!({"assignment": {"max_active_per_agent": null}}),
        )
        .expect(200);
    assert_eq!(
        later["assignment"],
        json!({"mode": "least_busy", "max_active_per_agent": null})
    );
    assert_eq!(later["business_hours"], changed["business_hours"]);

    // Operators read them and change nothing.
    let operator = crate::chats::operator_key(ctx, &ws);
    assert_eq!(
        ctx.client
            .get("/v1/settings", &operator)
            .expect::<Value>(200),
        later
    );
    ctx.client
        .patch("/v1/settings", &operator, &json!({"typing_preview": false}))
        .assert_error(ErrorCode::AuthForbidden);
    assert_eq!(settings(&ws), later);
}

#[crate::e2e_test]
fn bad_settings_are_400_req_004_naming_the_field_and_change_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let before = settings(&ws);
    let cases = [
        (
            json!({"assignment": {"max_active_per_agent": 0}}),
            "assignment.max_active_per_agent",
        ),
        (
            json!({"assignment": {"max_active_per_agent": 101}}),
            "assignment.max_active_per_agent",
        ),
        (
            json!({"business_hours": {"timezone": "Mars/Olympus_Mons"}}),
            "business_hours.timezone",
        ),
        (
            json!({"business_hours": {"timezone": "EST"}}),
            "business_hours.timezone",
        ),
        (
            json!({"business_hours": {"weekly": {"mon": [{"open": "9am", "close": "18:00"}]}}}),
            "business_hours.weekly.mon[0].open",
        ),
        (
            json!({"business_hours": {"weekly": {"fri": [{"open": "18:00", "close": "09:00"}]}}}),
            "business_hours.weekly.fri[0].close",
        ),
        (
            json!({"business_hours": {"weekly": {"tue": [
                {"open": "09:00", "close": "13:00"}, {"open": "12:00", "close": "18:00"}
            ]}}}),
            "business_hours.weekly.tue[1]",
        ),
        (
            json!({"business_hours": {"holidays": ["2026-02-30"]}}),
            "business_hours.holidays[0]",
        ),
        // A good section beside a bad one is not written either.
        (
            json!({"typing_preview": true, "email": {"reply_domain": "not a domain"}}),
            "email.reply_domain",
        ),
    ];
    for (body, field) in cases {
        let refused = ws
            .patch("/v1/settings", &body)
            .assert_error(ErrorCode::Validation);
        let fields = refused.error.details.clone();
        assert!(
            fields["fields"].get(field).is_some(),
            "{body}: expected {field} in {fields}"
        );
        assert_eq!(settings(&ws), before, "{body} changed something");
    }
    for body in [
        json!({"assignment": {"mode": "random"}}),
        json!({"typing_preview": null}),
        json!({"business_hours": {"weekly": {"monday": []}}}),
        json!({"routing": {}}),
    ] {
        ws.patch("/v1/settings", &body)
            .assert_error(ErrorCode::Validation);
        assert_eq!(settings(&ws), before, "{body} changed something");
    }
}

#[crate::e2e_test]
fn the_public_config_says_whether_the_hours_are_open_and_when_they_open(ctx: &Ctx) {
    let ws = ctx.workspace();
    // Off: always open.
    let off = public(ctx, &ws);
    assert_eq!(
        (off["open"].clone(), off["opens_at"].clone()),
        (json!(true), Value::Null)
    );

    ws.patch(
        "/v1/settings",
        &json!({"business_hours": {"enabled": true, "timezone": "UTC", "weekly": always()}}),
    )
    .expect::<Value>(200);
    let open = public(ctx, &ws);
    assert_eq!(
        (open["open"].clone(), open["opens_at"].clone()),
        (json!(true), Value::Null)
    );

    // Yesterday, today and tomorrow closed (UTC): whichever of the three is the
    // server's today, it opens at the midnight after tomorrow.
    let today = Utc::now().date_naive();
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let holidays = [
        day(today - Days::new(1)),
        day(today),
        day(today + Days::new(1)),
    ];
    ws.patch(
        "/v1/settings",
        &json!({"business_hours": {"holidays": holidays}}),
    )
    .expect::<Value>(200);
    let closed = public(ctx, &ws);
    assert_eq!(closed["open"], false, "{closed}");
    assert_eq!(
        closed["opens_at"],
        format!("{}T00:00:00Z", day(today + Days::new(2))).as_str()
    );

    // No opening at all: closed, with nothing ahead.
    let empty = json!([]);
    ws.patch(
        "/v1/settings",
        &json!({"business_hours": {"weekly": {
            "mon": empty, "tue": empty, "wed": empty, "thu": empty, "fri": empty, "sat": empty, "sun": empty
        }}}),
    )
    .expect::<Value>(200);
    let never = public(ctx, &ws);
    assert_eq!(
        (never["open"].clone(), never["opens_at"].clone()),
        (json!(false), Value::Null)
    );

    ws.patch(
        "/v1/settings",
        &json!({"business_hours": {"enabled": false}}),
    )
    .expect::<Value>(200);
    assert_eq!(public(ctx, &ws)["open"], true);
}

#[crate::e2e_test]
fn outside_the_hours_the_widget_offers_the_offline_form_though_an_agent_is_online(ctx: &Ctx) {
    let ws = ctx.workspace();
    let _agent = crate::realtime::feed(ctx, "", Some(&ws.api_key)).expect("agent feed");
    eventually(
        "the agent to be online",
        Duration::from_secs(10),
        Duration::from_millis(100),
        || {
            let p = public(ctx, &ws);
            if p["agents_online"] == true {
                Ok(())
            } else {
                Err(p)
            }
        },
    );
    let email_field = "const r = document.getElementById('chatflow-widget').shadowRoot; \
         return r.querySelector('[data-testid=\"cf-email\"]') !== null;";

    // Open hours and an agent online: no email field.
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    open_panel(&browser);
    assert_eq!(browser.eval(email_field, json!([])), false);

    // Closed (no opening on any day): the offline message and the email field.
    let empty = json!([]);
    ws.patch(
        "/v1/settings",
        &json!({"business_hours": {"enabled": true, "weekly": {
            "mon": empty, "tue": empty, "wed": empty, "thu": empty, "fri": empty, "sat": empty, "sun": empty
        }}}),
    )
    .expect::<Value>(200);
    let offline = ws.get("/v1/widget/config").json()["offline_message"].clone();
    let closed = Browser::start(1280, 800);
    closed.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    open_panel(&closed);
    assert_eq!(closed.eval(email_field, json!([])), true);
    let text = closed.eval(
        "return document.getElementById('chatflow-widget').shadowRoot.textContent;",
        json!([]),
    );
    assert!(
        text.as_str()
            .zip(offline.as_str())
            .is_some_and(|(t, o)| t.contains(o)),
        "the offline message {offline} in {text}"
    );
}
