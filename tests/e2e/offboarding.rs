//! Authority that never grows, offboarding, and revocation that reaches every socket:
//! nobody mints a credential for an agent above them; a removed agent's keys, sessions
//! and sign-in stop at once and its open chats are unassigned; revoking a key, signing
//! out, removing an agent or lowering its role closes every socket concerned within a
//! second, with 4001 and a reason.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use shared_types::admin::{ApiKey, CreatedApiKey};
use shared_types::agents::{Agent, AgentRole};
use shared_types::auth::{CreatedAgent, PendingInvitation, SessionInfo};
use shared_types::chats::ConversationMessage;
use shared_types::error::ErrorCode;
use shared_types::realtime::RealtimeTicket;
use shared_types::DataList;
use tungstenite::Message as Frame;

use crate::browser::Browser;
use crate::client::{bearer, Ctx, TestWorkspace};
use crate::console::{
    as_console, click, el, login, session_cookie, unique_email, workspace_with_password, PASSWORD,
    WAIT,
};
use crate::realtime::{connect, feed, Socket};

crate::tests![
    an_admin_cannot_mint_any_credential_for_an_owner,
    removing_an_agent_ends_its_keys_sessions_sign_in_and_sockets,
    removal_follows_roles_keeps_the_last_owner_and_stays_in_its_workspace,
    revoking_a_key_closes_its_feed_and_room_sockets_and_its_unspent_tickets,
    signing_out_closes_the_sessions_sockets,
    lowering_a_role_closes_the_agents_sockets,
    in_the_browser_an_owner_removes_an_operator_after_confirming,
];

/// How long after a revocation is answered its sockets may take to close.
const CLOSE_WITHIN: Duration = Duration::from_secs(1);

/// What a closing socket said and how long after `since` its close arrived.
pub struct Closed {
    pub code: u16,
    pub reason: String,
    pub after: Duration,
    /// Frames that came before the close.
    pub frames: Vec<Value>,
}

/// Reads until the server closes the socket. `since` is when the revocation was
/// answered; a close that came earlier is read at once, so `after` is then about 0.
#[track_caller]
pub fn await_close(socket: &mut Socket, since: Instant) -> Closed {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut frames = Vec::new();
    while Instant::now() < deadline {
        match socket.read() {
            Ok(Frame::Close(close)) => {
                let (code, reason) = close
                    .map(|c| (u16::from(c.code), c.reason.to_string()))
                    .unwrap_or((1005, String::new()));
                return Closed {
                    code,
                    reason,
                    after: since.elapsed(),
                    frames,
                };
            }
            Ok(Frame::Text(text)) => frames.push(serde_json::from_str(&text).expect("json frame")),
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => panic!("the socket ended without a close frame: {e}"),
        }
    }
    panic!("no close within 10 s; frames meanwhile: {frames:?}");
}

/// Asserts the socket closed with 4001, a reason, within [`CLOSE_WITHIN`].
#[track_caller]
pub fn assert_revoked(socket: &mut Socket, since: Instant, what: &str) -> Closed {
    let closed = await_close(socket, since);
    assert_eq!(closed.code, 4001, "{what}: {}", closed.reason);
    assert!(!closed.reason.is_empty(), "{what}: a close needs a reason");
    assert!(
        closed.after <= CLOSE_WITHIN,
        "{what}: closed {:?} after the answer",
        closed.after
    );
    closed
}

/// Asserts no close arrives on the socket for `wait`.
#[track_caller]
pub fn assert_stays_open(socket: &mut Socket, wait: Duration) {
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        match socket.read() {
            Ok(Frame::Close(close)) => panic!("closed: {close:?}"),
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => panic!("socket failed: {e}"),
        }
    }
}

/// An agent of `role` added by the owner, with an API key of its own.
fn agent_with_key(ws: &TestWorkspace, name: &str, role: AgentRole) -> (Agent, String) {
    let created: CreatedAgent = ws
        .post(
            "/v1/agents",
            &json!({"name": name, "email": unique_email(name), "role": role.as_str()}),
        )
        .expect(201);
    let key: CreatedApiKey = ws
        .post(
            "/v1/api-keys",
            &json!({"name": name, "agent_id": created.agent.id}),
        )
        .expect(201);
    (created.agent, key.key)
}

fn agent_ids(ws: &TestWorkspace) -> Vec<String> {
    ws.get("/v1/agents")
        .expect::<DataList<Agent>>(200)
        .data
        .into_iter()
        .map(|a| a.id.as_str().to_string())
        .collect()
}

