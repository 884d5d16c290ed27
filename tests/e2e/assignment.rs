//! Automatic assignment against `wrangler dev`, with real agent sockets for online:
//! round robin and least busy over three agents, the cap, and the queue that drains
//! when an agent comes online or a chat closes.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};

use crate::client::{Ctx, TestWorkspace};
use crate::harness::eventually;
use crate::realtime::{feed, next, Socket};

/// A new operator with an API key: (agent id, key).
fn agent(ws: &TestWorkspace, name: &str) -> (String, String) {
    let created: Value = ws
        .post(
            "/v1/agents",
            &json!({"name": name, "email": format!("{}.{}@shop.example", name.to_lowercase(), ws.id.to_lowercase())}),
        )
        .expect(201);
    let id = created["id"].as_str().unwrap_or_default().to_string();
    let key: Value = ws
        .post("/v1/api-keys", &json!({"name": name, "agent_id": id}))
        .expect(201);
    (id, key["key"].as_str().unwrap_or_default().to_string())
}

/// Opens the agent's feed, which makes them online, and waits until the directory
/// says so.
fn online(ctx: &Ctx, ws: &TestWorkspace, id: &str, key: &str) -> Socket {
    let socket = feed(ctx, "", Some(key)).expect("agent feed");
    eventually(
        "the agent to be online",
        Duration::from_secs(10),
        Duration::from_millis(50),
        || {
            let agents = ws.get("/v1/agents").json();
            let row = agents["data"]
                .as_array()
                .and_then(|a| a.iter().find(|r| r["id"] == id).cloned());
            match row {
                Some(r) if r["status"] == "online" => Ok(()),
                other => Err(other),
            }
        },
    );
    socket
}

fn mode(ws: &TestWorkspace, mode: &str, cap: Option<u32>) {
    ws.patch(
        "/v1/settings",
        &json!({"assignment": {"mode": mode, "max_active_per_agent": cap}}),
    )
    .expect::<Value>(200);
}

fn assignee(ws: &TestWorkspace, chat: &str) -> Option<String> {
    let d = ws.get(&format!("/v1/chats/{chat}")).json();
    d["assigned_to"].as_str().map(str::to_string)
}

fn counts(ws: &TestWorkspace, chats: &[String]) -> BTreeMap<String, usize> {
    let mut by = BTreeMap::new();
    for c in chats {
        *by.entry(assignee(ws, c).unwrap_or_else(|| "nobody".into()))
            .or_insert(0) += 1;
    }
    by
}

#[crate::e2e_test]
fn round_robin_gives_nine_chats_to_three_online_agents_in_turn(ctx: &Ctx) {
    let ws = ctx.workspace();
    let mut agents = [
        agent(&ws, "Aziz"),
        agent(&ws, "Bobur"),
        agent(&ws, "Dilshod"),
    ];
    agents.sort();
    let mut sockets: Vec<Socket> = agents
        .iter()
        .map(|(id, key)| online(ctx, &ws, id, key))
        .collect();
    mode(&ws, "round_robin", None);
    let chats: Vec<String> = (0..9).map(|i| ws.chat(&format!("Savol {i}")).0).collect();
    let given: Vec<String> = chats
        .iter()
        .map(|c| assignee(&ws, c).unwrap_or_default())
        .collect();
    // In turn, whoever came first: each agent every third chat.
    let first = agents
        .iter()
        .position(|(id, _)| *id == given[0])
        .expect("the first chat went to one of them");
    let expected: Vec<String> = (0..9).map(|i| agents[(first + i) % 3].0.clone()).collect();
    assert_eq!(given, expected);
    for c in &chats {
        assert_eq!(
            ws.get(&format!("/v1/chats/{c}")).json()["status"],
            "assigned"
        );
    }
    // The feed says so: the last chat's update names its agent.
    let last = chats[8].as_str();
    let heard = crate::harness::poll(Duration::from_secs(5), Duration::ZERO, || {
        next(&mut sockets[0], Duration::ZERO).filter(|f| {
            f["type"] == "chat.updated"
                && f["chat"]["id"] == last
                && f["chat"]["assigned_to"] == given[8].as_str()
        })
    });
    assert!(heard.is_ok(), "no chat.updated with the assignee of {last}");
}

