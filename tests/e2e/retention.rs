//! The daily sweep (the worker's scheduled handler, run here through wrangler's
//! `/__scheduled` endpoint, and each workspace object's alarm for its own tables): what
//! is past its window goes, what is inside stays.

use std::time::Duration;

use serde_json::{json, Value};
use shared_types::error::ErrorCode;
use shared_types::files::{FileObject, UploadUrlResponse};
use shared_types::webhooks::{CreatedWebhook, Webhook};

use crate::client::{Ctx, TestWorkspace};
use crate::harness::eventually;
use crate::receiver::Receiver;

fn ago(modifier: &str) -> String {
    format!("strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '{modifier}')")
}

fn count(ctx: &Ctx, sql: &str) -> u64 {
    ctx.server.d1(sql)[0]["n"].as_u64().unwrap_or(u64::MAX)
}

/// An uploaded (PUT) but unconfirmed file.
fn uploaded(ctx: &Ctx, ws: &TestWorkspace, name: &str) -> UploadUrlResponse {
    let up: UploadUrlResponse = ws
        .post(
            "/v1/files/upload-url",
            &json!({"filename": name, "content_type": "text/plain", "size_bytes": 5}),
        )
        .expect(200);
    let put = ctx.client.send_raw(
        "PUT",
        &up.upload_url,
        &[("Content-Type", "text/plain")],
        b"salom",
    );
    assert_eq!(put.status, 200, "{}", put.text);
    up
}

