//! The console's settings: automation triggers, the team (roles, status, invitation
//! links sent again) and webhooks' events, in headless Chromium against the real
//! worker, and the server rules behind them through the API.

use std::time::Duration;

use serde_json::{json, Value};
use shared_types::agents::Agent;
use shared_types::auth::{CreatedAgent, Invitation, PendingInvitation, SessionInfo};
use shared_types::automation::Trigger;
use shared_types::error::ErrorCode;
use shared_types::webhooks::Webhook;
use shared_types::DataList;

use crate::browser::{key, Browser};
use crate::client::{Ctx, Resp, TestWorkspace};
use crate::console::{
    as_console, click, el, fill, login, session_cookie, unique_email, workspace_with_password,
    PASSWORD, WAIT,
};
use crate::harness::eventually;

/// Chooses `value` in the `testid` select inside `scope` (a CSS selector), as a person
/// picking from the menu would (a `change` event).
fn choose(browser: &Browser, scope: &str, testid: &str, value: &str) {
    browser.wait_for_with(
        &format!("const e = document.querySelector(arguments[0] + ' [data-testid=\"{testid}\"]'); if (!e || e.disabled) return false; e.value = arguments[1]; e.dispatchEvent(new Event('change', {{bubbles: true}})); return true;"),
        json!([scope, value]),
        WAIT,
    );
}

