//! Mail, read back from what wrangler's `send_email` simulation stored: agents told of
//! visitors nobody answered, visitors sent the replies they missed, replies by mail
//! threaded into the chat, unsubscribing and transcripts. The server waits one second
//! (`EMAIL_NOTIFY_DELAY_SECONDS`) instead of two minutes.

use std::time::Duration;

use serde_json::{json, Value};
use shared_types::error::ErrorCode;

use crate::client::{bearer, Ctx, TestWorkspace};
use crate::mail::{self, Mail};

/// Text with markup that must reach mail escaped.
const MARKUP: &str = "Narxi qancha? <b>tez</b> <script>alert(1)</script>";

/// A visitor with an email and a language, and their first message; (chat id, token).
fn visitor_chat(
    ws: &TestWorkspace,
    email: &str,
    lang: Option<&str>,
    text: &str,
) -> (String, String) {
    let mut visitor = json!({"name": "Dilnoza", "email": email});
    if let Some(lang) = lang {
        visitor["language"] = json!(lang);
    }
    let session: shared_types::visitor::SessionResponse = ws
        .client
        .send_patiently(
            "POST",
            &format!("/v1/public/widgets/{}/sessions", ws.id),
            &[("Origin", "https://shop.example")],
            Some(&json!({ "visitor": visitor })),
        )
        .expect(201);
    let started: shared_types::visitor::StartedChat = ws
        .client
        .send_patiently(
            "POST",
            "/v1/visitor/chats",
            &[("Authorization", &bearer(&session.visitor_token))],
            Some(&json!({"text": text, "page_url": "https://shop.example/narxlar"})),
        )
        .expect(201);
    (started.chat.id.as_str().to_string(), session.visitor_token)
}

fn visitor_says(ws: &TestWorkspace, chat_id: &str, token: &str, text: &str) {
    ws.client
        .post(
            &format!("/v1/visitor/chats/{chat_id}/messages"),
            token,
            &json!({ "text": text }),
        )
        .expect::<Value>(201);
}

/// The markup of `text` reached the mail only escaped: none of its tags is in the HTML,
/// its escaped form is.
fn escaped_in(mail: &Mail, text: &str) {
    assert!(!mail.html.contains("<script>"), "{}", mail.html);
    assert!(!mail.html.contains("<b>tez</b>"), "{}", mail.html);
    assert!(mail.html.contains("&lt;script&gt;"), "{}", mail.html);
    assert!(mail.text.contains(text), "{}", mail.text);
}

/// What the API lists of a chat's mail.
fn attempts(ws: &TestWorkspace, chat_id: &str) -> Vec<Value> {
    ws.get(&format!("/v1/chats/{chat_id}/emails")).json()["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn owner_email(ws: &TestWorkspace) -> String {
    ws.owner.email.clone()
}

/// Mail about `chat_id` to `to` that arrived within `wait`; none is expected.
fn none_within(ctx: &Ctx, chat_id: &str, to: &str, wait: Duration) -> Vec<Mail> {
    std::thread::sleep(wait);
    mail::about(ctx, chat_id, to)
}

/// A wait long enough for a mail that would go: the one-second delay, the object's
/// alarm, the queue's one-second batch and the send, with room to spare.
const LONG_ENOUGH: Duration = Duration::from_secs(6);

#[crate::e2e_test]
fn an_offline_visitors_message_reaches_the_owner_by_email(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = visitor_chat(&ws, "dilnoza@example.com", None, MARKUP);
    let mail = mail::wait_for(ctx, &chat_id, &owner_email(&ws));
    assert!(mail.subject.contains("Dilnoza"), "{}", mail.subject);
    assert!(mail.subject.contains("Test Shop"), "{}", mail.subject);
    escaped_in(&mail, MARKUP);
    assert!(mail.text.contains("dilnoza@example.com"), "{}", mail.text);
    assert!(
        mail.text.contains("https://shop.example/narxlar"),
        "{}",
        mail.text
    );
    assert!(
        mail.text.contains(&format!("/console/#chat={chat_id}")),
        "{}",
        mail.text
    );
    assert!(
        mail.reply_to().starts_with("chat+"),
        "{:?}",
        mail.header("reply-to")
    );
    let log = attempts(&ws, &chat_id);
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["to"], owner_email(&ws).as_str());
    assert_eq!(log[0]["kind"], "agent_notification");
    assert_eq!(log[0]["status"], "sent");
    assert_eq!(log[0]["attempt"], 1);
}