#[crate::e2e_test]
fn the_sweep_deletes_only_what_is_past_its_window(ctx: &Ctx) {
    let ws = ctx.workspace();
    // A webhook that sends nothing, whose log (in the workspace's object) holds an
    // attempt of 31 days ago and one of 29.
    let created: CreatedWebhook = ws
        .post(
            "/v1/webhooks",
            &json!({"url": "http://127.0.0.1:9/", "events": ["chat.rated"]}),
        )
        .expect(201);
    let hook = created.id.as_str().to_string();
    ws.patch(&format!("/v1/webhooks/{hook}"), &json!({"active": false}))
        .expect::<Webhook>(200);
    let mut logged = String::new();
    for (id, when) in [("old", "-31 days"), ("recent", "-29 days")] {
        logged.push_str(&format!(
            "INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type,
                attempt, status_code, created_at)
             VALUES ('{hook}_{id}', '{hook}', 'evt_{id}', 'chat.created', 1, 500, {t});",
            t = ago(when),
        ));
    }
    ctx.server.workspace_sql(&ws.id, &logged);
    // The object's sweep is armed by the next attempt it logs, here another webhook's.
    let receiver = Receiver::accepting();
    ws.post(
        "/v1/webhooks",
        &json!({"url": receiver.url, "events": ["chat.created"]}),
    )
    .expect::<CreatedWebhook>(201);
    let (chat_id, _) = ws.chat("eski narsalar");
    receiver.wait_for_types(&["chat.created"], Duration::from_secs(30));
    let mut sql = String::new();
    for (key, when) in [("old", "-25 hours"), ("recent", "-23 hours")] {
        sql.push_str(&format!(
            "INSERT INTO idempotency_keys (scope, key, request_hash, status, response_body, created_at)
             VALUES ('{ws}', 'sweep-{key}', 'h', 201, '{{}}', {t});",
            ws = ws.id,
            t = ago(when),
        ));
    }
    for (nonce, when) in [("spent", "-1 minutes"), ("live", "+1 minutes")] {
        sql.push_str(&format!(
            "INSERT INTO used_tickets (nonce, expires_at) VALUES ('{}-{nonce}', {});",
            ws.id,
            ago(when)
        ));
    }
    let owner = ws.owner.id.as_str();
    for (token, when) in [("gone", "-1 minutes"), ("live", "+1 days")] {
        sql.push_str(&format!(
            "INSERT INTO sessions (token_hash, workspace_id, agent_id, created_at, expires_at)
             VALUES ('{ws}-{token}', '{ws}', '{owner}', {now}, {t});
             INSERT INTO invitations (token_hash, workspace_id, agent_id, created_at, expires_at)
             VALUES ('{ws}-{token}', '{ws}', '{owner}', {now}, {t});",
            ws = ws.id,
            now = ago("+0 seconds"),
            t = ago(when),
        ));
    }
    for (n, when) in [(1, "-16 minutes"), (2, "-14 minutes")] {
        sql.push_str(&format!(
            "INSERT INTO login_failures (subject, failed_at) VALUES ('email:sweep{n}@{}', {});",
            ws.id,
            ago(when)
        ));
    }
    ctx.server.d1(&sql);

    // Uploaded but never confirmed: one whose URL expired two days ago (abandoned), one
    // an hour ago (it may still be confirmed). And a confirmed file, long expired URL.
    let abandoned = uploaded(ctx, &ws, "abandoned.txt");
    let late = uploaded(ctx, &ws, "late.txt");
    let kept = uploaded(ctx, &ws, "kept.txt");
    let kept: FileObject = ws
        .post(
            "/v1/files/confirm",
            &json!({"file_id": kept.file_id, "chat_id": chat_id}),
        )
        .expect(200);
    ctx.server.d1(&format!(
        "UPDATE files SET expires_at = {} WHERE id = '{}';
         UPDATE files SET expires_at = {} WHERE id = '{}';
         UPDATE files SET expires_at = {} WHERE id = '{}';",
        ago("-48 hours"),
        abandoned.file_id.as_str(),
        ago("-1 hours"),
        late.file_id.as_str(),
        ago("-48 hours"),
        kept.id.as_str(),
    ));

    let run = ctx.client.send(
        "GET",
        &format!("{}/__scheduled?cron=17+3+*+*+*", ctx.server.base_url),
        &[],
        None,
    );
    assert_eq!(run.status, 200, "{}", run.text);

    let hook_rows = || -> Vec<Value> {
        ctx.exported_rows(&ws.id, "webhook_deliveries")
            .into_iter()
            .filter(|r| r["webhook_id"] == hook.as_str())
            .collect()
    };
    // The alarm runs on its own: wait for it, then look.
    eventually(
        "the workspace object's sweep",
        Duration::from_secs(30),
        Duration::from_millis(300),
        || hook_rows().len() < 2,
    );
    let rows = hook_rows();
    let deliveries = rows.len();
    assert_eq!(deliveries, 1, "the delivery older than 30 days goes");
    assert_eq!(
        rows.iter()
            .filter(|r| r["id"] == format!("{hook}_recent").as_str())
            .count(),
        1
    );
    assert_eq!(
        count(
            ctx,
            &format!(
                "SELECT COUNT(*) AS n FROM idempotency_keys WHERE scope = '{}' AND key LIKE 'sweep-%'",
                ws.id
            )
        ),
        1,
        "the key older than 24 hours goes"
    );
    assert_eq!(
        count(
            ctx,
            &format!(
                "SELECT COUNT(*) AS n FROM used_tickets WHERE nonce LIKE '{}-%'",
                ws.id
            )
        ),
        1,
        "the expired ticket goes"
    );
    for table in ["sessions", "invitations"] {
        assert_eq!(
            count(
                ctx,
                &format!(
                    "SELECT COUNT(*) AS n FROM {table} WHERE token_hash LIKE '{}-%'",
                    ws.id
                )
            ),
            1,
            "the expired row of {table} goes"
        );
    }
    assert_eq!(
        count(
            ctx,
            &format!(
                "SELECT COUNT(*) AS n FROM login_failures WHERE subject LIKE 'email:sweep%@{}'",
                ws.id
            )
        ),
        1,
        "only the failure older than the throttle's 15 minutes goes"
    );
    let files: Value = ctx.server.d1(&format!(
        "SELECT id, status FROM files WHERE workspace_id = '{}' ORDER BY filename",
        ws.id
    ));
    assert_eq!(
        files,
        json!([
            {"id": kept.id.as_str(), "status": "confirmed"},
            {"id": late.file_id.as_str(), "status": "pending"},
        ]),
        "only the abandoned upload is forgotten"
    );
    // The late upload can still be confirmed, and the kept file is still served.
    ws.post(
        "/v1/files/confirm",
        &json!({"file_id": late.file_id, "chat_id": chat_id}),
    )
    .expect::<FileObject>(200);
    assert_eq!(ctx.client.send("GET", &kept.url, &[], None).text, "salom");
    // The abandoned object is gone from R2 too: given its row back, confirming finds
    // nothing uploaded.
    ctx.server.d1(&format!(
        "INSERT INTO files (id, workspace_id, uploader_type, uploader_id, filename, content_type,
            size_bytes, r2_key, status, created_at, expires_at)
         VALUES ('{id}', '{ws}', 'agent', 'x', 'abandoned.txt', 'text/plain', 5, '{ws}/{id}',
                 'pending', {now}, {later});",
        id = abandoned.file_id.as_str(),
        ws = ws.id,
        now = ago("+0 seconds"),
        later = ago("+1 hours"),
    ));
    let again = ws.post(
        "/v1/files/confirm",
        &json!({"file_id": abandoned.file_id, "chat_id": chat_id}),
    );
    again.assert_error(ErrorCode::FileNotUploaded);
}