fn key_count(ctx: &Ctx, agent_id: &str) -> u64 {
    ctx.server.d1(&format!(
        "SELECT COUNT(*) AS n FROM api_keys WHERE agent_id = '{agent_id}'"
    ))[0]["n"]
        .as_u64()
        .unwrap_or(u64::MAX)
}

fn an_admin_cannot_mint_any_credential_for_an_owner(ctx: &Ctx) {
    let ws = ctx.workspace();
    let owner_id = ws.owner.id.as_str().to_string();
    let (admin, admin_key) = agent_with_key(&ws, "Admin", AgentRole::Admin);
    let (operator, operator_key) = agent_with_key(&ws, "Operator", AgentRole::Operator);
    let as_admin = |method: &str, path: &str, body: Option<&Value>| {
        ws.client.send(
            method,
            path,
            &[("Authorization", &bearer(&admin_key))],
            body,
        )
    };

    // The review's path: a key for the owner, then the owner's key promotes the admin.
    let owner_keys = key_count(ctx, &owner_id);
    as_admin(
        "POST",
        "/v1/api-keys",
        Some(&json!({"name": "take over", "agent_id": owner_id})),
    )
    .assert_error(ErrorCode::AuthForbidden);
    assert_eq!(key_count(ctx, &owner_id), owner_keys, "no key was made");

    // An invitation becomes a session: no owner invited by an admin either.
    let before = agent_ids(&ws);
    as_admin(
        "POST",
        "/v1/agents",
        Some(&json!({"name": "Boss", "email": unique_email("boss"), "role": "owner"})),
    )
    .assert_error(ErrorCode::AuthForbidden);
    assert_eq!(agent_ids(&ws), before, "nobody was added");

    // A new link for an owner who has not set a password yet is the owner's session.
    let invited: CreatedAgent = ws
        .post(
            "/v1/agents",
            &json!({"name": "Co-owner", "email": unique_email("coowner"), "role": "owner"}),
        )
        .expect(201);
    let links_of = || {
        ctx.server.d1(&format!(
            "SELECT token_hash FROM invitations WHERE agent_id = '{}' ORDER BY token_hash",
            invited.agent.id
        ))
    };
    let links = links_of();
    as_admin(
        "POST",
        &format!("/v1/agents/{}/invitation", invited.agent.id),
        None,
    )
    .assert_error(ErrorCode::AuthForbidden);
    assert_eq!(links_of(), links, "the old link stands, no new one");

    // Operators mint for nobody but themselves; an admin for itself, admins, operators.
    ws.client
        .send(
            "POST",
            "/v1/api-keys",
            &[("Authorization", &bearer(&operator_key))],
            Some(&json!({"name": "x", "agent_id": admin.id})),
        )
        .assert_error(ErrorCode::AuthForbidden);
    for target in [admin.id.as_str(), operator.id.as_str()] {
        as_admin(
            "POST",
            "/v1/api-keys",
            Some(&json!({"name": "ok", "agent_id": target})),
        )
        .expect::<CreatedApiKey>(201);
    }
    // And the admin still cannot promote itself.
    as_admin(
        "PATCH",
        &format!("/v1/agents/{}", admin.id),
        Some(&json!({"role": "owner"})),
    )
    .assert_error(ErrorCode::AuthForbidden);
    let roles: Vec<AgentRole> = ws
        .get("/v1/agents")
        .expect::<DataList<Agent>>(200)
        .data
        .iter()
        .filter(|a| a.id == admin.id)
        .map(|a| a.role)
        .collect();
    assert_eq!(roles, [AgentRole::Admin]);
}

