//! Automation triggers and what the widget sees of them.

use serde_json::json;
use shared_types::automation::Trigger;
use shared_types::error::ErrorCode;
use shared_types::DataList;

use crate::client::Ctx;

#[crate::e2e_test]
fn triggers_are_created_listed_updated_and_deleted(ctx: &Ctx) {
    let ws = ctx.workspace();
    let created: Trigger = ws
        .post(
            "/v1/automation/triggers",
            &json!({"name": "Exit Intent", "condition": "exit_intent", "delay_seconds": 0,
                    "message": "Ketayapsizmi? Yordam beraylikmi?", "url_pattern": "/pricing", "active": true}),
        )
        .expect(201);
    assert!(created.id.as_str().starts_with("trigger_"));
    assert_eq!(created.condition.as_str(), "exit_intent");
    assert_eq!(created.url_pattern.as_str(), "/pricing");
    assert!(created.active && created.created_at.ends_with('Z'));
    let defaults: Trigger = ws
        .post("/v1/automation/triggers", &json!({"name": "Welcome Message", "condition": "page_load", "message": "Sizga yordam kerakmi?"}))
        .expect(201);
    assert_eq!(
        (
            defaults.delay_seconds,
            defaults.url_pattern.as_str(),
            defaults.active
        ),
        (0, "*", true)
    );
    let list: DataList<Trigger> = ws.get("/v1/automation/triggers").expect(200);
    assert_eq!(list.data, vec![created.clone(), defaults.clone()]);
    let updated: Trigger = ws
        .patch(
            &format!("/v1/automation/triggers/{}", created.id),
            &json!({"delay_seconds": 5, "active": false}),
        )
        .expect(200);
    assert_eq!((updated.delay_seconds, updated.active), (5, false));
    assert_eq!(updated.message, created.message);
    let resp = ws.delete(&format!("/v1/automation/triggers/{}", created.id));
    assert_eq!(resp.status, 204);
    ws.delete(&format!("/v1/automation/triggers/{}", created.id))
        .assert_error(ErrorCode::TriggerNotFound);
    let list: DataList<Trigger> = ws.get("/v1/automation/triggers").expect(200);
    assert_eq!(list.data, vec![defaults]);
}

#[crate::e2e_test]
fn only_active_triggers_reach_the_public_config(ctx: &Ctx) {
    let ws = ctx.workspace();
    for (name, active) in [("on", true), ("off", false)] {
        ws.post(
            "/v1/automation/triggers",
            &json!({"name": name, "condition": "time_on_page", "delay_seconds": 30, "message": name, "active": active}),
        )
        .expect::<Trigger>(201);
    }
    let public = ctx
        .client
        .send("GET", &format!("/v1/public/widgets/{}", ws.id), &[], None)
        .json();
    let triggers = public["triggers"].as_array().expect("triggers");
    assert_eq!(triggers.len(), 1);
    assert_eq!(triggers[0]["message"], "on");
    assert_eq!(triggers[0]["condition"], "time_on_page");
    assert_eq!(triggers[0]["delay_seconds"], 30);
    assert!(triggers[0].get("name").is_none());
}

#[crate::e2e_test]
fn invalid_triggers_get_400_and_create_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let ok = json!({"name": "n", "condition": "page_load", "message": "m"});
    for (patch, field) in [
        (json!({"condition": "on_hover"}), "condition"),
        (json!({"delay_seconds": -1}), "delay_seconds"),
        (json!({"delay_seconds": 3601}), "delay_seconds"),
        (json!({"message": ""}), "message"),
        (json!({"url_pattern": "pricing"}), "url_pattern"),
        (json!({"name": ""}), "name"),
    ] {
        let mut body = ok.clone();
        for (k, v) in patch.as_object().expect("object") {
            body[k] = v.clone();
        }
        let e = ws
            .post("/v1/automation/triggers", &body)
            .assert_error(ErrorCode::Validation);
        assert!(
            e.error.details["fields"].get(field).is_some(),
            "{field}: {:?}",
            e.error.details
        );
    }
    assert!(ws
        .get("/v1/automation/triggers")
        .expect::<DataList<Trigger>>(200)
        .data
        .is_empty());
    let key = crate::chats::operator_key(ctx, &ws);
    ws.client
        .post("/v1/automation/triggers", &key, &ok)
        .assert_error(ErrorCode::AuthForbidden);
    assert!(ws
        .get("/v1/automation/triggers")
        .expect::<DataList<Trigger>>(200)
        .data
        .is_empty());
}

#[crate::e2e_test]
fn another_workspaces_trigger_is_404(ctx: &Ctx) {
    let ws = ctx.workspace();
    let other = ctx.workspace();
    let t: Trigger = other
        .post(
            "/v1/automation/triggers",
            &json!({"name": "n", "condition": "scroll_depth", "message": "m"}),
        )
        .expect(201);
    ws.patch(
        &format!("/v1/automation/triggers/{}", t.id),
        &json!({"active": false}),
    )
    .assert_error(ErrorCode::TriggerNotFound);
    ws.delete(&format!("/v1/automation/triggers/{}", t.id))
        .assert_error(ErrorCode::TriggerNotFound);
    let still: DataList<Trigger> = other.get("/v1/automation/triggers").expect(200);
    assert!(still.data[0].active);
}
