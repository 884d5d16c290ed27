//! Proactive chat and the typing preview. An agent invites a visitor on the site
//! (`POST /v1/visitors/{id}/invite`); the browser's next presence beat answers 200 with
//! the invitation, once; the visitor's answer starts a chat whose first message is the
//! invitation, given to the inviting agent. With `typing_preview` on, a visitor's
//! `draft` frames reach the agents in the chat's room as `typing.preview`; off, they go
//! nowhere, and the widget sends none.

use std::time::Duration;

use serde_json::{json, Value};
use shared_types::error::ErrorCode;

use crate::browser::Browser;
use crate::client::{bearer, Ctx, TestWorkspace};
use crate::harness::poll;
use crate::realtime::{connect, feed, next, send, Socket};
use crate::widget_page::{open_panel, type_and_send, wait_for_messages};

const PID: &str = "pv_invitedvisitor000001";

fn beat(ctx: &Ctx, ws: &TestWorkspace, kind: &str, token: Option<&str>) -> crate::client::Resp {
    let body =
        json!({"presence_id": PID, "kind": kind, "page_url": "https://shop.example/narxlar"});
    crate::live_visitors::beat(ctx, ws, &body, token)
}

fn invite(ws: &TestWorkspace, key: &str, visitor_id: &str, text: &str) -> crate::client::Resp {
    ws.client.post(
        &format!("/v1/visitors/{visitor_id}/invite"),
        key,
        &json!({ "text": text }),
    )
}

fn chats_count(ws: &TestWorkspace) -> usize {
    ws.get("/v1/chats?limit=100").json()["data"]
        .as_array()
        .map_or(0, Vec::len)
}

fn start_chat(ctx: &Ctx, token: &str, body: &Value) -> crate::client::Resp {
    ctx.client.send(
        "POST",
        "/v1/visitor/chats",
        &[("Authorization", &bearer(token))],
        Some(body),
    )
}

