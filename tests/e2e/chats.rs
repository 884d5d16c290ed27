//! The spec's Chats API for agents, and the conversation behind it.

use serde_json::json;
use shared_types::chats::{ChatDetail, ChatStatus, ChatSummary, ConversationMessage, Message};
use shared_types::error::ErrorCode;
use shared_types::pagination::ListResponse;
use shared_types::DataList;

use crate::client::{Ctx, TestWorkspace};

/// A key acting as a new operator of the workspace.
pub fn operator_key(ctx: &Ctx, ws: &TestWorkspace) -> String {
    let _ = ctx;
    let operator: shared_types::agents::Agent = ws
        .post(
            "/v1/agents",
            &json!({"name": "Olim", "email": format!("olim.{}@shop.example", ws.id.to_lowercase())}),
        )
        .expect(201);
    let key: shared_types::admin::CreatedApiKey = ws
        .post(
            "/v1/api-keys",
            &json!({"name": "operator", "agent_id": operator.id}),
        )
        .expect(201);
    key.key
}

#[crate::e2e_test]
fn a_visitor_chat_appears_in_the_list_with_the_spec_fields(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = ws.chat("Salom, narxlar haqida savol");
    let list: ListResponse<ChatSummary> = ws.get("/v1/chats").expect(200);
    assert_eq!(list.data.len(), 1);
    let chat = &list.data[0];
    assert_eq!(chat.id.as_str(), chat_id);
    assert_eq!(chat.visitor_name.as_deref(), Some("Ali"));
    assert_eq!(chat.visitor_email.as_deref(), Some("ali@example.com"));
    assert_eq!(chat.status, ChatStatus::Active);
    assert_eq!(chat.assigned_to, None);
    assert_eq!(chat.unread_count, 1);
    assert!(chat.last_message_at.ends_with('Z') && chat.created_at.ends_with('Z'));
    let p = &list.pagination;
    assert_eq!((p.page, p.limit, p.total, p.pages), (1, 20, 1, 1));
    let detail: ChatDetail = ws.get(&format!("/v1/chats/{chat_id}")).expect(200);
    assert_eq!(detail.visitor.name.as_deref(), Some("Ali"));
    assert_eq!(detail.tags, Vec::<String>::new());
    assert_eq!(detail.notes, None);
}

#[crate::e2e_test]
fn pagination_is_exact_at_the_edges(ctx: &Ctx) {
    let ws = ctx.workspace();
    let empty: ListResponse<ChatSummary> = ws.get("/v1/chats").expect(200);
    assert!(empty.data.is_empty());
    assert_eq!((empty.pagination.total, empty.pagination.pages), (0, 0));
    let token = ws.visitor("Ali");
    let mut ids = Vec::new();
    for i in 0..5 {
        let started: shared_types::visitor::StartedChat = ws
            .client
            .post(
                "/v1/visitor/chats",
                &token,
                &json!({"text": format!("savol {i}")}),
            )
            .expect(201);
        ids.push(started.chat.id.as_str().to_string());
    }
    let exact: ListResponse<ChatSummary> = ws.get("/v1/chats?limit=5").expect(200);
    assert_eq!(exact.data.len(), 5);
    assert_eq!((exact.pagination.total, exact.pagination.pages), (5, 1));
    let first: ListResponse<ChatSummary> = ws.get("/v1/chats?limit=2&page=1").expect(200);
    let last: ListResponse<ChatSummary> = ws.get("/v1/chats?limit=2&page=3").expect(200);
    let beyond: ListResponse<ChatSummary> = ws.get("/v1/chats?limit=2&page=4").expect(200);
    assert_eq!(first.data.len(), 2);
    assert_eq!(last.data.len(), 1, "the last page is partial");
    assert!(beyond.data.is_empty());
    assert_eq!(
        (
            last.pagination.page,
            last.pagination.total,
            last.pagination.pages
        ),
        (3, 5, 3)
    );
    // Every chat exactly once across the pages.
    let mut seen: Vec<String> = (1..=3)
        .flat_map(|p| {
            ws.get(&format!("/v1/chats?limit=2&page={p}"))
                .expect::<ListResponse<ChatSummary>>(200)
                .data
                .into_iter()
                .map(|c| c.id.as_str().to_string())
        })
        .collect();
    seen.sort();
    ids.sort();
    assert_eq!(seen, ids);
}