#[crate::e2e_test]
fn no_email_while_the_agents_socket_is_open_until_they_ask_for_it_always(ctx: &Ctx) {
    let ws = ctx.workspace();
    let _feed = crate::realtime::feed(ctx, "", Some(&ws.api_key)).expect("agent feed");
    crate::harness::eventually(
        "the owner online",
        Duration::from_secs(10),
        Duration::from_millis(100),
        || {
            let agents = ws.get("/v1/agents").json();
            if agents["data"][0]["status"] == "online" {
                Ok(())
            } else {
                Err(agents)
            }
        },
    );
    let (chat_id, token) = visitor_chat(&ws, "dilnoza@example.com", None, "Salom, kim bor?");
    let sent = none_within(ctx, &chat_id, &owner_email(&ws), LONG_ENOUGH);
    assert!(sent.is_empty(), "mailed while online: {sent:?}");
    assert!(attempts(&ws, &chat_id).is_empty());

    // A bad preference is refused and changes nothing.
    let path = format!("/v1/agents/{}", ws.owner.id.as_str());
    ws.patch(&path, &json!({"email_notifications": "sometimes"}))
        .assert_error(ErrorCode::Validation);
    assert_eq!(
        ws.get("/v1/agents").json()["data"][0]["email_notifications"],
        "offline"
    );

    let me: Value = ws
        .patch(&path, &json!({"email_notifications": "always"}))
        .expect(200);
    assert_eq!(me["email_notifications"], "always");
    visitor_says(&ws, &chat_id, &token, "Javob bering, iltimos");
    let mail = mail::wait_for(ctx, &chat_id, &owner_email(&ws));
    // Both unanswered messages, in one mail.
    assert!(mail.text.contains("Salom, kim bor?"), "{}", mail.text);
    assert!(mail.text.contains("Javob bering, iltimos"), "{}", mail.text);
}

#[crate::e2e_test]
fn three_quick_messages_make_one_email(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = visitor_chat(&ws, "dilnoza@example.com", None, "Birinchi savol");
    visitor_says(&ws, &chat_id, &token, "Ikkinchi savol");
    visitor_says(&ws, &chat_id, &token, "Uchinchi savol");
    let first = mail::wait_for(ctx, &chat_id, &owner_email(&ws));
    for text in ["Birinchi savol", "Ikkinchi savol", "Uchinchi savol"] {
        assert!(first.text.contains(text), "{text}: {}", first.text);
    }
    // A fourth, within the ten minutes, waits for the next mail.
    visitor_says(&ws, &chat_id, &token, "To'rtinchi savol");
    let all = none_within(ctx, &chat_id, &owner_email(&ws), LONG_ENOUGH);
    assert_eq!(
        all.len(),
        1,
        "{:?}",
        all.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    assert_eq!(attempts(&ws, &chat_id).len(), 1);
}

#[crate::e2e_test]
fn an_agents_reply_reaches_an_offline_visitor_in_their_language(ctx: &Ctx) {
    let ws = ctx.workspace();
    let visitor = "dilnoza.ru@example.com";
    let (chat_id, token) = visitor_chat(&ws, visitor, Some("ru-RU"), "Здравствуйте");

    // While the visitor's socket is open, the reply reaches them there, not by mail.
    let socket = crate::realtime::connect(ctx, &chat_id, Some(&token), None).expect("socket");
    ws.reply(&chat_id, "Первый ответ");
    let sent = none_within(ctx, &chat_id, visitor, LONG_ENOUGH);
    assert!(sent.is_empty(), "mailed while on the site: {sent:?}");
    drop(socket);

    ws.reply(&chat_id, MARKUP);
    let mail = mail::wait_for(ctx, &chat_id, visitor);
    assert_eq!(mail.subject, "Новый ответ от Test Shop");
    escaped_in(&mail, MARKUP);
    assert!(
        !mail.text.contains("Первый ответ"),
        "seen live: {}",
        mail.text
    );
    assert!(mail
        .header("list-unsubscribe")
        .is_some_and(|l| l.contains("/v1/public/unsubscribe?token=")));
    assert!(mail.html.contains("Отписаться"), "{}", mail.html);
}

/// An offline visitor's mail with the agent's reply; (chat id, token, mail).
fn replied_by_mail(ctx: &Ctx, ws: &TestWorkspace, visitor: &str) -> (String, String, Mail) {
    let (chat_id, token) = visitor_chat(ws, visitor, None, "Buyurtmam qayerda?");
    ws.reply(&chat_id, "Ertaga yetkaziladi.");
    let mail = mail::wait_for(ctx, &chat_id, visitor);
    assert_eq!(mail.subject, "Test Shopdan yangi javob");
    assert!(mail.text.contains("Ertaga yetkaziladi."), "{}", mail.text);
    (chat_id, token, mail)
}

/// Delivers a raw message to the worker's email handler as Email Routing would.
fn deliver(ctx: &Ctx, from: &str, to: &str, body: &str) -> (u16, String) {
    deliver_with_type(ctx, from, to, "text/plain; charset=utf-8", body)
}

fn deliver_with_type(
    ctx: &Ctx,
    from: &str,
    to: &str,
    content_type: &str,
    body: &str,
) -> (u16, String) {
    let raw = format!(
        "From: Dilnoza <{from}>\r\nTo: <{to}>\r\nSubject: Re: javob\r\n\
         Message-ID: <{}@example.com>\r\nDate: Wed, 02 Dec 2026 10:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\n{body}",
        std::process::id() as u128 * 1_000_003 + u128::from(crate::harness::free_port())
    );
    let url = format!(
        "{}/cdn-cgi/handler/email?from={}&to={}",
        ctx.server.base_url,
        from,
        to.replace('+', "%2B")
    );
    match ureq::post(&url)
        .set("Content-Type", "message/rfc822")
        .send_string(&raw)
    {
        Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap_or_default()),
        Err(e) => panic!("email handler: {e}"),
    }
}