fn messages(ws: &TestWorkspace, chat_id: &str) -> Vec<Value> {
    ws.get(&format!("/v1/chats/{chat_id}/messages")).json()["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Every frame within `wait`.
fn frames(socket: &mut Socket, wait: Duration) -> Vec<Value> {
    let mut got = Vec::new();
    let _ = poll(wait, Duration::ZERO, || -> Option<()> {
        got.extend(next(socket, Duration::ZERO));
        None
    });
    got
}

#[crate::e2e_test]
fn an_invitation_reaches_the_browser_once_and_the_answer_starts_the_agents_chat(ctx: &Ctx) {
    let ws = ctx.workspace();
    // The owner is online: their feed is open.
    let _owner_online = feed(ctx, "", Some(&ws.api_key)).expect("agent feed");

    // Refusals first; each leaves nothing to deliver.
    invite(&ws, &ws.api_key, PID, "Salom!").assert_error(ErrorCode::VisitorNotFound);
    invite(&ws, &ws.api_key, "nobody_at_all", "Salom!").assert_error(ErrorCode::VisitorNotFound);
    assert_eq!(beat(ctx, &ws, "view", None).status, 204);
    invite(&ws, &ws.api_key, PID, "   ").assert_error(ErrorCode::Validation);
    let extra = ws.client.post(
        &format!("/v1/visitors/{PID}/invite"),
        &ws.api_key,
        &json!({"text": "Salom", "to": "everyone"}),
    );
    extra.assert_error(ErrorCode::Validation);
    ws.client
        .post(
            &format!("/v1/visitors/{PID}/invite"),
            "cf_live_nottherightkeyatall0000000",
            &json!({"text": "Salom"}),
        )
        .assert_error(ErrorCode::AuthUnknownKey);
    assert_eq!(beat(ctx, &ws, "ping", None).status, 204, "nothing waits");

    // Any agent may invite; a newer invitation replaces one not yet shown.
    let operator = crate::chats::operator_key(ctx, &ws);
    let first = invite(&ws, &operator, PID, "Yordam kerakmi?");
    assert_eq!(first.status, 201, "{}", first.text);
    let sent = invite(
        &ws,
        &ws.api_key,
        PID,
        "Salom! Narxlar bo'yicha savolingiz bormi?",
    );
    assert_eq!(sent.status, 201, "{}", sent.text);
    let sent = sent.json();
    assert!(sent["id"].as_str().is_some_and(|id| id.starts_with("inv_")));
    assert_eq!(sent["visitor_id"], PID);
    assert_eq!(sent["author"]["id"], ws.owner.id.as_str());
    assert_eq!(sent["author"]["name"], "Sara");
    assert!(sent["created_at"].is_string() && sent["expires_at"].is_string());

    // The next beat carries it, once.
    let delivered = beat(ctx, &ws, "ping", None);
    assert_eq!(delivered.status, 200, "{}", delivered.text);
    let shown = &delivered.json()["invitation"];
    assert_eq!(shown["id"], sent["id"]);
    assert_eq!(shown["text"], "Salom! Narxlar bo'yicha savolingiz bormi?");
    assert_eq!(shown["agent_name"], "Sara");
    assert_eq!(beat(ctx, &ws, "ping", None).status, 204);

    // A malformed invitation id is refused, and no chat is made.
    let token = ws.visitor("Ali");
    // A visitor with a session whose browser never beat is known but not here.
    let session: shared_types::visitor::SessionResponse = ctx
        .client
        .send(
            "POST",
            &format!("/v1/public/widgets/{}/sessions", ws.id),
            &[("Origin", "https://shop.example")],
            Some(&json!({"visitor": {"name": "Hech kim"}})),
        )
        .expect(201);
    invite(&ws, &ws.api_key, session.visitor_id.as_str(), "Salom")
        .assert_error(ErrorCode::VisitorOffline);
    let before = chats_count(&ws);
    start_chat(
        ctx,
        &token,
        &json!({"text": "Ha", "invitation_id": "inv_bad-id"}),
    )
    .assert_error(ErrorCode::Validation);
    assert_eq!(chats_count(&ws), before);

    // The answer: the invitation is seq 1, by the owner; the chat is theirs.
    let started = start_chat(
        ctx,
        &token,
        &json!({"text": "Ha, yetkazib berish qancha?", "invitation_id": shown["id"]}),
    );
    assert_eq!(started.status, 201, "{}", started.text);
    let started = started.json();
    assert_eq!(started["message"]["seq"], 2);
    let chat_id = started["id"].as_str().unwrap().to_string();
    let list = messages(&ws, &chat_id);
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list[0]["seq"], 1);
    assert_eq!(list[0]["sender"]["type"], "agent");
    assert_eq!(list[0]["sender"]["id"], ws.owner.id.as_str());
    assert_eq!(list[0]["text"], "Salom! Narxlar bo'yicha savolingiz bormi?");
    assert_eq!(list[1]["sender"]["type"], "visitor");
    let chat = ws.get(&format!("/v1/chats/{chat_id}")).json();
    assert_eq!(chat["status"], "assigned");
    assert_eq!(chat["assigned_to"], ws.owner.id.as_str(), "{chat}");

    // Used once: another chat with the same id starts without it.
    let other = ws.visitor("Vali");
    let again = start_chat(
        ctx,
        &other,
        &json!({"text": "Men ham", "invitation_id": shown["id"]}),
    )
    .json();
    assert_eq!(again["message"]["seq"], 1);
    assert_eq!(messages(&ws, again["id"].as_str().unwrap()).len(), 1);

    // In an open chat: the agent writes there instead.
    assert_eq!(beat(ctx, &ws, "ping", Some(&token)).status, 204);
    let visitor_id = ws.get("/v1/visitors/online").json()["data"][0]["visitor_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(visitor_id.starts_with("visitor_"), "{visitor_id}");
    invite(&ws, &ws.api_key, &visitor_id, "Yana?").assert_error(ErrorCode::VisitorInChat);

    // Gone quiet: offline, so nobody would see it.
    crate::harness::eventually(
        "the visitor to go offline",
        Duration::from_secs(15),
        Duration::from_millis(300),
        || {
            let listed = ws.get("/v1/visitors/online").json();
            match listed["data"].as_array().map(Vec::len) {
                Some(0) => Ok(()),
                _ => Err(listed),
            }
        },
    );
    invite(&ws, &ws.api_key, &visitor_id, "Hali shu yerdamisiz?")
        .assert_error(ErrorCode::VisitorOffline);
    assert_eq!(
        beat(ctx, &ws, "view", Some(&token)).status,
        204,
        "nothing waits"
    );
}

#[crate::e2e_test]
fn a_visitors_draft_reaches_the_agents_in_the_room_only_with_the_preview_on(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("Salom");
    let public = |ws: &TestWorkspace| {
        ctx.client
            .send(
                "GET",
                &format!("/v1/public/widgets/{}", ws.id),
                &[("Origin", "https://shop.example")],
                None,
            )
            .json()
    };
    assert_eq!(public(&ws)["typing_preview"], false);
    let draft = |text: &str| json!({"type": "draft", "chat_id": chat_id, "text": text});

    // Off: the room drops a draft.
    let mut agent = connect(ctx, &chat_id, None, Some(&ws.api_key)).expect("agent socket");
    let mut visitor = connect(ctx, &chat_id, Some(&token), None).expect("visitor socket");
    send(&mut visitor, draft("Narxi qancha"));
    let heard = frames(&mut agent, Duration::from_millis(1500));
    assert!(
        heard.iter().all(|f| f["type"] != "typing.preview"),
        "{heard:?}"
    );

    // On: the widget is told, and a socket opened from now on carries drafts.
    ws.patch("/v1/settings", &json!({"typing_preview": true}))
        .expect::<Value>(200);
    assert_eq!(public(&ws)["typing_preview"], true);
    let mut visitor = connect(ctx, &chat_id, Some(&token), None).expect("visitor socket");
    let mut other_visitor_tab = connect(ctx, &chat_id, Some(&token), None).expect("second tab");
    send(&mut visitor, draft("Narxi qancha tu"));
    let preview = crate::realtime::next_of_where(&mut agent, |f| f["type"] == "typing.preview");
    assert_eq!(preview["chat_id"], chat_id.as_str());
    assert_eq!(preview["text"], "Narxi qancha tu");
    // Within the throttle, a draft is dropped; a clear always goes.
    send(&mut visitor, draft("Narxi qancha tur"));
    send(&mut visitor, draft(""));
    let heard = frames(&mut agent, Duration::from_millis(1500));
    let previews: Vec<&Value> = heard
        .iter()
        .filter(|f| f["type"] == "typing.preview")
        .collect();
    assert_eq!(previews.len(), 1, "{heard:?}");
    assert_eq!(previews[0]["text"], "");
    // Never to a visitor's socket, nor from an agent's.
    let theirs = frames(&mut other_visitor_tab, Duration::from_millis(300));
    assert!(
        theirs.iter().all(|f| f["type"] != "typing.preview"),
        "{theirs:?}"
    );
    send(&mut agent, draft("agent draft"));
    let back = frames(&mut visitor, Duration::from_millis(1000));
    assert!(
        back.iter().all(|f| f["type"] != "typing.preview"),
        "{back:?}"
    );
    // A draft longer than the bound is refused like any bad frame; nothing relayed.
    send(&mut visitor, draft(&"x".repeat(2001)));
    let heard = frames(&mut agent, Duration::from_millis(800));
    assert!(
        heard.iter().all(|f| f["type"] != "typing.preview"),
        "{heard:?}"
    );
}

/// The demo page's presence id, once the loader has made it.
fn presence_id(browser: &Browser, ws: &TestWorkspace) -> String {
    browser
        .wait_for_with(
            "return localStorage.getItem('chatflow:pv:' + arguments[0]);",
            json!([ws.id]),
            Duration::from_secs(15),
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[crate::e2e_test]
fn in_the_browser_an_invitation_shows_by_the_launcher_and_the_answer_starts_the_chat(ctx: &Ctx) {
    let ws = ctx.workspace();
    let _owner_online = feed(ctx, "", Some(&ws.api_key)).expect("agent feed");
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/demo/{}", ctx.server.base_url, ws.id));
    let pid = presence_id(&browser, &ws);
    crate::harness::eventually(
        "the visitor to be online",
        Duration::from_secs(10),
        Duration::from_millis(200),
        || {
            let listed = ws.get("/v1/visitors/online").json();
            match listed["data"][0]["visitor_id"].as_str() {
                Some(id) if id == pid => Ok(()),
                _ => Err(listed),
            }
        },
    );
    let sent = invite(&ws, &ws.api_key, &pid, "Assalomu alaykum! Yordam beraymi?");
    assert_eq!(sent.status, 201, "{}", sent.text);
    // The next beat brings it: a navigation of the page's own router.
    browser.eval("history.pushState({}, '', '?tab=narxlar');", json!([]));
    let nudge = "const n = document.getElementById('chatflow-widget').shadowRoot \
                 .querySelector('[data-testid=\"cf-nudge\"]'); return n ? n.textContent : null;";
    assert_eq!(
        browser.wait_for(nudge, Duration::from_secs(20)),
        "Assalomu alaykum! Yordam beraymi?"
    );
    open_panel(&browser);
    let author = browser.eval(
        "const a = document.getElementById('chatflow-widget').shadowRoot \
           .querySelector('[data-testid=\"cf-author\"]'); return a ? a.textContent : null;",
        json!([]),
    );
    assert!(
        author.as_str().is_some_and(|a| a.contains("Sara")),
        "{author}"
    );
    type_and_send(&browser, "Ha, yetkazib berasizmi?");
    wait_for_messages(
        &browser,
        &[
            "Assalomu alaykum! Yordam beraymi?",
            "Ha, yetkazib berasizmi?",
        ],
    );
    let chat_id = ws.newest_chat_id();
    let list = messages(&ws, &chat_id);
    let texts: Vec<&str> = list.iter().filter_map(|m| m["text"].as_str()).collect();
    assert_eq!(
        texts,
        [
            "Assalomu alaykum! Yordam beraymi?",
            "Ha, yetkazib berasizmi?"
        ]
    );
    assert_eq!(list[0]["sender"]["type"], "agent");
    assert_eq!(
        ws.get(&format!("/v1/chats/{chat_id}")).json()["assigned_to"],
        ws.owner.id.as_str()
    );
}

/// Records every frame the page's sockets send, from before the widget loads.
const RECORD_SENT: &str = "window.__sent = []; const s = WebSocket.prototype.send; \
     WebSocket.prototype.send = function (d) { window.__sent.push(String(d)); return s.call(this, d); };";

/// Types into the composer without sending, as a visitor does, key by key.
fn type_slowly(browser: &Browser, text: &str) {
    browser.eval(
        "const r = document.getElementById('chatflow-widget').shadowRoot; \
         const input = r.querySelector('[data-testid=\"cf-input\"]'); \
         return new Promise(done => { let i = 0; const t = setInterval(() => { \
           input.value = arguments[0].slice(0, ++i); \
           input.dispatchEvent(new Event('input', {bubbles: true})); \
           if (i >= arguments[0].length) { clearInterval(t); done(true); } }, 40); });",
        json!([text]),
    );
}

fn previewed_line(browser: &Browser) -> Value {
    browser.eval(
        "const p = document.getElementById('chatflow-widget').shadowRoot \
           .querySelector('[data-testid=\"cf-previewed\"]'); return p ? p.textContent : null;",
        json!([]),
    )
}

#[crate::e2e_test]
fn in_the_browser_the_typing_preview_reaches_the_agent_only_when_switched_on(ctx: &Ctx) {
    let ws = ctx.workspace();
    let page = format!("{}/demo/{}", ctx.server.base_url, ws.id);
    let browser = Browser::start(1280, 800);
    browser.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": RECORD_SENT }),
    );

    // Off: no line about it, and no draft leaves the browser.
    browser.goto(&page);
    open_panel(&browser);
    type_and_send(&browser, "Salom");
    wait_for_messages(&browser, &["Salom"]);
    let chat_id = ws.newest_chat_id();
    let mut agent = connect(ctx, &chat_id, None, Some(&ws.api_key)).expect("agent socket");
    browser.wait_for(
        "return window.__sent.some(f => f.includes('\"resume\"'));",
        Duration::from_secs(10),
    );
    type_slowly(&browser, "Narxi qancha");
    assert_eq!(previewed_line(&browser), Value::Null);
    let sent = browser.eval("return window.__sent;", json!([]));
    assert!(
        sent.as_array()
            .unwrap()
            .iter()
            .all(|f| !f.as_str().unwrap_or("").contains("\"draft\"")),
        "{sent}"
    );
    let heard = frames(&mut agent, Duration::from_millis(800));
    assert!(
        heard.iter().all(|f| f["type"] != "typing.preview"),
        "{heard:?}"
    );

    // On: the widget says so, and the agent sees the draft as it grows, at most 4 a
    // second, ending with the whole text.
    ws.patch("/v1/settings", &json!({"typing_preview": true}))
        .expect::<Value>(200);
    browser.goto(&format!("{page}?again=1"));
    open_panel(&browser);
    wait_for_messages(&browser, &["Salom"]);
    assert_eq!(
        previewed_line(&browser),
        "Operatorlar matnni yuborishingizdan oldin ko'radi."
    );
    browser.wait_for(
        "return window.__sent.some(f => f.includes('\"resume\"'));",
        Duration::from_secs(10),
    );
    let started = std::time::Instant::now();
    type_slowly(&browser, "Yetkazib berish bormi?");
    let typed_for = started.elapsed();
    let last = crate::realtime::next_of_where(&mut agent, |f| {
        f["type"] == "typing.preview" && f["text"] == "Yetkazib berish bormi?"
    });
    assert_eq!(last["chat_id"], chat_id.as_str());
    let drafts = browser.eval(
        "return window.__sent.filter(f => f.includes('\"draft\"')).length;",
        json!([]),
    );
    let drafts = drafts.as_u64().unwrap_or(0);
    // 21 keystrokes 40 ms apart: far fewer frames than keys, at most 4 a second.
    let most = typed_for.as_millis() as u64 / 250 + 2;
    assert!(
        drafts >= 2 && drafts <= most,
        "{drafts} drafts in {typed_for:?}"
    );
    // Sending clears it.
    browser.eval(
        "const r = document.getElementById('chatflow-widget').shadowRoot; \
         r.querySelector('[data-testid=\"cf-input\"]').dispatchEvent( \
           new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));",
        json!([]),
    );
    let cleared = crate::realtime::next_of_where(&mut agent, |f| {
        f["type"] == "typing.preview" && f["text"] == ""
    });
    assert_eq!(cleared["chat_id"], chat_id.as_str());
}