#[crate::e2e_test]
fn least_busy_evens_out_three_agents_loads(ctx: &Ctx) {
    let ws = ctx.workspace();
    let agents = [
        agent(&ws, "Aziz"),
        agent(&ws, "Bobur"),
        agent(&ws, "Dilshod"),
    ];
    let _sockets: Vec<Socket> = agents
        .iter()
        .map(|(id, key)| online(ctx, &ws, id, key))
        .collect();
    // Loads of 2, 1 and 0, given by hand while assignment is manual.
    let mut held = Vec::new();
    for (who, n) in [(0, 2), (1, 1)] {
        for _ in 0..n {
            let (chat, _) = ws.chat("Qo'lda");
            ws.patch(
                &format!("/v1/chats/{chat}"),
                &json!({"assigned_to": agents[who].0}),
            )
            .expect::<Value>(200);
            held.push(chat);
        }
    }
    mode(&ws, "least_busy", None);
    let fresh: Vec<String> = (0..6).map(|i| ws.chat(&format!("Yangi {i}")).0).collect();
    let mut all = held;
    all.extend(fresh.iter().cloned());
    let loads = counts(&ws, &all);
    for (id, _) in &agents {
        assert_eq!(loads.get(id), Some(&3), "{loads:?}");
    }
    // The one with none got the first new chat.
    assert_eq!(
        assignee(&ws, &fresh[0]).as_deref(),
        Some(agents[2].0.as_str())
    );
}

#[crate::e2e_test]
fn over_the_cap_chats_wait_and_go_out_when_an_agent_comes_online_or_a_chat_closes(ctx: &Ctx) {
    let ws = ctx.workspace();
    let a = agent(&ws, "Aziz");
    let b = agent(&ws, "Bobur");
    let c = agent(&ws, "Dilshod");
    let _a = online(ctx, &ws, &a.0, &a.1);
    let _b = online(ctx, &ws, &b.0, &b.1);
    mode(&ws, "round_robin", Some(2));
    let chats: Vec<String> = (0..5).map(|i| ws.chat(&format!("Savol {i}")).0).collect();
    let loads = counts(&ws, &chats);
    assert_eq!(loads.get(&a.0), Some(&2), "{loads:?}");
    assert_eq!(loads.get(&b.0), Some(&2), "{loads:?}");
    // The fifth waits, the oldest of those waiting, unassigned and active.
    let waiting = &chats[4];
    assert_eq!(assignee(&ws, waiting), None);
    assert_eq!(
        ws.get(&format!("/v1/chats/{waiting}")).json()["status"],
        "active"
    );

    // A third agent comes online and is given it at once.
    let _c = online(ctx, &ws, &c.0, &c.1);
    eventually(
        "the waiting chat to go to the agent who came online",
        Duration::from_secs(5),
        Duration::from_millis(50),
        || match assignee(&ws, waiting) {
            Some(who) if who == c.0 => Ok(()),
            other => Err(other),
        },
    );
    let sixth = ws.chat("Oltinchi").0;
    assert_eq!(assignee(&ws, &sixth).as_deref(), Some(c.0.as_str()));
    // Everyone is full now: the seventh waits until one of Aziz's chats closes.
    let seventh = ws.chat("Yettinchi").0;
    assert_eq!(assignee(&ws, &seventh), None);
    let azizs = chats
        .iter()
        .find(|ch| assignee(&ws, ch).as_deref() == Some(a.0.as_str()))
        .expect("a chat of Aziz")
        .clone();
    ws.patch(&format!("/v1/chats/{azizs}"), &json!({"status": "closed"}))
        .expect::<Value>(200);
    assert_eq!(assignee(&ws, &seventh).as_deref(), Some(a.0.as_str()));
    // Nobody went over two open chats.
    let mut open = chats.clone();
    open.extend([sixth, seventh]);
    open.retain(|ch| ch != &azizs);
    for (who, n) in counts(&ws, &open) {
        assert!(n <= 2, "{who} holds {n}");
    }
}

