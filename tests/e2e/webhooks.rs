//! Webhooks: the spec's list and create, update, delete and the delivery log; and
//! delivery itself through the real WEBHOOKS queue of `wrangler dev` to receivers on
//! loopback (the harness shortens the retry base to 1 s).

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use shared_types::error::ErrorCode;
use shared_types::webhooks::{CreatedWebhook, Webhook, WebhookDelivery, WebhookSecret};
use shared_types::DataList;
use webhook_receiver::{verify, verify_now, VerifyError, EVENT_ID_HEADER, SIGNATURE_HEADER};

use crate::client::{Ctx, TestWorkspace};
use crate::harness::eventually;
use crate::receiver::{Delivery, Receiver};

/// Every event type, as the spec spells them.
const ALL_EVENTS: &[&str] = shared_types::webhooks::WebhookEvent::SPELLINGS;

const SECRET: &str = "test_webhook_secret_1";

/// Long enough for the queue's 1 s batch window and a loaded machine.
const ARRIVAL: Duration = Duration::from_secs(30);

fn subscribe(ws: &TestWorkspace, url: &str, events: &[&str]) -> CreatedWebhook {
    ws.post(
        "/v1/webhooks",
        &json!({"url": url, "events": events, "secret": SECRET}),
    )
    .expect(201)
}

fn list(ws: &TestWorkspace) -> Vec<Webhook> {
    ws.get("/v1/webhooks").expect::<DataList<Webhook>>(200).data
}

fn deliveries(ws: &TestWorkspace, id: &str) -> Vec<WebhookDelivery> {
    ws.get(&format!("/v1/webhooks/{id}/deliveries"))
        .expect::<DataList<WebhookDelivery>>(200)
        .data
}

fn signature_verifies(d: &Delivery) -> Result<(), VerifyError> {
    verify_now(
        SECRET.as_bytes(),
        d.request.header(SIGNATURE_HEADER).unwrap_or_default(),
        &d.request.body,
    )
}

#[crate::e2e_test]
fn webhooks_are_created_listed_updated_and_deleted(ctx: &Ctx) {
    let ws = ctx.workspace();
    assert!(list(&ws).is_empty());
    let resp = ws.post(
        "/v1/webhooks",
        &json!({"url": "https://myapp.com/webhooks/chatflow",
                "events": ["chat.created", "chat.closed", "message.sent"],
                "secret": "your_webhook_secret"}),
    );
    let body = resp.json();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        keys.iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>(),
        ["active", "created_at", "events", "id", "secret", "url"].into()
    );
    let created: CreatedWebhook = resp.expect(201);
    assert!(created.id.as_str().starts_with("webhook_"));
    assert_eq!(created.url, "https://myapp.com/webhooks/chatflow");
    assert_eq!(
        serde_json::to_value(&created.events).unwrap(),
        json!(["chat.created", "chat.closed", "message.sent"])
    );
    assert!(created.active && created.created_at.ends_with('Z'));
    assert_eq!(created.secret, WebhookSecret::MASKED);
    assert!(!resp.text.contains("your_webhook_secret"));

    let listed = ws.get("/v1/webhooks");
    assert!(!listed.text.contains("your_webhook_secret"));
    let row = &listed.json()["data"][0];
    assert_eq!(
        row.as_object().unwrap().keys().cloned().collect::<Vec<_>>(),
        ["active", "created_at", "events", "id", "url"]
    );
    assert_eq!(
        list(&ws),
        vec![Webhook {
            id: created.id.clone(),
            url: created.url.clone(),
            events: created.events.clone(),
            active: true,
            created_at: created.created_at.clone(),
        }]
    );

    let path = format!("/v1/webhooks/{}", created.id);
    let updated: Webhook = ws
        .patch(
            &path,
            &json!({"url": "https://myapp.com/v2/hook", "events": ["chat.rated", "chat.rated"], "active": false}),
        )
        .expect(200);
    assert_eq!(updated.url, "https://myapp.com/v2/hook");
    assert_eq!(
        serde_json::to_value(&updated.events).unwrap(),
        json!(["chat.rated"])
    );
    assert!(!updated.active);
    assert_eq!(updated.created_at, created.created_at);
    assert_eq!(list(&ws), vec![updated.clone()]);
    let only_active: Webhook = ws.patch(&path, &json!({"active": true})).expect(200);
    assert_eq!((only_active.active, only_active.url), (true, updated.url));
    assert!(deliveries(&ws, created.id.as_str()).is_empty());

    let resp = ws.delete(&path);
    assert_eq!((resp.status, resp.text.as_str()), (204, ""));
    ws.delete(&path).assert_error(ErrorCode::WebhookNotFound);
    ws.patch(&path, &json!({"active": true}))
        .assert_error(ErrorCode::WebhookNotFound);
    ws.get(&format!("{path}/deliveries"))
        .assert_error(ErrorCode::WebhookNotFound);
    assert!(list(&ws).is_empty());
}

