//! Automatic assignment (settings section `assignment`): chats waiting for an agent go
//! to an online agent with room, by the rules of [`crate::domain::assignment`]. The
//! object gives them out in the same step as whatever freed or brought them (a new
//! chat, a reopened one, a chat closing, an agent coming online), one request at a
//! time, so no chat is given twice and nobody over the cap. Whoever made the step then
//! tells the feed (`chat.updated`), the chat's room and the webhooks (`chat.assigned`).

use shared_types::chats::ChatSummary;
use shared_types::realtime::ServerFrame;
use shared_types::webhooks::WebhookEvent;

use crate::error::ApiError;
use crate::objects::workspace::client::ask;
use crate::objects::workspace::protocol::{AssignmentOp, Request};
use crate::services::sockets;
use crate::state::AppState;

/// Records that `agent_id` is (or is no longer) online; coming online gives them
/// waiting chats. Returns the chats given.
pub async fn presence(
    state: &AppState,
    workspace_id: &str,
    agent_id: &str,
    online: bool,
) -> Result<Vec<ChatSummary>, ApiError> {
    let now = crate::domain::time::now();
    let reclaim_at = (!online).then(|| crate::domain::time::format(now + reclaim_after(state)));
    ask(
        state,
        workspace_id,
        &Request::Assignment(AssignmentOp::Presence {
            workspace_id: workspace_id.to_string(),
            agent_id: agent_id.to_string(),
            online,
            now: crate::domain::time::format(now),
            reclaim_at,
        }),
    )
    .await
}

/// Gives waiting chats to online agents with room, now: after a removed agent's chats
/// went back to the queue, so they need not wait for the next chat or close.
pub async fn give_out_now(state: &AppState, workspace_id: &str) -> Result<(), ApiError> {
    let given: Vec<ChatSummary> = ask(
        state,
        workspace_id,
        &Request::Assignment(AssignmentOp::GiveOut {
            now: crate::domain::time::now_rfc3339(),
        }),
    )
    .await?;
    announce(state, workspace_id, given).await;
    Ok(())
}

/// How long an agent may be gone before their unanswered chats go to others: long
/// enough for a page reload or a train tunnel.
pub fn reclaim_after(state: &AppState) -> chrono::Duration {
    state.seconds_var("ASSIGNMENT_RECLAIM_SECONDS", 120)
}

/// Tells everyone about chats just given out: the feed and each chat's room hear
/// `chat.updated`, the webhooks `chat.assigned` with the chat as it now is.
pub async fn announce(state: &AppState, workspace_id: &str, given: Vec<ChatSummary>) {
    for chat in &given {
        sockets::publish_chat(state, workspace_id, chat.clone()).await;
    }
    announce_elsewhere(state, workspace_id, given).await;
}

/// [`announce`] less the feed (for the feed's own object, which tells its sockets).
pub async fn announce_elsewhere(state: &AppState, workspace_id: &str, given: Vec<ChatSummary>) {
    for chat in given {
        let chat_id = chat.id.clone();
        sockets::broadcast(state, &chat_id, &ServerFrame::ChatUpdated { chat }).await;
        match crate::services::chats::detail(state, workspace_id, &chat_id).await {
            Ok(detail) => {
                crate::webhooks::emit(
                    state,
                    workspace_id,
                    WebhookEvent::ChatAssigned,
                    Some(chat_id.as_str()),
                    &detail,
                )
                .await
            }
            Err(e) => worker::console_error!(
                "webhook event chat.assigned of {chat_id} was not enqueued: {:?}",
                e.cause
            ),
        }
    }
}