fn removing_an_agent_ends_its_keys_sessions_sign_in_and_sockets(ctx: &Ctx) {
    let ws = ctx.workspace();
    let email = unique_email("leaver");
    let created: CreatedAgent = ws
        .post(
            "/v1/agents",
            &json!({"name": "Leaver", "email": email, "role": "operator"}),
        )
        .expect(201);
    let agent_id = created.agent.id.as_str().to_string();
    let accepted = ctx.client.send(
        "POST",
        "/v1/auth/accept-invite",
        &[],
        Some(&json!({"token": created.invitation.token, "password": PASSWORD})),
    );
    accepted.expect::<SessionInfo>(200);
    let cookie = session_cookie(&accepted);
    let key: CreatedApiKey = ws
        .post(
            "/v1/api-keys",
            &json!({"name": "leaver", "agent_id": agent_id}),
        )
        .expect(201);
    let as_key = |method: &str, path: &str, body: Option<&Value>| {
        ws.client
            .send(method, path, &[("Authorization", &bearer(&key.key))], body)
    };
    // Both credentials work, and their copies are cached by that use.
    as_key("GET", "/v1/agents", None).expect::<DataList<Agent>>(200);
    as_console(ctx, "GET", "/v1/auth/me", &cookie, None).expect::<SessionInfo>(200);

    // Chats: one open and assigned to the leaver, with a reply of theirs; one closed.
    let (open_chat, _) = ws.chat("Salom");
    let (closed_chat, _) = ws.chat("Yana salom");
    for chat in [&open_chat, &closed_chat] {
        ws.patch(
            &format!("/v1/chats/{chat}"),
            &json!({"assigned_to": agent_id}),
        )
        .expect::<Value>(200);
    }
    as_key(
        "POST",
        &format!("/v1/chats/{open_chat}/messages"),
        Some(&json!({"text": "Men yordam beraman"})),
    )
    .expect::<Value>(201);
    ws.patch(
        &format!("/v1/chats/{closed_chat}"),
        &json!({"status": "closed"}),
    )
    .expect::<Value>(200);

    // Sockets: a feed with the key, a room through a ticket of the session, and the
    // owner's feed that must hear the unassignment.
    let mut key_feed = feed(ctx, "", Some(&key.key)).expect("key feed");
    let t: RealtimeTicket = as_console(
        ctx,
        "POST",
        "/v1/realtime/tickets",
        &cookie,
        Some(&json!({})),
    )
    .expect(201);
    let mut session_room = feed(
        ctx,
        &format!("?chat_id={open_chat}&ticket={}", t.ticket),
        None,
    )
    .expect("session room");
    let mut owner_feed = feed(ctx, "", Some(&ws.api_key)).expect("owner feed");

    let resp = ws.delete(&format!("/v1/agents/{agent_id}"));
    assert_eq!(resp.status, 204, "{}", resp.text);
    let answered = Instant::now();
    assert_revoked(&mut key_feed, answered, "the key's feed");
    assert_revoked(&mut session_room, answered, "the session's room");

    // Listed nowhere.
    assert!(!agent_ids(&ws).contains(&agent_id));
    let invitations: DataList<PendingInvitation> = ws.get("/v1/agents/invitations").expect(200);
    assert!(invitations
        .data
        .iter()
        .all(|p| p.agent_id.as_str() != agent_id));
    // Every credential fails at once: the cached copies went with the removal.
    assert_eq!(as_key("GET", "/v1/agents", None).status, 401);
    as_console(ctx, "GET", "/v1/auth/me", &cookie, None)
        .assert_error(ErrorCode::AuthSessionInvalid);
    login(ctx, &email, PASSWORD).assert_error(ErrorCode::AuthInvalidCredentials);

    // The open chat is unassigned and the feed heard it; the closed one keeps its history.
    let open: Value = ws.get(&format!("/v1/chats/{open_chat}")).expect(200);
    assert_eq!(open["assigned_to"], Value::Null);
    assert_eq!(open["status"], "active");
    let heard = crate::realtime::next_of_where(&mut owner_feed, |f| {
        f["type"] == "chat.updated" && f["chat"]["id"] == open_chat.as_str()
    });
    assert_eq!(heard["chat"]["assigned_to"], Value::Null);
    let closed: Value = ws.get(&format!("/v1/chats/{closed_chat}")).expect(200);
    assert_eq!(closed["assigned_to"], agent_id.as_str());
    // Past messages keep the author's name.
    let messages: DataList<ConversationMessage> = ws
        .get(&format!("/v1/chats/{open_chat}/messages"))
        .expect(200);
    let reply = messages
        .data
        .iter()
        .find(|m| m.sender.id.as_deref() == Some(agent_id.as_str()))
        .expect("the leaver's reply");
    assert_eq!(reply.sender.name.as_deref(), Some("Leaver"));
    // The owner's counts stay right: the open chat counts for nobody now.
    let listed = ws.get("/v1/chats?status=assigned").json();
    assert_eq!(listed["pagination"]["total"], 0, "{listed}");

    // The email may be invited again, as a new agent.
    let again: CreatedAgent = ws
        .post(
            "/v1/agents",
            &json!({"name": "Back", "email": email, "role": "operator"}),
        )
        .expect(201);
    assert_ne!(again.agent.id.as_str(), agent_id);
    // Removing the removed is 404.
    ws.delete(&format!("/v1/agents/{agent_id}"))
        .assert_error(ErrorCode::AgentNotFound);
}