#[crate::e2e_test]
fn a_secret_is_generated_and_shown_once_when_none_is_given(ctx: &Ctx) {
    let receiver = Receiver::accepting();
    let ws = ctx.workspace();
    let created: CreatedWebhook = ws
        .post(
            "/v1/webhooks",
            &json!({"url": receiver.url, "events": ["chat.created"]}),
        )
        .expect(201);
    let secret = created.secret.clone();
    assert!(
        secret.starts_with("whsec_") && secret.len() == 38,
        "{secret}"
    );
    assert_ne!(secret, WebhookSecret::MASKED);
    assert!(!ws.get("/v1/webhooks").text.contains(&secret));
    // The shown secret is the one deliveries are signed with.
    let (chat_id, _) = ws.chat("Salom");
    let got = receiver.wait_for_types(&["chat.created"], ARRIVAL);
    let d = &got[0];
    assert_eq!(d.json()["data"]["id"], chat_id);
    assert_eq!(
        verify_now(
            secret.as_bytes(),
            d.request.header(SIGNATURE_HEADER).unwrap(),
            &d.request.body
        ),
        Ok(())
    );
}

#[crate::e2e_test]
fn invalid_webhook_requests_get_4xx_and_change_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let kept = subscribe(&ws, "https://myapp.com/hook", &["chat.created"]);
    let before = list(&ws);
    let base =
        json!({"url": "https://myapp.com/hook", "events": ["chat.created"], "secret": SECRET});
    for (field, value) in [
        ("events", json!([])),
        ("events", json!(["chat.deleted"])),
        ("events", json!("chat.created")),
        ("url", json!("myapp.com/hook")),
        ("url", json!("ftp://myapp.com/hook")),
        ("url", json!(null)),
        ("secret", json!("short")),
        ("secret", json!("has spaces in it")),
        ("secret", json!(null)),
        ("active", json!(false)),
    ] {
        let mut body = base.clone();
        body[field] = value;
        let err = ws
            .post("/v1/webhooks", &body)
            .assert_error(ErrorCode::Validation);
        // An unknown field is reported against the body, not under its own name.
        assert!(
            field == "active"
                || err.error.details["fields"]
                    .as_object()
                    .is_some_and(|f| f.keys().any(|k| k.starts_with(field))),
            "{field}: {:?}",
            err.error.details
        );
    }
    ws.client
        .send_raw(
            "POST",
            "/v1/webhooks",
            &[
                ("Authorization", &format!("Bearer {}", ws.api_key)),
                ("Content-Type", "application/json"),
            ],
            b"{\"url\":",
        )
        .assert_error(ErrorCode::MalformedJson);
    let path = format!("/v1/webhooks/{}", kept.id);
    for body in [
        json!({"events": []}),
        json!({"events": ["chat.deleted"]}),
        json!({"url": "not a url"}),
        json!({"active": "yes"}),
        json!({"active": null}),
        json!({"secret": "another_secret"}),
    ] {
        ws.patch(&path, &body).assert_error(ErrorCode::Validation);
    }
    for id in ["webhook_doesnotexist", "trigger_abc", "nonsense"] {
        ws.patch(&format!("/v1/webhooks/{id}"), &json!({"active": false}))
            .assert_error(ErrorCode::WebhookNotFound);
        ws.delete(&format!("/v1/webhooks/{id}"))
            .assert_error(ErrorCode::WebhookNotFound);
    }
    ws.client
        .get("/v1/webhooks", "cf_live_not_a_real_key_at_all_000000")
        .assert_error(ErrorCode::AuthUnknownKey);
    assert_eq!(list(&ws), before);
}