/// [`announce`] from inside the workspace's object (its alarm), which must not call
/// itself: the chats' details and the webhooks are read from `sql`.
pub async fn announce_moved(
    state: &AppState,
    sql: &worker::SqlStorage,
    workspace_id: &str,
    moved: Vec<ChatSummary>,
) {
    let targets = crate::services::webhooks::object::targets(sql).unwrap_or_default();
    let mut assigned = Vec::new();
    for chat in &moved {
        if chat.assigned_to.is_some() {
            if let Ok(Some(detail)) = crate::services::chats::object::detail(sql, chat.id.as_str())
            {
                assigned.push(detail);
            }
        }
    }
    for chat in moved {
        let chat_id = chat.id.clone();
        sockets::publish_chat(state, workspace_id, chat.clone()).await;
        sockets::broadcast(state, &chat_id, &ServerFrame::ChatUpdated { chat }).await;
    }
    for detail in assigned {
        crate::webhooks::emit_to(
            state,
            workspace_id,
            &targets,
            WebhookEvent::ChatAssigned,
            Some(detail.id.as_str()),
            &detail,
        )
        .await;
    }
}

/// The SQL, run inside the workspace's object.
pub mod object {
    use serde::Deserialize;
    use shared_types::chats::ChatSummary;
    use shared_types::settings::{Assignment, AssignmentMode};
    use worker::SqlStorage;

    use crate::domain::assignment::{distribute, Candidate};
    use crate::error::ApiError;
    use crate::objects::workspace::answer;
    use crate::objects::workspace::protocol::AssignmentOp;
    use crate::objects::workspace::sql::{earliest, rows, run};
    use crate::services::chats::object::summary;

    /// At most this many waiting chats are given out in one step; the next step (any
    /// chat, close or agent) gives out more.
    const BATCH: u32 = 200;