#[crate::e2e_test]
fn list_filters_by_status_and_agent(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (a, _) = ws.chat("one");
    let (b, _) = ws.chat("two");
    ws.chat("three");
    let owner = ws.owner.id.as_str();
    ws.patch(&format!("/v1/chats/{a}"), &json!({"assigned_to": owner}))
        .expect::<ChatDetail>(200);
    ws.patch(&format!("/v1/chats/{b}"), &json!({"status": "closed"}))
        .expect::<ChatDetail>(200);
    let count = |q: &str| {
        ws.get(&format!("/v1/chats?{q}"))
            .expect::<ListResponse<ChatSummary>>(200)
            .pagination
            .total
    };
    assert_eq!(count("status=active"), 1);
    assert_eq!(count("status=assigned"), 1);
    assert_eq!(count("status=closed"), 1);
    assert_eq!(count(&format!("agent_id={owner}")), 1);
    assert_eq!(count(&format!("agent_id={owner}&status=closed")), 0);
}

#[crate::e2e_test]
fn bad_list_parameters_get_400_req_005(ctx: &Ctx) {
    let ws = ctx.workspace();
    for q in [
        "limit=101",
        "limit=0",
        "page=0",
        "page=abc",
        "status=open",
        "agent_id=chat_x",
    ] {
        let envelope = ws
            .get(&format!("/v1/chats?{q}"))
            .assert_error(ErrorCode::InvalidQuery);
        let name = q.split('=').next().unwrap_or_default();
        assert!(
            envelope.error.details["fields"].get(name).is_some(),
            "{q}: {:?}",
            envelope.error.details
        );
    }
}

#[crate::e2e_test]
fn agent_reply_is_201_with_the_agent_as_sender_and_joins_the_conversation(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = ws.chat("Salom");
    let msg: Message = ws
        .post(
            &format!("/v1/chats/{chat_id}/messages"),
            &json!({"text": "Salom! Sizga qanday yordam bera olaman?"}),
        )
        .expect(201);
    assert!(msg.id.as_str().starts_with("msg_"));
    assert_eq!(msg.chat_id.as_str(), chat_id);
    assert_eq!(msg.sender.kind.as_str(), "agent");
    assert_eq!(msg.sender.id.as_deref(), Some(ws.owner.id.as_str()));
    assert_eq!(msg.sender.name.as_deref(), Some("Sara"));
    let convo: DataList<ConversationMessage> =
        ws.get(&format!("/v1/chats/{chat_id}/messages")).expect(200);
    let seqs: Vec<u64> = convo.data.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, vec![1, 2]);
    assert_eq!(
        convo.data[1].text,
        "Salom! Sizga qanday yordam bera olaman?"
    );
}

#[crate::e2e_test]
fn messages_after_a_seq_are_exactly_the_later_ones(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = ws.chat("1");
    for i in 2..=6 {
        ws.post(
            &format!("/v1/chats/{chat_id}/messages"),
            &json!({"text": i.to_string()}),
        )
        .expect::<Message>(201);
    }
    let after: DataList<ConversationMessage> = ws
        .get(&format!("/v1/chats/{chat_id}/messages?after=3"))
        .expect(200);
    let texts: Vec<&str> = after.data.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, vec!["4", "5", "6"]);
    let limited: DataList<ConversationMessage> = ws
        .get(&format!("/v1/chats/{chat_id}/messages?after=1&limit=2"))
        .expect(200);
    assert_eq!(
        limited.data.iter().map(|m| m.seq).collect::<Vec<_>>(),
        vec![2, 3]
    );
}

/// How many messages of `chat_id` the workspace's object holds.
fn message_count(ctx: &Ctx, ws: &TestWorkspace, chat_id: &str) -> u64 {
    ctx.server.workspace_query(
        &ws.id,
        &format!("SELECT COUNT(*) AS n FROM messages WHERE chat_id = '{chat_id}'"),
    )[0]["n"]
        .as_u64()
        .unwrap_or(u64::MAX)
}

