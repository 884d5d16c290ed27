//! A workspace as a whole: its own database (the Workspace object), its export as
//! NDJSON and its erasure (`GET /v1/admin/workspaces/{id}/export`, `DELETE
//! /v1/admin/workspaces/{id}`), both with the admin token.

use std::time::Duration;

use serde_json::{json, Value};
use shared_types::error::ErrorCode;
use shared_types::webhooks::CreatedWebhook;

use crate::client::{Ctx, TestWorkspace};
use crate::harness::eventually;
use crate::receiver::Receiver;

fn a_trigger(ws: &TestWorkspace, name: &str) -> String {
    let created = ws
        .post(
            "/v1/automation/triggers",
            &json!({"name": name, "condition": "page_load", "delay_seconds": 3,
                    "message": "Salom! <b>yordam</b>?", "url_pattern": "*"}),
        )
        .json();
    created["id"].as_str().expect("trigger id").to_string()
}

/// The tables of `workspace_id`'s object that hold rows, as `table=count`; none when the
/// object has no database (erasure deletes it).
fn object_rows(ctx: &Ctx, workspace_id: &str) -> Vec<String> {
    if !ctx.server.workspace_has_database(workspace_id) {
        return Vec::new();
    }
    // The schema's own version is no row of the workspace's.
    let tables = ctx.server.workspace_query(
        workspace_id,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name != 'schema_version'",
    );
    tables
        .as_array()
        .expect("tables")
        .iter()
        .filter_map(|table| {
            let name = table["name"].as_str().expect("name");
            let n = ctx.server.workspace_query(
                workspace_id,
                &format!("SELECT COUNT(*) AS n FROM \"{name}\""),
            )[0]["n"]
                .as_u64()
                .unwrap_or(u64::MAX);
            (n > 0).then(|| format!("{name}={n}"))
        })
        .collect()
}

#[crate::e2e_test]
fn the_export_has_every_row_of_the_workspace_with_its_table_and_no_secret(ctx: &Ctx) {
    let ws = ctx.workspace_named("Export Shop");
    let other = ctx.workspace_named("Other Shop");
    let trigger = a_trigger(&ws, "Welcome");
    a_trigger(&other, "Not theirs");
    let (chat_id, _) = ws.chat("Narxi qancha?");
    ws.post(
        &format!("/v1/chats/{chat_id}/messages"),
        &json!({"text": "15 000 so'm"}),
    )
    .expect::<Value>(201);

    let lines = ctx.export(&ws.id);
    for line in &lines {
        assert!(
            line["table"].is_string() && line["row"].is_object(),
            "{line}"
        );
    }
    let rows = |table: &str| -> Vec<&Value> {
        lines
            .iter()
            .filter(|l| l["table"] == table)
            .map(|l| &l["row"])
            .collect()
    };
    assert_eq!(rows("workspaces").len(), 1);
    assert_eq!(rows("workspaces")[0]["id"], ws.id.as_str());
    assert_eq!(rows("agents").len(), 1);
    assert_eq!(rows("agents")[0]["email"], "sara@shop.example");
    assert_eq!(rows("chats").len(), 1);
    assert_eq!(rows("chats")[0]["id"], chat_id.as_str());
    assert_eq!(rows("messages").len(), 2);
    assert_eq!(rows("visitors").len(), 1);
    assert_eq!(rows("widget_config").len(), 1);
    // The trigger comes from the workspace's own object, as stored.
    let triggers = rows("triggers");
    assert_eq!(triggers.len(), 1);
    assert_eq!(triggers[0]["id"], trigger.as_str());
    assert_eq!(triggers[0]["message"], "Salom! <b>yordam</b>?");
    // Nothing of another workspace, and nothing that signs in.
    assert!(!ws.api_key.is_empty() && !lines.iter().any(|l| l.to_string().contains(&other.id)));
    for secret in ["password_hash", "key_hash", "token_hash", &ws.api_key] {
        assert!(
            !lines.iter().any(|l| l.to_string().contains(secret)),
            "{secret} is exported"
        );
    }
    assert!(rows("api_keys").is_empty() && rows("sessions").is_empty());
}