    pub fn handle(sql: &SqlStorage, op: AssignmentOp) -> Result<String, ApiError> {
        match op {
            AssignmentOp::Presence {
                workspace_id,
                agent_id,
                online,
                now,
                reclaim_at,
            } => {
                run(
                    sql,
                    "INSERT INTO agent_presence (agent_id, online, changed_at, reclaim_at,
                                                 workspace_id)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (agent_id) DO UPDATE SET online = excluded.online,
                                                          changed_at = excluded.changed_at,
                                                          reclaim_at = excluded.reclaim_at",
                    vec![
                        agent_id.as_str().into(),
                        i64::from(online).into(),
                        now.as_str().into(),
                        reclaim_at.into(),
                        workspace_id.into(),
                    ],
                )?;
                let given = if online {
                    give_out(sql, &now)?
                } else {
                    Vec::new()
                };
                answer(given)
            }
            AssignmentOp::GiveOut { now } => answer(give_out(sql, &now)?),
        }
    }

    /// Chats an agent holds that no agent has answered yet.
    const UNANSWERED: &str =
        "c.assigned_to = p.agent_id AND c.status = 'assigned' AND c.agents_replied = 0";

    /// When the first agent gone offline with unanswered chats is due to lose them.
    pub fn next_reclaim(
        sql: &SqlStorage,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
        // By hand, an agent keeps their chats however long they are away.
        if rules(sql)?.mode == AssignmentMode::Manual {
            return Ok(None);
        }
        earliest(
            sql,
            &format!(
                "SELECT MIN(p.reclaim_at) AS at FROM agent_presence p
                  WHERE p.online = 0 AND p.reclaim_at IS NOT NULL
                    AND EXISTS (SELECT 1 FROM chats c WHERE {UNANSWERED})"
            ),
        )
    }

    /// Takes the unanswered chats of agents offline past their `reclaim_at` back into
    /// the queue, then gives the queue out: the summaries of every chat that moved, as
    /// they now are (with their new agent, or nobody's).
    pub fn reclaim(
        sql: &SqlStorage,
        now: &str,
    ) -> Result<(Option<String>, Vec<ChatSummary>), ApiError> {
        #[derive(Deserialize)]
        struct Taken {
            id: String,
        }
        #[derive(Deserialize)]
        struct Workspace {
            workspace_id: String,
        }
        let workspace_id = rows::<Workspace>(
            sql,
            "SELECT workspace_id FROM agent_presence LIMIT 1",
            vec![],
        )?
        .into_iter()
        .next()
        .map(|w| w.workspace_id);
        if rules(sql)?.mode == AssignmentMode::Manual {
            return Ok((workspace_id, Vec::new()));
        }
        let taken: Vec<Taken> = rows(
            sql,
            &format!(
                "UPDATE chats SET assigned_to = NULL, status = 'active', updated_at = ?1
                  WHERE id IN (SELECT c.id FROM chats c JOIN agent_presence p
                                 ON {UNANSWERED}
                                WHERE p.online = 0 AND p.reclaim_at <= ?1
                                ORDER BY c.created_at LIMIT ?2)
                 RETURNING id"
            ),
            // A step moves a batch; the alarm, due again at once, moves the rest.
            vec![now.into(), i64::from(BATCH).into()],
        )?;
        if taken.is_empty() {
            return Ok((workspace_id, Vec::new()));
        }
        let given = give_out(sql, now)?;
        let mut moved = Vec::with_capacity(taken.len());
        for t in taken {
            match given.iter().find(|g| g.id.as_str() == t.id) {
                Some(g) => moved.push(g.clone()),
                None => moved.extend(summary(sql, &t.id)?),
            }
        }
        // Chats of the queue given out with them.
        let others: Vec<ChatSummary> = given
            .into_iter()
            .filter(|g| !moved.iter().any(|m| m.id == g.id))
            .collect();
        moved.extend(others);
        Ok((workspace_id, moved))
    }

    fn rules(sql: &SqlStorage) -> Result<Assignment, ApiError> {
        #[derive(Deserialize)]
        struct Row {
            value: String,
        }
        let found: Vec<Row> = rows(
            sql,
            "SELECT value FROM settings WHERE section = 'assignment'",
            vec![],
        )?;
        Ok(found
            .first()
            .and_then(|r| serde_json::from_str(&r.value).ok())
            .unwrap_or_default())
    }

    /// Gives the waiting chats (open, nobody's), oldest first, to the online agents with
    /// room; the summaries of those given.
    pub fn give_out(sql: &SqlStorage, now: &str) -> Result<Vec<ChatSummary>, ApiError> {
        let rules = rules(sql)?;
        if rules.mode == AssignmentMode::Manual {
            return Ok(Vec::new());
        }
        #[derive(Deserialize)]
        struct Online {
            agent_id: String,
            active: u32,
        }
        let online: Vec<Online> = rows(
            sql,
            "SELECT p.agent_id,
                    COALESCE((SELECT n FROM chat_counts
                               WHERE status = 'assigned' AND assigned_to = p.agent_id), 0) AS active
               FROM agent_presence p WHERE p.online = 1",
            vec![],
        )?;
        if online.is_empty() {
            return Ok(Vec::new());
        }
        #[derive(Deserialize)]
        struct Waiting {
            id: String,
        }
        let waiting: Vec<String> = rows::<Waiting>(
            sql,
            "SELECT id FROM chats WHERE status = 'active' AND assigned_to IS NULL
              ORDER BY created_at, id LIMIT ?",
            vec![i64::from(BATCH).into()],
        )?
        .into_iter()
        .map(|w| w.id)
        .collect();
        if waiting.is_empty() {
            return Ok(Vec::new());
        }
        #[derive(Deserialize)]
        struct Turn {
            last_agent: Option<String>,
        }
        let last = rows::<Turn>(
            sql,
            "SELECT last_agent FROM assignment_turn WHERE id = 1",
            vec![],
        )?
        .into_iter()
        .next()
        .and_then(|t| t.last_agent);
        let candidates = online
            .into_iter()
            .map(|o| Candidate {
                agent_id: o.agent_id,
                active: o.active,
            })
            .collect();
        let (given, last) = distribute(&rules, candidates, last, &waiting);
        let mut summaries = Vec::with_capacity(given.len());
        for (chat_id, agent_id) in &given {
            run(
                sql,
                "UPDATE chats SET assigned_to = ?2, status = 'assigned', updated_at = ?3
                  WHERE id = ?1 AND assigned_to IS NULL AND status = 'active'",
                vec![
                    chat_id.as_str().into(),
                    agent_id.as_str().into(),
                    now.into(),
                ],
            )?;
            if let Some(s) = summary(sql, chat_id)? {
                summaries.push(s);
            }
        }
        run(
            sql,
            "INSERT INTO assignment_turn (id, last_agent) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET last_agent = excluded.last_agent",
            vec![last.into()],
        )?;
        Ok(summaries)
    }
}
