//! Visitors on the site now: the loader's beats, `GET /v1/visitors/online`, the feed's
//! `visitor.online`, `visitor.page` and `visitor.offline` frames (offline after 3 s of
//! silence under the harness, a minute by default), and in Chromium a visitor who
//! arrives on the demo page and moves by pushState.

use std::time::Duration;

use serde_json::{json, Value};
use shared_types::error::ErrorCode;

use crate::browser::Browser;
use crate::client::{bearer, Ctx, TestWorkspace};
use crate::harness::{eventually, poll};
use crate::realtime::{feed, next, Socket};

const PID: &str = "pv_abcdefghij0123456789";

/// A beat of the loader's, from the workspace's site, with the visitor's token if given.
pub(crate) fn beat(
    ctx: &Ctx,
    ws: &TestWorkspace,
    body: &Value,
    token: Option<&str>,
) -> crate::client::Resp {
    let auth = token.map(bearer);
    let mut headers = vec![("Origin", "https://shop.example")];
    if let Some(a) = &auth {
        headers.push(("Authorization", a.as_str()));
    }
    ctx.client.send(
        "POST",
        &format!("/v1/public/widgets/{}/presence", ws.id),
        &headers,
        Some(body),
    )
}

fn view(url: &str) -> Value {
    json!({"presence_id": PID, "kind": "view", "page_url": url, "page_title": "Narxlar", "referrer": "https://google.com/"})
}

fn online(ws: &TestWorkspace) -> Vec<Value> {
    ws.get("/v1/visitors/online").json()["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn frame(socket: &mut Socket, kind: &str) -> Value {
    poll(Duration::from_secs(10), Duration::ZERO, || {
        next(socket, Duration::ZERO).filter(|f| f["type"] == kind)
    })
    .unwrap_or_else(|_| panic!("no {kind} frame"))
}

#[crate::e2e_test]
fn a_visitors_beats_put_them_in_the_list_and_the_feed_until_they_go_quiet(ctx: &Ctx) {
    let ws = ctx.workspace();
    let mut agents = feed(ctx, "", Some(&ws.api_key)).expect("agent feed");
    assert!(online(&ws).is_empty());

    let first = beat(ctx, &ws, &view("https://shop.example/narxlar"), None);
    assert_eq!(first.status, 204, "{}", first.text);
    let arrived = frame(&mut agents, "visitor.online");
    assert_eq!(arrived["visitor"]["visitor_id"], PID);
    let listed = online(&ws);
    assert_eq!(listed.len(), 1);
    let v = &listed[0];
    assert_eq!(v["visitor_id"], PID);
    assert_eq!(v["page_url"], "https://shop.example/narxlar");
    assert_eq!(v["page_title"], "Narxlar");
    assert_eq!(v["referrer"], "https://google.com/");
    assert_eq!(v["pages_this_session"], 1);
    assert_eq!(v["returning"], false);
    assert_eq!(v["chat_id"], Value::Null);
    assert_eq!(v["name"], Value::Null);
    assert!(v["online_since"].is_string() && v["last_seen_at"].is_string());
    for field in ["email", "country", "device"] {
        assert!(v.get(field).is_some(), "{field} in {v}");
    }

    // Another page: visitor.page, two pages; a ping changes nothing the feed hears.
    beat(ctx, &ws, &view("https://shop.example/savat"), None);
    let moved = frame(&mut agents, "visitor.page");
    assert_eq!(moved["visitor"]["page_url"], "https://shop.example/savat");
    assert_eq!(moved["visitor"]["pages_this_session"], 2);

    // Once they start a chat, the same browser's beats carry their token: the list
    // names them and their chat.
    let (chat_id, token) = ws.chat("Savatdagi narx to'g'rimi?");
    let ping =
        json!({"presence_id": PID, "kind": "ping", "page_url": "https://shop.example/savat"});
    assert_eq!(beat(ctx, &ws, &ping, Some(&token)).status, 204);
    let named = online(&ws);
    assert_eq!(named[0]["name"], "Ali");
    assert_eq!(named[0]["chat_id"], chat_id.as_str());
    assert!(named[0]["visitor_id"]
        .as_str()
        .is_some_and(|id| id.starts_with("visitor_")));

    // Quiet for longer than the offline time: visitor.offline, and out of the list.
    let gone = frame(&mut agents, "visitor.offline");
    assert_eq!(gone["visitor_id"], named[0]["visitor_id"]);
    assert!(online(&ws).is_empty());

    // Back later: a returning visitor, one page into the new visit.
    beat(ctx, &ws, &view("https://shop.example/"), Some(&token));
    let back = frame(&mut agents, "visitor.online");
    assert_eq!(back["visitor"]["returning"], true);
    assert_eq!(back["visitor"]["pages_this_session"], 1);
}

#[crate::e2e_test]
fn a_bad_beat_is_refused_and_stores_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let bad_id =
        json!({"presence_id": "pv_short", "kind": "view", "page_url": "https://shop.example/"});
    beat(ctx, &ws, &bad_id, None).assert_error(ErrorCode::Validation);
    let long_title = json!({"presence_id": PID, "kind": "view", "page_url": "https://shop.example/", "page_title": "x".repeat(301)});
    beat(ctx, &ws, &long_title, None).assert_error(ErrorCode::Validation);
    let not_web = json!({"presence_id": PID, "kind": "view", "page_url": "file:///etc/passwd"});
    beat(ctx, &ws, &not_web, None).assert_error(ErrorCode::Validation);
    beat(
        ctx,
        &ws,
        &view("https://shop.example/"),
        Some("forged.token"),
    )
    .assert_error(ErrorCode::AuthVisitorToken);
    // Another workspace's visitor is not this one's.
    let other = ctx.workspace();
    let (_, theirs) = other.chat("Salom");
    beat(ctx, &ws, &view("https://shop.example/"), Some(&theirs))
        .assert_error(ErrorCode::AuthVisitorToken);
    ctx.client
        .send(
            "POST",
            "/v1/public/widgets/ws_AAAAAAAAAAAAAAAAAAAA/presence",
            &[("Origin", "https://shop.example")],
            Some(&view("https://shop.example/")),
        )
        .assert_error(ErrorCode::WorkspaceNotFound);
    // A site off the widget's domains.
    ws.patch("/v1/widget/config", &json!({"domains": ["company.uz"]}))
        .expect::<Value>(200);
    beat(ctx, &ws, &view("https://shop.example/"), None).assert_error(ErrorCode::OriginNotAllowed);
    assert!(online(&ws).is_empty());
    // Operators may read the list; strangers may not.
    let operator = crate::chats::operator_key(ctx, &ws);
    assert_eq!(ctx.client.get("/v1/visitors/online", &operator).status, 200);
    ctx.client
        .get("/v1/visitors/online", "cf_live_nottherightkeyatall0000000")
        .assert_error(ErrorCode::AuthUnknownKey);
}

