//! `POST /v1/admin/workspaces`: a fresh install is usable without a dashboard.

use serde_json::json;
use shared_types::admin::CreateWorkspaceResponse;
use shared_types::agents::{Agent, AgentRole, AgentStatus};
use shared_types::error::ErrorCode;
use shared_types::DataList;

use crate::client::Ctx;

fn workspaces_named(ctx: &Ctx, name: &str) -> u64 {
    let rows = ctx.server.d1(&format!(
        "SELECT COUNT(*) AS n FROM workspaces WHERE name = '{name}'"
    ));
    rows[0]["n"].as_u64().expect("count")
}

#[crate::e2e_test]
fn provisioning_returns_workspace_owner_and_a_working_key(ctx: &Ctx) {
    let resp = ctx.client.post(
        "/v1/admin/workspaces",
        ctx.admin_token(),
        &json!({"name": "Acme Uz", "owner": {"name": "Sara", "email": "Sara@Acme.uz"}}),
    );
    let created: CreateWorkspaceResponse = resp.expect(201);
    assert!(created.workspace.id.as_str().starts_with("ws_"));
    assert_eq!(created.workspace.name, "Acme Uz");
    assert!(created.workspace.created_at.ends_with('Z'));
    assert_eq!(created.agent.role, AgentRole::Owner);
    assert_eq!(created.agent.status, AgentStatus::Offline);
    assert_eq!(created.agent.email, "sara@acme.uz");
    assert_eq!(
        (created.agent.active_chats, created.agent.total_chats),
        (0, 0)
    );
    assert!(created.api_key.starts_with("cf_live_"));
    let agents: DataList<Agent> = ctx.client.get("/v1/agents", &created.api_key).expect(200);
    assert_eq!(agents.data, vec![created.agent]);
    // Only the key's hash is stored.
    let rows = ctx.server.d1(&format!(
        "SELECT COUNT(*) AS n FROM api_keys WHERE key_hash = '{}' OR prefix = '{}'",
        created.api_key, created.api_key
    ));
    assert_eq!(rows[0]["n"], 0);
}

#[crate::e2e_test]
fn provisioning_with_a_wrong_admin_token_gets_401_auth_010_and_creates_nothing(ctx: &Ctx) {
    let body = json!({"name": "Intruder Ltd", "owner": {"name": "Eve", "email": "eve@x.uz"}});
    for token in ["wrong-token", ""] {
        let resp = ctx.client.post("/v1/admin/workspaces", token, &body);
        resp.assert_error(ErrorCode::AdminToken);
    }
    let resp = ctx
        .client
        .send("POST", "/v1/admin/workspaces", &[], Some(&body));
    resp.assert_error(ErrorCode::AdminToken);
    assert_eq!(workspaces_named(ctx, "Intruder Ltd"), 0);
}

#[crate::e2e_test]
fn provisioning_validates_the_body_and_creates_nothing(ctx: &Ctx) {
    for (body, field) in [
        (
            json!({"name": "Bad Email Co", "owner": {"name": "Sara", "email": "nope"}}),
            "owner.email",
        ),
        (
            json!({"name": "", "owner": {"name": "Sara", "email": "s@x.uz"}}),
            "name",
        ),
        (
            json!({"name": "Bad Email Co", "owner": {"name": "Sara"}}),
            "owner",
        ),
        (
            json!({"name": "Bad Email Co", "owner": {"name": "Sara", "email": "s@x.uz"}, "plan": "pro"}),
            "plan",
        ),
    ] {
        let resp = ctx
            .client
            .post("/v1/admin/workspaces", ctx.admin_token(), &body);
        let envelope = resp.assert_error(ErrorCode::Validation);
        let fields = envelope.error.details["fields"]
            .as_object()
            .expect("details.fields");
        assert!(
            fields
                .keys()
                .any(|k| k.contains(field) || (field == "plan" && k == "body")),
            "{field} not named in {fields:?}"
        );
    }
    assert_eq!(workspaces_named(ctx, "Bad Email Co"), 0);
}

#[crate::e2e_test]
fn malformed_json_gets_400_req_001(ctx: &Ctx) {
    let auth = format!("Bearer {}", ctx.admin_token());
    let resp = ctx.client.send_raw(
        "POST",
        "/v1/admin/workspaces",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        b"{\"name\": \"Broken",
    );
    resp.assert_error(ErrorCode::MalformedJson);
}

#[crate::e2e_test]
fn a_body_that_is_not_json_content_gets_415_req_002(ctx: &Ctx) {
    let auth = format!("Bearer {}", ctx.admin_token());
    let resp = ctx.client.send_raw(
        "POST",
        "/v1/admin/workspaces",
        &[("Authorization", &auth), ("Content-Type", "text/plain")],
        br#"{"name": "Text Co", "owner": {"name": "S", "email": "s@x.uz"}}"#,
    );
    resp.assert_error(ErrorCode::UnsupportedMediaType);
    assert_eq!(workspaces_named(ctx, "Text Co"), 0);
}

#[crate::e2e_test]
fn a_body_over_one_megabyte_gets_413_req_003(ctx: &Ctx) {
    let auth = format!("Bearer {}", ctx.admin_token());
    let big = format!(
        r#"{{"name": "Big Co", "owner": {{"name": "S", "email": "s@x.uz"}}, "pad": "{}"}}"#,
        "x".repeat(1_100_000)
    );
    let resp = ctx.client.send_raw(
        "POST",
        "/v1/admin/workspaces",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        big.as_bytes(),
    );
    resp.assert_error(ErrorCode::PayloadTooLarge);
    assert_eq!(workspaces_named(ctx, "Big Co"), 0);
}