#[crate::e2e_test]
fn invalid_messages_get_400_and_store_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = ws.chat("hi");
    let path = format!("/v1/chats/{chat_id}/messages");
    for (body, field, code) in [
        (json!({"text": ""}), "text", ErrorCode::Validation),
        (json!({"text": "   "}), "text", ErrorCode::Validation),
        (
            json!({"text": "x".repeat(10_001)}),
            "text",
            ErrorCode::Validation,
        ),
        (json!({"text": 5}), "text", ErrorCode::Validation),
        (json!({}), "text", ErrorCode::Validation),
        // A well-formed URL that is no file of this chat: what it names is not there.
        (
            json!({"text": "ok", "attachments": [{"type": "image", "url": "https://evil.example/x.png"}]}),
            "attachments",
            ErrorCode::FileNotFound,
        ),
        (
            json!({"text": "ok", "attachments": [{"type": "video", "url": "https://x.example/a"}]}),
            "attachments",
            ErrorCode::Validation,
        ),
    ] {
        let envelope = ws.post(&path, &body).assert_error(code);
        let fields = envelope.error.details["fields"]
            .as_object()
            .expect("fields");
        assert!(
            fields.keys().any(|k| k.starts_with(field) || k == "body"),
            "{field}: {fields:?}"
        );
    }
    assert_eq!(message_count(ctx, &ws, &chat_id), 1);
    // Exactly 10,000 characters is allowed (characters, not bytes).
    ws.post(&path, &json!({"text": "ö".repeat(10_000)}))
        .expect::<Message>(201);
}

#[crate::e2e_test]
fn patch_assigns_tags_notes_and_closes_with_valid_transitions(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = ws.chat("Premium tarif haqida");
    let path = format!("/v1/chats/{chat_id}");
    let owner = ws.owner.id.as_str();
    let assigned: ChatDetail = ws
        .patch(&path, &json!({"assigned_to": owner, "tags": ["vip", "premium"], "notes": "Mijoz premium tarif haqida so'radi"}))
        .expect(200);
    assert_eq!(
        assigned.status,
        ChatStatus::Assigned,
        "assigning sets status assigned"
    );
    assert_eq!(
        assigned.assigned_to.as_ref().map(|a| a.as_str()),
        Some(owner)
    );
    assert_eq!(assigned.tags, vec!["vip", "premium"]);
    // Only the fields sent change.
    let tagged: ChatDetail = ws
        .patch(&path, &json!({"tags": ["resolved", "billing"]}))
        .expect(200);
    assert_eq!(
        tagged.notes.as_deref(),
        Some("Mijoz premium tarif haqida so'radi")
    );
    assert_eq!(tagged.status, ChatStatus::Assigned);
    // A tag given twice is kept once, where it first came, wherever the repeat is.
    let repeated: ChatDetail = ws
        .patch(&path, &json!({"tags": ["vip", "x", "vip"]}))
        .expect(200);
    assert_eq!(repeated.tags, ["vip", "x"]);
    let stored: ChatDetail = ws.get(&path).expect(200);
    assert_eq!(stored.tags, ["vip", "x"]);
    let closed: ChatDetail = ws
        .patch(
            &path,
            &json!({"status": "closed", "notes": "Muammo hal qilindi"}),
        )
        .expect(200);
    assert_eq!(closed.status, ChatStatus::Closed);
    let row = &ctx.server.workspace_query(
        &ws.id,
        &format!("SELECT closed_at, reopened_count FROM chats WHERE id = '{chat_id}'"),
    )[0];
    assert!(
        row["closed_at"].is_string(),
        "closing sets the resolution time"
    );
    let reopened: ChatDetail = ws.patch(&path, &json!({"status": "assigned"})).expect(200);
    assert_eq!(reopened.status, ChatStatus::Assigned);
    let row = &ctx.server.workspace_query(
        &ws.id,
        &format!("SELECT closed_at, reopened_count FROM chats WHERE id = '{chat_id}'"),
    )[0];
    assert_eq!(row["reopened_count"], 1, "reopening is counted");
    assert!(row["closed_at"].is_null());
    let unassigned: ChatDetail = ws.patch(&path, &json!({"assigned_to": null})).expect(200);
    assert_eq!(unassigned.status, ChatStatus::Active);
    assert_eq!(unassigned.assigned_to, None);
}

#[crate::e2e_test]
fn invalid_transitions_get_409_chat_002_and_change_nothing(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = ws.chat("hi");
    let path = format!("/v1/chats/{chat_id}");
    let before: ChatDetail = ws.get(&path).expect(200);
    ws.patch(&path, &json!({"status": "assigned", "tags": ["x"]}))
        .assert_error(ErrorCode::InvalidStatusTransition);
    ws.patch(&path, &json!({"status": "pending"}))
        .assert_error(ErrorCode::Validation);
    ws.patch(&path, &json!({"tags": ["ok", ""]}))
        .assert_error(ErrorCode::Validation);
    ws.patch(&path, &json!({"status": null}))
        .assert_error(ErrorCode::Validation);
    assert_eq!(ws.get(&path).expect::<ChatDetail>(200), before);
}