#[crate::e2e_test]
fn in_the_browser_a_visitor_on_the_demo_page_is_online_and_moves_by_push_state(ctx: &Ctx) {
    let ws = ctx.workspace();
    let mut agents = feed(ctx, "", Some(&ws.api_key)).expect("agent feed");
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    let arrived = frame(&mut agents, "visitor.online");
    let page = format!("{}/demo/{}", ctx.server.base_url, ws.id);
    assert_eq!(arrived["visitor"]["page_url"], page.as_str());
    assert!(arrived["visitor"]["visitor_id"]
        .as_str()
        .is_some_and(|id| id.starts_with("pv_")));
    // No wasm for any of it.
    let wasm = browser.eval(
        "return performance.getEntriesByType('resource').some(e => e.name.includes('.wasm'));",
        json!([]),
    );
    assert_eq!(wasm, false);
    browser.eval("history.pushState({}, '', '?tab=narxlar');", json!([]));
    let moved = frame(&mut agents, "visitor.page");
    assert_eq!(
        moved["visitor"]["page_url"],
        format!("{page}?tab=narxlar").as_str()
    );
    assert_eq!(moved["visitor"]["pages_this_session"], 2);
    eventually(
        "the list to show the new page",
        Duration::from_secs(5),
        Duration::from_millis(100),
        || {
            let listed = online(&ws);
            match listed.first() {
                Some(v) if v["page_url"] == moved["visitor"]["page_url"] => Ok(()),
                other => Err(other.cloned()),
            }
        },
    );
}
