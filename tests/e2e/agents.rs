//! Agents: the team behind a workspace, and who may change it.

use serde_json::json;
use shared_types::agents::{Agent, AgentRole, AgentStatus};
use shared_types::error::ErrorCode;
use shared_types::DataList;

use crate::chats::operator_key;
use crate::client::Ctx;

fn agents(ws: &crate::client::TestWorkspace) -> Vec<Agent> {
    ws.get("/v1/agents").expect::<DataList<Agent>>(200).data
}

#[crate::e2e_test]
fn an_owner_adds_an_operator_who_starts_offline(ctx: &Ctx) {
    let ws = ctx.workspace();
    let agent: Agent = ws
        .post(
            "/v1/agents",
            &json!({"name": "Sara Karimova", "email": "Sara.K@Shop.example"}),
        )
        .expect(201);
    assert!(agent.id.as_str().starts_with("agent_"));
    assert_eq!(agent.email, "sara.k@shop.example");
    assert_eq!(agent.role, AgentRole::Operator);
    assert_eq!(agent.status, AgentStatus::Offline);
    assert_eq!((agent.active_chats, agent.total_chats), (0, 0));
    assert_eq!(agents(&ws).len(), 2);
    let admin: Agent = ws
        .post(
            "/v1/agents",
            &json!({"name": "Admin", "email": "admin@shop.example", "role": "admin"}),
        )
        .expect(201);
    assert_eq!(admin.role, AgentRole::Admin);
}

#[crate::e2e_test]
fn a_taken_email_is_409_agent_002_and_adds_nobody(ctx: &Ctx) {
    let ws = ctx.workspace();
    ws.post(
        "/v1/agents",
        &json!({"name": "A", "email": "a@shop.example"}),
    )
    .expect::<Agent>(201);
    ws.post(
        "/v1/agents",
        &json!({"name": "B", "email": "A@shop.example"}),
    )
    .assert_error(ErrorCode::AgentEmailTaken);
    for (body, field) in [
        (json!({"name": "C", "email": "nope"}), "email"),
        (json!({"name": "", "email": "c@shop.example"}), "name"),
        (
            json!({"name": "C", "email": "c@shop.example", "role": "boss"}),
            "role",
        ),
    ] {
        let e = ws
            .post("/v1/agents", &body)
            .assert_error(ErrorCode::Validation);
        assert!(
            e.error.details["fields"].get(field).is_some(),
            "{field}: {:?}",
            e.error.details
        );
    }
    assert_eq!(agents(&ws).len(), 2);
}

#[crate::e2e_test]
fn operators_cannot_manage_the_team_or_keys(ctx: &Ctx) {
    let ws = ctx.workspace();
    let key = operator_key(ctx, &ws);
    let c = &ws.client;
    c.post(
        "/v1/agents",
        &key,
        &json!({"name": "X", "email": "x@shop.example"}),
    )
    .assert_error(ErrorCode::AuthForbidden);
    c.patch(
        &format!("/v1/agents/{}", ws.owner.id),
        &key,
        &json!({"name": "Hacked"}),
    )
    .assert_error(ErrorCode::AuthForbidden);
    c.get("/v1/api-keys", &key)
        .assert_error(ErrorCode::AuthForbidden);
    c.post("/v1/api-keys", &key, &json!({"name": "mine"}))
        .assert_error(ErrorCode::AuthForbidden);
    // Operators still read the team and work the chats.
    assert_eq!(c.get("/v1/agents", &key).status, 200);
    assert_eq!(c.get("/v1/chats", &key).status, 200);
    assert_eq!(agents(&ws).len(), 2);
    assert_eq!(agents(&ws)[0].name, "Sara");
}

#[crate::e2e_test]
fn an_agent_changes_its_own_name_and_status(ctx: &Ctx) {
    let ws = ctx.workspace();
    let key = operator_key(ctx, &ws);
    let me = agents(&ws)
        .into_iter()
        .find(|a| a.role == AgentRole::Operator)
        .expect("operator");
    let updated: Agent = ws
        .client
        .patch(
            &format!("/v1/agents/{}", me.id),
            &key,
            &json!({"name": "Olimjon", "status": "away"}),
        )
        .expect(200);
    assert_eq!(updated.name, "Olimjon");
    assert_eq!(updated.status, AgentStatus::Away);
    assert_eq!(updated.role, AgentRole::Operator);
    ws.client
        .patch(
            &format!("/v1/agents/{}", me.id),
            &key,
            &json!({"role": "admin"}),
        )
        .assert_error(ErrorCode::AuthForbidden);
    ws.client
        .patch(
            &format!("/v1/agents/{}", me.id),
            &key,
            &json!({"status": "busy"}),
        )
        .assert_error(ErrorCode::Validation);
}

#[crate::e2e_test]
fn only_an_owner_makes_owners_and_the_last_owner_stays(ctx: &Ctx) {
    let ws = ctx.workspace();
    let owner = ws.owner.id.as_str();
    ws.patch(&format!("/v1/agents/{owner}"), &json!({"role": "admin"}))
        .assert_error(ErrorCode::LastOwner);
    let second: Agent = ws
        .post(
            "/v1/agents",
            &json!({"name": "Co", "email": "co@shop.example", "role": "owner"}),
        )
        .expect(201);
    assert_eq!(second.role, AgentRole::Owner);
    let demoted: Agent = ws
        .patch(&format!("/v1/agents/{owner}"), &json!({"role": "admin"}))
        .expect(200);
    assert_eq!(demoted.role, AgentRole::Admin);
    // Now an admin: it may not touch owners.
    ws.patch(
        &format!("/v1/agents/{}", second.id),
        &json!({"role": "operator"}),
    )
    .assert_error(ErrorCode::AuthForbidden);
    ws.post(
        "/v1/agents",
        &json!({"name": "O", "email": "o@shop.example", "role": "owner"}),
    )
    .assert_error(ErrorCode::AuthForbidden);
}

#[crate::e2e_test]
fn another_workspaces_agent_is_404(ctx: &Ctx) {
    let ws = ctx.workspace();
    let other = ctx.workspace();
    ws.patch(
        &format!("/v1/agents/{}", other.owner.id),
        &json!({"name": "X"}),
    )
    .assert_error(ErrorCode::AgentNotFound);
    ws.patch("/v1/agents/nonsense", &json!({"name": "X"}))
        .assert_error(ErrorCode::AgentNotFound);
    ws.post(
        "/v1/api-keys",
        &json!({"name": "k", "agent_id": other.owner.id}),
    )
    .assert_error(ErrorCode::AgentNotFound);
    assert_eq!(agents(&other)[0].name, "Sara");
}