#[crate::e2e_test]
fn an_agent_gone_offline_loses_only_their_unanswered_chats_to_the_queue(ctx: &Ctx) {
    let ws = ctx.workspace();
    let a = agent(&ws, "Aziz");
    let a_socket = online(ctx, &ws, &a.0, &a.1);
    mode(&ws, "round_robin", None);
    let unanswered = ws.chat("Javob bering").0;
    let answered = ws.chat("Rahmat").0;
    assert_eq!(assignee(&ws, &unanswered).as_deref(), Some(a.0.as_str()));
    assert_eq!(assignee(&ws, &answered).as_deref(), Some(a.0.as_str()));
    ctx.client
        .post(
            &format!("/v1/chats/{answered}/messages"),
            &a.1,
            &json!({"text": "Marhamat"}),
        )
        .expect::<Value>(201);
    // Bobur is online; Aziz's last socket closes. After the grace for a reload
    // (10 s) and the reclaim wait (2 s here, 2 minutes by default), the unanswered
    // chat goes to Bobur and the answered one stays Aziz's.
    let b = agent(&ws, "Bobur");
    let _b = online(ctx, &ws, &b.0, &b.1);
    drop(a_socket);
    eventually(
        "the unanswered chat to go to the agent still online",
        Duration::from_secs(40),
        Duration::from_millis(250),
        || match assignee(&ws, &unanswered) {
            Some(who) if who == b.0 => Ok(()),
            other => Err(other),
        },
    );
    assert_eq!(assignee(&ws, &answered).as_deref(), Some(a.0.as_str()));
}

/// By hand (the default), an agent who leaves keeps every chat they hold.
#[crate::e2e_test]
fn assigning_by_hand_an_agent_gone_offline_keeps_their_chats(ctx: &Ctx) {
    let ws = ctx.workspace();
    let a = agent(&ws, "Aziz");
    let socket = online(ctx, &ws, &a.0, &a.1);
    let chat = ws.chat("Qo'lda beriladi").0;
    assert_eq!(assignee(&ws, &chat), None, "manual gives nothing by itself");
    ws.patch(&format!("/v1/chats/{chat}"), &json!({"assigned_to": a.0}))
        .expect::<Value>(200);
    drop(socket);
    eventually(
        "the agent to be offline",
        Duration::from_secs(30),
        Duration::from_millis(250),
        || {
            let agents = ws.get("/v1/agents").json();
            let row = agents["data"]
                .as_array()
                .and_then(|r| r.iter().find(|r| r["id"] == a.0.as_str()).cloned());
            match row {
                Some(r) if r["status"] == "offline" => Ok(()),
                other => Err(other),
            }
        },
    );
    // Past the reclaim time (2 s here) the chat is still theirs.
    let taken = crate::harness::poll(Duration::from_secs(4), Duration::from_millis(250), || {
        (assignee(&ws, &chat).as_deref() != Some(a.0.as_str())).then_some(())
    });
    assert!(
        taken.is_err(),
        "the chat left its agent: {:?}",
        assignee(&ws, &chat)
    );
}

/// A removed agent's open chats go at once to whoever is online with room, answered
/// or not: there is no one to come back.
#[crate::e2e_test]
fn a_removed_agents_chats_go_at_once_to_the_agents_online(ctx: &Ctx) {
    let ws = ctx.workspace();
    let a = agent(&ws, "Aziz");
    let _a = online(ctx, &ws, &a.0, &a.1);
    mode(&ws, "round_robin", None);
    let first = ws.chat("Birinchi").0;
    ctx.client
        .post(
            &format!("/v1/chats/{first}/messages"),
            &a.1,
            &json!({"text": "Marhamat"}),
        )
        .expect::<Value>(201);
    let second = ws.chat("Ikkinchi").0;
    assert_eq!(
        counts(&ws, &[first.clone(), second.clone()]).get(&a.0),
        Some(&2)
    );
    let b = agent(&ws, "Bobur");
    let _b = online(ctx, &ws, &b.0, &b.1);
    let removed = ws.client.send(
        "DELETE",
        &format!("/v1/agents/{}", a.0),
        &[("Authorization", &crate::client::bearer(&ws.api_key))],
        None,
    );
    assert_eq!(removed.status, 204, "{}", removed.text);
    // At once: read straight after the answer, no other event in between.
    for chat in [&first, &second] {
        assert_eq!(assignee(&ws, chat).as_deref(), Some(b.0.as_str()), "{chat}");
    }
}