#[crate::e2e_test]
fn assigning_an_unknown_agent_is_404_agent_001(ctx: &Ctx) {
    let ws = ctx.workspace();
    let other = ctx.workspace();
    let (chat_id, _) = ws.chat("hi");
    let path = format!("/v1/chats/{chat_id}");
    let before: ChatDetail = ws.get(&path).expect(200);
    for agent in ["agent_nosuchagent", other.owner.id.as_str()] {
        ws.patch(&path, &json!({"assigned_to": agent}))
            .assert_error(ErrorCode::AgentNotFound);
    }
    assert_eq!(ws.get(&path).expect::<ChatDetail>(200), before);
}

#[crate::e2e_test]
fn replying_to_a_closed_chat_is_409_chat_003(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, _) = ws.chat("hi");
    ws.patch(
        &format!("/v1/chats/{chat_id}"),
        &json!({"status": "closed"}),
    )
    .expect::<ChatDetail>(200);
    ws.post(
        &format!("/v1/chats/{chat_id}/messages"),
        &json!({"text": "late"}),
    )
    .assert_error(ErrorCode::ChatClosed);
    assert_eq!(message_count(ctx, &ws, &chat_id), 1);
}

#[crate::e2e_test]
fn another_workspaces_chat_is_404_everywhere(ctx: &Ctx) {
    let mine = ctx.workspace();
    let theirs = ctx.workspace();
    let (chat_id, _) = theirs.chat("private");
    let path = format!("/v1/chats/{chat_id}");
    mine.get(&path).assert_error(ErrorCode::ChatNotFound);
    mine.patch(&path, &json!({"status": "closed"}))
        .assert_error(ErrorCode::ChatNotFound);
    mine.post(&format!("{path}/messages"), &json!({"text": "x"}))
        .assert_error(ErrorCode::ChatNotFound);
    mine.get(&format!("{path}/messages"))
        .assert_error(ErrorCode::ChatNotFound);
    mine.get("/v1/chats/not_a_chat_id")
        .assert_error(ErrorCode::ChatNotFound);
    assert!(mine
        .get("/v1/chats")
        .expect::<ListResponse<ChatSummary>>(200)
        .data
        .is_empty());
    let theirs_view: ChatDetail = theirs.get(&path).expect(200);
    assert_eq!(theirs_view.status, ChatStatus::Active);
    // The refused reply is in neither workspace's database.
    assert_eq!(
        (
            message_count(ctx, &theirs, &chat_id),
            message_count(ctx, &mine, &chat_id)
        ),
        (1, 0)
    );
}

#[crate::e2e_test]
fn agent_read_resets_unread_count(ctx: &Ctx) {
    let ws = ctx.workspace();
    let (chat_id, token) = ws.chat("one");
    ws.client
        .post(
            &format!("/v1/visitor/chats/{chat_id}/messages"),
            &token,
            &json!({"text": "two"}),
        )
        .expect::<ConversationMessage>(201);
    let unread = |ws: &TestWorkspace| {
        ws.get("/v1/chats")
            .expect::<ListResponse<ChatSummary>>(200)
            .data[0]
            .unread_count
    };
    assert_eq!(unread(&ws), 2);
    assert_eq!(
        ws.post(&format!("/v1/chats/{chat_id}/read"), &json!({}))
            .status,
        204
    );
    assert_eq!(unread(&ws), 0);
}

#[crate::e2e_test]
fn agents_counts_are_computed_from_chats(ctx: &Ctx) {
    let ws = ctx.workspace();
    let owner = ws.owner.id.as_str();
    let (a, _) = ws.chat("a");
    let (b, _) = ws.chat("b");
    ws.patch(&format!("/v1/chats/{a}"), &json!({"assigned_to": owner}))
        .expect::<ChatDetail>(200);
    ws.patch(&format!("/v1/chats/{b}"), &json!({"assigned_to": owner}))
        .expect::<ChatDetail>(200);
    ws.patch(&format!("/v1/chats/{b}"), &json!({"status": "closed"}))
        .expect::<ChatDetail>(200);
    let agents: DataList<shared_types::agents::Agent> = ws.get("/v1/agents").expect(200);
    assert_eq!(
        (agents.data[0].active_chats, agents.data[0].total_chats),
        (1, 2)
    );
}