#[crate::e2e_test]
fn another_workspaces_webhook_is_404(ctx: &Ctx) {
    let owner = ctx.workspace();
    let other = ctx.workspace_named("Other Shop");
    let hook = subscribe(&owner, "https://myapp.com/hook", &["chat.created"]);
    let path = format!("/v1/webhooks/{}", hook.id);
    other
        .patch(&path, &json!({"active": false}))
        .assert_error(ErrorCode::WebhookNotFound);
    other.delete(&path).assert_error(ErrorCode::WebhookNotFound);
    other
        .get(&format!("{path}/deliveries"))
        .assert_error(ErrorCode::WebhookNotFound);
    assert!(list(&other).is_empty());
    assert_eq!(list(&owner).len(), 1);
    assert!(list(&owner)[0].active);
}

#[crate::e2e_test]
fn each_event_type_reaches_a_loopback_receiver_signed(ctx: &Ctx) {
    let receiver = Receiver::accepting();
    let ws = ctx.workspace();
    let hook = subscribe(&ws, &receiver.url, ALL_EVENTS);
    let (chat_id, visitor) = ws.chat("Buyurtmam qayerda?");
    let chat_path = format!("/v1/chats/{chat_id}");
    ws.patch(&chat_path, &json!({"assigned_to": ws.owner.id}))
        .expect::<Value>(200);
    ws.post(
        &format!("{chat_path}/messages"),
        &json!({"text": "Tekshirib ko'raman"}),
    )
    .expect::<Value>(201);
    ws.patch(&chat_path, &json!({"status": "closed"}))
        .expect::<Value>(200);
    ws.client
        .post(
            &format!("/v1/visitor/chats/{chat_id}/rating"),
            &visitor,
            &json!({"score": 5, "comment": "Rahmat"}),
        )
        .expect::<Value>(200);
    ws.patch(&chat_path, &json!({"status": "assigned"}))
        .expect::<Value>(200);

    let got = receiver.wait_for_types(ALL_EVENTS, ARRIVAL);
    let detail: Value = ws.get(&chat_path).expect(200);
    for (d, kind) in got.iter().zip(ALL_EVENTS.iter().copied()) {
        let event = d.json();
        assert_eq!(d.request.method, "POST");
        assert_eq!(d.request.path, "/hooks/chatflow");
        assert_eq!(d.request.header("content-type"), Some("application/json"));
        assert_eq!(signature_verifies(d), Ok(()), "{kind}");
        assert_eq!(d.request.header(EVENT_ID_HEADER), event["id"].as_str());
        assert!(event["id"].as_str().unwrap().starts_with("evt_"));
        assert_eq!(event["type"], kind);
        assert_eq!(event["workspace_id"], ws.id);
        // Milliseconds, so events of one second can be put in order.
        let created_at = event["created_at"].as_str().unwrap();
        assert!(
            created_at.len() == 24 && created_at.ends_with('Z'),
            "{created_at}"
        );
        let data = &event["data"];
        match kind {
            "message.sent" | "message.received" => {
                assert_eq!(data["chat_id"], chat_id);
                assert!(data["seq"].as_u64().is_some(), "{data}");
                let sender = if kind == "message.sent" {
                    "agent"
                } else {
                    "visitor"
                };
                assert_eq!(data["sender"]["type"], sender);
            }
            "chat.rated" => {
                assert_eq!(
                    data,
                    &json!({"chat_id": chat_id, "score": 5, "comment": "Rahmat"})
                )
            }
            _ => {
                assert_eq!(data["id"], chat_id);
                // The chat as GET /chats/{id} shows it: the same fields.
                assert_eq!(
                    data.as_object().unwrap().keys().collect::<Vec<_>>(),
                    detail.as_object().unwrap().keys().collect::<Vec<_>>()
                );
            }
        }
    }
    assert_eq!(got[1].json()["data"]["assigned_to"], ws.owner.id.as_str());
    assert_eq!(got[2].json()["data"]["status"], "closed");
    assert_eq!(got[3].json()["data"]["status"], "assigned");
    assert_eq!(got[5].json()["data"]["text"], "Buyurtmam qayerda?");
    // Every delivery is in the log, once, as a success.
    let log = deliveries(&ws, hook.id.as_str());
    assert_eq!(log.len(), 7, "{log:?}");
    assert!(log
        .iter()
        .all(|l| l.status_code == Some(200) && l.attempt == 1 && l.next_retry_at.is_none()));
    assert_eq!(receiver.deliveries().len(), 7);
}