fn messages(ws: &TestWorkspace, chat_id: &str) -> Vec<Value> {
    ws.get(&format!("/v1/chats/{chat_id}/messages")).json()["data"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[crate::e2e_test]
fn a_visitors_reply_by_email_becomes_their_message_without_the_quote(ctx: &Ctx) {
    let ws = ctx.workspace();
    let visitor = "dilnoza.reply@example.com";
    let (chat_id, _, mail) = replied_by_mail(ctx, &ws, visitor);
    let body = "Rahmat, kutaman!\r\n\r\nOn Wed, 2 Dec 2026 at 10:00, Test Shop <notifications@chatflow.uz> wrote:\r\n> Ertaga yetkaziladi.\r\n";
    let (status, said) = deliver(ctx, visitor, &mail.reply_to(), body);
    assert_eq!(status, 200, "{said}");
    let all = messages(&ws, &chat_id);
    let last = all.last().expect("messages");
    assert_eq!(last["text"], "Rahmat, kutaman!");
    assert_eq!(last["sender"]["type"], "visitor");
    assert_eq!(all.len(), 3);
}

#[crate::e2e_test]
fn a_forged_reply_address_or_a_stranger_is_rejected_and_stores_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let visitor = "dilnoza.forged@example.com";
    let (chat_id, _, mail) = replied_by_mail(ctx, &ws, visitor);
    let before = messages(&ws, &chat_id).len();
    let real = mail.reply_to();
    let domain = real.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    let forged = format!("chat+{}@{domain}", "a".repeat(26));
    let (status, said) = deliver(ctx, visitor, &forged, "Salom");
    assert_eq!(status, 400, "{said}");
    assert!(said.contains("no such address"), "{said}");
    // The real address, one character changed.
    let mut tampered = real.clone();
    let at = tampered.find('@').expect("@") - 1;
    let last = tampered.as_bytes()[at];
    tampered.replace_range(at..=at, if last == b'a' { "b" } else { "a" });
    let (status, said) = deliver(ctx, visitor, &tampered, "Salom");
    assert_eq!(status, 400, "{said}");
    // The real address from someone else.
    let (status, said) = deliver(ctx, "stranger@example.com", &real, "Salom");
    assert_eq!(status, 400, "{said}");
    assert!(said.contains("does not accept mail from you"), "{said}");
    assert_eq!(messages(&ws, &chat_id).len(), before);
}

#[crate::e2e_test]
fn unsubscribing_works_once_and_stops_the_visitors_mail(ctx: &Ctx) {
    let ws = ctx.workspace();
    let visitor = "dilnoza.unsub@example.com";
    let (chat_id, _, mail) = replied_by_mail(ctx, &ws, visitor);
    let link = mail
        .header("list-unsubscribe")
        .map(|l| l.trim_matches(['<', '>']).to_string())
        .expect("List-Unsubscribe");
    let path = link
        .split_once("/v1/")
        .map(|(_, rest)| format!("/v1/{rest}"))
        .expect("a link to this server");
    let forged = format!("{}x", path.trim_end_matches(char::is_alphanumeric));
    let open = |path: &str| ws.client.send("GET", path, &[], None);
    open(&forged).assert_error(ErrorCode::UnsubscribeLink);
    let done: Value = open(&path).expect(200);
    assert_eq!(done, json!({"unsubscribed": true}));
    open(&path).assert_error(ErrorCode::UnsubscribeLink);

    ws.reply(&chat_id, "Yana bir xabar");
    let sent = none_within(ctx, &chat_id, visitor, LONG_ENOUGH);
    assert_eq!(sent.len(), 1, "only the first mail: {sent:?}");
}

#[crate::e2e_test]
fn a_closed_chats_transcript_goes_to_the_visitor_once_an_hour(ctx: &Ctx) {
    let ws = ctx.workspace();
    let visitor = "dilnoza.transcript@example.com";
    let (chat_id, token) = visitor_chat(&ws, visitor, Some("en"), "Where is my order?");
    ws.reply(
        &chat_id,
        "It ships tomorrow <b>tez</b> <script>alert(1)</script>",
    );
    let path = format!("/v1/visitor/chats/{chat_id}/transcript");
    ws.client
        .post(&path, &token, &json!({}))
        .assert_error(ErrorCode::ChatNotClosed);
    ws.patch(
        &format!("/v1/chats/{chat_id}"),
        &json!({"status": "closed"}),
    )
    .expect::<Value>(200);

    let queued: Value = ws.client.post(&path, &token, &json!({})).expect(202);
    assert_eq!(queued, json!({"to": visitor}));
    let again = ws.client.impatient().post(&path, &token, &json!({}));
    again.assert_error(ErrorCode::RateLimited);
    assert!(again.header("retry-after").is_some());

    let mail = crate::harness::eventually(
        "the transcript",
        Duration::from_secs(30),
        Duration::from_millis(200),
        || {
            mail::about(ctx, &chat_id, visitor)
                .into_iter()
                .find(|m| m.subject.contains("Your conversation with Test Shop"))
                .ok_or(())
        },
    );
    assert!(mail.text.contains("Where is my order?"), "{}", mail.text);
    assert!(mail.text.contains("It ships tomorrow"), "{}", mail.text);
    assert!(!mail.html.contains("<script>"), "{}", mail.html);
    assert!(mail.html.contains("&lt;script&gt;"), "{}", mail.html);
    let kinds: Vec<Value> = attempts(&ws, &chat_id)
        .into_iter()
        .map(|a| a["kind"].clone())
        .collect();
    assert!(kinds.contains(&json!("transcript")), "{kinds:?}");
}

#[crate::e2e_test]
fn the_workspaces_mail_settings_name_the_sender_and_refuse_bad_values(ctx: &Ctx) {
    let ws = ctx.workspace();
    let settings: Value = ws.get("/v1/settings").expect(200);
    assert_eq!(
        settings["email"],
        json!({"from_name": null, "reply_domain": null})
    );
    ws.patch(
        "/v1/settings",
        &json!({"email": {"reply_domain": "not a domain"}}),
    )
    .assert_error(ErrorCode::Validation);
    ws.patch("/v1/settings", &json!({"email": {"colour": "red"}}))
        .assert_error(ErrorCode::Validation);
    assert_eq!(ws.get("/v1/settings").json(), settings);

    let changed: Value = ws
        .patch(
            "/v1/settings",
            &json!({"email": {"from_name": "Shop.uz yordam"}}),
        )
        .expect(200);
    assert_eq!(changed["email"]["from_name"], "Shop.uz yordam");
    let (chat_id, _) = visitor_chat(&ws, "dilnoza.from@example.com", None, "Salom");
    let mail = mail::wait_for(ctx, &chat_id, &owner_email(&ws));
    let from = mail.header("from").unwrap_or_default().to_string();
    assert!(from.contains("notifications@chatflow.uz"), "{from}");
    assert!(mail.subject.contains("Shop.uz yordam"), "{}", mail.subject);
}

/// A 1×1 PNG.
const PNG_B64: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

#[crate::e2e_test]
fn files_in_a_reply_by_email_become_the_messages_attachments_within_the_upload_policy(ctx: &Ctx) {
    let ws = ctx.workspace();
    let visitor = "dilnoza.files@example.com";
    let (chat_id, _, mail) = replied_by_mail(ctx, &ws, visitor);
    let body = format!(
        "This is a multi-part message.\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Chek ilova qilindi.\r\n--b1\r\nContent-Type: image/png; name=\"chek.png\"\r\n\
         Content-Disposition: attachment; filename=\"chek.png\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{PNG_B64}\r\n--b1\r\n\
         Content-Type: application/x-msdownload; name=\"virus.exe\"\r\n\
         Content-Disposition: attachment; filename=\"virus.exe\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--b1--\r\n"
    );
    let (status, said) = deliver_with_type(
        ctx,
        visitor,
        &mail.reply_to(),
        "multipart/mixed; boundary=\"b1\"",
        &body,
    );
    assert_eq!(status, 200, "{said}");
    let all = messages(&ws, &chat_id);
    let last = all.last().expect("messages");
    assert_eq!(last["text"], "Chek ilova qilindi.");
    let attachments = last["attachments"].as_array().cloned().unwrap_or_default();
    assert_eq!(attachments.len(), 1, "only the PNG: {attachments:?}");
    assert_eq!(attachments[0]["type"], "image");
    let url = attachments[0]["url"].as_str().unwrap_or_default();
    let path = url
        .split_once("/v1/")
        .map(|(_, p)| format!("/v1/{p}"))
        .expect("our url");
    let got = ws.client.send("GET", &path, &[], None);
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.header("content-type"), Some("image/png"));
}

