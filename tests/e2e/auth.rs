//! API-key authentication: each way of failing has its own 401 code, and a revoked key
//! stops working at once. Keys that work are copied to KV for a minute; every change to
//! what a copy holds deletes it.

use serde_json::{json, Value};
use shared_types::admin::{ApiKey, CreatedApiKey};
use shared_types::error::ErrorCode;
use shared_types::DataList;

use crate::chats::operator_key;
use crate::client::Ctx;

#[crate::e2e_test]
fn missing_key_gets_401_auth_002(ctx: &Ctx) {
    let resp = ctx.client.send("GET", "/v1/agents", &[], None);
    resp.assert_error(ErrorCode::AuthMissing);
}

#[crate::e2e_test]
fn malformed_keys_get_401_auth_003(ctx: &Ctx) {
    let ws = ctx.workspace();
    for header in [
        format!("Basic {}", ws.api_key),
        ws.api_key.clone(),
        "Bearer ".to_string() + "cf_live_short",
        "Bearer cf_test_0123456789abcdefghij0123456789AB".to_string(),
        "Bearer cf_live_0123456789abcdefghij01234567!!".to_string(),
    ] {
        let resp = ctx
            .client
            .send("GET", "/v1/agents", &[("Authorization", &header)], None);
        resp.assert_error(ErrorCode::AuthMalformed);
    }
}

#[crate::e2e_test]
fn unknown_key_gets_401_auth_004(ctx: &Ctx) {
    let resp = ctx
        .client
        .get("/v1/agents", "cf_live_0123456789abcdefghijABCDEFGHIJKL");
    resp.assert_error(ErrorCode::AuthUnknownKey);
}

#[crate::e2e_test]
fn revoked_key_gets_401_auth_005_immediately(ctx: &Ctx) {
    let ws = ctx.workspace();
    let created: CreatedApiKey = ws.post("/v1/api-keys", &json!({"name": "CI"})).expect(201);
    assert_eq!(ctx.client.get("/v1/agents", &created.key).status, 200);
    let resp = ws.delete(&format!("/v1/api-keys/{}", created.id));
    assert_eq!(resp.status, 204, "{}", resp.text);
    ctx.client
        .get("/v1/agents", &created.key)
        .assert_error(ErrorCode::AuthRevokedKey);
    // The owner's own key is untouched.
    assert_eq!(ws.get("/v1/agents").status, 200);
}

#[crate::e2e_test]
fn keys_are_listed_by_prefix_and_created_keys_work(ctx: &Ctx) {
    let ws = ctx.workspace();
    let created: CreatedApiKey = ws
        .post("/v1/api-keys", &json!({"name": "Zapier"}))
        .expect(201);
    assert!(created.key.starts_with("cf_live_"));
    assert_eq!(created.prefix, &created.key[..12]);
    let list: DataList<ApiKey> = ws.get("/v1/api-keys").expect(200);
    assert_eq!(list.data.len(), 2);
    assert_eq!(list.data[0].name, "Zapier");
    assert!(list.data.iter().all(|k| !k.prefix.is_empty()));
    // The key itself is never listed.
    assert!(!ws.get("/v1/api-keys").text.contains(&created.key));
}

#[crate::e2e_test]
fn revoking_another_workspaces_key_is_404_and_changes_nothing(ctx: &Ctx) {
    let a = ctx.workspace();
    let b = ctx.workspace();
    let list: DataList<ApiKey> = b.get("/v1/api-keys").expect(200);
    let resp = a.delete(&format!("/v1/api-keys/{}", list.data[0].id));
    resp.assert_error(ErrorCode::ApiKeyNotFound);
    assert_eq!(b.get("/v1/agents").status, 200);
}

#[crate::e2e_test]
fn a_keys_cached_copy_follows_every_change_to_its_agent_at_once(ctx: &Ctx) {
    let ws = ctx.workspace();
    let key = operator_key(ctx, &ws);
    let (chat_id, _) = ws.chat("Salom");
    let reply = |text: &str| -> Value {
        ctx.client
            .post(
                &format!("/v1/chats/{chat_id}/messages"),
                &key,
                &json!({ "text": text }),
            )
            .expect::<Value>(201)["sender"]["name"]
            .clone()
    };
    assert_eq!(reply("first"), "Olim");
    let operator_id = ctx.server.d1(&format!(
        "SELECT agent_id FROM api_keys WHERE workspace_id = '{}' AND name = 'operator'",
        ws.id
    ))[0]["agent_id"]
        .as_str()
        .expect("the operator's key")
        .to_string();

    // A change made behind the API's back is not seen while the copy lives: the copy
    // is what answers.
    ctx.server.d1(&format!(
        "UPDATE agents SET name = 'Behind' WHERE id = '{operator_id}'"
    ));
    assert_eq!(reply("second"), "Olim");

    // A change through the API deletes the copy before it answers.
    let renamed = ws.patch(
        &format!("/v1/agents/{operator_id}"),
        &json!({ "name": "Olimjon" }),
    );
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(reply("third"), "Olimjon");

    ctx.client
        .get("/v1/api-keys", &key)
        .assert_error(ErrorCode::AuthForbidden);
    let promoted = ws.patch(
        &format!("/v1/agents/{operator_id}"),
        &json!({"role": "admin"}),
    );
    assert_eq!(promoted.status, 200, "{}", promoted.text);
    assert_eq!(ctx.client.get("/v1/api-keys", &key).status, 200);
    let demoted = ws.patch(
        &format!("/v1/agents/{operator_id}"),
        &json!({"role": "operator"}),
    );
    assert_eq!(demoted.status, 200, "{}", demoted.text);
    let before: DataList<ApiKey> = ws.get("/v1/api-keys").expect(200);
    ctx.client
        .post("/v1/api-keys", &key, &json!({"name": "sneaky"}))
        .assert_error(ErrorCode::AuthForbidden);
    let after: DataList<ApiKey> = ws.get("/v1/api-keys").expect(200);
    assert_eq!(before.data.len(), after.data.len());
}