#[crate::e2e_test]
fn tampered_bodies_and_old_timestamps_fail_verification(ctx: &Ctx) {
    let receiver = Receiver::accepting();
    let ws = ctx.workspace();
    subscribe(&ws, &receiver.url, &["chat.created"]);
    ws.chat("Salom");
    let d = receiver
        .wait_for_types(&["chat.created"], ARRIVAL)
        .remove(0);
    let header = d.request.header(SIGNATURE_HEADER).unwrap().to_string();
    let t: u64 = header
        .split(',')
        .find_map(|p| p.strip_prefix("t="))
        .unwrap()
        .parse()
        .unwrap();
    let body = d.request.body.clone();
    assert_eq!(verify(SECRET.as_bytes(), &header, &body, t), Ok(()));
    let tampered = String::from_utf8(body.clone())
        .unwrap()
        .replace("chat.created", "chat.closed");
    assert_eq!(
        verify(SECRET.as_bytes(), &header, tampered.as_bytes(), t),
        Err(VerifyError::BadSignature)
    );
    assert_eq!(
        verify(b"not_the_secret", &header, &body, t),
        Err(VerifyError::BadSignature)
    );
    assert!(matches!(
        verify(SECRET.as_bytes(), &header, &body, t + 301),
        Err(VerifyError::StaleTimestamp { .. })
    ));
    assert_eq!(verify(SECRET.as_bytes(), &header, &body, t + 299), Ok(()));
}

#[crate::e2e_test]
fn a_receiver_failing_the_first_attempts_accepts_the_event_once_on_retry(ctx: &Ctx) {
    let receiver = Receiver::start(|_, attempt| {
        let status = if attempt <= 2 { 500 } else { 200 };
        (status, Duration::ZERO)
    });
    let ws = ctx.workspace();
    let hook = subscribe(&ws, &receiver.url, &["chat.created"]);
    ws.chat("Salom");
    receiver.wait_until(ARRIVAL, "accepted retry", |ds| {
        ds.iter().any(Delivery::accepted)
    });
    // Time for a wrongful further attempt (the next backoff step is 4 s).
    std::thread::sleep(Duration::from_secs(6));
    let all = receiver.deliveries();
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(all.iter().filter(|d| d.accepted()).count(), 1);
    let id = all[0].event_id();
    assert!(all
        .iter()
        .all(|d| d.event_id() == id && d.request.body == all[0].request.body));
    assert!(all.iter().all(|d| signature_verifies(d).is_ok()));
    // Backoff: the second retry waits longer than the first.
    let gap1 = all[1].arrived - all[0].arrived;
    let gap2 = all[2].arrived - all[1].arrived;
    assert!(gap1 >= Duration::from_millis(900), "{gap1:?}");
    assert!(gap2 >= Duration::from_millis(1900), "{gap2:?}");

    let log = deliveries(&ws, hook.id.as_str());
    let summary: Vec<(u32, Option<u16>, bool)> = log
        .iter()
        .map(|l| (l.attempt, l.status_code, l.next_retry_at.is_some()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (3, Some(200), false),
            (2, Some(500), true),
            (1, Some(500), true)
        ]
    );
    assert!(log
        .iter()
        .all(|l| l.event_id.as_str() == id && !l.dead_lettered));
    assert_eq!(log[1].error.as_deref(), Some("HTTP 500"));
    assert!(log.iter().all(|l| l.duration_ms.is_some()));
    assert!(list(&ws)[0].active);
}