fn removal_follows_roles_keeps_the_last_owner_and_stays_in_its_workspace(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (admin, admin_key) = agent_with_key(&ws, "Admin", AgentRole::Admin);
    let (other_admin, _) = agent_with_key(&ws, "Admin2", AgentRole::Admin);
    let (operator, operator_key) = agent_with_key(&ws, "Operator", AgentRole::Operator);
    let (other_operator, _) = agent_with_key(&ws, "Operator2", AgentRole::Operator);
    let everyone = agent_ids(&ws);
    let delete_as = |key: &str, id: &str| {
        ws.client.send(
            "DELETE",
            &format!("/v1/agents/{id}"),
            &[("Authorization", &bearer(key))],
            None,
        )
    };
    for (key, target, who) in [
        (&admin_key, ws.owner.id.as_str(), "admin removes the owner"),
        (
            &admin_key,
            other_admin.id.as_str(),
            "admin removes an admin",
        ),
        (
            &operator_key,
            other_operator.id.as_str(),
            "operator removes an operator",
        ),
    ] {
        let resp = delete_as(key, target);
        assert_eq!(resp.status, 403, "{who}");
        resp.assert_error(ErrorCode::AuthForbidden);
    }
    // The only owner stays, even by its own hand.
    ws.delete(&format!("/v1/agents/{}", ws.owner.id))
        .assert_error(ErrorCode::LastOwner);
    // Another workspace's agent is not ours to see.
    let other = ctx.workspace();
    ws.delete(&format!("/v1/agents/{}", other.owner.id))
        .assert_error(ErrorCode::AgentNotFound);
    ws.delete("/v1/agents/not-an-id")
        .assert_error(ErrorCode::AgentNotFound);
    assert_eq!(agent_ids(&ws), everyone, "nothing changed");
    assert_eq!(agent_ids(&other).len(), 1);
    // The keys of those refused still work.
    ws.client
        .get("/v1/agents", &operator_key)
        .expect::<DataList<Agent>>(200);

    // An admin removes an operator.
    assert_eq!(delete_as(&admin_key, operator.id.as_str()).status, 204);
    assert!(!agent_ids(&ws).contains(&operator.id.as_str().to_string()));
    let _ = admin;
}

fn revoking_a_key_closes_its_feed_and_room_sockets_and_its_unspent_tickets(ctx: &Ctx) {
    let ws = ctx.workspace();
    let key = ws.extra_key();
    let (chat_id, visitor_token) = ws.chat("Salom");
    let mut revoked_feed = feed(ctx, "", Some(&key)).expect("feed");
    let mut revoked_room = connect(ctx, &chat_id, None, Some(&key)).expect("room");
    let mut kept_feed = feed(ctx, "", Some(&ws.api_key)).expect("the owner's main feed");
    let unspent: RealtimeTicket = ws
        .client
        .post("/v1/realtime/tickets", &key, &json!({}))
        .expect(201);
    let listed: DataList<ApiKey> = ws.get("/v1/api-keys").expect(200);
    let key_id = listed
        .data
        .iter()
        .find(|k| key.starts_with(&k.prefix) && k.name == "extra")
        .map(|k| k.id.as_str().to_string())
        .expect("the extra key listed");

    let resp = ws.delete(&format!("/v1/api-keys/{key_id}"));
    assert_eq!(resp.status, 204, "{}", resp.text);
    let answered = Instant::now();
    let feed_closed = assert_revoked(&mut revoked_feed, answered, "the key's feed");
    assert_revoked(&mut revoked_room, answered, "the key's room socket");

    // A visitor's new message reaches the kept feed, and nothing reached the revoked one.
    ws.client
        .post(
            &format!("/v1/visitor/chats/{chat_id}/messages"),
            &visitor_token,
            &json!({"text": "Kim bor?"}),
        )
        .expect::<ConversationMessage>(201);
    crate::realtime::next_of_where(&mut kept_feed, |f| {
        f["type"] == "chat.updated" && f["chat"]["id"] == chat_id.as_str()
    });
    assert!(
        feed_closed
            .frames
            .iter()
            .all(|f| !f.to_string().contains("Kim bor?")),
        "{:?}",
        feed_closed.frames
    );
    assert!(revoked_feed.read().is_err(), "the revoked feed is closed");
    // A ticket the key got before its revocation opens nothing.
    assert_eq!(
        feed(ctx, &format!("?ticket={}", unspent.ticket), None).err(),
        Some(401)
    );
    assert_eq!(feed(ctx, "", Some(&key)).err(), Some(401));
}