fn text_of(browser: &Browser, testid: &str) -> String {
    browser
        .wait_for(
            &format!(
                "const e = {}; return e && e.textContent.trim() !== '' && e.textContent;",
                el(testid)
            ),
            WAIT,
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn sign_in(browser: &Browser, ctx: &Ctx, email: &str) {
    browser.goto(&format!("{}/console/", ctx.server.base_url));
    fill(browser, "signin-email", email);
    fill(browser, "signin-password", PASSWORD);
    click(browser, "signin-submit");
    browser.wait_for(&format!("return {} !== null;", el("tab-inbox")), WAIT);
}

/// Asserts that nothing is wider than the viewport.
fn fits(browser: &Browser, width: u32) {
    let wide = browser.eval(
        "return [window.innerWidth, document.documentElement.scrollWidth];",
        json!([]),
    );
    assert_eq!(wide, json!([width, width]), "[viewport, page] width");
}

/// A workspace whose owner has a console password, and that owner's email.
fn owned_workspace(ctx: &Ctx, tag: &str) -> (TestWorkspace, String) {
    let email = unique_email(tag);
    let created = workspace_with_password(ctx, &email);
    let ws = TestWorkspace {
        id: created.workspace.id.as_str().to_string(),
        api_key: created.api_key,
        owner: created.agent,
        client: ctx.client.clone(),
    };
    (ws, email)
}

fn accept(ctx: &Ctx, token: &str) -> Resp {
    ctx.client.send(
        "POST",
        "/v1/auth/accept-invite",
        &[],
        Some(&json!({"token": token, "password": PASSWORD})),
    )
}

/// An agent of `role` who has accepted its invitation; its email and session cookie.
fn joined_agent(ctx: &Ctx, ws: &TestWorkspace, role: &str) -> (Agent, String, String) {
    let email = unique_email(role);
    let created: CreatedAgent = ws
        .post(
            "/v1/agents",
            &json!({"name": format!("The {role}"), "email": email, "role": role}),
        )
        .expect(201);
    let resp = accept(ctx, &created.invitation.token);
    resp.expect::<SessionInfo>(200);
    (created.agent, email.clone(), session_cookie(&resp))
}

fn triggers_of(ws: &TestWorkspace) -> Vec<Trigger> {
    ws.get("/v1/automation/triggers")
        .expect::<DataList<Trigger>>(200)
        .data
}

/// The messages a new visitor's widget is given to show (the public config).
fn public_trigger_messages(ctx: &Ctx, ws: &TestWorkspace) -> Vec<String> {
    let config = ctx
        .client
        .send("GET", &format!("/v1/public/widgets/{}", ws.id), &[], None)
        .json();
    config["triggers"]
        .as_array()
        .map(|ts| {
            ts.iter()
                .filter_map(|t| t["message"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// How often the API is asked again while the console's request is in flight.
const ASK_AGAIN: Duration = Duration::from_millis(200);

#[crate::e2e_test]
fn in_the_browser_an_owner_adds_a_trigger_that_reaches_new_visitors_edits_it_and_switches_it_off(
    ctx: &Ctx,
) {
    let (ws, email) = owned_workspace(ctx, "triggers");
    let browser = Browser::start_phone(360, 740);
    sign_in(&browser, ctx, &email);
    click(&browser, "tab-triggers");
    fill(&browser, "trigger-name", "Pricing help");
    choose(&browser, "form", "trigger-condition", "time_on_page");
    fill(&browser, "trigger-delay", "15");
    fill(&browser, "trigger-pages", "/pricing");
    fill(
        &browser,
        "trigger-message",
        "Narxlar bo'yicha yordam kerakmi?",
    );
    click(&browser, "trigger-create");
    browser.wait_for(&format!("return {} !== null;", el("trigger-row")), WAIT);
    fits(&browser, 360);

    let stored = triggers_of(&ws);
    assert_eq!(stored.len(), 1, "{stored:?}");
    let t = &stored[0];
    assert_eq!(
        (
            t.name.as_str(),
            t.condition.as_str(),
            t.delay_seconds,
            t.url_pattern.as_str(),
            t.active
        ),
        ("Pricing help", "time_on_page", 15, "/pricing", true)
    );
    // A new visitor's widget is handed it.
    assert_eq!(
        public_trigger_messages(ctx, &ws),
        vec!["Narxlar bo'yicha yordam kerakmi?".to_string()]
    );

    // Switched off in the list, it is stored off and no new visitor gets it.
    click(&browser, "trigger-active");
    eventually("the trigger to be switched off", WAIT, ASK_AGAIN, || {
        triggers_of(&ws).first().is_some_and(|t| !t.active)
    });
    assert!(public_trigger_messages(ctx, &ws).is_empty());
    // On again, then edited: the form takes the stored values and saves changes.
    click(&browser, "trigger-active");
    eventually("the trigger to be switched on", WAIT, ASK_AGAIN, || {
        triggers_of(&ws).first().is_some_and(|t| t.active)
    });
    assert_eq!(public_trigger_messages(ctx, &ws).len(), 1);
    click(&browser, "trigger-edit");
    let shown = browser.eval(
        "return ['trigger-name', 'trigger-condition', 'trigger-delay', 'trigger-pages', 'trigger-message'].map(t => document.querySelector(`[data-testid=\"${t}\"]`).value);",
        json!([]),
    );
    assert_eq!(
        shown,
        json!([
            "Pricing help",
            "time_on_page",
            "15",
            "/pricing",
            "Narxlar bo'yicha yordam kerakmi?"
        ])
    );
    choose(&browser, "form", "trigger-condition", "exit_intent");
    fill(&browser, "trigger-delay", "0");
    fill(&browser, "trigger-pages", "");
    fill(&browser, "trigger-message", "Ketayapsizmi?");
    click(&browser, "trigger-create");
    eventually("the trigger to be changed", WAIT, ASK_AGAIN, || {
        triggers_of(&ws)
            .first()
            .is_some_and(|t| t.message == "Ketayapsizmi?")
    });
    let changed = triggers_of(&ws);
    assert_eq!(changed.len(), 1, "an edit adds nothing");
    assert_eq!(
        (
            changed[0].id.clone(),
            changed[0].name.as_str(),
            changed[0].condition.as_str(),
            changed[0].delay_seconds,
            changed[0].url_pattern.as_str(),
            changed[0].active
        ),
        (t.id.clone(), "Pricing help", "exit_intent", 0, "*", true)
    );
    assert_eq!(
        public_trigger_messages(ctx, &ws),
        vec!["Ketayapsizmi?".to_string()]
    );
    browser.wait_for(
        "return Array.from(document.querySelectorAll('[data-testid=\"trigger-row\"]')).some(r => r.textContent.includes('Ketayapsizmi?'));",
        WAIT,
    );
    // Deleted.
    click(&browser, "trigger-delete");
    eventually("the trigger to be deleted", WAIT, ASK_AGAIN, || {
        triggers_of(&ws).is_empty()
    });
    assert!(public_trigger_messages(ctx, &ws).is_empty());
}

#[crate::e2e_test]
fn in_the_browser_an_invalid_trigger_shows_the_servers_reason_and_stores_nothing(ctx: &Ctx) {
    let (ws, email) = owned_workspace(ctx, "bad-trigger");
    let browser = Browser::start(1280, 800);
    sign_in(&browser, ctx, &email);
    click(&browser, "tab-triggers");
    fill(&browser, "trigger-name", "Broken");
    // Not `*` and not a path: the server refuses it, the browser cannot know.
    fill(&browser, "trigger-pages", "pricing");
    fill(&browser, "trigger-message", "Salom!");
    click(&browser, "trigger-create");
    let error = text_of(&browser, "trigger-error");
    assert!(error.contains("Request validation failed"), "{error}");
    assert!(error.contains("url_pattern"), "{error}");
    assert!(triggers_of(&ws).is_empty());
    // Triggers are stored in the workspace's own object, which its export reads.
    assert!(ctx.exported_rows(&ws.id, "triggers").is_empty());
    assert!(public_trigger_messages(ctx, &ws).is_empty());
    // The form kept what was typed, so fixing the one field is enough.
    fill(&browser, "trigger-pages", "/pricing");
    click(&browser, "trigger-create");
    browser.wait_for(&format!("return {} !== null;", el("trigger-row")), WAIT);
    let error = browser.eval(
        &format!("return {}.textContent;", el("trigger-error")),
        json!([]),
    );
    assert_eq!(error, json!(""));
    assert_eq!(triggers_of(&ws).len(), 1);
}

#[crate::e2e_test]
fn in_the_browser_an_owner_makes_an_operator_admin_who_may_then_manage_keys(ctx: &Ctx) {
    let (ws, email) = owned_workspace(ctx, "promote");
    let (operator, operator_email, cookie) = joined_agent(ctx, &ws, "operator");
    as_console(ctx, "GET", "/v1/api-keys", &cookie, None).assert_error(ErrorCode::AuthForbidden);
    // An invited agent who has not joined yet shows as pending; a joined one does not.
    let invited: CreatedAgent = ws
        .post(
            "/v1/agents",
            &json!({"name": "Nodira", "email": unique_email("pending"), "role": "operator"}),
        )
        .expect(201);

    let browser = Browser::start_phone(360, 740);
    sign_in(&browser, ctx, &email);
    click(&browser, "tab-agents");
    let row = |id: &str| format!("[data-agent-id=\"{id}\"]");
    browser.wait_for_with(
        "return document.querySelector(arguments[0] + ' [data-testid=\"agent-pending\"]') !== null;",
        json!([row(invited.agent.id.as_str())]),
        WAIT,
    );
    let pending_rows = browser.eval(
        "return document.querySelectorAll('[data-testid=\"agent-pending\"]').length;",
        json!([]),
    );
    assert_eq!(pending_rows, json!(1), "only the invited agent is pending");
    fits(&browser, 360);

    choose(&browser, &row(operator.id.as_str()), "agent-role", "admin");
    eventually("the operator to become an admin", WAIT, ASK_AGAIN, || {
        ws.get("/v1/agents")
            .expect::<DataList<Agent>>(200)
            .data
            .iter()
            .any(|a| a.id == operator.id && a.role.as_str() == "admin")
    });
    // The same session now manages keys.
    let keys = as_console(ctx, "GET", "/v1/api-keys", &cookie, None);
    assert_eq!(keys.status, 200, "{}", keys.text);
    let created = as_console(
        ctx,
        "POST",
        "/v1/api-keys",
        &cookie,
        Some(&json!({"name": "by the new admin"})),
    );
    assert_eq!(created.status, 201, "{}", created.text);

    // A link sent again from the list replaces the first one.
    browser.eval(
        "document.querySelector(arguments[0] + ' [data-testid=\"agent-reinvite\"]').click();",
        json!([row(invited.agent.id.as_str())]),
    );
    let link = text_of(&browser, "invite-link");
    assert!(link.contains("/console/#invite=inv_"), "{link}");
    let token = link.rsplit("#invite=").next().unwrap_or_default();
    assert_ne!(token, invited.invitation.token);
    accept(ctx, &invited.invitation.token).assert_error(ErrorCode::AuthInvitation);
    accept(ctx, token).expect::<SessionInfo>(200);

    // Status too: the owner sets the admin away.
    choose(&browser, &row(operator.id.as_str()), "agent-status", "away");
    eventually("the admin to be away", WAIT, ASK_AGAIN, || {
        ws.get("/v1/agents")
            .expect::<DataList<Agent>>(200)
            .data
            .iter()
            .any(|a| a.id == operator.id && a.status.as_str() == "away")
    });
    // And when they are mailed about unanswered visitors.
    choose(
        &browser,
        &row(operator.id.as_str()),
        "agent-email-notifications",
        "always",
    );
    eventually("the admin to be mailed always", WAIT, ASK_AGAIN, || {
        ws.get("/v1/agents")
            .expect::<DataList<Agent>>(200)
            .data
            .iter()
            .any(|a| a.id == operator.id && a.email_notifications.as_str() == "always")
    });

    // The admin signs in and has the keys tab.
    drop(browser);
    let browser = Browser::start(1280, 800);
    sign_in(&browser, ctx, &operator_email);
    click(&browser, "tab-keys");
    browser.wait_for(
        "return Array.from(document.querySelectorAll('[data-testid=\"key-row\"]')).some(r => r.textContent.includes('by the new admin'));",
        WAIT,
    );
}

fn agents_of(ws: &TestWorkspace) -> Value {
    ws.get("/v1/agents").json()
}

#[crate::e2e_test]
fn forbidden_role_changes_are_refused_and_change_nothing(ctx: &Ctx) {
    let (ws, _) = owned_workspace(ctx, "roles");
    let (admin, _, admin_cookie) = joined_agent(ctx, &ws, "admin");
    let (operator, _, operator_cookie) = joined_agent(ctx, &ws, "operator");
    let (other_admin, _, _) = joined_agent(ctx, &ws, "admin");
    let before = agents_of(&ws);
    let path = |a: &Agent| format!("/v1/agents/{}", a.id);
    let refusals = [
        // An operator changes no role, not even its own.
        (
            &operator_cookie,
            path(&operator),
            json!({"role": "admin"}),
            ErrorCode::AuthForbidden,
        ),
        (
            &operator_cookie,
            path(&admin),
            json!({"role": "operator"}),
            ErrorCode::AuthForbidden,
        ),
        // Nor another's status.
        (
            &operator_cookie,
            path(&admin),
            json!({"status": "away"}),
            ErrorCode::AuthForbidden,
        ),
        // An admin neither makes nor unmakes owners, itself included.
        (
            &admin_cookie,
            path(&operator),
            json!({"role": "owner"}),
            ErrorCode::AuthForbidden,
        ),
        (
            &admin_cookie,
            path(&admin),
            json!({"role": "owner"}),
            ErrorCode::AuthForbidden,
        ),
        (
            &admin_cookie,
            path(&ws.owner),
            json!({"role": "admin"}),
            ErrorCode::AuthForbidden,
        ),
    ];
    for (cookie, path, body, code) in refusals {
        as_console(ctx, "PATCH", &path, cookie, Some(&body)).assert_error(code);
    }
    // The only owner cannot stop being one, by its own hand or anyone's.
    ws.patch(&path(&ws.owner), &json!({"role": "admin"}))
        .assert_error(ErrorCode::LastOwner);
    ws.patch(&path(&ws.owner), &json!({"role": "operator"}))
        .assert_error(ErrorCode::LastOwner);
    // An unknown role is a validation error; an unknown agent is 404.
    ws.patch(&path(&operator), &json!({"role": "superuser"}))
        .assert_error(ErrorCode::Validation);
    ws.patch("/v1/agents/agent_nobody", &json!({"role": "admin"}))
        .assert_error(ErrorCode::AgentNotFound);
    assert_eq!(agents_of(&ws), before, "a refused change changed something");

    // What is allowed still works: an admin demotes another admin, the owner promotes.
    let demoted: Agent = as_console(
        ctx,
        "PATCH",
        &path(&other_admin),
        &admin_cookie,
        Some(&json!({"role": "operator"})),
    )
    .expect(200);
    assert_eq!(demoted.role.as_str(), "operator");
    let promoted: Agent = ws
        .patch(&path(&admin), &json!({"role": "owner"}))
        .expect(200);
    assert_eq!(promoted.role.as_str(), "owner");
    // With a second owner, the first may step down.
    let stepped: Agent = ws
        .patch(&path(&ws.owner), &json!({"role": "admin"}))
        .expect(200);
    assert_eq!(stepped.role.as_str(), "admin");
}

fn pending_of(ws: &TestWorkspace) -> Vec<PendingInvitation> {
    ws.get("/v1/agents/invitations")
        .expect::<DataList<PendingInvitation>>(200)
        .data
}

fn invitation_rows(ctx: &Ctx, agent_id: &str) -> Value {
    ctx.server.d1(&format!(
        "SELECT token_hash, expires_at, used_at FROM invitations WHERE agent_id = '{agent_id}' ORDER BY created_at, token_hash"
    ))
}

#[crate::e2e_test]
fn a_new_invitation_link_replaces_the_old_one_and_joined_agents_get_none(ctx: &Ctx) {
    let (ws, _) = owned_workspace(ctx, "reinvite");
    let email = unique_email("late");
    let created: CreatedAgent = ws
        .post(
            "/v1/agents",
            &json!({"name": "Late", "email": email, "role": "operator"}),
        )
        .expect(201);
    let id = created.agent.id.as_str().to_string();
    let pending = pending_of(&ws);
    assert_eq!(
        pending.len(),
        1,
        "only the new agent is pending: {pending:?}"
    );
    assert_eq!(pending[0].agent_id, created.agent.id);
    assert_eq!(
        pending[0].expires_at.as_deref(),
        Some(created.invitation.expires_at.as_str())
    );

    let again: Invitation = ws
        .post(&format!("/v1/agents/{id}/invitation"), &json!({}))
        .expect(201);
    assert!(again.token.starts_with("inv_"));
    assert_ne!(again.token, created.invitation.token);
    assert!(
        again
            .url
            .ends_with(&format!("/console/#invite={}", again.token)),
        "{}",
        again.url
    );
    assert!(again.expires_at >= created.invitation.expires_at);
    // One live invitation, and only its hash is stored.
    let rows = invitation_rows(ctx, &id);
    assert_eq!(rows.as_array().map(Vec::len), Some(1), "{rows}");
    assert!(!rows.to_string().contains(&again.token));

    // The old link is dead, the new one works once.
    accept(ctx, &created.invitation.token).assert_error(ErrorCode::AuthInvitation);
    let joined = accept(ctx, &again.token);
    assert_eq!(joined.expect::<SessionInfo>(200).agent.id, created.agent.id);
    assert!(pending_of(&ws).is_empty());

    // Once the agent has a password there is nothing to send: refused, nothing changes.
    let rows_before = invitation_rows(ctx, &id);
    for agent in [&id, &ws.owner.id.as_str().to_string()] {
        ws.post(&format!("/v1/agents/{agent}/invitation"), &json!({}))
            .assert_error(ErrorCode::AgentAlreadyJoined);
    }
    assert_eq!(invitation_rows(ctx, &id), rows_before);
    login(ctx, &email, PASSWORD).expect::<SessionInfo>(200);
    ws.post("/v1/agents/agent_nobody/invitation", &json!({}))
        .assert_error(ErrorCode::AgentNotFound);

    // Operators send no links and see no pending list; admins re-invite no owners.
    let (_, _, operator_cookie) = joined_agent(ctx, &ws, "operator");
    let (_, _, admin_cookie) = joined_agent(ctx, &ws, "admin");
    let owner_to_be: CreatedAgent = ws
        .post(
            "/v1/agents",
            &json!({"name": "Co-owner", "email": unique_email("co-owner"), "role": "owner"}),
        )
        .expect(201);
    let owner_path = format!("/v1/agents/{}/invitation", owner_to_be.agent.id);
    let owner_rows = invitation_rows(ctx, owner_to_be.agent.id.as_str());
    as_console(ctx, "POST", &owner_path, &operator_cookie, None)
        .assert_error(ErrorCode::AuthForbidden);
    as_console(ctx, "GET", "/v1/agents/invitations", &operator_cookie, None)
        .assert_error(ErrorCode::AuthForbidden);
    as_console(ctx, "POST", &owner_path, &admin_cookie, None)
        .assert_error(ErrorCode::AuthForbidden);
    assert_eq!(
        invitation_rows(ctx, owner_to_be.agent.id.as_str()),
        owner_rows
    );
    accept(ctx, &owner_to_be.invitation.token).expect::<SessionInfo>(200);
}

fn hooks_of(ws: &TestWorkspace) -> Vec<Webhook> {
    ws.get("/v1/webhooks").expect::<DataList<Webhook>>(200).data
}

fn events_of(hook: &Webhook) -> Vec<&'static str> {
    hook.events.iter().map(|e| e.as_str()).collect()
}

#[crate::e2e_test]
fn in_the_browser_a_webhook_gets_the_chosen_events_and_is_edited_and_switched_off(ctx: &Ctx) {
    let (ws, email) = owned_workspace(ctx, "hook-events");
    let browser = Browser::start_phone(360, 740);
    sign_in(&browser, ctx, &email);
    click(&browser, "tab-webhooks");
    // Every event is ticked at first; keep two.
    browser.wait_for(
        "return document.querySelectorAll('[data-testid^=\"webhook-event-\"]:checked').length === 7;",
        WAIT,
    );
    browser.eval(
        "for (const e of document.querySelectorAll('[data-testid^=\"webhook-event-\"]')) { \
           const keep = ['chat.created', 'chat.closed'].some(n => e.dataset.testid.endsWith(n)); \
           if (e.checked !== keep) e.click(); }",
        json!([]),
    );
    fill(&browser, "webhook-url", "http://127.0.0.1:9/first");
    click(&browser, "webhook-create");
    text_of(&browser, "webhook-secret");
    fits(&browser, 360);
    let hooks = hooks_of(&ws);
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    assert_eq!(events_of(&hooks[0]), vec!["chat.created", "chat.closed"]);
    assert_eq!(hooks[0].url, "http://127.0.0.1:9/first");
    assert!(hooks[0].active);

    // The editor takes the keyboard and Escape closes it unsaved.
    click(&browser, "webhook-edit");
    browser.wait_for(
        "const e = document.activeElement; return e && e.dataset.testid === 'webhook-edit-url';",
        WAIT,
    );
    browser.keys(key::ESCAPE);
    browser.wait_for(&format!("return {} === null;", el("webhook-editor")), WAIT);
    // Edited: another URL, other events, switched off.
    click(&browser, "webhook-edit");
    fill(&browser, "webhook-edit-url", "http://127.0.0.1:9/second");
    for event in ["chat.created", "chat.closed", "message.received"] {
        click(&browser, &format!("webhook-edit-event-{event}"));
    }
    click(&browser, "webhook-edit-active");
    click(&browser, "webhook-save");
    eventually("the webhook to be saved", WAIT, ASK_AGAIN, || {
        hooks_of(&ws)
            .first()
            .is_some_and(|h| h.url.ends_with("/second"))
    });
    let hooks = hooks_of(&ws);
    assert_eq!(hooks.len(), 1);
    assert_eq!(events_of(&hooks[0]), vec!["message.received"]);
    assert!(!hooks[0].active);
    browser.wait_for(&format!("return {} === null;", el("webhook-editor")), WAIT);
    // The row shows the saved webhook before it is edited again.
    browser.wait_for(
        &format!(
            "const e = {}; return e !== null && e.textContent.includes('/second');",
            el("webhook-row")
        ),
        WAIT,
    );

    // No event at all is the server's to refuse; the form says why and nothing changes.
    click(&browser, "webhook-edit");
    click(&browser, "webhook-edit-event-message.received");
    click(&browser, "webhook-save");
    let error = text_of(&browser, "webhook-error");
    assert!(error.contains("events"), "{error}");
    assert_eq!(hooks_of(&ws), hooks);
}

#[crate::e2e_test]
fn an_operator_is_refused_trigger_changes_and_has_no_triggers_tab(ctx: &Ctx) {
    let (ws, _) = owned_workspace(ctx, "trigger-operator");
    let existing: Trigger = ws
        .post(
            "/v1/automation/triggers",
            &json!({"name": "Welcome", "condition": "page_load", "message": "Salom!"}),
        )
        .expect(201);
    let (_, operator_email, cookie) = joined_agent(ctx, &ws, "operator");
    let item = format!("/v1/automation/triggers/{}", existing.id);
    let refused = [
        (
            "POST",
            "/v1/automation/triggers".to_string(),
            Some(json!({"name": "Mine", "condition": "page_load", "message": "Hi"})),
        ),
        ("PATCH", item.clone(), Some(json!({"active": false}))),
        ("DELETE", item, None),
    ];
    for (method, path, body) in refused {
        as_console(ctx, method, &path, &cookie, body.as_ref())
            .assert_error(ErrorCode::AuthForbidden);
    }
    assert_eq!(triggers_of(&ws), vec![existing]);

    let browser = Browser::start(1280, 800);
    sign_in(&browser, ctx, &operator_email);
    assert_eq!(
        browser.eval(
            &format!(
                "return [{} === null, {} === null];",
                el("tab-triggers"),
                el("tab-keys")
            ),
            json!([])
        ),
        json!([true, true])
    );
}

#[crate::e2e_test]
fn in_the_browser_a_trigger_is_made_and_switched_on_with_the_keyboard_alone(ctx: &Ctx) {
    let (ws, email) = owned_workspace(ctx, "trigger-keys");
    let browser = Browser::start(1280, 800);
    sign_in(&browser, ctx, &email);
    click(&browser, "tab-triggers");
    browser.wait_for(
        &format!(
            "const e = {}; if (!e) return false; e.focus(); return document.activeElement === e;",
            el("trigger-name")
        ),
        WAIT,
    );
    // Name, then past the condition and the delay (their defaults) to the pages, the
    // message, the on/off box (Space unticks it) and the submit button (Enter).
    let typed = [
        "Help",
        key::TAB,
        key::TAB,
        key::TAB,
        "/help",
        key::TAB,
        "Yordam kerakmi?",
        key::TAB,
        " ",
        key::TAB,
        key::ENTER,
    ]
    .concat();
    browser.keys(&typed);
    browser.wait_for(&format!("return {} !== null;", el("trigger-row")), WAIT);
    let stored = triggers_of(&ws);
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(
        (
            stored[0].name.as_str(),
            stored[0].condition.as_str(),
            stored[0].delay_seconds,
            stored[0].url_pattern.as_str(),
            stored[0].message.as_str(),
            stored[0].active
        ),
        ("Help", "page_load", 0, "/help", "Yordam kerakmi?", false)
    );
    assert!(public_trigger_messages(ctx, &ws).is_empty());
    // The list's switch takes focus and Space.
    browser.eval(&format!("{}.focus();", el("trigger-active")), json!([]));
    browser.keys(" ");
    eventually("the trigger to be switched on", WAIT, ASK_AGAIN, || {
        triggers_of(&ws).first().is_some_and(|t| t.active)
    });
    assert_eq!(
        public_trigger_messages(ctx, &ws),
        vec!["Yordam kerakmi?".to_string()]
    );
}