#[crate::e2e_test]
fn a_receiver_that_always_fails_ends_in_the_dead_letter_log(ctx: &Ctx) {
    let receiver = Receiver::start(|_, _| (503, Duration::ZERO));
    let ws = ctx.workspace();
    let hook = subscribe(&ws, &receiver.url, &["chat.created"]);
    ws.chat("Salom");
    // 9 attempts 1+2+4+8+16+16+16+16 s apart, then the dead-letter queue.
    let log = eventually(
        "a dead letter",
        Duration::from_secs(180),
        Duration::from_secs(1),
        || {
            let log = deliveries(&ws, hook.id.as_str());
            if log.iter().any(|l| l.dead_lettered) {
                Ok(log)
            } else {
                Err(log)
            }
        },
    );
    assert_eq!(log.len(), 10, "{log:?}");
    let dead = &log[0];
    assert!(dead.dead_lettered && dead.status_code.is_none() && dead.next_retry_at.is_none());
    assert_eq!(dead.attempt, 9);
    assert_eq!(dead.error.as_deref(), Some("gave up after 9 attempts"));
    let attempts: Vec<u32> = log[1..].iter().map(|l| l.attempt).collect();
    assert_eq!(attempts, vec![9, 8, 7, 6, 5, 4, 3, 2, 1]);
    assert!(log[1..]
        .iter()
        .all(|l| l.status_code == Some(503) && !l.dead_lettered));
    assert!(
        log[1].next_retry_at.is_none(),
        "the last attempt has no retry"
    );
    assert!(log[2..].iter().all(|l| l.next_retry_at.is_some()));
    let got = receiver.deliveries();
    assert_eq!(got.len(), 9);
    assert!(got.iter().all(|d| d.event_id() == log[0].event_id.as_str()));
    // A minute of failures is not a day: the webhook stays on.
    assert!(list(&ws)[0].active);
}

#[crate::e2e_test]
fn deactivated_webhooks_get_nothing(ctx: &Ctx) {
    let on = Receiver::accepting();
    let off = Receiver::accepting();
    let ws = ctx.workspace();
    subscribe(&ws, &on.url, &["chat.created", "message.received"]);
    let disabled = subscribe(&ws, &off.url, &["chat.created", "message.received"]);
    let path = format!("/v1/webhooks/{}", disabled.id);
    ws.patch(&path, &json!({"active": false}))
        .expect::<Webhook>(200);
    ws.chat("Salom");
    on.wait_for_types(&["chat.created", "message.received"], ARRIVAL);
    std::thread::sleep(Duration::from_secs(2));
    assert!(off.deliveries().is_empty());
    assert!(deliveries(&ws, disabled.id.as_str()).is_empty());
    // Switched back on, it gets what happens from then on.
    ws.patch(&path, &json!({"active": true}))
        .expect::<Webhook>(200);
    let (chat_id, _) = ws.chat("Yana salom");
    let got = off.wait_for_types(&["chat.created"], ARRIVAL);
    assert_eq!(got[0].json()["data"]["id"], chat_id);
}

#[crate::e2e_test]
fn a_webhook_failing_for_a_day_is_deactivated(ctx: &Ctx) {
    let receiver = Receiver::start(|_, _| (500, Duration::ZERO));
    let ws = ctx.workspace();
    let hook = subscribe(&ws, &receiver.url, &["chat.created"]);
    // As if its deliveries had failed since the day before yesterday.
    ctx.server.workspace_sql(
        &ws.id,
        &format!(
            "UPDATE webhooks SET failing_since = '2000-01-01T00:00:00Z' WHERE id = '{}'",
            hook.id
        ),
    );
    ws.chat("Salom");
    receiver.wait_until(ARRIVAL, "a failed attempt", |ds| !ds.is_empty());
    eventually(
        "the webhook to be switched off",
        ARRIVAL,
        Duration::from_millis(200),
        || !list(&ws)[0].active,
    );
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(receiver.deliveries().len(), 1, "no retry once deactivated");
    let log = deliveries(&ws, hook.id.as_str());
    assert_eq!(log.len(), 1);
    assert!(log[0].next_retry_at.is_none());
    ws.chat("Yana");
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(receiver.deliveries().len(), 1);
}

#[crate::e2e_test]
fn events_of_another_workspace_never_arrive(ctx: &Ctx) {
    let mine = Receiver::accepting();
    let theirs = Receiver::accepting();
    let me = ctx.workspace();
    let them = ctx.workspace_named("Other Shop");
    subscribe(&me, &mine.url, ALL_EVENTS);
    subscribe(&them, &theirs.url, ALL_EVENTS);
    let (chat_id, _) = them.chat("Salom");
    them.patch(
        &format!("/v1/chats/{chat_id}"),
        &json!({"status": "closed"}),
    )
    .expect::<Value>(200);
    let got = theirs.wait_for_types(
        &["chat.created", "message.received", "chat.closed"],
        ARRIVAL,
    );
    assert!(got.iter().all(|d| d.json()["workspace_id"] == them.id));
    std::thread::sleep(Duration::from_secs(2));
    assert!(mine.deliveries().is_empty());
}