#[crate::e2e_test]
fn the_export_has_the_webhooks_and_their_log_but_never_a_signing_secret(ctx: &Ctx) {
    let receiver = Receiver::accepting();
    let ws = ctx.workspace_named("Hook Shop");
    let secret = format!("whsec_export_{}", std::process::id()) + &"k".repeat(20);
    let hook: CreatedWebhook = ws
        .post(
            "/v1/webhooks",
            &json!({"url": receiver.url, "events": ["chat.created"], "secret": secret}),
        )
        .expect(201);
    ws.chat("Salom");
    receiver.wait_for_types(&["chat.created"], Duration::from_secs(30));
    // The attempt is logged once the receiver has answered.
    let log = eventually(
        "the attempt in the exported log",
        Duration::from_secs(30),
        Duration::from_millis(300),
        || Some(ctx.exported_rows(&ws.id, "webhook_deliveries")).filter(|r| !r.is_empty()),
    );
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["webhook_id"], hook.id.as_str());
    assert_eq!(log[0]["event_type"], "chat.created");
    assert_eq!(log[0]["status_code"], 200);

    let lines = ctx.export(&ws.id);
    let hooks: Vec<&Value> = lines
        .iter()
        .filter(|l| l["table"] == "webhooks")
        .map(|l| &l["row"])
        .collect();
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0]["id"], hook.id.as_str());
    assert_eq!(hooks[0]["url"], receiver.url.as_str());
    assert!(hooks[0].get("secret_sealed").is_none(), "{}", hooks[0]);
    assert!(!lines.iter().any(|l| l.to_string().contains(&secret)));
}

#[crate::e2e_test]
fn the_export_answers_only_the_admin_token_and_known_workspaces(ctx: &Ctx) {
    let ws = ctx.workspace_named("Private Shop");
    let path = format!("/v1/admin/workspaces/{}/export", ws.id);
    ctx.client
        .get(&path, "not-the-admin-token")
        .assert_error(ErrorCode::AdminToken);
    // A workspace's own key is not the operator's.
    ctx.client
        .get(&path, &ws.api_key)
        .assert_error(ErrorCode::AdminToken);
    ctx.client
        .get(
            "/v1/admin/workspaces/ws_doesnotexist0000000/export",
            ctx.admin_token(),
        )
        .assert_error(ErrorCode::WorkspaceNotFound);
}

#[crate::e2e_test]
fn erasure_removes_the_workspace_everywhere_and_nothing_of_another(ctx: &Ctx) {
    let ws = ctx.workspace_named("Leaving Shop");
    let other = ctx.workspace_named("Staying Shop");
    a_trigger(&ws, "Bye");
    let kept = a_trigger(&other, "Hello");
    let (chat_id, visitor_token) = ws.chat("Salom");
    // Warm every copy the cache keeps, so erasure must remove them too.
    ws.get("/v1/agents").expect::<Value>(200);
    let public = format!("/v1/public/widgets/{}", ws.id);
    let origin = [("Origin", "https://shop.example")];
    assert_eq!(ctx.client.send("GET", &public, &origin, None).status, 200);
    // The conversation lives in the object, so the check below can see it there.
    let stored = object_rows(ctx, &ws.id);
    for table in ["visitors", "chats", "messages", "triggers", "widget_config"] {
        assert!(
            stored.iter().any(|t| t.starts_with(&format!("{table}="))),
            "{table} not in {stored:?}"
        );
    }

    let resp = ctx.client.delete(
        &format!("/v1/admin/workspaces/{}", ws.id),
        ctx.admin_token(),
    );
    assert_eq!(resp.status, 204, "{}", resp.text);

    ws.get("/v1/agents").assert_error(ErrorCode::AuthUnknownKey);
    ws.get(&format!("/v1/chats/{chat_id}"))
        .assert_error(ErrorCode::AuthUnknownKey);
    ctx.client
        .get("/v1/visitor/chats", &visitor_token)
        .assert_error(ErrorCode::AuthVisitorToken);
    ctx.client
        .send("GET", &public, &origin, None)
        .assert_error(ErrorCode::WorkspaceNotFound);
    ctx.client
        .get(
            &format!("/v1/admin/workspaces/{}/export", ws.id),
            ctx.admin_token(),
        )
        .assert_error(ErrorCode::WorkspaceNotFound);
    // No row of it is left in any table of the directory.
    let tables = ctx.server.d1(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%workspace_id%'
            AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'",
    );
    for table in tables.as_array().expect("tables") {
        let name = table["name"].as_str().expect("name");
        let left = ctx.server.d1(&format!(
            "SELECT COUNT(*) AS n FROM {name} WHERE workspace_id = '{}'",
            ws.id
        ));
        assert_eq!(left[0]["n"], 0, "{name} keeps rows of the erased workspace");
    }
    let left = ctx.server.d1(&format!(
        "SELECT COUNT(*) AS n FROM workspaces WHERE id = '{}'",
        ws.id
    ));
    assert_eq!(left[0]["n"], 0);
    // Nor in its own database: no table of the object keeps a row.
    assert_eq!(object_rows(ctx, &ws.id), Vec::<String>::new());
    // The other workspace is whole.
    let triggers: Value = other.get("/v1/automation/triggers").expect(200);
    assert_eq!(triggers["data"][0]["id"], kept.as_str());
    assert_eq!(ctx.exported_rows(&other.id, "triggers").len(), 1);
}