#[crate::e2e_test]
fn an_agents_reply_by_email_is_theirs_and_old_addresses_or_long_closed_chats_refuse(ctx: &Ctx) {
    let ws = ctx.workspace();
    let owner = owner_email(&ws);
    let (chat_id, _) = visitor_chat(&ws, "dilnoza.agent@example.com", None, "Salom!");
    let notice = mail::wait_for(ctx, &chat_id, &owner);
    let address = notice.reply_to();
    let (status, said) = deliver(
        ctx,
        &owner,
        &address,
        "Assalomu alaykum, hozir qarayman.\r\n\r\n-- \r\nSara, Test Shop\r\n",
    );
    assert_eq!(status, 200, "{said}");
    let last = messages(&ws, &chat_id).last().cloned().expect("messages");
    assert_eq!(last["text"], "Assalomu alaykum, hozir qarayman.");
    assert_eq!(last["sender"]["type"], "agent");
    assert_eq!(last["sender"]["id"], ws.owner.id.as_str());
    assert_eq!(last["sender"]["name"], "Sara");

    // A chat closed more than 30 days ago takes no more replies.
    ws.patch(
        &format!("/v1/chats/{chat_id}"),
        &json!({"status": "closed"}),
    )
    .expect::<Value>(200);
    ctx.server.workspace_sql(
        &ws.id,
        &format!("UPDATE chats SET closed_at = '2026-01-02T00:00:00Z' WHERE id = '{chat_id}'"),
    );
    let before = messages(&ws, &chat_id).len();
    let (status, said) = deliver(ctx, &owner, &address, "Yana bir narsa");
    assert_eq!(status, 400, "{said}");
    assert!(said.contains("closed too long ago"), "{said}");

    // An address made more than 90 days ago no longer works.
    let id = mail::reply_id(&address);
    ctx.server.d1(&format!(
        "UPDATE reply_addresses SET created_at = '2026-01-01T00:00:00Z' WHERE id = '{id}'"
    ));
    let (status, said) = deliver(ctx, &owner, &address, "Yana bir narsa");
    assert_eq!(status, 400, "{said}");
    assert!(said.contains("expired"), "{said}");
    assert_eq!(messages(&ws, &chat_id).len(), before);
}

