//! The daily sweep (the worker's scheduled handler, run here through wrangler's
//! `/__scheduled` endpoint, and each workspace object's alarm for its own tables): what
//! is past its window goes, what is inside stays.

use std::time::Duration;

use serde_json::{json, Value};
use shared_types::error::ErrorCode;
use shared_types::files::{FileObject, UploadUrlResponse};
use shared_types::webhooks::{CreatedWebhook, Webhook};

use crate::client::{bearer, Ctx, TestWorkspace};
use crate::harness::eventually;

fn ago(modifier: &str) -> String {
    format!("strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '{modifier}')")
}

fn count(rows: Value) -> u64 {
    rows[0]["n"].as_u64().unwrap_or(u64::MAX)
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
    // A webhook that sends nothing, so the only attempts in its log are the two below.
    let created: CreatedWebhook = ws
        .post(
            "/v1/webhooks",
            &json!({"url": "http://127.0.0.1:9/", "events": ["chat.rated"]}),
        )
        .expect(201);
    let hook = created.id.as_str().to_string();
    ws.patch(&format!("/v1/webhooks/{hook}"), &json!({"active": false}))
        .expect::<Webhook>(200);
    let (chat_id, _) = ws.chat("eski narsalar");
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
    // Where the abandoned upload's bytes are, to give its row back after the sweep.
    let abandoned_key = ctx.server.workspace_query(
        &ws.id,
        &format!(
            "SELECT r2_key FROM files WHERE id = '{}'",
            abandoned.file_id.as_str()
        ),
    )[0]["r2_key"]
        .as_str()
        .expect("the abandoned upload's key")
        .to_string();

    // The workspace's object: the webhook's attempts of 31 and 29 days ago, idempotency
    // keys of 25 and 23 hours ago, a ticket spent and expired and one not yet expired,
    // and the uploads' URLs dated back.
    let mut object = String::new();
    for (id, when) in [("old", "-31 days"), ("recent", "-29 days")] {
        object.push_str(&format!(
            "INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type,
                attempt, status_code, created_at)
             VALUES ('{hook}_{id}', '{hook}', 'evt_{id}', 'chat.created', 1, 500, {t});",
            t = ago(when),
        ));
    }
    for (key, when) in [("old", "-25 hours"), ("recent", "-23 hours")] {
        object.push_str(&format!(
            "INSERT INTO idempotency_keys (scope, key, request_hash, status, response_body, created_at)
             VALUES ('{ws}', 'sweep-{key}', 'h', 201, '{{}}', {t});",
            ws = ws.id,
            t = ago(when),
        ));
    }
    for (nonce, when) in [("spent", "-1 minutes"), ("live", "+1 minutes")] {
        object.push_str(&format!(
            "INSERT INTO used_tickets (nonce, expires_at) VALUES ('{}-{nonce}', {});",
            ws.id,
            ago(when)
        ));
    }
    for (file, when) in [
        (abandoned.file_id.as_str(), "-48 hours"),
        (late.file_id.as_str(), "-1 hours"),
        (kept.id.as_str(), "-48 hours"),
    ] {
        object.push_str(&format!(
            "UPDATE files SET expires_at = {} WHERE id = '{file}';",
            ago(when)
        ));
    }
    ctx.server.workspace_sql(&ws.id, &object);
    // The directory: sessions and invitations expired a minute ago or good for a day,
    // sign-in failures 16 and 14 minutes old.
    let mut directory = String::new();
    let owner = ws.owner.id.as_str();
    for (token, when) in [("gone", "-1 minutes"), ("live", "+1 days")] {
        directory.push_str(&format!(
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
        directory.push_str(&format!(
            "INSERT INTO login_failures (subject, failed_at) VALUES ('email:sweep{n}@{}', {});",
            ws.id,
            ago(when)
        ));
    }
    ctx.server.d1(&directory);

    // The object computes its alarm from its tables at a write of a row that expires,
    // so the rows above are seen by the next one: a reply under an Idempotency-Key (a
    // message and a key outside the `sweep-` ones counted below).
    let armed = ctx.client.send(
        "POST",
        &format!("/v1/chats/{chat_id}/messages"),
        &[
            ("Authorization", &bearer(&ws.api_key)),
            ("Idempotency-Key", "arms-the-object-sweep"),
        ],
        Some(&json!({"text": "eski narsalar ketadi"})),
    );
    assert_eq!(armed.status, 201, "{}", armed.text);
    let run = ctx.client.send(
        "GET",
        &format!("{}/__scheduled?cron=17+3+*+*+*", ctx.server.base_url),
        &[],
        None,
    );
    assert_eq!(run.status, 200, "{}", run.text);

    // The alarm runs on its own: wait until every row past its window is gone (a
    // sweep may take them in more than one step), then look at what stayed.
    let object_count = |sql: String| count(ctx.server.workspace_query(&ws.id, &sql));
    eventually(
        "the workspace object's sweep",
        Duration::from_secs(30),
        Duration::from_millis(300),
        || {
            let left = ctx.server.workspace_query(
                &ws.id,
                &format!(
                    "SELECT (SELECT COUNT(*) FROM webhook_deliveries WHERE id = '{hook}_old') AS delivery,
                            (SELECT COUNT(*) FROM idempotency_keys WHERE key = 'sweep-old') AS key,
                            (SELECT COUNT(*) FROM used_tickets WHERE nonce = '{ws}-spent') AS ticket,
                            (SELECT COUNT(*) FROM files WHERE id = '{file}') AS upload",
                    ws = ws.id,
                    file = abandoned.file_id.as_str(),
                ),
            );
            let row = &left[0];
            if ["delivery", "key", "ticket", "upload"]
                .iter()
                .all(|c| row[*c] == 0)
            {
                Ok(())
            } else {
                Err(row.clone())
            }
        },
    );
    let rows: Vec<Value> = ctx
        .exported_rows(&ws.id, "webhook_deliveries")
        .into_iter()
        .filter(|r| r["webhook_id"] == hook.as_str())
        .collect();
    assert_eq!(rows.len(), 1, "the delivery older than 30 days goes");
    assert_eq!(
        rows.iter()
            .filter(|r| r["id"] == format!("{hook}_recent").as_str())
            .count(),
        1
    );
    assert_eq!(
        object_count(format!(
            "SELECT COUNT(*) AS n FROM idempotency_keys WHERE scope = '{}' AND key LIKE 'sweep-%'",
            ws.id
        )),
        1,
        "the key older than 24 hours goes"
    );
    assert_eq!(
        object_count(format!(
            "SELECT COUNT(*) AS n FROM used_tickets WHERE nonce LIKE '{}-%'",
            ws.id
        )),
        1,
        "the expired ticket goes"
    );
    for table in ["sessions", "invitations"] {
        assert_eq!(
            count(ctx.server.d1(&format!(
                "SELECT COUNT(*) AS n FROM {table} WHERE token_hash LIKE '{}-%'",
                ws.id
            ))),
            1,
            "the expired row of {table} goes"
        );
    }
    assert_eq!(
        count(ctx.server.d1(&format!(
            "SELECT COUNT(*) AS n FROM login_failures WHERE subject LIKE 'email:sweep%@{}'",
            ws.id
        ))),
        1,
        "only the failure older than the throttle's 15 minutes goes"
    );
    let files = ctx
        .server
        .workspace_query(&ws.id, "SELECT id, status FROM files ORDER BY filename");
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
    // The abandoned object is gone from R2 too. The sweep deletes it after its row, so
    // first wait for that: given its row back as confirmed, it is no longer served.
    // Then, given its row back as pending, confirming finds nothing uploaded.
    let abandoned_id = abandoned.file_id.as_str();
    ctx.server.workspace_sql(
        &ws.id,
        &format!(
            "INSERT INTO files (id, chat_id, uploader_type, uploader_id, filename, content_type,
                size_bytes, r2_key, status, created_at, expires_at, confirmed_at)
             VALUES ('{abandoned_id}', '{chat_id}', 'agent', 'x', 'abandoned.txt', 'text/plain',
                     5, '{abandoned_key}', 'confirmed', {now}, {later}, {now});",
            now = ago("+0 seconds"),
            later = ago("+1 hours"),
        ),
    );
    eventually(
        "the abandoned upload's object to leave R2",
        Duration::from_secs(30),
        Duration::from_millis(300),
        || {
            let served = ctx
                .client
                .send("GET", &ws.file_url(abandoned_id), &[], None);
            if served.status == 404 {
                Ok(())
            } else {
                Err(served.status)
            }
        },
    );
    ctx.server.workspace_sql(
        &ws.id,
        &format!(
            "UPDATE files SET status = 'pending', chat_id = NULL, confirmed_at = NULL
              WHERE id = '{abandoned_id}';"
        ),
    );
    let again = ws.post(
        "/v1/files/confirm",
        &json!({"file_id": abandoned.file_id, "chat_id": chat_id}),
    );
    again.assert_error(ErrorCode::FileNotUploaded);
}