#[crate::e2e_test]
fn erasing_an_unknown_workspace_is_404_ws_001(ctx: &Ctx) {
    ctx.client
        .delete(
            "/v1/admin/workspaces/ws_doesnotexist0000000",
            ctx.admin_token(),
        )
        .assert_error(ErrorCode::WorkspaceNotFound);
    let ws = ctx.workspace_named("Kept Shop");
    ctx.client
        .delete(&format!("/v1/admin/workspaces/{}", ws.id), "wrong")
        .assert_error(ErrorCode::AdminToken);
    ws.get("/v1/agents").expect::<Value>(200);
}

/// The D1 handles a response says its request took (`Server-Timing: d1;desc="N handles"`).
fn d1_handles(resp: &crate::client::Resp) -> u64 {
    resp.header("server-timing")
        .and_then(|v| {
            v.split(',')
                .map(str::trim)
                .find_map(|t| t.strip_prefix("d1;desc=\""))
        })
        .and_then(|v| v.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no D1 count in Server-Timing: {:?}", resp.headers))
}

/// Once its key is cached, a message costs the directory nothing: the agent's reply and
/// the visitor's message are written in the workspace's own database, and D1 is never
/// reached for them.
#[crate::e2e_test]
fn a_message_sent_with_a_cached_credential_never_reaches_d1(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("Salom, narxlar?");
    // The first use of the key reads D1 and leaves a copy in KV.
    let first = ws.post(
        &format!("/v1/chats/{chat_id}/messages"),
        &json!({"text": "Assalomu alaykum!"}),
    );
    assert_eq!(first.status, 201, "{}", first.text);
    for text in ["Narxlar saytda", "Yana savol bormi?"] {
        let reply = ws.post(
            &format!("/v1/chats/{chat_id}/messages"),
            &json!({ "text": text }),
        );
        assert_eq!(reply.status, 201, "{}", reply.text);
        assert_eq!(
            d1_handles(&reply),
            0,
            "an agent's message: {:?}",
            reply.headers
        );
    }
    let visitor = ctx.client.send(
        "POST",
        &format!("/v1/visitor/chats/{chat_id}/messages"),
        &[("Authorization", &crate::client::bearer(&token))],
        Some(&json!({"text": "Rahmat!"})),
    );
    assert_eq!(visitor.status, 201, "{}", visitor.text);
    assert_eq!(d1_handles(&visitor), 0, "a visitor's message");
    // The count is real: a request that reads the directory says so.
    let agents = ws.get("/v1/agents");
    assert_eq!(agents.status, 200);
    assert!(d1_handles(&agents) > 0, "listing agents reads D1");
    // And the messages are where the count says: in the workspace's object.
    let texts: Vec<String> = ctx
        .exported_rows(&ws.id, "messages")
        .into_iter()
        .filter_map(|m| m["text"].as_str().map(String::from))
        .collect();
    for text in ["Narxlar saytda", "Yana savol bormi?", "Rahmat!"] {
        assert!(texts.iter().any(|t| t == text), "{text} in {texts:?}");
    }
}