#[crate::e2e_test]
fn a_send_the_mail_service_refuses_is_logged_and_retried_by_the_queue(_: &Ctx) {
    // A server of its own whose EMAIL binding may only send to an address nobody uses.
    let binding = "[[send_email]]\nname = \"EMAIL\"";
    let server = crate::harness::TestServer::start_with(
        binding,
        &format!("{binding}\nallowed_destination_addresses = [\"nobody@example.com\"]"),
    );
    let client = crate::client::Client::new(&server.base_url);
    let own = Ctx { server, client };
    let ws = own.workspace();
    let (chat_id, _) = visitor_chat(&ws, "dilnoza.refused@example.com", None, "Salom");
    let log = crate::harness::eventually(
        "two failed attempts",
        Duration::from_secs(30),
        Duration::from_millis(200),
        || {
            let log = attempts(&ws, &chat_id);
            if log.len() >= 2 {
                Ok(log)
            } else {
                Err(log)
            }
        },
    );
    for (i, attempt) in log.iter().take(2).enumerate() {
        assert_eq!(attempt["status"], "failed", "{log:?}");
        assert_eq!(attempt["to"], owner_email(&ws).as_str());
        assert_eq!(attempt["attempt"], i + 1, "{log:?}");
        assert!(
            attempt["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{log:?}"
        );
    }
    assert!(mail::about(&own, &chat_id, &owner_email(&ws)).is_empty());
}