fn signing_out_closes_the_sessions_sockets(ctx: &Ctx) {
    let email = unique_email("signout");
    crate::console::workspace_with_password(ctx, &email);
    let resp = login(ctx, &email, PASSWORD);
    resp.expect::<SessionInfo>(200);
    let cookie = session_cookie(&resp);
    let ticket = |cookie: &str| {
        as_console(
            ctx,
            "POST",
            "/v1/realtime/tickets",
            cookie,
            Some(&json!({})),
        )
        .expect::<RealtimeTicket>(201)
        .ticket
    };
    let mut socket = feed(ctx, &format!("?ticket={}", ticket(&cookie)), None).expect("feed");
    // Another session of the same agent is another credential: it stays open.
    let other = session_cookie(&login(ctx, &email, PASSWORD));
    let mut other_socket =
        feed(ctx, &format!("?ticket={}", ticket(&other)), None).expect("other feed");

    let out = as_console(ctx, "POST", "/v1/auth/logout", &cookie, None);
    assert_eq!(out.status, 204, "{}", out.text);
    assert_revoked(&mut socket, Instant::now(), "the signed-out session's feed");
    assert_stays_open(&mut other_socket, Duration::from_millis(800));
}

fn lowering_a_role_closes_the_agents_sockets(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (admin, admin_key) = agent_with_key(&ws, "Admin", AgentRole::Admin);
    let mut socket = feed(ctx, "", Some(&admin_key)).expect("admin feed");
    // Raising or renaming takes nothing away: the socket stays.
    ws.patch(
        &format!("/v1/agents/{}", admin.id),
        &json!({"name": "Admin A"}),
    )
    .expect::<Agent>(200);
    assert_stays_open(&mut socket, Duration::from_millis(800));
    let resp = ws.patch(
        &format!("/v1/agents/{}", admin.id),
        &json!({"role": "operator"}),
    );
    resp.expect::<Agent>(200);
    assert_revoked(&mut socket, Instant::now(), "the lowered admin's feed");
    // A new socket has the new authority and is welcome.
    feed(ctx, "", Some(&admin_key)).expect("a new socket after the change");
}

fn in_the_browser_an_owner_removes_an_operator_after_confirming(ctx: &Ctx) {
    let email = unique_email("remover");
    let ws = crate::console::test_workspace(ctx, workspace_with_password(ctx, &email));
    let (operator, key) = agent_with_key(&ws, "Leaver", AgentRole::Operator);
    let mut socket = feed(ctx, "", Some(&key)).expect("the operator's feed");
    let browser = Browser::start(1280, 800);
    crate::console::sign_in(&browser, ctx, &email, PASSWORD);
    browser.wait_for(&format!("return {} !== null;", el("tab-agents")), WAIT);
    click(&browser, "tab-agents");
    let row = format!("[data-agent-id=\"{}\"]", operator.id);
    let in_row = |testid: &str| {
        browser.eval(
            "const e = document.querySelector(arguments[0] + ' [data-testid=\"' + arguments[1] + '\"]'); if (e) e.click(); return e !== null;",
            json!([row, testid]),
        )
    };
    browser.wait_for_with(
        "return document.querySelector(arguments[0] + ' [data-testid=\"agent-remove\"]') !== null;",
        json!([row]),
        WAIT,
    );
    // The first click only asks; keeping the agent changes nothing.
    assert_eq!(in_row("agent-remove"), json!(true));
    browser.wait_for_with(
        "return document.querySelector(arguments[0] + ' [data-testid=\"agent-remove-confirm\"]') !== null;",
        json!([row]),
        WAIT,
    );
    assert_eq!(in_row("agent-remove-no"), json!(true));
    assert_eq!(in_row("agent-remove-confirm"), json!(false));
    assert!(agent_ids(&ws).contains(&operator.id.as_str().to_string()));
    assert_stays_open(&mut socket, Duration::from_millis(300));

    assert_eq!(in_row("agent-remove"), json!(true));
    browser.wait_for_with(
        "return document.querySelector(arguments[0] + ' [data-testid=\"agent-remove-yes\"]') !== null;",
        json!([row]),
        WAIT,
    );
    assert_eq!(in_row("agent-remove-yes"), json!(true));
    browser.wait_for_with(
        "return document.querySelector(arguments[0]) === null;",
        json!([row]),
        WAIT,
    );
    assert!(!agent_ids(&ws).contains(&operator.id.as_str().to_string()));
    let closed = await_close(&mut socket, Instant::now());
    assert_eq!(closed.code, 4001, "{}", closed.reason);
    assert_eq!(ws.client.get("/v1/agents", &key).status, 401);
}