#[crate::e2e_test]
fn the_api_call_returns_before_the_receiver_is_called(ctx: &Ctx) {
    let receiver = Receiver::start(|_, _| (200, Duration::from_secs(3)));
    let ws = ctx.workspace();
    subscribe(&ws, &receiver.url, &["message.sent"]);
    let (chat_id, _) = ws.chat("Salom");
    let started = Instant::now();
    ws.post(
        &format!("/v1/chats/{chat_id}/messages"),
        &json!({"text": "Javob"}),
    )
    .expect::<Value>(201);
    let returned = Instant::now();
    let api = returned - started;
    assert!(api < Duration::from_secs(2), "the API call took {api:?}");
    let got = receiver.wait_for_types(&["message.sent"], ARRIVAL);
    // The receiver was still answering (or not yet called) when the API had answered.
    assert!(got[0].answered > returned + Duration::from_millis(2500));
    assert!(got[0].arrived + Duration::from_millis(100) >= started);
}

#[crate::e2e_test]
fn the_example_receiver_prints_each_verified_event(ctx: &Ctx) {
    let port = crate::harness::free_port();
    let mut command = std::process::Command::new(env!("CARGO"));
    command
        .current_dir(crate::harness::repo_root())
        .args(["run", "--quiet", "-p", "webhook-receiver"])
        .env("WEBHOOK_SECRET", SECRET)
        .env("PORT", port.to_string());
    let example = crate::harness::Spawned::start(command, "webhook receiver");
    eventually(
        "the example to start",
        Duration::from_secs(120),
        Duration::from_millis(100),
        || {
            let out = example.output_text();
            if out.contains("listening on") {
                Ok(())
            } else {
                Err(out)
            }
        },
    );
    let ws = ctx.workspace();
    subscribe(
        &ws,
        &format!("http://127.0.0.1:{port}/chatflow"),
        &["chat.created", "message.received"],
    );
    let (chat_id, _) = ws.chat("Salom");
    let out = eventually(
        "both events printed",
        ARRIVAL,
        Duration::from_millis(100),
        || {
            let out = example.output_text();
            let printed = |kind: &str| {
                out.lines()
                    .any(|l| l.contains(&format!(" {kind} evt_")) && l.contains(&chat_id))
            };
            if printed("chat.created") && printed("message.received") {
                Ok(out)
            } else {
                Err(out)
            }
        },
    );
    assert!(!out.contains("refused"), "{out}");
    // A forged delivery is refused with 400.
    let forged = ctx.client.send_raw(
        "POST",
        &format!("http://127.0.0.1:{port}/chatflow"),
        &[
            ("Content-Type", "application/json"),
            (
                SIGNATURE_HEADER,
                &webhook_receiver::sign(b"wrong", webhook_receiver::unix_now(), b"{}"),
            ),
        ],
        b"{}",
    );
    assert_eq!(forged.status, 400);
}

#[crate::e2e_test]
fn operators_cannot_see_or_change_webhooks(ctx: &Ctx) {
    let ws = ctx.workspace();
    let hook = subscribe(&ws, "https://myapp.com/hook", &["chat.created"]);
    let before = list(&ws);
    let key = crate::chats::operator_key(ctx, &ws);
    let path = format!("/v1/webhooks/{}", hook.id);
    let c = &ws.client;
    c.get("/v1/webhooks", &key)
        .assert_error(ErrorCode::AuthForbidden);
    c.post(
        "/v1/webhooks",
        &key,
        &json!({"url": "https://evil.example/hook", "events": ["message.received"]}),
    )
    .assert_error(ErrorCode::AuthForbidden);
    c.patch(&path, &key, &json!({"url": "https://evil.example/hook"}))
        .assert_error(ErrorCode::AuthForbidden);
    c.delete(&path, &key).assert_error(ErrorCode::AuthForbidden);
    c.get(&format!("{path}/deliveries"), &key)
        .assert_error(ErrorCode::AuthForbidden);
    assert_eq!(list(&ws), before);
}
